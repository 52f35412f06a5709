import { ERESTARTSYS } from '../../src/abi/errno.js';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EAGAIN, EBADF, EBUSY, EFAULT, EINVAL, EMFILE, EPERM, EPIPE } from '../../src/abi/errno.js';
import { sysPipe2 } from '../../src/kernel/syscalls/pipe.js';
import type { SysArgs } from '../../src/kernel/syscalls/types.js';
import { O_CLOEXEC, O_DIRECT, O_NONBLOCK, O_RDONLY, O_WRONLY, S_IFIFO } from '../../src/kernel/vfs/constants.js';
import { POLLERR, POLLHUP, POLLIN, POLLOUT } from '../../src/kernel/vfs/file.js';
import { createPipe, PIPE_BUF, PIPE_DEF_SIZE, pipeOf } from '../../src/kernel/vfs/pipe.js';
import { Blocked } from '../../src/kernel/request.js';
import { WaitQueue, WakeReason } from '../../src/kernel/wait.js';
import { fakeTask, pattern, SCRATCH } from './special_helpers.js';

/** Returns SysArgs over fixed argument values. */
function args(...v: number[]): SysArgs {
  return {
    int: (i) => (v[i] ?? 0) | 0,
    u32: (i) => (v[i] ?? 0) >>> 0,
    num: (i) => v[i] ?? 0,
    big: (i) => BigInt(v[i] ?? 0),
    addr: (i) => v[i] ?? 0,
  };
}

/** A sleeper that counts its wake-ups. */
function sleeper(): { wakes: number; wake(r: WakeReason): void } {
  return { wakes: 0, wake(_r: WakeReason) { this.wakes++; } };
}

test('bytes written to a pipe are read back in order, and a read returns only what is available', () => {
  const { task } = fakeTask();
  const { reader, writer } = createPipe();
  assert.equal(writer.write!(task.syscall, pattern(10)), 10);
  assert.equal(writer.write!(task.syscall, pattern(5, 100)), 5);
  const buf = new Uint8Array(100);
  assert.equal(reader.read!(task.syscall, buf), 15);
  assert.deepEqual(buf.subarray(0, 10), pattern(10));
  assert.deepEqual(buf.subarray(10, 15), pattern(5, 100));
});

test('a read from an empty pipe with a writer blocks on the read queue and consumes nothing', () => {
  const { task } = fakeTask();
  const { reader, writer } = createPipe();
  const r = reader.read!(task.syscall, new Uint8Array(8));
  assert.ok(r instanceof Blocked);
  // the writer's data wakes the sleeper on that queue
  const s = sleeper();
  (r as Blocked).queues[0]!.add(s);
  writer.write!(task.syscall, pattern(3));
  assert.equal(s.wakes, 1);
  const buf = new Uint8Array(8);
  assert.equal(reader.read!(task.syscall, buf), 3);
});

test('a read returns 0 at EOF once the last writer is released, and the release wakes sleeping readers', () => {
  const { task } = fakeTask();
  const { reader, writer } = createPipe();
  writer.write!(task.syscall, pattern(4));
  const r = reader.read!(task.syscall, new Uint8Array(2));
  assert.equal(r, 2);
  const blocked = createPipe();
  const b = blocked.reader.read!(task.syscall, new Uint8Array(1)) as Blocked;
  const s = sleeper();
  b.queues[0]!.add(s);
  blocked.writer.release!();
  assert.equal(s.wakes, 1);
  assert.equal(blocked.reader.read!(task.syscall, new Uint8Array(1)), 0);
  writer.release!();
  assert.equal(reader.read!(task.syscall, new Uint8Array(8)), 2, 'buffered data is still delivered after the writer goes');
  assert.equal(reader.read!(task.syscall, new Uint8Array(8)), 0);
});

test('a write with no readers returns EPIPE and raises SIGPIPE', () => {
  const { task, signals } = fakeTask();
  const { reader, writer } = createPipe();
  reader.release!();
  assert.equal(writer.write!(task.syscall, pattern(1)), -EPIPE);
  assert.deepEqual(signals, [13]);
  assert.equal(writer.poll!() & POLLERR, POLLERR);
});

test('a zero-length write returns 0 even without readers and raises nothing', () => {
  const { task, signals } = fakeTask();
  const { reader, writer } = createPipe();
  reader.release!();
  assert.equal(writer.write!(task.syscall, new Uint8Array(0)), 0);
  assert.deepEqual(signals, []);
});

test('O_NONBLOCK turns an empty read and a full write into EAGAIN', () => {
  const { task } = fakeTask();
  const { reader, writer } = createPipe();
  reader.flags |= O_NONBLOCK;
  writer.flags |= O_NONBLOCK;
  assert.equal(reader.read!(task.syscall, new Uint8Array(1)), -EAGAIN);
  assert.equal(writer.write!(task.syscall, new Uint8Array(PIPE_DEF_SIZE)), PIPE_DEF_SIZE);
  assert.equal(writer.write!(task.syscall, new Uint8Array(1)), -EAGAIN);
  assert.equal(writer.write!(task.syscall, new Uint8Array(PIPE_BUF + 1)), -EAGAIN);
});

