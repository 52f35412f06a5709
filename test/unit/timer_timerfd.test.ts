// timerfd_create/settime/gettime and the timerfd file: expiration counts, intervals, absolute
// deadlines on both clocks, blocking and nonblocking reads, readiness, and the errno paths.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BUF, RO, UNMAPPED } from './sys_proc_fixture.js';
import { getItimerspec, putItimerspec, timerFixture, type TimerFixture } from './timer_fixture.js';
import { defs } from '../../src/kernel/syscalls/timerfd.js';
import { defs as rwDefs } from '../../src/kernel/syscalls/fs_rw.js';
import { defs as fdDefs } from '../../src/kernel/syscalls/fs_fd.js';
import { TimerFdFile, TFD_IOC_SET_TICKS } from '../../src/kernel/vfs/timerfd.js';
import { Blocked } from '../../src/kernel/request.js';
import { WakeReason } from '../../src/kernel/wait.js';
import { EAGAIN, EBADF, EFAULT, EINVAL, EPERM, ERESTARTSYS } from '../../src/abi/errno.js';
import { POLLIN } from '../../src/kernel/vfs/file.js';
import { dl } from './request_helpers.js';

const CLOCK_REALTIME = 0, CLOCK_MONOTONIC = 1, CLOCK_PROCESS_CPUTIME_ID = 2, CLOCK_BOOTTIME = 7,
  CLOCK_REALTIME_ALARM = 8, CLOCK_BOOTTIME_ALARM = 9;
const TFD_NONBLOCK = 0x800, TFD_CLOEXEC = 0x80000, TFD_TIMER_ABSTIME = 1, TFD_TIMER_CANCEL_ON_SET = 2;
const F_GETFL = 3, O_RDWR = 2;
const MS = 1_000_000n, SEC = 1_000_000_000n;
const SPEC = BUF, OLD = BUF + 0x40, RBUF = BUF + 0x100;

/** Creates a timerfd on clock (nonblocking unless told) and returns its fd. */
function create(f: TimerFixture, clock = CLOCK_MONOTONIC, flags = TFD_NONBLOCK): number {
  const fd = f.call(defs, 'timerfd_create', clock, flags);
  assert.equal(typeof fd, 'number');
  assert.ok((fd as number) >= 0);
  return fd as number;
}

/** timerfd_settime(fd, flags, {interval, value}, old). */
function settime(f: TimerFixture, fd: number, valueNs: bigint, intervalNs = 0n, flags = 0, old = 0): unknown {
  putItimerspec(f, SPEC, intervalNs, valueNs);
  return f.call(defs, 'timerfd_settime', fd, flags, SPEC, old);
}

/** read(fd, buf, len): the result and the u64 found in the buffer. */
function readTicks(f: TimerFixture, fd: number, len = 8): { r: unknown; v: bigint } {
  f.mem.writeBig64(RBUF, 0xdeadn);
  const r = f.call(rwDefs, 'read', fd, RBUF, len);
  return { r, v: f.mem.readBig64(RBUF) };
}

function gettime(f: TimerFixture, fd: number): [bigint, bigint] {
  assert.equal(f.call(defs, 'timerfd_gettime', fd, OLD), 0);
  return getItimerspec(f, OLD);
}

