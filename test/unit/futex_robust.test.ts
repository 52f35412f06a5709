// Thread exit: the robust-list walk, clear_child_tid, and futexWake for the kernel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TaskState } from '../../src/kernel/task.js';
import { EFAULT, EINVAL } from '../../src/abi/errno.js';
import { clearChildTid, exitRobustList, ROBUST_LIST_LIMIT } from '../../src/kernel/futex/exit.js';
import { futexWake } from '../../src/kernel/futex/wake.js';
import { PAGE_SIZE, PROT_READ, PROT_WRITE } from '../../src/mem/guest_memory.js';
import { BUF, fixture, RO, UNMAPPED, type Fixture } from './futex_fixture.js';
import { fill, pokeU32 } from './mem_helpers.js';

const WAIT = 0, PRIVATE = 128;
const WAITERS = 0x80000000, OWNER_DIED = 0x40000000;
const HEAD = BUF + 0x200;
/** glibc puts the lock before the list node: futex_offset is negative. */
const OFFSET = -16;

/** Writes a robust list head and a chain of entries (PI entries get bit 0); returns nothing. */
function buildList(f: Fixture, entries: { at: number; pi?: boolean }[], pending = 0, pendingPi = false): void {
  const m = f.mem;
  const ptr = (e: { at: number; pi?: boolean } | undefined): number => (e === undefined ? HEAD : e.at + (e.pi ? 1 : 0));
  m.writeU64(HEAD, ptr(entries[0]));
  m.writeU64(HEAD + 8, OFFSET);
  m.writeU64(HEAD + 16, pending === 0 ? 0 : pending + (pendingPi ? 1 : 0));
  entries.forEach((e, i) => m.writeU64(e.at, ptr(entries[i + 1])));
  f.t.robustList = HEAD;
}

/** Address of the lock word of the entry at `at`. */
const lock = (at: number): number => at + OFFSET;

test('the walk marks futexes the dying task owns OWNER_DIED, keeping WAITERS, and leaves others alone', () => {
  const f = fixture();
  const e = [BUF + 0x420, BUF + 0x440, BUF + 0x460];
  buildList(f, e.map((at) => ({ at })));
  f.mem.writeU32(lock(e[0]!), 100);
  f.mem.writeU32(lock(e[1]!), 101);
  f.mem.writeU32(lock(e[2]!), (WAITERS | OWNER_DIED | 100) >>> 0);
  exitRobustList(f.t);
  assert.equal(f.mem.readU32(lock(e[0]!)), OWNER_DIED);
  assert.equal(f.mem.readU32(lock(e[1]!)), 101);
  assert.equal(f.mem.readU32(lock(e[2]!)), (WAITERS | OWNER_DIED) >>> 0);
});

test('a dead owner of a non-PI futex with WAITERS wakes one shared waiter; PI entries wake nobody here', () => {
  const f = fixture();
  const e = [BUF + 0x420, BUF + 0x440];
  buildList(f, [{ at: e[0]! }, { at: e[1]!, pi: true }]);
  const owned = (WAITERS | 100) >>> 0;
  f.mem.writeU32(lock(e[0]!), owned);
  f.mem.writeU32(lock(e[1]!), owned);
  const [s1, s2, p, q] = [101, 102, 103, 104].map((tid) => f.thread(tid));
  f.futex(s1!, lock(e[0]!), WAIT, owned, 0);
  f.futex(s2!, lock(e[0]!), WAIT, owned, 0);
  f.futex(p!, lock(e[0]!), WAIT | PRIVATE, owned, 0);
  f.futex(q!, lock(e[1]!), WAIT, owned, 0);
  exitRobustList(f.t);
  assert.deepEqual([s1, s2, p, q].map((x) => x!.state),
    [TaskState.Runnable, TaskState.Blocked, TaskState.Blocked, TaskState.Blocked]);
  assert.equal(f.mem.readU32(lock(e[1]!)), (WAITERS | OWNER_DIED) >>> 0);
});

