// FUTEX_REQUEUE, FUTEX_CMP_REQUEUE and FUTEX_WAKE_OP.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Blocked } from '../../src/kernel/request.js';
import { TaskState, type Task } from '../../src/kernel/task.js';
import { EAGAIN, EFAULT, EINVAL, ENOSYS, ERESTARTSYS } from '../../src/abi/errno.js';
import { formatFutexOp } from '../../src/kernel/futex/abi.js';
import { decodeWakeOp } from '../../src/kernel/futex/wake.js';
import { BUF, fixture, RO, UNMAPPED, type Fixture } from './futex_fixture.js';

const WAIT = 0, WAKE = 1, REQUEUE = 3, CMP_REQUEUE = 4, WAKE_OP = 5, WAIT_BITSET = 9, WAKE_BITSET = 10;
const PRIVATE = 128;
const A = BUF, B = BUF + 8;

/** n tasks (tids from 101) waiting on addr with WAIT|PRIVATE (word 0). */
function waiters(f: Fixture, addr: number, n: number, firstTid = 101): Task[] {
  const ts: Task[] = [];
  for (let i = 0; i < n; i++) {
    const w = f.thread(firstTid + i);
    assert.ok(f.futex(w, addr, WAIT | PRIVATE, 0, 0) instanceof Blocked);
    ts.push(w);
  }
  return ts;
}

/** FUTEX_WAKE_OP's val3: op, cmp, oparg, cmparg. */
function encOp(op: number, cmp: number, oparg: number, cmparg: number): number {
  return ((op & 15) << 28 | (cmp & 15) << 24 | (oparg & 0xfff) << 12 | (cmparg & 0xfff)) >>> 0;
}

test('REQUEUE wakes nr_wake, moves up to nr_requeue to uaddr2 and returns the sum', () => {
  const f = fixture();
  const ws = waiters(f, A, 5);
  assert.equal(f.futex(f.t, A, REQUEUE | PRIVATE, 1, 2, B), 3);
  assert.deepEqual(ws.map((w) => w.state === TaskState.Runnable), [true, false, false, false, false]);
  assert.equal(f.futex(f.t, B, WAKE | PRIVATE, 10), 2, 'two moved to B');
  assert.deepEqual(ws.map((w) => w.state === TaskState.Runnable), [true, true, true, false, false]);
  assert.equal(f.futex(f.t, A, WAKE | PRIVATE, 10), 2, 'two left on A');
});

test('a requeued waiter returns 0 when woken on the new futex', () => {
  const f = fixture();
  const [w] = waiters(f, A, 1);
  assert.equal(f.futex(f.t, A, REQUEUE | PRIVATE, 0, 1, B), 1);
  assert.equal(w!.state, TaskState.Blocked);
  assert.equal(f.futex(f.t, B, WAKE | PRIVATE, 1), 1);
  assert.equal(f.futex(w!, A, WAIT | PRIVATE, 0, 0), 0);
});

test('a signal to a requeued waiter takes it off the new futex', () => {
  const f = fixture();
  const [w] = waiters(f, A, 1);
  f.futex(f.t, A, REQUEUE | PRIVATE, 0, 1, B);
  assert.equal(f.interrupt(w!), -ERESTARTSYS);
  assert.equal(f.futex(f.t, B, WAKE | PRIVATE, 1), 0);
  assert.equal(f.futex(f.t, A, WAKE | PRIVATE, 1), 0);
});

test('requeued waiters keep their bitset', () => {
  const f = fixture();
  const w = f.thread(101);
  f.futex(w, A, WAIT_BITSET | PRIVATE, 0, 0, 0, 0b10);
  f.futex(f.t, A, REQUEUE | PRIVATE, 0, 1, B);
  assert.equal(f.futex(f.t, B, WAKE_BITSET | PRIVATE, 1, 0, 0, 0b01), 0);
  assert.equal(f.futex(f.t, B, WAKE_BITSET | PRIVATE, 1, 0, 0, 0b10), 1);
});

test('REQUEUE with nr_wake 0 and nr_requeue 0 does nothing; negative counts give EINVAL', () => {
  const f = fixture();
  const ws = waiters(f, A, 2);
  assert.equal(f.futex(f.t, A, REQUEUE | PRIVATE, 0, 0, B), 0);
  assert.ok(ws.every((w) => w.state === TaskState.Blocked));
  assert.equal(f.futex(f.t, A, REQUEUE | PRIVATE, -1, 1, B), -EINVAL);
  assert.equal(f.futex(f.t, A, REQUEUE | PRIVATE, 1, -1, B), -EINVAL);
  assert.equal(f.futex(f.t, A, REQUEUE | PRIVATE, 1, 1, B + 2), -EINVAL, 'unaligned uaddr2');
  assert.equal(f.futex(f.t, A, REQUEUE, 1, 1, UNMAPPED), -EFAULT, 'shared uaddr2 unmapped');
});

test('CMP_REQUEUE checks *uaddr against val3 (EAGAIN) and then counts like REQUEUE', () => {
  const f = fixture();
  const ws = waiters(f, A, 4);
  f.mem.writeU32(A, 9);
  assert.equal(f.futex(f.t, A, CMP_REQUEUE | PRIVATE, 1, 10, B, 8), -EAGAIN);
  assert.ok(ws.every((w) => w.state === TaskState.Blocked));
  assert.equal(f.futex(f.t, A, CMP_REQUEUE | PRIVATE, 1, 10, B, 9), 4);
  assert.equal(f.futex(f.t, B, WAKE | PRIVATE, 10), 3);
  assert.equal(f.futex(f.t, UNMAPPED, CMP_REQUEUE | PRIVATE, 1, 1, B, 0), -EFAULT);
});

