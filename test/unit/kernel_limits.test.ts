// The kernel's own hang guards: an instruction limit (--max-insns, KernelOptions.maxInstructions)
// and deadlock detection in deterministic mode both end the run with SIGKILL (137) and say why.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildElf } from '../../src/loader/elf_builder.js';
import { PF_R, PF_X } from '../../src/loader/elf.js';
import { repoRoot } from '../helpers/guest_cases.js';
import { runImage } from '../fuzz/run_image.js';
import { ADDI, ECALL } from './rv_encode.js';

const CODE_VADDR = 0x10100;
const J_SELF = 0x0000006f; // jal x0, 0: an endless loop
const NR_PPOLL = 73, NR_EXIT = 93;

/** Returns a static executable whose code is the given instruction words at CODE_VADDR. */
function program(words: number[]): Uint8Array {
  const code = new Uint8Array(new Uint32Array(words).buffer);
  return buildElf({
    entry: CODE_VADDR,
    phdrs: [{ flags: PF_R | PF_X, offset: 0, vaddr: 0x10000, filesz: 0x100 + code.length, memsz: 0x100 + code.length }],
    blobs: [{ offset: 0x100, bytes: code }],
  });
}

const spin = program([J_SELF]);
/** ppoll(NULL, 0, NULL, NULL): sleeps until a signal, which never comes. */
const sleepForever = program([ADDI(17, 0, NR_PPOLL), ECALL]);
const exit42 = program([ADDI(10, 0, 42), ADDI(17, 0, NR_EXIT), ECALL]);

test('an endless loop ends with SIGKILL (137) and a notice once the instruction limit is spent', async () => {
  const r = await runImage(spin, { seed: 1, maxInstructions: 100_000 });
  assert.equal(r.kind, 'ran');
  if (r.kind !== 'ran') return;
  assert.equal(r.code, 137);
  assert.match(r.notice ?? '', /^instruction limit reached: \d+ instructions retired$/);
  assert.ok(r.instret >= 100_000 && r.instret < 200_000, `retired ${r.instret}`);
});

test('a program that finishes inside the instruction limit exits normally with no notice', async () => {
  const r = await runImage(exit42, { seed: 1, maxInstructions: 100_000 });
  assert.deepEqual(r.kind === 'ran' ? [r.code, r.notice] : r, [42, null]);
});

test('in deterministic mode a task asleep forever with no timer ends with a deadlock notice and 137', async () => {
  const r = await runImage(sleepForever, { seed: 1, maxInstructions: 100_000 });
  assert.deepEqual(r.kind === 'ran' ? [r.code, r.notice] : r, [137, 'deadlock: every task is blocked and no timer is pending']);
});

test('ecall run --max-insns prints the limit notice on stderr as one line and exits with 137', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ecall-limit-'));
  try {
    writeFileSync(join(dir, 'spin'), spin, { mode: 0o755 });
    for (const extra of [[], ['--seed', '5']]) {
      const r = spawnSync(process.execPath, [join(repoRoot(), 'bin', 'ecall.js'), 'run', '--root', dir, '--max-insns', '50000', ...extra, '/spin'],
        { encoding: 'utf8' });
      assert.equal(r.status, 137, r.stderr);
      assert.match(r.stderr, /^ecall: instruction limit reached: \d+ instructions retired\n$/);
    }
    const bad = spawnSync(process.execPath, [join(repoRoot(), 'bin', 'ecall.js'), 'run', '--max-insns', '0', '/spin'], { encoding: 'utf8' });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /^ecall: bad --max-insns '0'/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
