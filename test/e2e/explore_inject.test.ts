// Signal injection (`ecall explore --strategy inject`, `ecall run --inject`), the cancellation
// report (`ecall explore --report cancel`, small N: the 10,000-run table is `npm run bench:cancel`)
// and PCT's starvation bound. Every run is deterministic, so these are exact assertions.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ecall, explore, ROOT } from '../helpers/explore_cli.js';
import { cancelReport, formatCancelReport } from '../../src/cli/explore_cancel.js';

const MAIN = new URL('../../src/cli/main.js', import.meta.url);
/** A hang guard far above the normal time. */
const TIMEOUT_MS = 1_200_000;
/** The consumer's tid in `cancel_glibc inject` (main 1, the parked thread 2) and in the others. */
const GLIBC_CONSUMER = '3', OUR_CONSUMER = '2';

describe('signal injection', () => {
  it('glibc 2.36 loses the record when SIGCANCEL lands at the return of the consumer\'s read, and the printed replay reproduces it',
    { timeout: TIMEOUT_MS }, async () => {
      const r = await explore(['--strategy', 'inject', '--signal', '32', '--inject-calls', 'read', '--inject-tid', GLIBC_CONSUMER,
        '--jobs', '2', 'guest/bin/cancel_glibc', 'inject']);
      const lost = r.outcomes.find((o) => o.verdict === 'EXPLORE: lost-result');
      assert.ok(lost, JSON.stringify(r.outcomes.map((o) => [o.verdict, o.injected])));
      assert.match(lost.replay, / --inject 32@sys:\d+:return /);
      assert.equal(lost.shrunk, null, 'an injected run is not shrunk');
      assert.match(await ecall(lost.replay.split(' ').slice(1)), /^EXPLORE: lost-result$/m);
      const safe = r.outcomes.find((o) => o.verdict === null && o.code === 0)!;
      assert.match(safe.injected!, /exited without making the interrupted call again/, 'at entry the read is never made');
    });

  for (const [design, ext] of [['cancel_thunk', []], ['cancel_counter', ['--ext', 'syscall-counter']], ['cancel_vdso', ['--ext', 'cancel']]] as const) {
    it(`${design}: a cancel injected at every boundary of the consumer's reads loses nothing`, { timeout: TIMEOUT_MS }, async () => {
      const r = await explore(['--strategy', 'inject', '--signal', 'SIGUSR2', '--inject-calls', 'read', '--inject-tid', OUR_CONSUMER,
        '--jobs', '2', ...ext, `guest/bin/${design}`, 'inject']);
      assert.ok(r.runs >= 32, `${r.runs} boundaries`);
      assert.deepEqual(r.outcomes.map((o) => [o.code, o.verdict, o.notice]), [[0, null, null]]);
    });
  }

  it('prints the same inject report with --jobs 1 and --jobs 2, at syscall boundaries and at instruction counts', { timeout: TIMEOUT_MS }, async () => {
    for (const at of ['sys', 'insn']) {
      const args = ['--strategy', 'inject', '--signal', 'SIGUSR2', '--inject-at', at, '--runs', '12', 'guest/bin/cancel_thunk', 'inject'];
      const one = await ecall(['explore', '--jobs', '1', ...args]);
      const two = await ecall(['explore', '--jobs', '2', ...args]);
      assert.equal(one, two, at);
      assert.match(one, /^explored guest\/bin\/cancel_thunk: 12 runs, strategy inject/);
    }
  });
});

describe('PCT fairness', () => {
  it('ends every schedule of a busy-wait on a lower-priority thread (spinwait) with its normal output', { timeout: TIMEOUT_MS }, async () => {
    const r = await explore(['--runs', '8', '--jobs', '2', '--max-insns', '20000000', 'guest/bin/spinwait']);
    assert.deepEqual(r.outcomes.map((o) => [o.code, o.notice, o.runs]), [[0, null, 8]]);
  });
});

describe('the cancellation report', () => {
  it('measures the four designs: glibc alone makes printf\'s writes cancellation points, 2-4 lose nothing, every run cancels',
    { timeout: TIMEOUT_MS }, async () => {
      process.chdir(ROOT);
      const t = await cancelReport({ runs: 20, jobs: 2, moduleUrl: MAIN, costCalls: 200, printfRecords: 4 });
      assert.equal(t.rows.length, 4);
      const [glibc, ...ours] = t.rows as [typeof t.rows[0], ...typeof t.rows];
      assert.deepEqual(glibc.printf.byCall.write, { calls: 8, points: 8 }, 'each traced line is a write, each a cancellation point');
      assert.equal(glibc.printf.byCall.read!.points, 4);
      for (const r of ours) {
        assert.equal(r.lost, 0, r.design);
        assert.equal(r.printf.points, 4, `${r.design}: only the 4 cancellable reads`);
        assert.equal(r.printf.byCall.write!.points, 0, r.design);
      }
      for (const r of t.rows) {
        assert.equal(r.latency.runs, 20, `${r.design}: a latency from every run`);
        assert.ok(r.latency.median > 0 && r.latency.max >= r.latency.median && r.latency.threadMedian <= r.latency.median, r.design);
        assert.ok(r.insnsAdded > 0, r.design);
      }
      assert.ok(glibc.latency.threadMedian > 10 * ours[0]!.latency.threadMedian, 'glibc unwinds; the others return');
      const text = formatCancelReport(t);
      assert.match(text, /^\| design \| insns added per call/);
      assert.match(text, /In practical terms:/);
    });
});