test('a pipe holds exactly 65536 bytes; a larger blocking write fills it, sleeps, and finishes when read', () => {
  const { task } = fakeTask();
  const { reader, writer } = createPipe();
  assert.equal(pipeOf(writer)!.capacity, 65536);
  const data = pattern(70000);
  const r = writer.write!(task.syscall, data);
  assert.ok(r instanceof Blocked, 'the write sleeps once the pipe is full');
  assert.equal(pipeOf(reader)!.length, PIPE_DEF_SIZE, 'what fitted is in the pipe');
  const s = sleeper();
  (r as Blocked).queues[0]!.add(s);
  const buf = new Uint8Array(PIPE_DEF_SIZE);
  assert.equal(reader.read!(task.syscall, buf), PIPE_DEF_SIZE);
  assert.deepEqual(buf, data.subarray(0, PIPE_DEF_SIZE));
  assert.equal(s.wakes, 1, 'reading wakes the sleeping writer');
  task.syscall.resumed = true; // the kernel re-runs the woken write
  assert.equal(writer.write!(task.syscall, data), 70000, 'the resumed write completes the whole count');
  const tail = new Uint8Array(10000);
  assert.equal(reader.read!(task.syscall, tail), 70000 - PIPE_DEF_SIZE);
  assert.deepEqual(tail.subarray(0, 70000 - PIPE_DEF_SIZE), data.subarray(PIPE_DEF_SIZE), 'nothing lost or repeated');
});

test('a write of at most PIPE_BUF bytes is atomic: all of it or a sleep, never part', () => {
  const { task } = fakeTask();
  const { reader, writer } = createPipe();
  assert.equal(writer.write!(task.syscall, pattern(PIPE_DEF_SIZE - 100)), PIPE_DEF_SIZE - 100);
  assert.ok(writer.write!(task.syscall, pattern(PIPE_BUF)) instanceof Blocked);
  assert.equal(pipeOf(reader)!.length, PIPE_DEF_SIZE - 100, 'the blocked write left nothing behind');
  writer.flags |= O_NONBLOCK;
  assert.equal(writer.write!(task.syscall, pattern(200)), -EAGAIN);
  assert.equal(writer.write!(task.syscall, pattern(100)), 100);
});

test('a blocking write interrupted by a signal returns what it wrote; a nonblocking one is short', () => {
  const { task } = fakeTask();
  const { reader, writer } = createPipe();
  writer.write!(task.syscall, pattern(PIPE_DEF_SIZE - 5000));
  const data = pattern(8000, 3);
  const r = writer.write!(task.syscall, data);
  assert.ok(r instanceof Blocked);
  assert.equal((r as Blocked).onInterrupt!(task.syscall), 5000, 'the partial count, not EINTR');
  assert.equal((r as Blocked).restart, ERESTARTSYS, 'with nothing written it would restart (SA_RESTART) or give EINTR');
  const out = new Uint8Array(PIPE_DEF_SIZE);
  reader.read!(task.syscall, out);
  assert.deepEqual(out.subarray(PIPE_DEF_SIZE - 5000), data.subarray(0, 5000));
  writer.write!(task.syscall, pattern(PIPE_DEF_SIZE - 100));
  writer.flags |= O_NONBLOCK;
  assert.equal(writer.write!(task.syscall, pattern(8000)), 100, 'O_NONBLOCK: what fits, a short count');
});

test('the ring wraps around without corrupting data', () => {
  const { task } = fakeTask();
  const { reader, writer } = createPipe();
  const got: number[] = [];
  const sent: number[] = [];
  for (let i = 0; i < 40; i++) {
    const chunk = pattern(3000 + i * 11, i);
    assert.equal(writer.write!(task.syscall, chunk), chunk.length);
    sent.push(...chunk);
    const buf = new Uint8Array(2500 + i * 13);
    const n = reader.read!(task.syscall, buf) as number;
    got.push(...buf.subarray(0, n));
  }
  const rest = new Uint8Array(PIPE_DEF_SIZE);
  const n = reader.read!(task.syscall, rest) as number;
  got.push(...rest.subarray(0, n));
  assert.deepEqual(got, sent);
});

test('FIONREAD reports the bytes waiting in the pipe', () => {
  const { task, mem } = fakeTask();
  const { reader, writer } = createPipe();
  writer.write!(task.syscall, pattern(123));
  assert.equal(reader.ioctl!(task.syscall, 0x541b, SCRATCH), 0);
  assert.equal(mem.readI32(SCRATCH), 123);
  assert.throws(() => reader.ioctl!(task.syscall, 0x541b, 0), /EFAULT/);
  assert.equal(reader.ioctl!(task.syscall, 0x5401, SCRATCH), -25, 'TCGETS on a pipe is ENOTTY');
});

