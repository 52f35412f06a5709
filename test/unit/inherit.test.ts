// What a new thread or process inherits from its creator (kernel/inherit.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inheritProcess, inheritTask, resetOnExec } from '../../src/kernel/inherit.js';
import { Task, ThreadGroup } from '../../src/kernel/task.js';
import { defs as procDefs } from '../../src/kernel/syscalls/proc.js';
import { taskComm } from '../../src/kernel/syscalls/proc_state.js';
import { fixture } from './sys_proc_fixture.js';

const PR_SET_PDEATHSIG = 1, PR_SET_NO_NEW_PRIVS = 38;

/** A fresh process (pid 200, child of the fixture's) with its leader task, not yet inheriting anything. */
function newProcess(f: ReturnType<typeof fixture>): { tg: ThreadGroup; child: Task } {
  const k = f.t.kernel;
  const tg = new ThreadGroup(k, 200, f.t.tg.pid, f.t.tg.mm, f.t.tg.cred.clone());
  const child = new Task(k, 200, tg, null as never, null as never);
  k.tasks.set(200, child);
  return { tg, child };
}

test('a new thread inherits the signal mask, affinity, CPU, scheduling policy, comm and no_new_privs', () => {
  const f = fixture();
  f.t.sigmask = 0b1010n;
  f.t.cpusAllowed = 0b110n;
  f.t.cpu = 2;
  f.t.policy = 2; // SCHED_RR
  f.t.rtPriority = 7;
  f.t.comm = new TextEncoder().encode('worker');
  assert.equal(f.call(procDefs, 'prctl', PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), 0);
  const child = f.addThread(101);
  inheritTask(f.t, child, true);
  assert.equal(child.sigmask, 0b1010n);
  assert.equal(child.cpusAllowed, 0b110n);
  assert.equal(child.cpu, 2);
  assert.deepEqual([child.policy, child.rtPriority], [2, 7]);
  assert.equal(new TextDecoder().decode(taskComm(child)), 'worker');
  assert.notEqual(child.comm, f.t.comm, 'a copy: PR_SET_NAME in one thread does not rename the other');
  assert.equal(child.noNewPrivs, true);
});

test('a new thread starts without pending signals, pdeathsig or an alternate signal stack', () => {
  const f = fixture();
  assert.equal(f.call(procDefs, 'prctl', PR_SET_PDEATHSIG, 9, 0, 0, 0), 0);
  f.t.altstack = { sp: 0x40000, flags: 0, size: 8192 };
  f.t.pending.add({ signo: 10, code: 0 });
  const child = f.addThread(101);
  inheritTask(f.t, child, true);
  assert.equal(child.pdeathsig, 0);
  assert.equal(child.altstack.flags, 2 /* SS_DISABLE */);
  assert.equal(child.pending.mask, 0n);
});

test('a forked task keeps its alternate signal stack, which is valid in its copied address space', () => {
  const f = fixture();
  f.t.altstack = { sp: 0x40000, flags: 0, size: 8192 };
  const { child } = newProcess(f);
  inheritTask(f.t, child, false);
  assert.deepEqual(child.altstack, { sp: 0x40000, flags: 0, size: 8192 });
  child.altstack.size = 1;
  assert.equal(f.t.altstack.size, 8192);
});

test('a new process gets its own copy of the credentials, dispositions and resource limits', () => {
  const f = fixture({ uid: 0 });
  const parent = f.t.tg;
  parent.cred.groups = [5];
  parent.actions[10] = { handler: 0x1234n, flags: 4n, mask: 2n };
  parent.rlimits.set(7, [64n, 128n]);
  parent.nice = 5;
  parent.dumpable = 0;
  const { tg } = newProcess(f);
  inheritProcess(parent, tg);
  assert.deepEqual(tg.cred, parent.cred);
  assert.deepEqual(tg.actions[10], { handler: 0x1234n, flags: 4n, mask: 2n });
  assert.deepEqual(tg.rlimits.get(7), [64n, 128n]);
  assert.deepEqual([tg.pgid, tg.sid, tg.nice, tg.dumpable, tg.exePath], [100, 100, 5, 0, parent.exePath]);
  // Changes in the child stay in the child.
  tg.cred.euid = 1000;
  tg.cred.groups.push(6);
  tg.actions[10]!.handler = 0n;
  tg.rlimits.get(7)![0] = 1n;
  assert.equal(parent.cred.euid, 0);
  assert.deepEqual(parent.cred.groups, [5]);
  assert.equal(parent.actions[10]!.handler, 0x1234n);
  assert.deepEqual(parent.rlimits.get(7), [64n, 128n]);
});

test('a new thread starts unregistered for rseq and without a syscall counter; a forked task keeps both', () => {
  const f = fixture();
  f.t.rseq.area = { addr: 0x10020, len: 32, sig: 0xf1401073 };
  f.t.syscallCounter = 0x10100;
  const thread = f.addThread(101);
  inheritTask(f.t, thread, true);
  assert.equal(thread.rseq.area, null);
  assert.equal(thread.syscallCounter, 0);
  const { child } = newProcess(f);
  inheritTask(f.t, child, false);
  assert.deepEqual(child.rseq.area, { addr: 0x10020, len: 32, sig: 0xf1401073 });
  assert.notEqual(child.rseq.area, f.t.rseq.area, 'a copy');
  assert.equal(child.rseq.notify, true, 'the child writes its own cpu_id before it first runs');
  assert.equal(child.syscallCounter, 0x10100);
});

test('execve drops the rseq registration, its pending events and the syscall counter', () => {
  const f = fixture();
  f.t.rseq.area = { addr: 0x10020, len: 32, sig: 0xf1401073 };
  f.t.rseq.event(1);
  f.t.syscallCounter = 0x10100;
  resetOnExec(f.t);
  assert.equal(f.t.rseq.area, null);
  assert.equal(f.t.rseq.events, 0);
  assert.equal(f.t.rseq.notify, false);
  assert.equal(f.t.syscallCounter, 0);
});
