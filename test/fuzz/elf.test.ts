// The ELF mutation fuzzer in CI: a fixed set of mutants of real guest binaries goes through the
// whole kernel; each gives a one-line error with status 126/127 or runs to an end (within the
// instruction budget), never a host exception, a dead worker or a hang.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { runElfFuzz } from './elf_driver.js';
import { ELF_BUDGET, elfRuleBroken, loadBases, makeMutant } from './elf_fuzz.js';

/** The fixed seed and size of the CI run (about 10 s on 2 cores). */
const SEED = 0x5eed0e1f;
const MUTANTS = 300;
/** Mutants per worker process and workers at once (the CI machine has 2 cores). */
const BLOCK = 75;
const JOBS = 2;

describe('ELF mutation fuzz through the kernel', () => {
  test(`${MUTANTS} mutants (seed ${SEED}): each is refused in one line (126/127) or runs to an end; no host exception or hang`, async () => {
    const s = await runElfFuzz({ seed: SEED, count: MUTANTS, seconds: Infinity, jobs: JOBS, block: BLOCK, budget: ELF_BUDGET });
    const report = s.failures.map((f) => `mutant ${f.index} (${f.base}: ${f.ops.join('; ')}): ${f.failure}`).join('\n');
    assert.equal(s.failures.length, 0, report);
    assert.equal(s.mutants, MUTANTS);
    // The mutations reach both sides of the loader: refusals and programs that run.
    const refused = s.outcomes.get('refused 126') ?? 0;
    assert.ok(refused > MUTANTS / 10 && refused < MUTANTS * 0.9, `outcomes: ${JSON.stringify([...s.outcomes])}`);
    assert.ok([...s.outcomes.keys()].some((k) => k.startsWith('exit')), 'some mutants run to exit');
    assert.ok([...s.outcomes.keys()].some((k) => k.startsWith('signal')), 'some mutants die by a signal');
  });

  test('a mutant is a pure function of (seed, index), and mutants differ from their base', () => {
    const bases = loadBases();
    const a = makeMutant(bases, 9, 3), b = makeMutant(bases, 9, 3), c = makeMutant(bases, 9, 4);
    assert.deepEqual(a, b);
    assert.ok(a.ops.length >= 1);
    assert.notDeepEqual(a.image, c.image);
  });

  test('the verdict: multi-line errors, other statuses and messages without a reason break the rule', () => {
    assert.equal(elfRuleBroken({ kind: 'refused', error: '/prog: not an ELF executable (bad magic)', exitCode: 126 }), null);
    assert.match(elfRuleBroken({ kind: 'refused', error: '/prog: a\nb', exitCode: 126 })!, /not one line/);
    assert.match(elfRuleBroken({ kind: 'refused', error: '/prog: x', exitCode: 1 })!, /exit status 1/);
    assert.match(elfRuleBroken({ kind: 'refused', error: '/prog: ', exitCode: 126 })!, /without a reason/);
    assert.equal(elfRuleBroken({ kind: 'ran', code: 139, signal: 11, notice: null, instret: 5, stdout: '', stderr: '' }), null);
  });
});
