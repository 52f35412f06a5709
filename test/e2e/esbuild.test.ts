// esbuild, a real multi-threaded Go program, bundles the sample project in
// test/fixtures/esbuild-app under ecall with the stdout, stderr and exit status recorded from
// qemu-riscv64 (committed in test/fixtures/esbuild-app/expected/), and qemu-riscv64 still
// produces those recorded outputs. Go's runtime exercises clone, futex, SIGURG preemption via
// tgkill, sigaltstack, nanosleep, epoll, eventfd and large PROT_NONE reservations. The bundle is
// also checked on one CPU, on more CPUs than the host has and in deterministic mode, where two
// runs with the same seed must give the same syscall trace. esbuild's riscv64 build is fetched from
// the npm registry on first use (test/helpers/npm_fetch.ts); without it the tests are skipped,
// except in CI, where that is a failure.
//
//   node dist/test/e2e/esbuild.test.js --record    re-records expected/ from qemu-riscv64
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { firstDifference, resultDifferences } from '../helpers/compare.js';
import { repoRoot } from '../helpers/guest_cases.js';
import { ecallUnavailable, findQemu, GUEST_TIMEOUT_MS } from '../helpers/run_guest.js';
import {
  BENCH_CASE, ecallEsbuildCommand, ESBUILD_CASES, esbuildMissing, EXPECTED_DIR, qemuEsbuildCommand, runEsbuild, writeExpected,
  type EsbuildCase, type EsbuildResult,
} from '../fixtures/esbuild-app/cases.js';

/** Hang guard of one esbuild run under ecall: 2 to 4 s for a bundle on a 2-core machine (Go
 *  start-up, four threads, 3 to 9 KB of output), up to 30 s with --strace on a loaded machine;
 *  the same guard as every guest run. */
const ECALL_TIMEOUT_MS = GUEST_TIMEOUT_MS;
/** Hang guard of one esbuild run under qemu-riscv64 (well under a second normally). */
const QEMU_TIMEOUT_MS = 120_000;
/** Test timeout: the runner's own kill timer plus time to report. */
const REPORT_SLACK_MS = 10_000;

const root = repoRoot();
const qemu = findQemu();
const missing = esbuildMissing(root);

/** Returns the recorded result of a case; throws if it was never recorded. */
function loadExpected(c: EsbuildCase): EsbuildResult {
  const base = join(root, EXPECTED_DIR, c.name);
  if (!existsSync(`${base}.status`)) throw new Error(`${base}.status missing: record with --record`);
  return {
    stdout: readFileSync(`${base}.out`),
    stderr: readFileSync(`${base}.err`),
    status: Number(readFileSync(`${base}.status`, 'utf8').trim()),
  };
}

/** Runs a case under qemu-riscv64 (assumes qemu was found). */
function runQemu(c: EsbuildCase, timeoutMs = QEMU_TIMEOUT_MS): Promise<EsbuildResult> {
  return runEsbuild(qemuEsbuildCommand(root, qemu!, c.args), root, timeoutMs);
}

/** Runs a case under ecall with extra `ecall run` options. */
function runEcall(c: EsbuildCase, ecallOptions: readonly string[] = []): Promise<EsbuildResult> {
  return runEsbuild(ecallEsbuildCommand(root, c.args, ecallOptions), root, ECALL_TIMEOUT_MS);
}

/** Scheduler settings the bundle must not depend on: one virtual CPU (threads interleave on it),
 *  more CPUs than the host has, and deterministic mode (seeded scheduling, virtual time). */
const SCHEDULES: readonly (readonly string[])[] = [['--cpus', '1'], ['--cpus', '4'], ['--seed', '7']];
/** The seed of the replay test: any seed must replay; this one is fixed so a failure reproduces. */
const REPLAY_SEED = '3';

/** Re-records every case from qemu-riscv64; returns the exit code. */
async function record(): Promise<number> {
  const why = missing ?? (qemu === null ? 'qemu-riscv64 is not on PATH' : null);
  if (why !== null) {
    process.stderr.write(`record: ${why}\n`);
    return 1;
  }
  for (const c of ESBUILD_CASES) {
    const r = await runQemu(c);
    writeExpected(root, c.name, r);
    process.stdout.write(`${c.name}: status ${r.status}, ${r.stdout.length} bytes out, ${r.stderr.length} bytes err\n`);
  }
  return 0;
}

if (process.argv.includes('--record')) {
  process.exitCode = await record();
} else {
  describe('esbuild under ecall gives the stdout, stderr and exit status recorded from qemu-riscv64',
    { skip: missing ?? ecallUnavailable(root) ?? false }, () => {
      for (const c of ESBUILD_CASES) {
        it(`esbuild ${c.args.join(' ')}: ${c.what}`, { timeout: ECALL_TIMEOUT_MS + REPORT_SLACK_MS }, async () => {
          const expected = loadExpected(c);
          const actual = await runEcall(c);
          assert.deepEqual(resultDifferences(expected, actual, true, ['qemu (recorded)', 'ecall']), []);
        });
      }
      const bundle = BENCH_CASE;
      for (const opts of SCHEDULES) {
        it(`ecall run ${opts.join(' ')} esbuild ${bundle.args.join(' ')}: same bundle as qemu-riscv64`,
          { timeout: ECALL_TIMEOUT_MS + REPORT_SLACK_MS }, async () => {
            assert.deepEqual(resultDifferences(loadExpected(bundle), await runEcall(bundle, opts), true, ['qemu (recorded)', 'ecall']), []);
          });
      }
      it(`ecall run --seed ${REPLAY_SEED} --strace replays esbuild's bundle syscall for syscall`,
        { timeout: 2 * ECALL_TIMEOUT_MS + REPORT_SLACK_MS }, async () => {
          const opts = ['--seed', REPLAY_SEED, '--strace'];
          const first = await runEcall(bundle, opts);
          const second = await runEcall(bundle, opts);
          assert.deepEqual(first.stdout, loadExpected(bundle).stdout);
          assert.ok(first.stderr.toString('utf8').includes('clone('), 'the trace shows the Go runtime starting threads');
          assert.equal(firstDifference(first.stderr, second.stderr), null);
          assert.equal(second.status, first.status);
        });
    });

  describe('esbuild under qemu-riscv64 still gives the recorded outputs',
    { skip: missing ?? (qemu === null ? 'qemu-riscv64 is not on PATH' : false) }, () => {
      for (const c of ESBUILD_CASES) {
        it(`esbuild ${c.args.join(' ')}: ${c.what}`, { timeout: QEMU_TIMEOUT_MS + REPORT_SLACK_MS }, async () => {
          assert.deepEqual(resultDifferences(loadExpected(c), await runQemu(c), true, ['recorded', 'qemu']), []);
        });
      }
    });

  // Locally an unavailable esbuild (say, offline) only skips the tests above; in CI it fails.
  if (process.env.CI) {
    it('the esbuild test program is fetched from the npm registry (required in CI)', () => {
      assert.equal(missing, null);
    });
  }
}
