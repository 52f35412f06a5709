// The kernel's pending host events and its holder record (src/kernel/host_events.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HostEventQueue, KernelStateError } from '../../src/kernel/host_events.js';

test('host events run at the event point in the order they were posted; those they post wait for the next point', () => {
  let running = true;
  let woken = 0;
  const q = new HostEventQueue(() => running, () => { woken++; });
  const seen: string[] = [];
  q.post(() => { seen.push('a'); q.post(() => seen.push('c')); });
  q.post(() => seen.push('b'));
  assert.equal(woken, 2, 'each post ends an idle wait');
  assert.deepEqual(seen, [], 'nothing runs at post time while the loop runs');
  q.run();
  assert.deepEqual(seen, ['a', 'b']);
  assert.equal(q.pending, true);
  q.run();
  assert.deepEqual(seen, ['a', 'b', 'c']);
  running = false;
});

test('without a loop, host events run on the next microtask, holding the kernel as the event point', async () => {
  const q = new HostEventQueue(() => false, () => undefined);
  const holders: (string | null)[] = [];
  q.post(() => holders.push(q.heldBy));
  assert.deepEqual(holders, []);
  await Promise.resolve();
  assert.deepEqual(holders, ['the event point']);
  assert.equal(q.heldBy, null, 'released after');
});

test('an event that throws does not stop the others, and the kernel is released before the error surfaces', () => {
  const q = new HostEventQueue(() => true, () => undefined);
  const seen: number[] = [];
  q.post(() => { throw new Error('first'); });
  q.post(() => seen.push(2));
  assert.throws(() => q.run(), /first/);
  assert.deepEqual(seen, [2]);
  assert.equal(q.heldBy, null);
});

test('a synchronous entry while the kernel is held is refused with ERR_KERNEL_HELD naming the holder', () => {
  const q = new HostEventQueue(() => true, () => undefined);
  q.assertFree('Kernel.spawn'); // free: no throw
  q.hold('a guest slice', () => {
    assert.equal(q.hold('a host call', () => q.heldBy), 'a guest slice', 'a nested hold keeps the outer holder');
    assert.throws(() => q.assertFree('Kernel.spawn'),
      (e: unknown) => e instanceof KernelStateError && e.code === 'ERR_KERNEL_HELD' && /Kernel\.spawn called while a guest slice holds/.test(e.message));
  });
  assert.equal(q.heldBy, null);
});

test('a settled host call is noted once for the loop', () => {
  const q = new HostEventQueue(() => true, () => undefined);
  assert.equal(q.takeSettled(), false);
  q.noteSettled();
  q.noteSettled();
  assert.equal(q.takeSettled(), true);
  assert.equal(q.takeSettled(), false);
});
