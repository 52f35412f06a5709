// The kernel's rseq machinery on its own: the fixup on the way back to user mode (abort, lazy
// clear, ids, a bad descriptor), the scheduler's preemption and migration events, mm_cid, and the
// vvar page the vDSO reads. The guest programs (test/e2e/rseq.test.ts, guest/cases.json) check the
// same rules end to end against native Linux.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RSEQ_EVENT_MIGRATE, RSEQ_EVENT_PREEMPT, RSEQ_SIG_RISCV } from '../../src/abi/rseq.js';
import { rseqNotifyResume, rseqSignalDeliver } from '../../src/kernel/rseq/fixup.js';
import { RseqMm } from '../../src/kernel/rseq/mm_state.js';
import { Scheduler } from '../../src/kernel/sched.js';
import { TaskState, type Task } from '../../src/kernel/task.js';
import { ProcessVdso } from '../../src/kernel/vdso/process_vdso.js';
import { GuestMemory, PAGE_SIZE, PROT_READ } from '../../src/mem/guest_memory.js';
import { BUF, fixture, RO } from './sys_proc_fixture.js';

const AREA = BUF;          // struct rseq (32 bytes)
const CS = BUF + 0x40;     // struct rseq_cs
const START = 0x10400, LEN = 0x20, ABORT = 0x10500;
const SIGSEGV = 11;

/** A fixture thread registered at AREA with a descriptor at CS for [START, START+LEN) -> ABORT. */
function registered(): ReturnType<typeof fixture> {
  const f = fixture();
  const m = f.mem;
  m.writeBig64(CS + 8, BigInt(START));
  m.writeBig64(CS + 16, BigInt(LEN));
  m.writeBig64(CS + 24, BigInt(ABORT));
  // The code pages the descriptor names are the fixture's scratch pages: put the signature there.
  m.writeU32(ABORT - 4, RSEQ_SIG_RISCV);
  m.writeBig64(AREA + 8, BigInt(CS));
  f.t.rseq.area = { addr: AREA, len: 32, sig: RSEQ_SIG_RISCV };
  f.t.cpu = 0;
  return f;
}

test('after a preemption inside a critical section the thread goes to abort_ip and rseq_cs is cleared', () => {
  const f = registered();
  f.t.hart.pc = START + 8;
  f.t.rseq.event(RSEQ_EVENT_PREEMPT);
  rseqNotifyResume(f.t, 0);
  assert.equal(f.t.hart.pc, ABORT);
  assert.equal(f.mem.readBig64(AREA + 8), 0n);
  assert.equal(f.t.rseq.aborts, 1);
  assert.equal(f.t.pending.mask, 0n, 'no signal');
});

test('without an event the fixup leaves a thread inside its section where it is (after a registration, say)', () => {
  const f = registered();
  f.t.hart.pc = START + 8;
  f.t.rseq.notify = true;
  rseqNotifyResume(f.t, 0);
  assert.equal(f.t.hart.pc, START + 8);
  assert.equal(f.mem.readBig64(AREA + 8), BigInt(CS), 'rseq_cs kept');
});

test('outside the section the fixup clears rseq_cs (the lazy clear) and writes cpu_id_start, cpu_id, node_id and mm_cid', () => {
  const f = registered();
  f.t.hart.pc = START + LEN; // the first address after the commit
  f.t.cpu = 0;
  f.t.rseq.event(RSEQ_EVENT_MIGRATE);
  rseqNotifyResume(f.t, 0);
  assert.equal(f.t.hart.pc, START + LEN);
  assert.equal(f.mem.readBig64(AREA + 8), 0n);
  assert.deepEqual([f.mem.readU32(AREA), f.mem.readU32(AREA + 4), f.mem.readU32(AREA + 20), f.mem.readU32(AREA + 24)], [0, 0, 0, 0]);
  assert.equal(f.t.rseq.events, RSEQ_EVENT_MIGRATE, 'an event is consumed only inside a section');
});

test('a signal inside a section aborts it before the frame is built, even with no other event', () => {
  const f = registered();
  f.t.hart.pc = START;
  rseqSignalDeliver(f.t, 10);
  assert.equal(f.t.hart.pc, ABORT);
});

for (const [what, spoil] of [
  ['a wrong signature', (f: ReturnType<typeof fixture>) => f.mem.writeU32(ABORT - 4, 0x12345678)],
  ['version 1', (f: ReturnType<typeof fixture>) => f.mem.writeU32(CS, 1)],
  ['abort_ip inside the section', (f: ReturnType<typeof fixture>) => f.mem.writeBig64(CS + 24, BigInt(START + 4))],
  ['a non-zero rseq_cs.flags', (f: ReturnType<typeof fixture>) => f.mem.writeU32(CS + 4, 1)],
  ['a non-zero rseq.flags', (f: ReturnType<typeof fixture>) => f.mem.writeU32(AREA + 16, 2)],
  ['an rseq_cs beyond the address space', (f: ReturnType<typeof fixture>) => f.mem.writeBig64(AREA + 8, 1n << 60n)],
  ['a descriptor whose range overflows', (f: ReturnType<typeof fixture>) => f.mem.writeBig64(CS + 16, (1n << 64n) - 4n)],
] as const) {
  test(`${what} gives the thread SIGSEGV when it is interrupted inside the section`, () => {
    const f = registered();
    spoil(f);
    f.t.hart.pc = START + 4;
    f.t.rseq.event(RSEQ_EVENT_PREEMPT);
    rseqNotifyResume(f.t, 0);
    assert.notEqual(f.t.pending.mask & (1n << BigInt(SIGSEGV - 1)), 0n);
    assert.equal(f.t.hart.pc, START + 4, 'no abort');
  });
}

