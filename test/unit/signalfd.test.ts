// signalfd4's file: struct signalfd_siginfo's layout for each siginfo shape, reads through the
// shared dequeue, readiness for the polling thread, and io_uring reads that sleep on the process.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EAGAIN, EINVAL } from '../../src/abi/errno.js';
import { Blocked } from '../../src/kernel/request.js';
import { SIGCHLD, SIGSEGV, SIGUSR1, SIGUSR2 } from '../../src/kernel/signal.js';
import { sigbit } from '../../src/kernel/signal_queue.js';
import { encodeSignalfdSiginfo, SignalFd } from '../../src/kernel/syscalls/signalfd.js';
import type { KernelServices, Task } from '../../src/kernel/task.js';
import { POLLIN } from '../../src/kernel/vfs/file.js';
import { anonInodeStat } from '../../src/kernel/vfs/poll_util.js';
import { WaitQueue } from '../../src/kernel/wait.js';
import { fakeTask } from './special_helpers.js';

/** A fake task whose process has a signalfd queue, and a signalfd on mask polled as that task. */
function setup(mask: bigint, nonblock = true): { task: Task; fd: SignalFd } {
  const { task } = fakeTask();
  (task.tg as { signalfdWait: WaitQueue }).signalfdWait = new WaitQueue();
  const kernel = { currentTask: task } as unknown as KernelServices;
  return { task, fd: new SignalFd(kernel, mask, nonblock, anonInodeStat(0, 0, 0n)) };
}

test('signalfd_siginfo puts SIGCHLD pid, uid, status and times at their uapi offsets', () => {
  const b = encodeSignalfdSiginfo({ signo: SIGCHLD, code: 1, pid: 42, uid: 1000, status: 3, utime: 7n, stime: 9n });
  const dv = new DataView(b.buffer);
  assert.equal(b.length, 128);
  assert.deepEqual([dv.getUint32(0, true), dv.getInt32(8, true), dv.getUint32(12, true), dv.getUint32(16, true), dv.getInt32(40, true)],
    [SIGCHLD, 1, 42, 1000, 3]);
  assert.deepEqual([dv.getBigUint64(56, true), dv.getBigUint64(64, true)], [7n, 9n]);
});

test('signalfd_siginfo carries a fault address, a timer id and overrun, and a queued value as int and pointer', () => {
  let dv = new DataView(encodeSignalfdSiginfo({ signo: SIGSEGV, code: 1, addr: 0x1234 }).buffer);
  assert.equal(dv.getBigUint64(72, true), 0x1234n);
  assert.equal(dv.getUint32(12, true), 0); // no pid for a fault
  dv = new DataView(encodeSignalfdSiginfo({ signo: 34, code: -2, timerid: 5, overrun: 2, value: 0x1_0000_0007n }).buffer);
  assert.deepEqual([dv.getUint32(24, true), dv.getUint32(32, true), dv.getInt32(44, true), dv.getBigUint64(48, true)], [5, 2, 7, 0x1_0000_0007n]);
  dv = new DataView(encodeSignalfdSiginfo({ signo: 34, code: -1, pid: 3, uid: 4, value: 42n }).buffer);
  assert.deepEqual([dv.getUint32(12, true), dv.getInt32(44, true)], [3, 42]);
});

test('a signalfd read takes the thread\'s own signals before the process\'s, only those in its mask, several per read', () => {
  const { task, fd } = setup(sigbit(SIGUSR1) | sigbit(SIGUSR2));
  task.tg.shared.add({ signo: SIGUSR1, code: 0, pid: 1 });
  task.pending.add({ signo: SIGUSR2, code: -6, pid: 2 });
  task.pending.add({ signo: SIGCHLD, code: 1, pid: 3, status: 0 });
  assert.equal(fd.poll(), POLLIN);
  assert.equal(fd.read(task.syscall, new Uint8Array(127)), -EINVAL);
  const buf = new Uint8Array(3 * 128);
  assert.equal(fd.read(task.syscall, buf), 256);
  const dv = new DataView(buf.buffer);
  assert.deepEqual([dv.getUint32(0, true), dv.getUint32(128, true)], [SIGUSR2, SIGUSR1]);
  assert.equal(task.pending.mask, sigbit(SIGCHLD)); // outside the mask: still pending
  assert.equal(fd.poll(), 0);
  assert.equal(fd.read(task.syscall, buf), -EAGAIN);
});

test('a blocking signalfd read sleeps on its process\'s signalfd queue and is woken like sigtimedwait', () => {
  const { task, fd } = setup(sigbit(SIGUSR1), false);
  const r = fd.read(task.syscall, new Uint8Array(128));
  assert.ok(r instanceof Blocked);
  assert.equal(r.queues[0], task.tg.signalfdWait);
  assert.equal(task.sigwaitSet, sigbit(SIGUSR1));
});

test('readiness is the polling thread\'s: a poller given explicitly (an io_uring poll) is asked, not the running one', () => {
  const a = setup(sigbit(SIGUSR1));
  const other = setup(sigbit(SIGUSR1)).task;
  other.pending.add({ signo: SIGUSR1, code: 0 });
  assert.equal(a.fd.poll(), 0);
  assert.equal(a.fd.poll(other), POLLIN);
  assert.deepEqual(a.fd.pollQueues(other), [other.tg.signalfdWait]);
});
