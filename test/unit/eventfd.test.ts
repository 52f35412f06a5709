// eventfd2 and the eventfd file: counter and semaphore reads, writes, overflow, nonblocking
// mode, readiness bits, and the sleeps (ERESTARTSYS) of blocking reads and writes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BUF, fdFixture, type Fixture, RO } from './sys_proc_fixture.js';
import { defs as eventfdDefs } from '../../src/kernel/syscalls/eventfd.js';
import { defs as rwDefs } from '../../src/kernel/syscalls/fs_rw.js';
import { defs as fdDefs } from '../../src/kernel/syscalls/fs_fd.js';
import { EventFd } from '../../src/kernel/vfs/eventfd.js';
import { Blocked } from '../../src/kernel/request.js';
import { EAGAIN, EINVAL, EMFILE } from '../../src/abi/errno.js';
import { POLLERR, POLLIN, POLLOUT } from '../../src/kernel/vfs/file.js';
import { dl } from './request_helpers.js';

const EFD_SEMAPHORE = 1, EFD_NONBLOCK = 0x800, EFD_CLOEXEC = 0x80000;
const F_GETFL = 3, O_RDWR = 2, O_NONBLOCK = 0x800;
const MAX = 0xfffffffffffffffen;

/** Each test's fixture: a task with an fd table of its own. */
const setup = fdFixture;

type F = Fixture;

/** write(fd, &v, 8) through the real write syscall. */
function writeU64(f: F, fd: number, v: bigint) {
  f.mem.writeBig64(BUF, v);
  return f.call(rwDefs, 'write', fd, BUF, 8);
}

/** read(fd, buf, 8): the result and the value read. */
function readU64(f: F, fd: number, len = 8): { r: unknown; v: bigint } {
  f.mem.writeBig64(BUF + 0x100, 0xdeadn);
  const r = f.call(rwDefs, 'read', fd, BUF + 0x100, len);
  return { r, v: f.mem.readBig64(BUF + 0x100) };
}

test('eventfd2 rejects unknown flags with EINVAL and installs the fd with close-on-exec when asked', () => {
  const f = setup();
  assert.equal(f.call(eventfdDefs, 'eventfd2', 0, 2), -EINVAL);
  assert.equal(f.call(eventfdDefs, 'eventfd2', 0, 0x100000), -EINVAL);
  const fd = f.call(eventfdDefs, 'eventfd2', 0, EFD_CLOEXEC) as number;
  assert.equal(fd, 0);
  assert.equal(f.t.files.isCloexec(fd), true);
  const fd2 = f.call(eventfdDefs, 'eventfd2', 0, EFD_NONBLOCK | EFD_SEMAPHORE) as number;
  assert.equal(f.t.files.isCloexec(fd2), false);
  assert.equal(f.t.files.get(fd2)!.path, 'anon_inode:[eventfd]');
  assert.equal(f.call(fdDefs, 'fcntl', fd2, F_GETFL), O_RDWR | O_NONBLOCK);
  assert.equal(f.call(fdDefs, 'fcntl', fd, F_GETFL), O_RDWR); // no O_CLOEXEC, as on Linux
});

test('eventfd2 fails with EMFILE at RLIMIT_NOFILE', () => {
  const f = setup();
  f.t.tg.rlimits.set(7, [2n, 2n]);
  assert.equal(f.call(eventfdDefs, 'eventfd2', 0, 0), 0);
  assert.equal(f.call(eventfdDefs, 'eventfd2', 0, 0), 1);
  assert.equal(f.call(eventfdDefs, 'eventfd2', 0, 0), -EMFILE);
});

test('a counter read returns the whole count and resets it; writes add', () => {
  const f = setup();
  const fd = f.call(eventfdDefs, 'eventfd2', 5, EFD_NONBLOCK) as number;
  assert.equal(writeU64(f, fd, 3n), 8);
  assert.equal(writeU64(f, fd, 0n), 8);
  assert.deepEqual(readU64(f, fd), { r: 8, v: 8n });
  assert.deepEqual(readU64(f, fd), { r: -EAGAIN, v: 0xdeadn });
});

test('a semaphore read returns 1 and decrements', () => {
  const f = setup();
  const fd = f.call(eventfdDefs, 'eventfd2', 2, EFD_SEMAPHORE | EFD_NONBLOCK) as number;
  assert.deepEqual(readU64(f, fd), { r: 8, v: 1n });
  assert.deepEqual(readU64(f, fd), { r: 8, v: 1n });
  assert.equal(readU64(f, fd).r, -EAGAIN);
});