test('list_op_pending is handled once, after the list, and an ownerless pending non-PI lock still wakes one', () => {
  const f = fixture();
  const e = [BUF + 0x420, BUF + 0x440];
  const pend = BUF + 0x460;
  buildList(f, [{ at: e[0]! }, { at: e[1]! }], pend);
  f.mem.writeU32(lock(e[0]!), 100);
  f.mem.writeU32(lock(e[1]!), 100);
  const w = f.thread(101);
  f.futex(w, lock(pend), WAIT, 0, 0);
  exitRobustList(f.t);
  assert.equal(w.state, TaskState.Runnable);
  assert.equal(f.mem.readU32(lock(pend)), 0);
  assert.equal(f.mem.readU32(lock(e[1]!)), OWNER_DIED);

  // The pending entry is also on the list: it is handled once (a second pass would wake again).
  const g = fixture();
  buildList(g, [{ at: e[0]! }], e[0]);
  g.mem.writeU32(lock(e[0]!), (WAITERS | 100) >>> 0);
  const [a, b] = [101, 102].map((tid) => g.thread(tid));
  g.futex(a!, lock(e[0]!), WAIT, (WAITERS | 100) >>> 0, 0);
  g.futex(b!, lock(e[0]!), WAIT, (WAITERS | 100) >>> 0, 0);
  exitRobustList(g.t);
  assert.deepEqual([a!.state, b!.state], [TaskState.Runnable, TaskState.Blocked]);

  // An ownerless pending PI lock wakes nobody.
  const h = fixture();
  buildList(h, [], pend, true);
  const c = h.thread(101);
  h.futex(c, lock(pend), WAIT, 0, 0);
  exitRobustList(h.t);
  assert.equal(c.state, TaskState.Blocked);
});

test(`the walk stops after ${ROBUST_LIST_LIMIT} entries`, () => {
  const f = fixture();
  const base = 0x200000, count = 3000, stride = 32;
  const pages = Math.ceil((count * stride) / PAGE_SIZE);
  f.mem.setPages(base / PAGE_SIZE, pages, PROT_READ | PROT_WRITE, true);
  try {
    const entries = Array.from({ length: count }, (_, i) => ({ at: base + i * stride + 16 }));
    buildList(f, entries);
    for (const e of entries) f.mem.writeU32(lock(e.at), 100);
    exitRobustList(f.t);
    const marked = entries.filter((e) => f.mem.readU32(lock(e.at)) === OWNER_DIED).length;
    assert.equal(marked, ROBUST_LIST_LIMIT);
    assert.equal(f.mem.readU32(lock(entries[ROBUST_LIST_LIMIT]!.at)), 100);
  } finally {
    fill(f.mem, base, base + pages * PAGE_SIZE, 0);
    f.mem.setPages(base / PAGE_SIZE, pages, 0, false);
  }
});

test('a circular list that never returns to the head ends at the limit', () => {
  const f = fixture();
  const a = BUF + 0x420, b = BUF + 0x440;
  f.mem.writeU64(HEAD, a);
  f.mem.writeU64(HEAD + 8, OFFSET);
  f.mem.writeU64(HEAD + 16, 0);
  f.mem.writeU64(a, b);
  f.mem.writeU64(b, a);
  f.mem.writeU32(lock(a), 100);
  f.mem.writeU32(lock(b), 100);
  f.t.robustList = HEAD;
  exitRobustList(f.t);
  assert.equal(f.mem.readU32(lock(a)), OWNER_DIED);
  assert.equal(f.mem.readU32(lock(b)), OWNER_DIED);
});

