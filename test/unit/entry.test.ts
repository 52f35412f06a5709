// The dispatcher split in two: invoke() runs a call for any request, so io_uring, syslets and host
// code can make syscalls without a hart, and a request that sleeps is woken through its own sink.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Kernel } from '../../src/kernel/kernel.js';
import { NodeHost } from '../../src/host/node.js';
import { invoke } from '../../src/kernel/entry.js';
import { ValueArgs } from '../../src/kernel/args.js';
import { Blocked, Request, type RequestSink } from '../../src/kernel/request.js';
import type { Task } from '../../src/kernel/task.js';
import type { WakeReason } from '../../src/kernel/wait.js';

const NR_READ = 63, NR_WRITE = 64, NR_PIPE2 = 59, NR_MMAP = 222, NR_GETPID = 172;
const PROT_RW = 3, MAP_PRIVATE_ANON = 0x22;

/** The first task of a spawned (not started) guest. */
function task(): Task {
  const k = new Kernel({ host: new NodeHost() });
  const tg = k.createProcess('guest/bin/exit42', ['exit42'], []);
  if ('error' in tg) throw new Error(tg.error);
  return tg.tasks[0]!;
}

/** Runs syscall nr with args as a request of t that has no hart, woken through sink. */
function call(t: Task, nr: number, args: (number | bigint)[], sink: RequestSink = { wakeRequest: () => {} }): { r: Request; res: unknown } {
  const r = new Request(t, new ValueArgs(args), sink);
  r.begin(nr);
  return { r, res: invoke(t, r) };
}

test('invoke runs calls for a request with no hart, and the task\'s registers stay untouched', () => {
  const t = task();
  const before = new Uint8Array(t.hart.buffer.slice(0));
  const pc = t.hart.pc;
  assert.equal(call(t, NR_GETPID, []).res, t.tgid);
  const buf = call(t, NR_MMAP, [0, 4096, PROT_RW, MAP_PRIVATE_ANON, -1, 0]).res as number;
  assert.ok(buf > 0);
  assert.equal(call(t, NR_PIPE2, [buf, 0]).res, 0);
  const rfd = t.mm.mem.readI32(buf), wfd = t.mm.mem.readI32(buf + 4);
  t.mm.mem.write(buf + 64, new TextEncoder().encode('hello'));
  assert.equal(call(t, NR_WRITE, [wfd, buf + 64, 5]).res, 5);
  assert.equal(call(t, NR_READ, [rfd, buf + 128, 16]).res, 5);
  assert.equal(new TextDecoder().decode(t.mm.mem.read(buf + 128, 5)), 'hello');
  assert.deepEqual(new Uint8Array(t.hart.buffer), before, 'no register was written');
  assert.equal(t.hart.pc, pc);
});

test('a request that sleeps is woken through its own sink and its re-run completes', () => {
  const t = task();
  const buf = call(t, NR_MMAP, [0, 4096, PROT_RW, MAP_PRIVATE_ANON, -1, 0]).res as number;
  call(t, NR_PIPE2, [buf, 0]);
  const rfd = t.mm.mem.readI32(buf), wfd = t.mm.mem.readI32(buf + 4);
  const woken: [Request, WakeReason][] = [];
  const { r, res } = call(t, NR_READ, [rfd, buf + 128, 16], { wakeRequest: (rq, why) => woken.push([rq, why]) });
  assert.ok(res instanceof Blocked, 'an empty pipe makes the read sleep');
  const kernel = t.kernel as unknown as Kernel;
  kernel.park(r, res);
  t.mm.mem.write(buf + 64, new TextEncoder().encode('late'));
  assert.equal(call(t, NR_WRITE, [wfd, buf + 64, 4]).res, 4);
  assert.equal(woken.length, 1, 'the writer woke the sleeping request');
  assert.equal(woken[0]![0], r);
  kernel.unpark(r);
  r.resumed = true;
  assert.equal(invoke(t, r), 4);
  assert.equal(new TextDecoder().decode(t.mm.mem.read(buf + 128, 4)), 'late');
  assert.equal(t.inSyscall, false, 'the task itself never entered a syscall');
});
