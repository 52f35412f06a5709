// Opening a FIFO sleeps as a request (fifo.ts): the half-opened end is the request's state, the
// open completes when the other side opens, and a signal or the task's death drops the end so no
// phantom reader or writer is left behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Kernel } from '../../src/kernel/kernel.js';
import { NodeHost } from '../../src/host/node.js';
import { invoke } from '../../src/kernel/entry.js';
import { ValueArgs } from '../../src/kernel/args.js';
import { Blocked, Request } from '../../src/kernel/request.js';
import type { Task } from '../../src/kernel/task.js';
import { pathCtx } from '../../src/kernel/syscalls/fs_common.js';
import type { Loc } from '../../src/kernel/vfs/inode.js';
import type { Pipe } from '../../src/kernel/vfs/pipe.js';
import { ENXIO, ERESTARTSYS } from '../../src/abi/errno.js';

const NR_OPENAT = 56, NR_MKNODAT = 33, NR_MMAP = 222;
const AT_FDCWD = -100, O_RDONLY = 0, O_WRONLY = 1, O_NONBLOCK = 0x800, S_IFIFO = 0o010000;

/** A spawned (not started) guest's first task with a scratch page holding the path /tmp/NAME. */
function setup(name: string): { k: Kernel; t: Task; path: number } {
  const k = new Kernel({ host: new NodeHost() });
  const tg = k.createProcess('guest/bin/exit42', ['exit42'], []);
  if ('error' in tg) throw new Error(tg.error);
  const t = tg.tasks[0]!;
  const buf = call(t, NR_MMAP, [0, 4096, 3, 0x22, -1, 0]).res as number;
  t.mm.mem.write(buf, new TextEncoder().encode(`/tmp/${name}\0`));
  assert.equal(call(t, NR_MKNODAT, [AT_FDCWD, buf, S_IFIFO | 0o600, 0]).res, 0);
  return { k, t, path: buf };
}

/** Runs syscall nr as a new request of t (no hart), woken through wakes. */
function call(t: Task, nr: number, args: number[], wakes: Request[] = []): { r: Request; res: unknown } {
  const r = new Request(t, new ValueArgs(args), { wakeRequest: (x) => { wakes.push(x); } });
  r.begin(nr);
  return { r, res: invoke(t, r) };
}

/** The pipe the FIFO at /tmp/NAME opens onto now. */
function pipeOfFifo(t: Task, name: string): Pipe {
  const loc = t.kernel.vfs.resolve(pathCtx(t), `/tmp/${name}`) as Loc;
  return loc.inode.fifo!() as Pipe;
}

test('a blocking FIFO open sleeps until the other side opens, then its re-run returns the fd', () => {
  const { k, t, path } = setup('meet');
  const wakes: Request[] = [];
  const { r, res } = call(t, NR_OPENAT, [AT_FDCWD, path, O_RDONLY], wakes);
  assert.ok(res instanceof Blocked, 'no writer yet');
  k.park(r, res);
  assert.equal(pipeOfFifo(t, 'meet').readers, 1, 'the waiting reader counts, so a writer does not wait');
  const w = call(t, NR_OPENAT, [AT_FDCWD, path, O_WRONLY | O_NONBLOCK]).res as number;
  assert.ok(w >= 0);
  assert.deepEqual(wakes, [r], 'the writer woke the sleeping open');
  k.unpark(r);
  r.resumed = true;
  const fd = invoke(t, r) as number;
  assert.ok(typeof fd === 'number' && fd >= 0 && fd !== w);
  assert.equal(r.state, null, 'nothing is kept once the open completed');
});

test('a signal that interrupts a waiting FIFO open drops the half-opened end (ERESTARTSYS)', () => {
  const { t, path } = setup('sig');
  const { r, res } = call(t, NR_OPENAT, [AT_FDCWD, path, O_RDONLY]);
  assert.ok(res instanceof Blocked);
  assert.equal(res.onInterrupt!(r), -ERESTARTSYS);
  assert.equal(call(t, NR_OPENAT, [AT_FDCWD, path, O_WRONLY | O_NONBLOCK]).res, -ENXIO, 'no reader is left');
});

test('a task that dies while its FIFO open sleeps leaves no reader behind', () => {
  const { k, t, path } = setup('death');
  t.hart.setX(10, AT_FDCWD);
  t.hart.setX(11, path);
  t.hart.setX(12, O_RDONLY);
  t.syscall.begin(NR_OPENAT);
  const b = invoke(t, t.syscall);
  assert.ok(b instanceof Blocked);
  k.sleep(t, b);
  const pipe = pipeOfFifo(t, 'death');
  assert.equal(pipe.readers, 1);
  k.exitGroup(t.tg, 0);
  assert.equal(pipe.readers, 0, 'the dying task\'s half-open end was dropped');
});