test('an area on a read-only page gives SIGSEGV when the ids are written; a SIGSEGV being delivered loses its handler', () => {
  const f = registered();
  f.t.rseq.area = { addr: RO, len: 32, sig: RSEQ_SIG_RISCV };
  f.t.tg.actions[SIGSEGV] = { handler: 0x1234n, flags: 0n, mask: 0n };
  f.t.hart.pc = 0x20000;
  rseqSignalDeliver(f.t, SIGSEGV);
  assert.notEqual(f.t.pending.mask & (1n << BigInt(SIGSEGV - 1)), 0n);
  assert.equal(f.t.tg.actions[SIGSEGV]!.handler, 0n, 'SIG_DFL, as force_sigsegv does');
});

/** A task for the scheduler tests (a fixture thread: switchIn and the load count read its rseq state). */
function schedTask(): Task {
  const f = fixture();
  return f.t;
}

test('the scheduler records a preemption when another task ran on the CPU, a migration when the task moved, and nothing for a task alone', () => {
  const s = new Scheduler(2, null);
  const a = schedTask(), b = schedTask();
  a.cpu = 0; b.cpu = 0;
  s.switchIn(a);
  assert.equal(a.rseq.events, 0, 'the first turn is no event');
  s.switchIn(a);
  assert.equal(a.rseq.events, 0, 'alone on its CPU: no preemption');
  s.switchIn(b);
  s.switchIn(a);
  assert.equal(a.rseq.events, RSEQ_EVENT_PREEMPT, 'b ran on CPU 0 in between');
  a.rseq.events = 0;
  a.cpu = 1;
  s.switchIn(a);
  assert.equal(a.rseq.events, RSEQ_EVENT_MIGRATE);
  // (assert.ok on identities: a failed deepEqual of two tasks would print their 4 GiB memories)
  assert.ok(s.currentOn(0) === null, 'a left CPU 0, which has no current task until its next turn');
  assert.ok(s.currentOn(1) === a);
  a.rseq.events = 0;
  s.leave(a); // a sleeps
  s.switchIn(a);
  assert.equal(a.rseq.events, RSEQ_EVENT_PREEMPT, 'a sleep is a switch');
});

test('a new task is placed on an idle CPU, not behind the running one', () => {
  const s = new Scheduler(2, null);
  const running = schedTask(), fresh = schedTask();
  running.cpu = 0;
  s.switchIn(running); // running now, on no queue
  fresh.cpu = 0;
  s.enqueue(fresh);
  assert.equal(fresh.cpu, 1);
  assert.equal(running.state, TaskState.Runnable);
});

test('mm_cid: one id per occupied CPU, dense, reused once a CPU is left', () => {
  const mm = new RseqMm();
  const tasks = [{ cpu: 3, live: true }, { cpu: 5, live: true }, { cpu: 3, live: true }];
  assert.equal(mm.cid(3, tasks), 0);
  assert.equal(mm.cid(5, tasks), 1);
  assert.equal(mm.cid(3, tasks), 0, 'two tasks on one CPU share its id');
  tasks[1]!.cpu = 7; // the task on CPU 5 moved to 7
  assert.equal(mm.cid(7, tasks), 1, 'CPU 5 is empty: its id goes to CPU 7');
  assert.ok(mm.cid(1, [...tasks, { cpu: 1, live: true }]) === 2);
});

test('the vvar page: both clocks as (seconds, nanoseconds) at the time CSR count, rewritten once a tick', () => {
  const mem = new GuestMemory();
  const vvar = 0x50000;
  mem.setPages(vvar / PAGE_SIZE, 1, PROT_READ, true);
  const clock = { mono: 7_000_000_123n, real: 1_700_000_000_999_999_999n };
  const k = { monotonicNs: () => clock.mono, realtimeNs: () => clock.real };
  const v = new ProcessVdso({ vvar, base: vvar + PAGE_SIZE, sigreturn: 0, percpu: null });
  v.refresh(k, mem);
  const seq = mem.readU32(vvar);
  assert.equal(seq % 2, 0);
  assert.deepEqual([mem.readU32(vvar + 4), mem.readU32(vvar + 8), mem.readU32(vvar + 12)], [1, 1, 0], 'clock_mode, mult, shift');
  assert.equal(mem.readBig64(vvar + 16), 7_000_000_123n, 'cycle_last: the CSR counts nanoseconds');
  assert.deepEqual([mem.readBig64(vvar + 24), mem.readBig64(vvar + 32)], [7n, 123n], 'CLOCK_MONOTONIC');
  assert.deepEqual([mem.readBig64(vvar + 40), mem.readBig64(vvar + 48)], [1_700_000_000n, 999_999_999n], 'CLOCK_REALTIME');
  assert.equal(mem.readBig64(vvar + 56), 4_000_000n, 'the coarse tick');
  assert.equal(mem.readU32(vvar + 76), 14, 'hwprobe keys');
  clock.mono += 1_000_000n; clock.real += 1_000_000n; // within a tick: not rewritten
  v.refresh(k, mem);
  assert.equal(mem.readU32(vvar), seq);
  clock.mono += 4_000_000n; clock.real += 4_000_000n;
  v.refresh(k, mem);
  assert.equal(mem.readU32(vvar), seq + 2);
  assert.deepEqual([mem.readBig64(vvar + 24), mem.readBig64(vvar + 32)], [7n, 5_000_123n]);
  assert.deepEqual([mem.readBig64(vvar + 40), mem.readBig64(vvar + 48)], [1_700_000_001n, 4_999_999n]);
});
