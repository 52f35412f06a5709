// vfs/transfer.ts, the one mechanism behind splice, tee, vmsplice, sendfile and copy_file_range and
// io_uring's SPLICE and TEE: what moves, what stays, when it sleeps, and RLIMIT_FSIZE's quiet
// refusal of a write that continues a call.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EAGAIN, EFBIG, EINVAL, EPIPE, ESPIPE } from '../../src/abi/errno.js';
import { Blocked, Request } from '../../src/kernel/request.js';
import { continuedWrite, fsizeWriteCount } from '../../src/kernel/vfs/fsize.js';
import { createPipe, pipeOf } from '../../src/kernel/vfs/pipe.js';
import { pipeToUser, spliceFiles, teePipes, userToPipe } from '../../src/kernel/vfs/transfer.js';
import { fakeTask, pattern } from './special_helpers.js';

test('splice between two pipes moves the bytes: the first pipe loses them, the second has them', () => {
  const { task } = fakeTask();
  const a = createPipe(), b = createPipe();
  a.writer.write!(task.syscall, pattern(10));
  assert.equal(spliceFiles(task.syscall, a.reader, -1, b.writer, -1, 6, false), 6);
  assert.equal(pipeOf(a.reader)!.length, 4);
  const got = new Uint8Array(10);
  assert.equal(b.reader.read!(task.syscall, got), 6);
  assert.deepEqual(got.subarray(0, 6), pattern(10).subarray(0, 6));
});

test('tee copies bytes between pipes and leaves them in the first', () => {
  const { task } = fakeTask();
  const a = createPipe(), b = createPipe();
  a.writer.write!(task.syscall, pattern(8));
  assert.equal(teePipes(task.syscall, a.reader, b.writer, 100, false), 8);
  assert.equal(pipeOf(a.reader)!.length, 8);
  assert.equal(pipeOf(b.reader)!.length, 8);
});

test('splice needs a pipe end, refuses offsets on pipes and a pipe spliced into itself', () => {
  const { task } = fakeTask();
  const a = createPipe();
  const file = { flags: 2, path: 'f', stat: () => { throw new Error('unused'); } };
  assert.equal(spliceFiles(task.syscall, file, -1, file, -1, 1, false), -EINVAL);
  assert.equal(spliceFiles(task.syscall, a.reader, 0, file, -1, 1, false), -ESPIPE);
  assert.equal(spliceFiles(task.syscall, a.reader, -1, a.writer, -1, 1, false), -EINVAL);
  assert.equal(teePipes(task.syscall, a.reader, file, 1, false), -EINVAL);
});

test('a splice from an empty pipe sleeps on its readers without taking anything, or is EAGAIN when nonblocking', () => {
  const { task } = fakeTask();
  const a = createPipe(), b = createPipe();
  const r = spliceFiles(task.syscall, a.reader, -1, b.writer, -1, 4, false);
  assert.ok(r instanceof Blocked);
  assert.equal(r.queues[0], pipeOf(a.reader)!.readWait);
  assert.equal(spliceFiles(task.syscall, a.reader, -1, b.writer, -1, 4, true), -EAGAIN);
  a.writer.release!();
  assert.equal(spliceFiles(task.syscall, a.reader, -1, b.writer, -1, 4, false), 0); // EOF
});

test('a splice into a pipe with no reader is EPIPE with SIGPIPE, and an io_uring one sends no signal', () => {
  const { task, signals } = fakeTask();
  const a = createPipe(), b = createPipe();
  a.writer.write!(task.syscall, pattern(3));
  b.reader.release!();
  assert.equal(spliceFiles(task.syscall, a.reader, -1, b.writer, -1, 3, false), -EPIPE);
  assert.deepEqual(signals, [13]);
  const uring = new (class extends Request { override readonly asyncIo = true; })(task, task.syscall.args, { wakeRequest: () => {} });
  assert.equal(spliceFiles(uring, a.reader, -1, b.writer, -1, 3, false), -EPIPE);
  assert.deepEqual(signals, [13]);
  assert.equal(pipeOf(a.reader)!.length, 3);
});

test('vmsplice into a pipe takes what fits; out of a pipe, only what the segments could hold leaves it', () => {
  const { task } = fakeTask();
  const a = createPipe();
  pipeOf(a.writer)!.setCapacity(4096, false);
  assert.equal(userToPipe(task.syscall, pipeOf(a.writer)!, a.writer, 5000, false, (n) => pattern(n)), 4096);
  assert.equal(userToPipe(task.syscall, pipeOf(a.writer)!, a.writer, 1, true, (n) => pattern(n)), -EAGAIN);
  assert.equal(pipeToUser(task.syscall, pipeOf(a.reader)!, a.reader, 100, false, (d) => Math.min(d.length, 40)), 40);
  assert.equal(pipeOf(a.reader)!.length, 4056);
});

test('RLIMIT_FSIZE: a write at the limit sends SIGXFSZ, but not when it continues a call that moved bytes', () => {
  const { task, signals } = fakeTask();
  (task as unknown as { fileSizeLimit: () => number }).fileSizeLimit = () => 100;
  const r = task.syscall;
  assert.equal(fsizeWriteCount(r, 90, 20), 10);
  assert.deepEqual(signals, []);
  assert.equal(continuedWrite(r, true, () => fsizeWriteCount(r, 100, 5)), -EFBIG);
  assert.deepEqual(signals, []);
  assert.equal(r.continuedWrite, false);
  assert.equal(continuedWrite(r, false, () => fsizeWriteCount(r, 100, 5)), -EFBIG);
  assert.deepEqual(signals, [25]);
});
