// How bin/ecall.js ends the process after `ecall run`: with nothing pending and no Node flag that
// writes at exit, through WASI's proc_exit (C's exit(), which does not wait for V8's background
// compiles); otherwise through process.exit. Either way the guest's status and every byte of its
// output arrive, and a flag's output (a --cpu-prof profile) is written.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../helpers/guest_cases.js';

const root = repoRoot();
const ECALL = join(root, 'bin', 'ecall.js');
/** Hang guard for one CLI run (each runs in well under a second). */
const RUN_TIMEOUT_MS = 60_000;
/** What ECALL_DEBUG=1 prints when the run ends without waiting for V8's background threads. */
const FAST_EXIT = "ecall: exit without waiting for V8's background threads\n";
/** Bytes the cat case copies: many pipe buffers (64 KiB each) of output. */
const CAT_BYTES = 3 << 20;

/** Runs `node [nodeArgs] bin/ecall.js run --clear-env PROGRAM` with ECALL_DEBUG=1 and the given stdin and environment. */
function ecallRun(program: string, opts: { nodeArgs?: string[]; input?: Buffer; env?: Record<string, string> } = {}) {
  const r = spawnSync(process.execPath, [...(opts.nodeArgs ?? []), ECALL, 'run', '--clear-env', join(root, 'guest', 'bin', program)], {
    input: opts.input ?? Buffer.alloc(0), timeout: RUN_TIMEOUT_MS, maxBuffer: 2 * CAT_BYTES,
    env: { ...process.env, ECALL_DEBUG: '1', ...opts.env },
  });
  // ECALL_DEBUG's code cache line is not the guest's.
  const stderr = r.stderr.toString('utf8').replace(/^ecall: code cache .*\n/m, '');
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr };
}

/** Returns a guest case's committed expected file. */
function expected(name: string, ext: 'out' | 'status'): string {
  return readFileSync(join(root, 'guest', 'expected', `${name}.${ext}`), 'utf8');
}

test('ecall run without Node flags exits at once with the guest exit status and its output', () => {
  const r = ecallRun('exit42');
  assert.equal(r.signal, null);
  assert.equal(r.status, Number(expected('exit42', 'status')));
  assert.equal(r.stdout.toString('utf8'), expected('exit42', 'out'));
  assert.equal(r.stderr, FAST_EXIT);
});

test('ecall run exits at once with 128+N after a guest death by signal N, its notice printed first', () => {
  const r = ecallRun('segv');
  assert.equal(r.status, 128 + 11);
  assert.equal(r.stdout.toString('utf8'), expected('segv', 'out'));
  assert.equal(r.stderr, `ecall: uncaught target signal 11 (Segmentation fault) - core dumped\n${FAST_EXIT}`);
});

test('ecall run exits at once only after all of megabytes of guest output reached a pipe', () => {
  const input = Buffer.alloc(CAT_BYTES);
  for (let i = 0; i < input.length; i++) input[i] = (i * 7 + (i >> 11)) & 0xff;
  const r = ecallRun('cat', { input });
  assert.equal(r.status, 0);
  assert.ok(r.stdout.equals(input), `stdout holds ${r.stdout.length} of ${input.length} bytes, or other bytes`);
  assert.equal(r.stderr, `cat: ${CAT_BYTES} bytes\n${FAST_EXIT}`);
});

test('with --cpu-prof on the command line, ecall run exits through process.exit and the profile is written', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ecall-prof-'));
  try {
    // No code cache: a run with Node flags keys its own file, which this test would leave behind.
    const r = ecallRun('exit42', { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`], env: { ECALL_NO_CODE_CACHE: '1' } });
    assert.equal(r.status, 42);
    assert.equal(r.stdout.toString('utf8'), expected('exit42', 'out'));
    assert.equal(r.stderr, '', 'no early exit');
    const files = readdirSync(dir);
    assert.equal(files.length, 1, 'one profile');
    const profile = JSON.parse(readFileSync(join(dir, files[0]!), 'utf8')) as { nodes: unknown[] };
    assert.ok(profile.nodes.length > 0, 'the profile has samples');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('with trace events asked for in NODE_OPTIONS, ecall run exits through process.exit and the trace holds the exit', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ecall-trace-'));
  try {
    const file = join(dir, 'trace.json');
    const r = ecallRun('exit42', { env: { ECALL_NO_CODE_CACHE: '1', NODE_OPTIONS: `--trace-event-categories node.environment --trace-event-file-pattern ${file}` } });
    assert.equal(r.status, 42);
    assert.equal(r.stdout.toString('utf8'), expected('exit42', 'out'));
    assert.equal(r.stderr, '', 'no early exit');
    // Node records its at-exit hooks (AtExit) as they run, which an exit past them would leave out.
    const trace = JSON.parse(readFileSync(file, 'utf8')) as { traceEvents: { name: string }[] };
    assert.ok(trace.traceEvents.some((e) => e.name === 'AtExit'), 'the trace records the at-exit hooks');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