test('poll reports readable, writable and hang-up states of each end', () => {
  const { task } = fakeTask();
  const { reader, writer } = createPipe();
  assert.equal(reader.poll!(), 0);
  assert.equal(writer.poll!() & POLLOUT, POLLOUT);
  writer.write!(task.syscall, pattern(1));
  assert.equal(reader.poll!() & POLLIN, POLLIN);
  writer.write!(task.syscall, pattern(PIPE_DEF_SIZE - 1));
  assert.equal(writer.poll!() & POLLOUT, 0);
  writer.release!();
  assert.equal(reader.poll!() & POLLHUP, POLLHUP);
});

test('the ends have access modes: reading the write end or writing the read end is EBADF', () => {
  const { task } = fakeTask();
  const { reader, writer } = createPipe();
  assert.equal(reader.flags, O_RDONLY);
  assert.equal(writer.flags, O_WRONLY);
  assert.equal(writer.read!(task.syscall, new Uint8Array(1)), -EBADF);
  assert.equal(reader.write!(task.syscall, pattern(1)), -EBADF);
});

test('a pipe stats as S_IFIFO|0600 and is named pipe:[ino] with a fresh inode per pipe', () => {
  const a = createPipe({ uid: 1000, gid: 1001 });
  const b = createPipe();
  const st = a.reader.stat();
  assert.equal(st.mode, S_IFIFO | 0o600);
  assert.equal(st.uid, 1000);
  assert.equal(st.gid, 1001);
  assert.equal(a.reader.path, `pipe:[${st.ino}]`);
  assert.equal(a.writer.path, a.reader.path);
  assert.notEqual(b.reader.stat().ino, st.ino);
});

test('F_SETPIPE_SZ rounds up to a power of two, keeps the data and refuses to shrink below it', () => {
  const { task } = fakeTask();
  const { reader, writer } = createPipe();
  const p = pipeOf(reader)!;
  writer.write!(task.syscall, pattern(10000));
  assert.equal(p.setCapacity(5000, false), -EBUSY);
  assert.equal(p.setCapacity(20000, false), 32768);
  assert.equal(p.setCapacity(2 * 1024 * 1024, false), -EPERM);
  assert.equal(p.setCapacity(-1, false), -EINVAL);
  const buf = new Uint8Array(20000);
  assert.equal(reader.read!(task.syscall, buf), 10000);
  assert.deepEqual(buf.subarray(0, 10000), pattern(10000));
  assert.equal(p.setCapacity(0, false), 4096, 'zero means the one-page minimum');
  writer.flags |= O_NONBLOCK;
  assert.equal(writer.write!(task.syscall, pattern(5000)), 4096, 'the smaller capacity is enforced');
});

test('pipe2 installs a read fd and a write fd and writes them as int[2]', () => {
  const { task, mem, files } = fakeTask();
  assert.equal(sysPipe2(task, args(SCRATCH, O_CLOEXEC | O_NONBLOCK)), 0);
  const rfd = mem.readI32(SCRATCH), wfd = mem.readI32(SCRATCH + 4);
  assert.deepEqual([rfd, wfd], [0, 1]);
  assert.equal(files.fds[rfd]!.flags, O_RDONLY | O_NONBLOCK);
  assert.equal(files.fds[wfd]!.flags, O_WRONLY | O_NONBLOCK);
  assert.deepEqual(files.cloexec, [true, true]);
  assert.equal(files.fds[wfd]!.write!(task.syscall, pattern(3)), 3);
  assert.equal(files.fds[rfd]!.read!(task.syscall, new Uint8Array(3)), 3);
});

test('pipe2 accepts O_DIRECT and rejects unknown flags with EINVAL', () => {
  const { task, files } = fakeTask();
  assert.equal(sysPipe2(task, args(SCRATCH, O_DIRECT)), 0);
  assert.equal(files.fds[1]!.flags & O_DIRECT, O_DIRECT);
  assert.equal(sysPipe2(task, args(SCRATCH, 0x1)), -EINVAL);
  assert.equal(sysPipe2(task, args(SCRATCH, 0x80000000)), -EINVAL);
  assert.equal(files.open, 2);
});

test('pipe2 with an unwritable array returns EFAULT and leaves no fd open', () => {
  const { task, files } = fakeTask();
  assert.equal(sysPipe2(task, args(0, 0)), -EFAULT);
  assert.equal(sysPipe2(task, args(SCRATCH + 4094, 0)), -EFAULT, 'array straddling into an unmapped page');
  assert.equal(files.open, 0);
});

test('pipe2 with one free fd returns EMFILE and closes the end it had installed', () => {
  const { task, files } = fakeTask();
  files.limit = 1;
  assert.equal(sysPipe2(task, args(SCRATCH, 0)), -EMFILE);
  assert.equal(files.open, 0);
});

test('a wait queue woken by a pipe write resumes every sleeping reader', () => {
  const { task } = fakeTask();
  const { reader, writer } = createPipe();
  const q = (reader.read!(task.syscall, new Uint8Array(1)) as Blocked).queues[0]!;
  assert.ok(q instanceof WaitQueue);
  const s1 = sleeper(), s2 = sleeper();
  q.add(s1);
  q.add(s2);
  writer.write!(task.syscall, pattern(1));
  assert.deepEqual([s1.wakes, s2.wakes], [1, 1]);
});
