// The scheduler over virtual CPUs, and the pending-signal queues.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPolicy } from '../../src/kernel/schedule/create.js';
import { DEFAULT_SCHEDULE } from '../../src/kernel/schedule/policy.js';
import { Scheduler, DET_QUANTUM_MAX, DET_QUANTUM_MIN, QUANTUM } from '../../src/kernel/sched.js';
import { SigPending } from '../../src/kernel/signal_queue.js';
import type { Task } from '../../src/kernel/task.js';

/** A stand-in with the fields the scheduler reads and writes. */
const fakeTask = (name: string, allowed = ~0n): Task => ({ name, cpu: 0, cpusAllowed: allowed, migrations: 0 }) as unknown as Task;

test('tasks spread over idle CPUs and run round-robin', () => {
  const s = new Scheduler(2, null);
  const [a, b, c] = [fakeTask('a'), fakeTask('b'), fakeTask('c')];
  s.enqueue(a); s.enqueue(b); s.enqueue(c);
  assert.deepEqual([a.cpu, b.cpu, c.cpu].sort(), [0, 0, 1]);
  const seen = new Set([s.pick(), s.pick(), s.pick()]);
  assert.equal(seen.size, 3, 'each task runs once per round');
  assert.equal(s.pick(), null);
  assert.equal(s.quantum(a), QUANTUM);
});

test('affinity is honoured: a task only lands on CPUs in its mask', () => {
  const s = new Scheduler(4, null);
  const pinned = fakeTask('pinned', 1n << 3n);
  for (let i = 0; i < 5; i++) s.enqueue(fakeTask(`x${i}`));
  s.enqueue(pinned);
  assert.equal(pinned.cpu, 3);
  s.remove(pinned);
  pinned.cpusAllowed = 1n << 1n;
  s.enqueue(pinned);
  assert.equal(pinned.cpu, 1);
  assert.ok(pinned.migrations >= 1, 'moving to another CPU counts as a migration');
});

test('an idle CPU steals a task it may run from the busiest CPU', () => {
  const s = new Scheduler(2, null);
  const ts = [fakeTask('a', 1n), fakeTask('b'), fakeTask('c', 1n)];
  for (const t of ts) s.enqueue(t); // all forced or drawn to CPU 0 except b
  s.remove(ts[1]!); ts[1]!.cpu = 0; s.cpus[0]!.runQueue.push(ts[1]!);
  assert.equal(s.cpus[1]!.runQueue.length, 0);
  const picked: Task[] = [];
  let t: Task | null;
  while ((t = s.pick()) !== null) picked.push(t);
  assert.equal(picked.length, 3);
  assert.equal(ts[1]!.cpu, 1, 'the unpinned task moved to the idle CPU');
  assert.equal(ts[0]!.cpu, 0);
  assert.equal(ts[2]!.cpu, 0, 'pinned tasks never move');
});

test('a task is queued at most once', () => {
  const s = new Scheduler(1, null);
  const a = fakeTask('a');
  s.enqueue(a); s.enqueue(a);
  assert.equal(s.runnable, 1);
});

test('deterministic mode: the same seed gives the same choices, and quanta vary within bounds', () => {
  const run = (seed: number): string => {
    const s = new Scheduler(4, createPolicy(DEFAULT_SCHEDULE, seed));
    const ts = Array.from({ length: 6 }, (_, i) => fakeTask(`t${i}`));
    for (const t of ts) s.enqueue(t);
    const out: string[] = [];
    for (let i = 0; i < 30; i++) {
      const t = s.pick()!;
      const q = s.quantum(t);
      assert.ok(q >= DET_QUANTUM_MIN && q <= DET_QUANTUM_MAX);
      out.push(`${(t as unknown as { name: string }).name}@${t.cpu}:${q}`);
      s.enqueue(t);
    }
    return out.join(' ');
  };
  assert.equal(run(42), run(42));
  assert.notEqual(run(42), run(43));
});

test('standard signals coalesce; real-time signals queue every instance in order', () => {
  const q = new SigPending();
  assert.equal(q.add({ signo: 10, code: 0 }), true);
  assert.equal(q.add({ signo: 10, code: 0 }), false, 'a second SIGUSR1 is dropped');
  q.add({ signo: 35, code: -1, value: 1n });
  q.add({ signo: 35, code: -1, value: 2n });
  q.add({ signo: 34, code: -1, value: 3n });
  const order: string[] = [];
  for (let s = q.next(~0n); s !== 0; s = q.next(~0n)) {
    const i = q.take(s)!;
    order.push(`${i.signo}:${i.value ?? ''}`);
  }
  assert.deepEqual(order, ['10:', '34:3', '35:1', '35:2'], 'lowest signal first, FIFO within one');
  assert.equal(q.mask, 0n);
});

test('synchronous signals (SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGFPE, SIGSYS) are dequeued before others', () => {
  const q = new SigPending();
  q.add({ signo: 2, code: 0 });
  q.add({ signo: 11, code: 1, addr: 0 });
  assert.equal(q.next(~0n), 11);
  assert.equal(q.next(~(1n << 10n)), 2, 'a blocked SIGSEGV is skipped');
});
