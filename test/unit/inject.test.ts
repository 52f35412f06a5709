// Signal injection's text form (ecall run --inject, the explorer's replay commands) round-trips and
// refuses bad input with a reason; the sweep plans every syscall's entry and return and the wait
// of those that slept, filtered by name and thread, or instruction counts spread over the run.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatInjection, parseInjection, parseSignal } from '../../src/kernel/inject.js';
import { planInjections } from '../../src/explore/inject_plan.js';
import { parseCommandLine, UsageError } from '../../src/cli/args.js';

test('injections round-trip through their text form, signal names become numbers, bad text is refused', () => {
  for (const text of ['32@sys:57:return', '12@sys:1:entry', '10@sys:3:wait', '15@insn:12345']) {
    const i = parseInjection(text);
    assert.notEqual(typeof i, 'string', text);
    assert.equal(formatInjection(i as Exclude<typeof i, string>), text);
  }
  assert.equal(formatInjection(parseInjection('SIGUSR2@sys:4:entry') as never), '12@sys:4:entry');
  assert.equal(parseSignal('USR1'), 10);
  assert.equal(parseSignal('65'), null);
  for (const bad of ['', '32', '32@sys:0:entry', '32@sys:5:exit', '32@insn:0', 'SIGFOO@insn:5', '0@insn:5', '32@sys:5']) {
    assert.equal(typeof parseInjection(bad), 'string', bad);
  }
});

test('a syscall sweep visits entry and return of every call, the wait of calls that slept, filtered by name and thread', () => {
  const calls = [
    { index: 1, tid: 1, nr: 63, blocked: false }, // read
    { index: 2, tid: 2, nr: 63, blocked: true },
    { index: 3, tid: 2, nr: 64, blocked: false }, // write
  ];
  const o = { signo: 32, at: 'sys' as const, calls: null, tid: null, schedule: 'random:500-50000' };
  assert.deepEqual(planInjections(o, calls, 1000, Infinity).map(formatInjection),
    ['32@sys:1:entry', '32@sys:1:return', '32@sys:2:entry', '32@sys:2:wait', '32@sys:2:return', '32@sys:3:entry', '32@sys:3:return']);
  assert.deepEqual(planInjections({ ...o, calls: ['read'], tid: 2 }, calls, 1000, Infinity).map(formatInjection),
    ['32@sys:2:entry', '32@sys:2:wait', '32@sys:2:return']);
  assert.equal(planInjections(o, calls, 1000, 3).length, 3, '--runs caps the sweep');
  assert.throws(() => planInjections({ ...o, calls: ['nosuchcall'] }, calls, 1000, Infinity));
});

test('an instruction sweep spreads its points evenly inside the first run', () => {
  const o = { signo: 10, at: 'insn' as const, calls: null, tid: null, schedule: 'random:500-50000' };
  const pts = planInjections(o, [], 1001, 4).map((i) => (i.at.kind === 'insn' ? i.at.n : -1));
  assert.deepEqual(pts, [201, 401, 601, 801]);
});

test('the command line takes --inject for run, the inject strategy\'s options and --report for explore (which then needs no PROGRAM)', () => {
  const r = parseCommandLine(['run', '--seed', '1', '--inject', '32@sys:5:return', 'prog']);
  assert.equal(r.kind === 'run' ? r.options.inject : null, '32@sys:5:return');
  const e = parseCommandLine(['explore', '--strategy', 'inject', '--signal', '32', '--inject-calls', 'read,write', '--inject-tid', '3', '--inject-at', 'sys', '--schedule', 'pct:5', 'prog', 'inject']);
  assert.ok(e.kind === 'explore');
  assert.deepEqual([e.program, e.args, e.options.signal, e.options.injectCalls, e.options.injectTid, e.options.injectAt, e.options.schedule],
    ['prog', ['inject'], '32', 'read,write', '3', 'sys', 'pct:5']);
  const rep = parseCommandLine(['explore', '--report', 'cancel', '--runs', '50']);
  assert.ok(rep.kind === 'explore');
  assert.deepEqual([rep.program, rep.options.report, rep.options.runs], ['', 'cancel', '50']);
  assert.throws(() => parseCommandLine(['explore', '--runs', '5']), UsageError);
});
