// Deterministic schedules: their text form round-trips and rejects bad input, and PCT always
// runs the highest-priority task, lowers the running task at each change point, and makes a
// higher-priority wakeup preempt the running task.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createPolicy } from '../../src/kernel/schedule/create.js';
import { PCT_SLICE } from '../../src/kernel/schedule/pct.js';
import { formatSchedule, parseSchedule } from '../../src/kernel/schedule/policy.js';
import { Scheduler } from '../../src/kernel/sched.js';
import type { Task } from '../../src/kernel/task.js';

/** A stand-in with the fields the scheduler and the policies read and write. */
const fakeTask = (name: string): Task => ({ name, cpu: 0, cpusAllowed: ~0n, migrations: 0, yieldRequested: false, state: 0 }) as unknown as Task;
const nameOf = (t: Task | null): string => (t as unknown as { name: string } | null)?.name ?? 'none';

test('schedules round-trip through their text form, and bad text is refused with a reason', () => {
  for (const text of ['random:500-50000', 'random:1-1', 'pct', 'pct:5', 'pct:1,20,300']) {
    const s = parseSchedule(text);
    assert.notEqual(typeof s, 'string', text);
    assert.equal(formatSchedule(s as Exclude<typeof s, string>), text);
  }
  assert.equal(formatSchedule(parseSchedule('random') as never), 'random:500-50000');
  for (const bad of ['', 'pct:', 'pct:3,2', 'pct:1,1', 'random:5-4', 'random:0-4', 'fifo', 'pct:-1']) {
    assert.equal(typeof parseSchedule(bad), 'string', bad);
  }
});

test('PCT runs the highest-priority task until a change point lowers it, then the next one', () => {
  const s = new Scheduler(2, createPolicy({ kind: 'pct', points: [1000] }, 7));
  const ts = ['a', 'b', 'c'].map(fakeTask);
  for (const t of ts) s.enqueue(t);
  const first = s.pick(0)!;
  assert.equal(s.quantum(first, 0), 1000, 'the slice ends at the change point');
  s.enqueue(first);
  assert.equal(s.pick(500), first, 'before the change point the same task runs again');
  assert.equal(s.quantum(first, 500), 500);
  s.enqueue(first);
  const second = s.pick(1000)!;
  assert.notEqual(second, first, 'the task running at the change point drops below the others');
  assert.equal(s.quantum(second, 1000), PCT_SLICE);
  s.enqueue(second);
  const order = [second, ...ts.filter((t) => t !== first && t !== second), first];
  const seen: string[] = [];
  for (let i = 0; i < 3; i++) { const t = s.pick(2000)!; seen.push(nameOf(t)); }
  assert.deepEqual(seen, order.map(nameOf), 'strict priority order, the lowered task last');
});

test('PCT: a task that wakes with a higher priority than the running one preempts it', () => {
  for (let seed = 0; seed < 20; seed++) {
    const s = new Scheduler(1, createPolicy({ kind: 'pct', points: [] }, seed));
    const [a, b] = [fakeTask('a'), fakeTask('b')];
    s.enqueue(a); s.enqueue(b);
    const hi = s.pick(0)!;
    const lo = s.pick(0)!;
    s.quantum(lo, 0); // lo runs (hi is blocked, say) and wakes hi
    s.enqueue(hi);
    assert.equal(lo.yieldRequested, true, `seed ${seed}`);
    lo.yieldRequested = false;
    s.enqueue(lo);
    assert.equal(s.pick(0), hi);
    s.quantum(hi, 0);
    s.enqueue(lo);
    assert.equal(hi.yieldRequested, false, 'a lower-priority wakeup does not preempt');
  }
});

test('the same seed and schedule give the same PCT choices; another seed other priorities', () => {
  const order = (seed: number): string => {
    const s = new Scheduler(4, createPolicy({ kind: 'pct', points: [100, 200] }, seed));
    const ts = Array.from({ length: 6 }, (_, i) => fakeTask(`t${i}`));
    for (const t of ts) s.enqueue(t);
    const out: string[] = [];
    let retired = 0;
    for (let i = 0; i < 12; i++) {
      const t = s.pick(retired)!;
      retired += s.quantum(t, retired);
      out.push(nameOf(t));
      s.enqueue(t);
    }
    return out.join(' ');
  };
  assert.equal(order(3), order(3));
  assert.ok([4, 5, 6, 7, 8].some((k) => order(k) !== order(3)));
});