test('timerfd_create accepts REALTIME, MONOTONIC and BOOTTIME with TFD_CLOEXEC and TFD_NONBLOCK', () => {
  const f = timerFixture();
  for (const c of [CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_BOOTTIME]) create(f, c, 0);
  const fd = create(f, CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
  assert.equal(f.t.files.isCloexec(fd), true);
  assert.equal(f.t.files.isCloexec(0), false);
  assert.equal(f.t.files.get(fd)!.path, 'anon_inode:[timerfd]');
  assert.equal(f.call(fdDefs, 'fcntl', fd, F_GETFL), O_RDWR | TFD_NONBLOCK);
  assert.equal(f.call(fdDefs, 'fcntl', 0, F_GETFL), O_RDWR);
});

test('timerfd_create rejects unknown flags and clocks with EINVAL, ALARM clocks without privilege with EPERM', () => {
  const f = timerFixture();
  assert.equal(f.call(defs, 'timerfd_create', CLOCK_MONOTONIC, 1), -EINVAL);
  assert.equal(f.call(defs, 'timerfd_create', CLOCK_REALTIME_ALARM, 1), -EINVAL);
  assert.equal(f.call(defs, 'timerfd_create', CLOCK_PROCESS_CPUTIME_ID, 0), -EINVAL);
  assert.equal(f.call(defs, 'timerfd_create', 4 /* MONOTONIC_RAW */, 0), -EINVAL);
  assert.equal(f.call(defs, 'timerfd_create', -1, 0), -EINVAL);
  assert.equal(f.call(defs, 'timerfd_create', CLOCK_REALTIME_ALARM, 0), -EPERM);
  assert.equal(f.call(defs, 'timerfd_create', CLOCK_BOOTTIME_ALARM, 0), -EPERM);
  const root = timerFixture({ uid: 0 });
  assert.equal(root.call(defs, 'timerfd_create', CLOCK_REALTIME_ALARM, 0), 0);
  assert.equal(root.call(defs, 'timerfd_create', CLOCK_BOOTTIME_ALARM, 0), 1);
});

test('a one-shot timerfd counts one expiration, read once, and then reads EAGAIN again', () => {
  const f = timerFixture();
  const fd = create(f);
  assert.equal(readTicks(f, fd).r, -EAGAIN);
  assert.equal(settime(f, fd, 50n * MS), 0);
  assert.deepEqual(gettime(f, fd), [0n, 50n * MS]);
  f.advance(20n * MS);
  assert.deepEqual(gettime(f, fd), [0n, 30n * MS]);
  assert.equal(readTicks(f, fd).r, -EAGAIN);
  f.advance(30n * MS);
  assert.deepEqual(readTicks(f, fd), { r: 8, v: 1n });
  assert.equal(readTicks(f, fd).r, -EAGAIN);
  assert.deepEqual(gettime(f, fd), [0n, 0n]);
  f.advance(SEC);
  assert.equal(readTicks(f, fd).r, -EAGAIN);
});

test('a periodic timerfd counts every interval that passed before the read', () => {
  const f = timerFixture();
  const fd = create(f);
  settime(f, fd, 10n * MS, 4n * MS);
  f.advance(10n * MS + 3n * 4n * MS + 2n * MS); // expiries at 10, 14, 18, 22 ms; now 24 ms
  assert.deepEqual(readTicks(f, fd), { r: 8, v: 4n });
  assert.deepEqual(gettime(f, fd), [4n * MS, 2n * MS]);
  f.advance(2n * MS);
  assert.deepEqual(readTicks(f, fd), { r: 8, v: 1n });
  // Without fire() running (a late scheduler), the read still counts what is due.
  f.clock.mono += 9n * MS;
  assert.deepEqual(readTicks(f, fd), { r: 8, v: 2n });
});

test('timerfd expiry wakes the file wait queue and makes it POLLIN until read', () => {
  const f = timerFixture();
  const fd = create(f);
  const file = f.t.files.get(fd) as TimerFdFile;
  const woken: WakeReason[] = [];
  file.pollQueues()[0]!.add({ wake: (r) => woken.push(r) });
  settime(f, fd, 5n * MS);
  assert.equal(file.poll(), 0);
  f.advance(5n * MS);
  assert.deepEqual(woken, [WakeReason.Event]);
  assert.equal(file.poll(), POLLIN);
  readTicks(f, fd);
  assert.equal(file.poll(), 0);
});

test('a blocking timerfd read sleeps on the file queue with ERESTARTSYS and completes after expiry', () => {
  const f = timerFixture();
  const fd = create(f, CLOCK_MONOTONIC, 0);
  settime(f, fd, 5n * MS);
  const r = readTicks(f, fd).r;
  assert.ok(r instanceof Blocked);
  assert.equal(r.restart, ERESTARTSYS);
  assert.deepEqual(r.queues, (f.t.files.get(fd) as TimerFdFile).pollQueues());
  assert.equal(dl(r), null);
  f.advance(5n * MS);
  assert.deepEqual(readTicks(f, fd), { r: 8, v: 1n });
});

test('TFD_TIMER_ABSTIME takes monotonic deadlines as they are and realtime ones as wall-clock times', () => {
  const f = timerFixture();
  const mono = create(f);
  settime(f, mono, f.clock.mono + 7n * MS, 0n, TFD_TIMER_ABSTIME);
  assert.deepEqual(gettime(f, mono), [0n, 7n * MS]);
  const real = create(f, CLOCK_REALTIME);
  settime(f, real, f.clock.real + 3n * SEC, SEC, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET);
  assert.deepEqual(gettime(f, real), [SEC, 3n * SEC]);
  f.advance(3n * SEC);
  assert.deepEqual(readTicks(f, real), { r: 8, v: 1n });
  // A deadline in the past expires at once.
  const past = create(f, CLOCK_REALTIME);
  settime(f, past, f.clock.real - SEC, 0n, TFD_TIMER_ABSTIME);
  assert.deepEqual(readTicks(f, past), { r: 8, v: 1n });
});

test('timerfd_settime returns the old setting, clears the unread count, and disarms with a zero value', () => {
  const f = timerFixture();
  const fd = create(f);
  settime(f, fd, 10n * MS, 10n * MS);
  f.advance(25n * MS);
  assert.equal(settime(f, fd, 0n, 3n * MS, 0, OLD), 0);
  assert.deepEqual(getItimerspec(f, OLD), [10n * MS, 5n * MS]);
  assert.equal(readTicks(f, fd).r, -EAGAIN);
  assert.deepEqual(gettime(f, fd), [0n, 0n]);
  assert.equal(f.timers.size, 0);
});

test('closing the last fd of a timerfd cancels its kernel timer', () => {
  const f = timerFixture();
  const fd = create(f);
  settime(f, fd, SEC, SEC);
  assert.equal(f.timers.size, 1);
  assert.equal(f.call(fdDefs, 'close', fd), 0);
  assert.equal(f.timers.size, 0);
});

test('timerfd_settime checks the pointer, then flags and values, then the fd', () => {
  const f = timerFixture();
  const fd = create(f);
  assert.equal(f.call(defs, 'timerfd_settime', 99, 0, UNMAPPED, 0), -EFAULT);
  putItimerspec(f, SPEC, 0n, SEC);
  assert.equal(f.call(defs, 'timerfd_settime', 99, 4, SPEC, 0), -EINVAL);
  assert.equal(f.call(defs, 'timerfd_settime', 99, 0, SPEC, 0), -EBADF);
  f.mem.writeBig64(SPEC + 24, SEC); // it_value.tv_nsec out of range
  assert.equal(f.call(defs, 'timerfd_settime', fd, 0, SPEC, 0), -EINVAL);
  putItimerspec(f, SPEC, 0n, SEC);
  f.mem.writeBig64(SPEC, -1n); // negative interval seconds
  assert.equal(f.call(defs, 'timerfd_settime', fd, 0, SPEC, 0), -EINVAL);
  // An fd that is not a timerfd.
  const efd = f.t.files.install({ flags: 0, path: 'x', stat: () => { throw new Error('unused'); } });
  putItimerspec(f, SPEC, 0n, SEC);
  assert.equal(f.call(defs, 'timerfd_settime', efd, 0, SPEC, 0), -EINVAL);
  assert.equal(f.call(defs, 'timerfd_gettime', efd, OLD), -EINVAL);
  assert.equal(f.call(defs, 'timerfd_gettime', 99, OLD), -EBADF);
  // A bad old pointer fails after the timer was set.
  assert.equal(f.call(defs, 'timerfd_settime', fd, 0, SPEC, RO), -EFAULT);
  assert.deepEqual(gettime(f, fd), [0n, SEC]);
  assert.equal(f.call(defs, 'timerfd_gettime', fd, RO), -EFAULT);
});

test('a timerfd read of fewer than 8 bytes is EINVAL; writes are EINVAL', () => {
  const f = timerFixture();
  const fd = create(f);
  settime(f, fd, MS);
  f.advance(MS);
  assert.equal(readTicks(f, fd, 7).r, -EINVAL);
  assert.equal(f.call(rwDefs, 'write', fd, RBUF, 8), -EINVAL);
  assert.deepEqual(readTicks(f, fd, 64), { r: 8, v: 1n });
});

test('TFD_IOC_SET_TICKS sets the unread count and rejects zero', () => {
  const f = timerFixture();
  const fd = create(f);
  const file = f.t.files.get(fd) as TimerFdFile;
  f.mem.writeBig64(BUF + 0x200, 5n);
  assert.equal(file.ioctl(f.t.syscall, TFD_IOC_SET_TICKS, BUF + 0x200), 0);
  assert.deepEqual(readTicks(f, fd), { r: 8, v: 5n });
  f.mem.writeBig64(BUF + 0x200, 0n);
  assert.equal(file.ioctl(f.t.syscall, TFD_IOC_SET_TICKS, BUF + 0x200), -EINVAL);
  assert.equal(file.ioctl(f.t.syscall, TFD_IOC_SET_TICKS, UNMAPPED), -EFAULT);
});

test('struct itimerspec is interval seconds and nanoseconds, then value seconds and nanoseconds', () => {
  const f = timerFixture();
  const fd = create(f);
  f.mem.writeBig64(SPEC, 2n);
  f.mem.writeBig64(SPEC + 8, 5n);
  f.mem.writeBig64(SPEC + 16, 3n);
  f.mem.writeBig64(SPEC + 24, 7n);
  f.call(defs, 'timerfd_settime', fd, 0, SPEC, 0);
  f.call(defs, 'timerfd_gettime', fd, OLD);
  assert.deepEqual([0, 8, 16, 24].map((o) => f.mem.readBig64(OLD + o)), [2n, 5n, 3n, 7n]);
});
