// PI futexes: LOCK_PI, LOCK_PI2, TRYLOCK_PI, UNLOCK_PI, owner handoff and owner death.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Blocked } from '../../src/kernel/request.js';
import { TaskState } from '../../src/kernel/task.js';
import {
  EAGAIN, EDEADLK, EFAULT, EINVAL, EPERM, ERESTARTNOINTR, ESRCH, ETIMEDOUT,
} from '../../src/abi/errno.js';
import { exitRobustList } from '../../src/kernel/futex/exit.js';
import { BUF, fixture, putTimespec, RO, UNMAPPED } from './futex_fixture.js';
import { dl } from './request_helpers.js';

const WAIT = 0, WAKE = 1, REQUEUE = 3, LOCK_PI = 6, UNLOCK_PI = 7, TRYLOCK_PI = 8, LOCK_PI2 = 13;
const PRIVATE = 128, CLOCK_RT = 256;
const WAITERS = 0x80000000, OWNER_DIED = 0x40000000;
const L = BUF, TS = BUF + 0x100;

test('LOCK_PI on a free word stores the caller TID, keeping OWNER_DIED and dropping WAITERS', () => {
  const f = fixture();
  assert.equal(f.futex(f.t, L, LOCK_PI | PRIVATE, 0, 0), 0);
  assert.equal(f.mem.readU32(L), 100);
  f.mem.writeU32(L, (WAITERS | OWNER_DIED) >>> 0);
  assert.equal(f.futex(f.t, L, LOCK_PI | PRIVATE, 0, 0), 0);
  assert.equal(f.mem.readU32(L), (OWNER_DIED | 100) >>> 0);
});

test('LOCK_PI on a word the caller owns gives EDEADLK', () => {
  const f = fixture();
  f.mem.writeU32(L, (WAITERS | 100) >>> 0);
  assert.equal(f.futex(f.t, L, LOCK_PI | PRIVATE, 0, 0), -EDEADLK);
  assert.equal(f.futex(f.t, L, TRYLOCK_PI | PRIVATE, 0, 0), -EDEADLK);
});

test('LOCK_PI with an owner TID that names no task gives ESRCH and leaves WAITERS set', () => {
  const f = fixture();
  f.mem.writeU32(L, 4242);
  assert.equal(f.futex(f.t, L, LOCK_PI | PRIVATE, 0, 0), -ESRCH);
  assert.equal(f.mem.readU32(L), (WAITERS | 4242) >>> 0);
});

test('LOCK_PI address errors: EINVAL unaligned, EFAULT unmapped or read-only', () => {
  const f = fixture();
  assert.equal(f.futex(f.t, L + 2, LOCK_PI | PRIVATE, 0, 0), -EINVAL);
  assert.equal(f.futex(f.t, UNMAPPED, LOCK_PI | PRIVATE, 0, 0), -EFAULT);
  assert.equal(f.futex(f.t, RO, LOCK_PI | PRIVATE, 0, 0), -EFAULT);
  assert.equal(f.futex(f.t, RO, LOCK_PI, 0, 0), -EFAULT);
});

test('a contended LOCK_PI sets WAITERS and sleeps; UNLOCK_PI hands the lock over with WAITERS kept', () => {
  const f = fixture();
  const owner = f.thread(101), w1 = f.thread(102), w2 = f.thread(103);
  assert.equal(f.futex(owner, L, LOCK_PI | PRIVATE, 0, 0), 0);
  const b = f.futex(w1, L, LOCK_PI | PRIVATE, 0, 0);
  assert.ok(b instanceof Blocked);
  assert.equal(b.restart, ERESTARTNOINTR);
  assert.equal(f.mem.readU32(L), (WAITERS | 101) >>> 0);
  assert.ok(f.futex(w2, L, LOCK_PI | PRIVATE, 0, 0) instanceof Blocked);
  assert.equal(f.futex(owner, L, UNLOCK_PI | PRIVATE), 0);
  assert.equal(f.mem.readU32(L), (WAITERS | 102) >>> 0, 'first waiter first');
  assert.equal(w1.state, TaskState.Runnable);
  assert.equal(w2.state, TaskState.Blocked);
  assert.equal(f.futex(w1, L, LOCK_PI | PRIVATE, 0, 0), 0);
  assert.equal(f.futex(w1, L, UNLOCK_PI | PRIVATE), 0);
  assert.equal(f.mem.readU32(L), (WAITERS | 103) >>> 0, 'WAITERS stays set even for the last one (Linux)');
  assert.equal(f.futex(w2, L, LOCK_PI | PRIVATE, 0, 0), 0);
  assert.equal(f.futex(w2, L, UNLOCK_PI | PRIVATE), 0);
  assert.equal(f.mem.readU32(L), 0, 'no sleepers: the word becomes 0');
});

test('UNLOCK_PI by a task that does not own the word gives EPERM', () => {
  const f = fixture();
  f.mem.writeU32(L, 101);
  assert.equal(f.futex(f.t, L, UNLOCK_PI | PRIVATE), -EPERM);
  assert.equal(f.futex(f.t, L + 1, UNLOCK_PI | PRIVATE), -EPERM, 'ownership is checked before alignment');
  assert.equal(f.futex(f.t, UNMAPPED, UNLOCK_PI | PRIVATE), -EFAULT);
  f.mem.writeU32(L, (OWNER_DIED | 100) >>> 0);
  assert.equal(f.futex(f.t, L, UNLOCK_PI | PRIVATE), 0);
  assert.equal(f.mem.readU32(L), 0);
});

