import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defs } from '../../src/kernel/syscalls/info.js';
import { defs as rlimitDefs } from '../../src/kernel/syscalls/rlimit.js';
import { EACCES, EFAULT, EINVAL, EPERM, ESRCH } from '../../src/abi/errno.js';
import { PAGE_SIZE } from '../../src/mem/guest_memory.js';
import { BUF, BUF_PAGES, fixture, RO, UNMAPPED } from './sys_proc_fixture.js';
import { fill, peek } from './mem_helpers.js';

test('uname fills six 65-byte NUL-padded fields', () => {
  const f = fixture();
  fill(f.mem, BUF, BUF + 390, 0xff);
  assert.equal(f.call(defs, 'uname', BUF), 0);
  const field = (i: number): string => {
    const b = f.mem.read(BUF + 65 * i, 65);
    assert.ok(b.subarray(b.indexOf(0)).every((x) => x === 0), `field ${i} padded`);
    return Buffer.from(b.subarray(0, b.indexOf(0))).toString();
  };
  assert.deepEqual([0, 1, 2, 3, 4, 5].map(field),
    ['Linux', 'testhost', '6.1.0-ecall', '#1 SMP PREEMPT_DYNAMIC ecall', 'riscv64', '(none)']);
  assert.equal(f.call(defs, 'uname', RO), -EFAULT);
});

test('sysinfo uses the LP64 layout: uptime rounded up, RAM (the machine memory, free frames), procs @80, mem_unit @104', () => {
  const f = fixture();
  fill(f.mem, BUF, BUF + 112, 0xff);
  assert.equal(f.call(defs, 'sysinfo', BUF), 0);
  assert.equal(f.mem.readBig64(BUF), 6n); // 5.000000123 s rounds up
  assert.equal(f.mem.readBig64(BUF + 8), 0n);
  assert.equal(f.mem.readU64(BUF + 32), f.mem.phys.bytes);
  assert.equal(f.mem.readU64(BUF + 40), f.mem.phys.freeFrames * PAGE_SIZE);
  assert.equal(f.mem.readU64(BUF + 64), 0);
  assert.equal(f.mem.readU16(BUF + 80), 1);
  assert.equal(f.mem.readU16(BUF + 82), 0);
  assert.equal(f.mem.readU64(BUF + 88), 0);
  assert.equal(f.mem.readU32(BUF + 104), 1);
  assert.equal(f.mem.readU32(BUF + 108), 0);
  assert.equal(f.call(defs, 'sysinfo', BUF + BUF_PAGES * PAGE_SIZE - 100), -EFAULT);
});

test('getrandom fills the buffer from the host and validates flags', () => {
  const f = fixture();
  assert.equal(f.call(defs, 'getrandom', BUF, 100, 0), 100);
  assert.ok(f.mem.read(BUF, 100).every((x) => x === 0xa5));
  assert.equal(peek(f.mem, BUF + 100), 0);
  assert.equal(f.call(defs, 'getrandom', BUF, 16, 1), 16);
  assert.equal(f.call(defs, 'getrandom', BUF, 16, 2), 16);
  assert.equal(f.call(defs, 'getrandom', BUF, 16, 4), 16);
  assert.equal(f.call(defs, 'getrandom', BUF, 16, 6), -EINVAL);
  assert.equal(f.call(defs, 'getrandom', BUF, 16, 8), -EINVAL);
  assert.equal(f.call(defs, 'getrandom', BUF, 0, 0), 0);
  assert.equal(f.call(defs, 'getrandom', UNMAPPED, 16, 0), -EFAULT);
});

test('getrandom returns a partial count when the buffer runs into an unwritable page', () => {
  const f = fixture();
  const start = RO - 10;
  assert.equal(f.call(defs, 'getrandom', start, 100, 0), 10);
  assert.equal(f.call(defs, 'getrandom', RO, 100, 0), -EFAULT);
});

test('getrandom caps one call at 33554431 bytes', () => {
  const f = fixture();
  // The cap applies before the copy: a huge length over 4 pages fills them, then stops at the hole.
  assert.equal(f.call(defs, 'getrandom', BUF, 2n ** 63n, 0), BUF_PAGES * PAGE_SIZE);
});

test('getcpu reports CPU 0 and node 0 and skips NULL pointers', () => {
  const f = fixture();
  f.mem.writeU32(BUF, 7); f.mem.writeU32(BUF + 4, 7);
  assert.equal(f.call(defs, 'getcpu', BUF, BUF + 4, 0), 0);
  assert.deepEqual([f.mem.readU32(BUF), f.mem.readU32(BUF + 4)], [0, 0]);
  assert.equal(f.call(defs, 'getcpu', 0, 0, 0), 0);
  assert.equal(f.call(defs, 'getcpu', RO, 0, 0), -EFAULT);
});

test('sched_getaffinity returns 8 bytes with CPU 0 set; len must be a non-zero multiple of 8', () => {
  const f = fixture();
  fill(f.mem, BUF, BUF + 16, 0xff);
  assert.equal(f.call(defs, 'sched_getaffinity', 0, 128, BUF), 8);
  assert.equal(f.mem.readBig64(BUF), 1n);
  assert.equal(f.mem.readU8(BUF + 8), 0xff);
  assert.equal(f.call(defs, 'sched_getaffinity', 0, 4, BUF), -EINVAL);
  assert.equal(f.call(defs, 'sched_getaffinity', 0, 0, BUF), -EINVAL);
  assert.equal(f.call(defs, 'sched_getaffinity', 0, 12, BUF), -EINVAL);
  assert.equal(f.call(defs, 'sched_getaffinity', 555, 8, BUF), -ESRCH);
  assert.equal(f.call(defs, 'sched_getaffinity', 100, 8, RO), -EFAULT);
});

