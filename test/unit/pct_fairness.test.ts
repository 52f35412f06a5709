// PCT's fairness bound: strict priority would run a busy-waiting high-priority task for ever and
// starve the task it waits for; a runnable task that has waited PCT_STARVATION_LIMIT instructions
// gets one slice, then strict priority resumes; below the bound nothing changes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createPolicy } from '../../src/kernel/schedule/create.js';
import { PCT_SLICE, PCT_STARVATION_LIMIT } from '../../src/kernel/schedule/pct.js';
import { Scheduler } from '../../src/kernel/sched.js';
import type { Task } from '../../src/kernel/task.js';

/** A stand-in with the fields the scheduler and the policies read and write. */
const fakeTask = (name: string): Task => ({ name, cpu: 0, cpusAllowed: ~0n, migrations: 0, yieldRequested: false, state: 0 }) as unknown as Task;

/** Runs two always-runnable tasks under PCT for `insns` instructions (each slice runs its whole
 *  quantum); returns the instruction count at which each slice of the low-priority task started. */
function lowSlices(seed: number, insns: number): { low: Task; starts: number[] } {
  const s = new Scheduler(1, createPolicy({ kind: 'pct', points: [] }, seed));
  const [a, b] = ['a', 'b'].map(fakeTask) as [Task, Task];
  s.enqueue(a);
  s.enqueue(b);
  const high = s.pick(0)!;
  const low = high === a ? b : a;
  s.enqueue(high);
  const starts: number[] = [];
  for (let retired = 0; retired < insns;) {
    const t = s.pick(retired)!;
    if (t === low) starts.push(retired);
    retired += s.quantum(t, retired);
    s.enqueue(t);
  }
  return { low, starts };
}

test('PCT gives a starved runnable task one slice once it has waited the starvation bound, then strict priority resumes', () => {
  const { starts } = lowSlices(7, 3 * PCT_STARVATION_LIMIT + 10 * PCT_SLICE);
  assert.ok(starts.length >= 3, `the low-priority task ran ${starts.length} times`);
  assert.ok(starts[0]! >= PCT_STARVATION_LIMIT && starts[0]! < PCT_STARVATION_LIMIT + PCT_SLICE, `first fair slice at ${starts[0]}`);
  for (let i = 1; i < starts.length; i++) {
    const gap = starts[i]! - starts[i - 1]!;
    assert.ok(gap >= PCT_STARVATION_LIMIT && gap <= PCT_STARVATION_LIMIT + 2 * PCT_SLICE, `gap ${gap}: one slice per bound, no more`);
  }
});

test('PCT below the starvation bound is strict priority: the low-priority task never runs', () => {
  for (const seed of [1, 2, 3]) assert.deepEqual(lowSlices(seed, PCT_STARVATION_LIMIT - PCT_SLICE).starts, []);
});