test('TRYLOCK_PI takes a free lock, and on a held one sets WAITERS and gives EAGAIN without sleeping', () => {
  const f = fixture();
  const other = f.thread(101);
  assert.equal(f.futex(f.t, L, TRYLOCK_PI | PRIVATE), 0);
  assert.equal(f.mem.readU32(L), 100);
  assert.equal(f.futex(other, L, TRYLOCK_PI | PRIVATE), -EAGAIN);
  assert.equal(other.state, TaskState.Runnable);
  assert.equal(f.mem.readU32(L), (WAITERS | 100) >>> 0);
  assert.equal(f.futex(f.t, L, UNLOCK_PI | PRIVATE), 0);
  assert.equal(f.mem.readU32(L), 0);
});

test('LOCK_PI timeouts are absolute CLOCK_REALTIME; LOCK_PI2 is MONOTONIC unless FUTEX_CLOCK_REALTIME', () => {
  const f = fixture();
  const w1 = f.thread(101), w2 = f.thread(102), w3 = f.thread(103);
  f.mem.writeU32(L, 100);
  const rt = f.clock.real + 2_000_000_000n;
  putTimespec(f.mem, TS, rt / 1_000_000_000n, rt % 1_000_000_000n);
  const b1 = f.futex(w1, L, LOCK_PI | PRIVATE, 0, TS) as Blocked;
  assert.equal(dl(b1), f.clock.mono + 2_000_000_000n);
  const b3 = f.futex(w3, L, LOCK_PI2 | PRIVATE | CLOCK_RT, 0, TS) as Blocked;
  assert.equal(dl(b3), f.clock.mono + 2_000_000_000n);
  putTimespec(f.mem, TS, 7n, 0n);
  const b2 = f.futex(w2, L, LOCK_PI2 | PRIVATE, 0, TS) as Blocked;
  assert.equal(dl(b2), 7_000_000_000n);
  f.clock.mono = 7_000_000_000n;
  f.expire(w2);
  assert.equal(f.futex(w2, L, LOCK_PI2 | PRIVATE, 0, TS), -ETIMEDOUT);
  f.clock.real = rt;
  f.expire(w1);
  assert.equal(f.futex(w1, L, LOCK_PI | PRIVATE, 0, TS), -ETIMEDOUT);
  assert.equal(f.futex(f.t, L, UNLOCK_PI | PRIVATE), 0);
  assert.equal(f.mem.readU32(L), (WAITERS | 103) >>> 0, 'only w3 was still waiting');
});

test('a signal interrupts LOCK_PI with ERESTARTNOINTR and the restarted call sleeps again', () => {
  const f = fixture();
  const w = f.thread(101);
  f.mem.writeU32(L, 100);
  f.futex(w, L, LOCK_PI | PRIVATE, 0, 0);
  assert.equal(f.interrupt(w), -ERESTARTNOINTR);
  assert.equal(f.futex(f.t, L, UNLOCK_PI | PRIVATE), 0);
  assert.equal(f.mem.readU32(L), 0, 'the interrupted locker is no longer a sleeper');
  f.mem.writeU32(L, 100);
  assert.ok(f.futex(w, L, LOCK_PI | PRIVATE, 0, 0) instanceof Blocked);
});

test('plain WAKE and REQUEUE refuse a futex with PI sleepers (EINVAL); LOCK_PI refuses plain sleepers', () => {
  const f = fixture();
  const w = f.thread(101);
  f.mem.writeU32(L, 100);
  f.futex(w, L, LOCK_PI | PRIVATE, 0, 0);
  assert.equal(f.futex(f.t, L, WAKE | PRIVATE, 1), -EINVAL);
  assert.equal(f.futex(f.t, L, REQUEUE | PRIVATE, 0, 1, BUF + 8), -EINVAL);
  assert.equal(w.state, TaskState.Blocked);
  const M = BUF + 16;
  const p = f.thread(102);
  f.futex(p, M, WAIT | PRIVATE, 0, 0);
  f.mem.writeU32(M, 102);
  assert.equal(f.futex(f.t, M, LOCK_PI | PRIVATE, 0, 0), -EINVAL);
});

test('LOCK_PI with sleepers gives EINVAL when the word names another owner than the kernel knows', () => {
  const f = fixture();
  const w = f.thread(101);
  f.thread(102);
  f.mem.writeU32(L, 100);
  f.futex(w, L, LOCK_PI | PRIVATE, 0, 0);
  f.mem.writeU32(L, (WAITERS | 102) >>> 0); // user space scribbled on the word
  assert.equal(f.futex(f.thread(103), L, LOCK_PI | PRIVATE, 0, 0), -EINVAL);
});

test('when a PI owner exits, its first sleeper gets the lock with OWNER_DIED kept from the robust walk', () => {
  const f = fixture();
  const owner = f.thread(101), w = f.thread(102);
  f.futex(owner, L, LOCK_PI | PRIVATE, 0, 0);
  f.futex(w, L, LOCK_PI | PRIVATE, 0, 0);
  f.mem.writeU32(L, (f.mem.readU32(L) | OWNER_DIED) >>> 0); // as the robust walk leaves it
  exitRobustList(owner);
  assert.equal(w.state, TaskState.Runnable);
  assert.equal(f.mem.readU32(L), (OWNER_DIED | WAITERS | 102) >>> 0);
  assert.equal(f.futex(w, L, LOCK_PI | PRIVATE, 0, 0), 0);
});
