// The translator changes speed, never behaviour: guests run in deterministic mode with --jit
// (and a low threshold, compiling where code gets hot, so that most of their loops run translated) and with --no-jit must give
// byte-identical stdout, --strace output, exit status and retired-instruction count. A seeded
// preemption lands on the same instruction either way, so even a racy program agrees.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resultDifferences } from '../helpers/compare.js';
import { loadCases, type GuestCase, type GuestResult } from '../helpers/guest_cases.js';
import { GUEST_CONCURRENCY, mapLimited } from '../helpers/pool.js';
import { ecallUnavailable, GUEST_TIMEOUT_MS, runUnderEcallWith } from '../helpers/run_guest.js';

/** Guests that cover integer loops, FP (translated F/D and fcsr), rdtime through the vDSO, faults, signals, threads, a data race and free memory. */
const CASES: { name: string; args?: string[]; cpus: string }[] = [
  { name: 'bench_compute', args: ['1'], cpus: '1' },
  { name: 'intarith', cpus: '1' },
  { name: 'fp', cpus: '1' },
  { name: 'bench_fp', args: ['1'], cpus: '1' },
  { name: 'clocks', cpus: '1' },
  { name: 'segv', cpus: '1' },
  { name: 'sigill', cpus: '1' },
  { name: 'signals', cpus: '2' },
  { name: 'threads', cpus: '4' },
  { name: 'race', args: ['3000'], cpus: '4' },
  { name: 'meminfo', cpus: '1' },
];
/** Arrivals before translation: low, so that short guests run mostly translated. */
const THRESHOLD = '3';
const SEED = '17';
/** The whole set, twice, runs in well under a minute; this only guards against a hang. */
const SUITE_TIMEOUT_MS = 4 * GUEST_TIMEOUT_MS;

const unavailable = ecallUnavailable();
const byName = new Map(loadCases().map((c) => [c.name, c]));

/** Returns stderr with the host-time parts of the --stats line removed and the jit line dropped. */
function stableStderr(r: GuestResult): Buffer {
  const text = r.stderr.toString('latin1')
    .replace(/^(ecall: instret=\d+) ms=\S+ mips=\S+$/m, '$1')
    .replace(/^ecall: jit .*\n/m, '');
  return Buffer.from(text, 'latin1');
}

describe('the translator gives the interpreter\'s results', { skip: unavailable ?? false }, () => {
  it(`${CASES.length} guests under --seed ${SEED}: identical stdout, --strace, status and instret with --jit and --no-jit`,
    { timeout: SUITE_TIMEOUT_MS }, async () => {
      const problems = await mapLimited(CASES, GUEST_CONCURRENCY, async (k) => {
        const base = byName.get(k.name);
        if (base === undefined) throw new Error(`guest/cases.json has no case ${k.name}`);
        const c: GuestCase = k.args ? { ...base, args: k.args } : base;
        const common = ['--seed', SEED, '--cpus', k.cpus, '--strace', '--stats'];
        const on = await runUnderEcallWith(c, [...common, '--jit', '--jit-threshold', THRESHOLD, '--jit-sync']);
        const off = await runUnderEcallWith(c, [...common, '--no-jit']);
        const out: string[] = [];
        if (!/^ecall: jit regions=[1-9]/m.test(on.stderr.toString('utf8'))) out.push(`${k.name}: nothing was translated`);
        if (!/^ecall: instret=\d+$/m.test(stableStderr(off).toString('utf8'))) out.push(`${k.name}: no --stats line`);
        const a = { ...off, stderr: stableStderr(off) }, b = { ...on, stderr: stableStderr(on) };
        for (const d of resultDifferences(a, b, true, ['--no-jit', '--jit'])) out.push(`${k.name}: ${d}`);
        return out;
      });
      assert.deepEqual(problems.flat(), []);
    });
});
