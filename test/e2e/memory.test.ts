// The machine's memory as a whole process sees it: --memory sizes the frame pool (MemTotal,
// sysinfo), running out of frames ends the biggest process with SIGKILL and one line on stderr
// while ecall itself exits cleanly, a shared file mapping reaches the host file at exit, and
// mapping 1 GiB, touching 10 MiB and unmapping costs the host about 10 MiB.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createSimHost } from '../../src/host/node.js';
import { Kernel } from '../../src/kernel/kernel.js';
import { repoRoot } from '../helpers/guest_cases.js';

const root = repoRoot();
const MiB = 1024 * 1024;
/** A run of a small guest; far above its normal time (well under a second of guest work). */
const RUN_TIMEOUT_MS = 120_000;

/** Runs `ecall run ARGS...` in the repository root with an empty guest environment. */
function ecall(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(root, 'bin', 'ecall.js'), 'run', '--clear-env', ...args],
    { cwd: root, encoding: 'utf8', timeout: RUN_TIMEOUT_MS });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('--memory 64m and a guest that touches 100 MiB: OOM kill with SIGKILL, one notice line, a clean ecall exit', () => {
  for (const mode of [[], ['--seed', '5']]) {
    const r = ecall(...mode, '--memory', '64m', 'guest/bin/mem_touch', '100', '100');
    assert.equal(r.status, 128 + 9, r.stderr);
    assert.equal(r.stdout, '');
    const lines = r.stderr.split('\n').filter((l) => l !== '');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0]!, /^ecall: out of memory \(64 MiB\): killed process 1 \(mem_touch\), anon-rss \d+ kB/);
  }
});

test('--memory 64m leaves room for a guest that touches 40 MiB', () => {
  const r = ecall('--memory', '64m', 'guest/bin/mem_touch', '40', '40');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^mapped 40 MiB, touched 40 MiB/);
});

test('--memory rejects sizes outside 16m..4g and malformed ones with a usage error', () => {
  for (const bad of ['8m', '5g', 'lots', '-1']) {
    const r = ecall(`--memory=${bad}`, 'guest/bin/exit42');
    assert.equal(r.status, 2, bad);
    assert.match(r.stderr, /^ecall: bad --memory/);
  }
  assert.equal(ecall('--memory', '4g', 'guest/bin/exit42').status, 42);
});

test('MemTotal in /proc/meminfo and sysinfo totalram are the --memory size', () => {
  const r = ecall('--memory', '96m', 'guest/bin/meminfo', 'values');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /MemTotal: 98304 kB/);
  assert.match(r.stdout, /sysinfo totalram: 100663296/);
});

test('a shared file mapping written just before exit reaches the host file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ecall-mmap-'));
  try {
    const file = join(dir, 'data');
    writeFileSync(file, Buffer.alloc(6000, 'x'));
    const r = ecall('--mount', `${dir}:/m`, 'guest/bin/mmap_shared', '/m/data');
    assert.equal(r.status, 0, r.stderr);
    const back = readFileSync(file);
    assert.equal(back.length, 6000, 'the file keeps its size');
    assert.equal(back.subarray(0, 15).toString(), 'written at exit');
    assert.ok(back.subarray(15).every((b) => b === 0x78), 'the rest is unchanged');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('mapping 1 GiB, touching 10 MiB and unmapping costs the host about the touched size', async () => {
  const kernel = new Kernel({ host: createSimHost(1n), seed: 1n, cpus: 1, mounts: [] });
  const before = process.memoryUsage().rss;
  const p = kernel.spawn(join(root, 'guest/bin/mem_touch'), ['1024', '10'], { stdio: 'pipe' });
  const st = await p.exited;
  assert.equal(st.code, 0);
  const grown = process.memoryUsage().rss - before;
  assert.ok(grown < 100 * MiB, `rss grew by ${grown >> 20} MiB`);
});