test('WAKE_OP decodes op, cmp, a sign-extended oparg and cmparg, and the shift flag', () => {
  assert.deepEqual(decodeWakeOp(encOp(1, 4, -1, -2)), { op: 1, cmp: 4, oparg: -1, cmparg: -2 });
  assert.deepEqual(decodeWakeOp(encOp(8 | 2, 0, 5, 0x7ff)), { op: 2, cmp: 0, oparg: 32, cmparg: 2047 });
  assert.equal(decodeWakeOp(encOp(8, 0, 31, 0)).oparg >>> 0, 0x80000000);
  assert.equal(decodeWakeOp(encOp(8, 0, 33, 0)).oparg, 2, 'shift counts are masked to 0..31');
});

test('WAKE_OP applies SET, ADD, OR, ANDN and XOR to *uaddr2 and returns the wakes', () => {
  const f = fixture();
  const cases: [number, number, number, number][] = [
    // op, oparg, old, new
    [0, 5, 0x1234, 5],
    [1, 3, 10, 13],
    [1, -1, 0, 0xffffffff],
    [2, 0x0f0, 0x00f, 0x0ff],
    [3, 0x0f0, 0xfff, 0xf0f],
    [4, 0x0ff, 0xf0f, 0xff0],
    [8 | 2, 4, 1, 0x11],
  ];
  for (const [op, oparg, old, want] of cases) {
    f.mem.writeU32(B, old);
    assert.equal(f.futex(f.t, A, WAKE_OP | PRIVATE, 1, 1, B, encOp(op, 0, oparg, 0)), 0);
    assert.equal(f.mem.readU32(B), want, `op ${op} oparg ${oparg} on ${old}`);
  }
});

test('WAKE_OP wakes on uaddr2 only when old CMP cmparg holds, comparing as signed ints', () => {
  const f = fixture();
  const cmps: [number, number, number, boolean][] = [
    // cmp, old, cmparg, holds
    [0, 3, 3, true], [0, 3, 4, false],
    [1, 3, 4, true], [1, 3, 3, false],
    [2, 0xffffffff, 0, true], [2, 1, 0, false], // -1 < 0
    [3, 2, 2, true], [3, 3, 2, false],
    [4, 2, 1, true], [4, 0xfffffffe, 1, false], // -2 > 1 is false
    [5, 1, 1, true], [5, 0, 1, false],
  ];
  let tid = 101;
  for (const [cmp, old, cmparg, holds] of cmps) {
    const a = f.thread(tid++), b = f.thread(tid++);
    f.futex(a, A, WAIT | PRIVATE, 0, 0);
    f.mem.writeU32(B, old);
    f.futex(b, B, WAIT | PRIVATE, old, 0);
    const r = f.futex(f.t, A, WAKE_OP | PRIVATE, 1, 1, B, encOp(1, cmp, 0, cmparg));
    assert.equal(r, holds ? 2 : 1, `cmp ${cmp} old ${old} cmparg ${cmparg}`);
    assert.equal(b.state === TaskState.Runnable, holds);
    if (!holds) f.futex(f.t, B, WAKE | PRIVATE, 1);
  }
});

test("glibc's FUTEX_OP_CLEAR_WAKE_IF_GT_ONE stores 0 and wakes the second futex when old > 1", () => {
  const f = fixture();
  const ws = waiters(f, B, 3);
  f.mem.writeU32(B, 2);
  assert.equal(f.futex(f.t, A, WAKE_OP | PRIVATE, 1, 2, B, (4 << 24) | 1), 2);
  assert.equal(f.mem.readU32(B), 0);
  assert.equal(ws.filter((w) => w.state === TaskState.Runnable).length, 2);
});

test('WAKE_OP errors: unwritable uaddr2 EFAULT, unknown op ENOSYS (no store), unknown cmp ENOSYS after the store', () => {
  const f = fixture();
  const w = f.thread(101);
  f.futex(w, A, WAIT | PRIVATE, 0, 0);
  assert.equal(f.futex(f.t, A, WAKE_OP | PRIVATE, 1, 1, RO, encOp(0, 0, 1, 0)), -EFAULT);
  assert.equal(f.futex(f.t, A, WAKE_OP, 1, 1, RO, encOp(0, 0, 1, 0)), -EFAULT, 'shared: needs a writable page');
  f.mem.writeU32(B, 7);
  assert.equal(f.futex(f.t, A, WAKE_OP | PRIVATE, 1, 1, B, encOp(5, 0, 1, 0)), -ENOSYS);
  assert.equal(f.mem.readU32(B), 7);
  assert.equal(f.futex(f.t, A, WAKE_OP | PRIVATE, 1, 1, B, encOp(0, 6, 1, 0)), -ENOSYS);
  assert.equal(f.mem.readU32(B), 1);
  assert.equal(w.state, TaskState.Blocked, 'nobody woken on an error');
  assert.equal(f.futex(f.t, A, WAKE_OP | PRIVATE, 1, 1, B + 1, 0), -EINVAL);
});

test('formatFutexOp names commands and flags as strace does', () => {
  assert.equal(formatFutexOp(0x189), 'FUTEX_WAIT_BITSET_PRIVATE|FUTEX_CLOCK_REALTIME');
  assert.equal(formatFutexOp(1), 'FUTEX_WAKE');
  assert.equal(formatFutexOp(128 | 4), 'FUTEX_CMP_REQUEUE_PRIVATE');
  assert.equal(formatFutexOp(14), '0xe /* FUTEX_??? */');
});