test('sched_setaffinity accepts masks containing CPU 0 and rejects others', () => {
  const f = fixture();
  f.mem.writeBig64(BUF, 0xffn);
  assert.equal(f.call(defs, 'sched_setaffinity', 0, 8, BUF), 0);
  f.mem.writeBig64(BUF, 2n);
  assert.equal(f.call(defs, 'sched_setaffinity', 0, 8, BUF), -EINVAL);
  assert.equal(f.call(defs, 'sched_setaffinity', 0, 8, UNMAPPED), -EFAULT);
  f.mem.writeBig64(BUF, 1n);
  assert.equal(f.call(defs, 'sched_setaffinity', 777, 8, BUF), -ESRCH);
});

test('scheduler queries report SCHED_OTHER at priority 0', () => {
  const f = fixture();
  assert.equal(f.call(defs, 'sched_yield'), 0);
  assert.equal(f.call(defs, 'sched_getscheduler', 0), 0);
  assert.equal(f.call(defs, 'sched_getscheduler', -1), -EINVAL);
  assert.equal(f.call(defs, 'sched_getscheduler', 31337), -ESRCH);
  f.mem.writeI32(BUF, 5);
  assert.equal(f.call(defs, 'sched_getparam', 0, BUF), 0);
  assert.equal(f.mem.readI32(BUF), 0);
  assert.equal(f.call(defs, 'sched_getparam', 0, 0), -EINVAL);
  assert.equal(f.call(defs, 'sched_get_priority_max', 1), 99);
  assert.equal(f.call(defs, 'sched_get_priority_min', 2), 1);
  assert.equal(f.call(defs, 'sched_get_priority_max', 0), 0);
  assert.equal(f.call(defs, 'sched_get_priority_min', 9), -EINVAL);
});

test('sched_setscheduler: SCHED_BATCH is allowed, real-time needs privilege', () => {
  const f = fixture();
  f.mem.writeI32(BUF, 0);
  assert.equal(f.call(defs, 'sched_setscheduler', 0, 3, BUF), 0);
  assert.equal(f.call(defs, 'sched_getscheduler', 0), 3);
  assert.equal(f.call(defs, 'sched_setscheduler', 0, 3, 0), -EINVAL);
  f.mem.writeI32(BUF, 10);
  assert.equal(f.call(defs, 'sched_setscheduler', 0, 0, BUF), -EINVAL);
  assert.equal(f.call(defs, 'sched_setscheduler', 0, 1, BUF), -EPERM);
  assert.equal(f.call(defs, 'sched_setscheduler', 0, 9, BUF), -EINVAL);
  const r = fixture({ uid: 0 });
  r.mem.writeI32(BUF, 10);
  assert.equal(r.call(defs, 'sched_setscheduler', 0, 2, BUF), 0);
  assert.equal(r.call(defs, 'sched_getparam', 0, BUF + 8), 0);
  assert.equal(r.mem.readI32(BUF + 8), 10);
});

test('the scheduling policy belongs to one thread: sched_setscheduler(tid) leaves its siblings alone', () => {
  const f = fixture({ uid: 0 });
  f.addThread(101);
  f.mem.writeI32(BUF, 7);
  assert.equal(f.call(defs, 'sched_setscheduler', 101, 1, BUF), 0);
  assert.equal(f.call(defs, 'sched_getscheduler', 101), 1);
  assert.equal(f.call(defs, 'sched_getscheduler', 0), 0);
  assert.equal(f.call(defs, 'sched_getparam', 100, BUF + 8), 0);
  assert.equal(f.mem.readI32(BUF + 8), 0);
  assert.equal(f.call(defs, 'sched_getparam', 101, BUF + 8), 0);
  assert.equal(f.mem.readI32(BUF + 8), 7);
});

test('getpriority returns 20 - nice; raising nice is allowed, lowering needs RLIMIT_NICE', () => {
  const f = fixture();
  assert.equal(f.call(defs, 'getpriority', 0, 0), 20);
  assert.equal(f.call(defs, 'setpriority', 0, 0, 5), 0);
  assert.equal(f.call(defs, 'getpriority', 0, 100), 15);
  assert.equal(f.call(defs, 'setpriority', 0, 0, 100), 0);
  assert.equal(f.call(defs, 'getpriority', 1, 0), 1); // clamped to 19
  assert.equal(f.call(defs, 'setpriority', 0, 0, 0), -EACCES);
  assert.equal(f.call(defs, 'getpriority', 2, 1000), 1);
  assert.equal(f.call(defs, 'getpriority', 2, 4), -ESRCH);
  assert.equal(f.call(defs, 'getpriority', 3, 0), -EINVAL);
  assert.equal(f.call(defs, 'setpriority', 0, 999, 0), -ESRCH);
  // Root may lower nice, and may raise RLIMIT_NICE (whose value is the floor 20 - nice).
  const r = fixture({ uid: 0 });
  r.mem.writeBig64(BUF, 30n); r.mem.writeBig64(BUF + 8, 30n);
  assert.equal(r.call(rlimitDefs, 'setrlimit', 13, BUF), 0);
  assert.equal(r.call(defs, 'setpriority', 0, 0, -20), 0);
  assert.equal(r.call(defs, 'getpriority', 0, 0), 40);
});