test('faults end the walk quietly: bad head, bad next pointer, misaligned or read-only lock', () => {
  const f = fixture();
  f.t.robustList = UNMAPPED;
  exitRobustList(f.t);
  f.t.robustList = 0x1_0000_0000;
  exitRobustList(f.t);

  const e0 = BUF + 0x420, e1 = BUF + 0x440, pend = BUF + 0x460;
  buildList(f, [{ at: e0 }], pend);
  f.mem.writeU64(e0, UNMAPPED); // next pointer leads nowhere
  f.mem.writeU32(lock(e0), 100);
  f.mem.writeU32(lock(pend), 100);
  exitRobustList(f.t);
  assert.equal(f.mem.readU32(lock(e0)), OWNER_DIED, 'the entry itself is handled');
  assert.equal(f.mem.readU32(lock(pend)), 100, 'the walk ended before list_op_pending');

  const g = fixture();
  buildList(g, [{ at: e0 + 2 }, { at: e1 }]); // misaligned lock word
  g.mem.writeU32(lock(e1), 100);
  exitRobustList(g.t);
  assert.equal(g.mem.readU32(lock(e1)), 100);

  const h = fixture();
  h.mem.writeU64(HEAD, RO + 0x20); // an entry in the read-only page, its lock owned by us
  h.mem.writeU64(HEAD + 8, OFFSET);
  h.mem.writeU64(HEAD + 16, 0);
  pokeU32(h.mem, RO + 0x20 + OFFSET, 100);
  h.t.robustList = HEAD;
  exitRobustList(h.t);
  assert.equal(h.mem.readU32(RO + 0x20 + OFFSET), 100, 'unwritable: left alone, no throw');
});

test('clearChildTid stores 0 and wakes one shared waiter while other tasks share the mm', () => {
  const f = fixture();
  const ctid = BUF + 0x300;
  const child = f.thread(101);
  f.mem.writeU32(ctid, 101);
  child.clearChildTid = ctid;
  const [j1, j2, jp] = [102, 103, 104].map((tid) => f.thread(tid));
  f.futex(j1!, ctid, WAIT, 101, 0);
  f.futex(j2!, ctid, WAIT, 101, 0);
  f.futex(jp!, ctid, WAIT | PRIVATE, 101, 0);
  clearChildTid(child);
  assert.equal(f.mem.readU32(ctid), 0);
  assert.equal(child.clearChildTid, 0);
  assert.deepEqual([j1, j2, jp].map((x) => x!.state), [TaskState.Runnable, TaskState.Blocked, TaskState.Blocked]);
});

test('clearChildTid does nothing to memory when the task is the last user of its mm', () => {
  const f = fixture();
  const ctid = BUF + 0x300;
  f.mem.writeU32(ctid, 100);
  f.t.clearChildTid = ctid;
  const other = f.otherProcess(200); // another mm does not count
  assert.equal(other.mm === f.t.mm, false);
  clearChildTid(f.t);
  assert.equal(f.mem.readU32(ctid), 100);
  assert.equal(f.t.clearChildTid, 0);

  const g = fixture();
  const dead = g.thread(101);
  g.exit(dead);
  g.mem.writeU32(ctid, 100);
  g.t.clearChildTid = ctid;
  clearChildTid(g.t);
  assert.equal(g.mem.readU32(ctid), 100, 'exited tasks do not count');
});

test('clearChildTid ignores an unwritable address', () => {
  const f = fixture();
  f.thread(101);
  f.t.clearChildTid = RO;
  clearChildTid(f.t);
  f.t.clearChildTid = UNMAPPED;
  clearChildTid(f.t);
  f.t.clearChildTid = 0x1_0000_0000;
  clearChildTid(f.t);
  assert.equal(f.t.clearChildTid, 0);
});

test('futexWake wakes up to n matching waiters of the right kind and reports errors', () => {
  const f = fixture();
  const W = BUF + 0x300;
  const ws = [101, 102, 103].map((tid) => f.thread(tid));
  for (const w of ws) f.futex(w, W, WAIT | PRIVATE, 0, 0);
  assert.equal(futexWake(f.t, W, 2, true), 0);
  assert.equal(futexWake(f.t, W, 2, false), 2);
  assert.equal(futexWake(f.t, W, 5, false), 1);
  assert.equal(futexWake(f.t, W + 1, 1, false), -EINVAL);
  assert.equal(futexWake(f.t, UNMAPPED, 1, true), -EFAULT);
});