test('reads and writes shorter than 8 bytes give EINVAL; larger ones transfer 8', () => {
  const f = setup();
  const fd = f.call(eventfdDefs, 'eventfd2', 1, EFD_NONBLOCK) as number;
  assert.equal(readU64(f, fd, 7).r, -EINVAL);
  assert.equal(f.call(rwDefs, 'write', fd, BUF, 4), -EINVAL);
  assert.deepEqual(readU64(f, fd, 64), { r: 8, v: 1n });
  f.mem.writeBig64(BUF, 9n);
  assert.equal(f.call(rwDefs, 'write', fd, BUF, 100), 8);
  assert.deepEqual(readU64(f, fd), { r: 8, v: 9n });
});

test('writing 0xffffffffffffffff is EINVAL; overflow past 0xfffffffffffffffe is EAGAIN when nonblocking', () => {
  const f = setup();
  const fd = f.call(eventfdDefs, 'eventfd2', 0, EFD_NONBLOCK) as number;
  assert.equal(writeU64(f, fd, 0xffffffffffffffffn), -EINVAL);
  assert.equal(writeU64(f, fd, MAX), 8);
  assert.equal(writeU64(f, fd, 1n), -EAGAIN);
  assert.equal(writeU64(f, fd, 0n), 8);
  assert.deepEqual(readU64(f, fd), { r: 8, v: MAX });
});

test('a blocking read at 0 sleeps on the eventfd queue with ERESTARTSYS and succeeds when woken by a write', () => {
  const f = setup();
  const fd = f.call(eventfdDefs, 'eventfd2', 0, 0) as number;
  const efd = f.t.files.get(fd) as EventFd;
  const b = f.call(rwDefs, 'read', fd, BUF + 0x100, 8);
  assert.ok(b instanceof Blocked);
  assert.deepEqual(b.queues, [efd.wq]);
  assert.equal(b.restart, 512);
  assert.equal(dl(b), null);
  // The sleep consumed nothing; another writer adds 4 and wakes the queue.
  const woken: number[] = [];
  efd.wq.add({ wake: () => woken.push(1) });
  assert.equal(efd.write(f.t.syscall, new Uint8Array([4, 0, 0, 0, 0, 0, 0, 0])), 8);
  assert.equal(woken.length, 1);
  assert.deepEqual(readU64(f, fd), { r: 8, v: 4n });
});

test('a blocking write that would overflow sleeps and completes once a read makes room', () => {
  const f = setup();
  const fd = f.call(eventfdDefs, 'eventfd2', 0, 0) as number;
  assert.equal(writeU64(f, fd, MAX - 1n), 8);
  const b = writeU64(f, fd, 2n);
  assert.ok(b instanceof Blocked);
  assert.equal(b.restart, 512);
  assert.deepEqual(readU64(f, fd), { r: 8, v: MAX - 1n });
  assert.equal(writeU64(f, fd, 2n), 8);
  assert.deepEqual(readU64(f, fd), { r: 8, v: 2n });
});

test('poll bits: POLLOUT below the maximum, POLLIN when non-zero, POLLERR only at ULLONG_MAX', () => {
  const efd = new EventFd(0n, false, true);
  assert.equal(efd.poll(), POLLOUT);
  efd.count = 1n;
  assert.equal(efd.poll(), POLLIN | POLLOUT);
  efd.count = MAX;
  assert.equal(efd.poll(), POLLIN);
  efd.count = 0xffffffffffffffffn; // only a kernel-side eventfd_signal overflow gets here
  assert.equal(efd.poll(), POLLIN | POLLERR);
  assert.deepEqual(efd.pollQueues(), [efd.wq]);
});

test('a read into an unwritable buffer is EFAULT', () => {
  const f = setup();
  const fd = f.call(eventfdDefs, 'eventfd2', 3, 0) as number;
  assert.equal(f.call(rwDefs, 'read', fd, RO, 8), -14);
});

test('fstat of an eventfd shows the shared anonymous inode, mode 0600, owned by the caller', () => {
  const f = setup();
  const fd = f.call(eventfdDefs, 'eventfd2', 0, 0) as number;
  const st = f.t.files.get(fd)!.stat();
  assert.equal(st.mode, 0o600);
  assert.equal(st.uid, f.ids.uid);
  assert.equal(st.gid, f.ids.gid);
  assert.equal(st.size, 0);
});
