// Fixture for the futex*.test.ts files: real Tasks over real GuestMemory, and a small kernel
// whose sleep / wake / interrupt follow the real Kernel's (park on the Blocked marker's lists,
// remove from them on any wake-up, onInterrupt on a signal) with clocks the test sets.
import { Blocked } from '../../src/kernel/request.js';
import { WakeReason } from '../../src/kernel/wait.js';
import { GuestMemory, PAGE_SIZE, PROT_READ, PROT_WRITE } from '../../src/mem/guest_memory.js';
import { Task, TaskState, ThreadGroup } from '../../src/kernel/task.js';
import { Cred } from '../../src/kernel/cred.js';
import type { KernelServices } from '../../src/kernel/task.js';
import type { Mm } from '../../src/mem/mm.js';
import type { SysResult } from '../../src/kernel/syscalls/types.js';
import { SyscallError } from '../../src/abi/errno.js';
import { NR_RESTART_SYSCALL } from '../../src/kernel/entry.js';
import { runAsDispatcher } from './request_helpers.js';
import { defs } from '../../src/kernel/syscalls/futex.js';
import { argsOf } from './sys_proc_fixture.js';
import { fill } from './mem_helpers.js';
import { FutexTable } from '../../src/kernel/futex/queue.js';

/** Start of the read-write scratch area (4 pages). */
export const BUF = 0x10000;
export const BUF_PAGES = 4;
/** A read-only page after the scratch area. */
export const RO = BUF + BUF_PAGES * PAGE_SIZE;
/** An unmapped address. */
export const UNMAPPED = 0x800000;

// Two address spaces for all fixtures (each is a 4 GiB reservation): process A and process B.
const mems = [new GuestMemory(), new GuestMemory()];
for (const m of mems) {
  m.setPages(BUF / PAGE_SIZE, BUF_PAGES, PROT_READ | PROT_WRITE, true);
  m.setPages(RO / PAGE_SIZE, 1, PROT_READ, true);
}

const futexDef = defs.find((d) => d.name === 'futex')!;

export interface Fixture {
  kernel: KernelServices;
  clock: { mono: bigint; real: bigint };
  /** Process A's first task (tid 100) and its memory. */
  t: Task;
  mem: GuestMemory;
  /** A new thread in process A. */
  thread(tid: number): Task;
  /** A task in a second process (its own mm and memory), tid given. */
  otherProcess(tid: number): Task;
  /** Runs futex(...) as task t, the way the dispatcher does (a Blocked result parks t). */
  futex(t: Task, ...args: (number | bigint)[]): SysResult;
  /** Runs restart_syscall as t: calls t.restartBlock as the dispatcher would. */
  restart(t: Task): SysResult;
  /** Lets t's deadline pass: wakes it with WakeReason.Timeout. */
  expire(t: Task): void;
  /** A signal interrupts t's sleep: returns the value the call then returns (before restart rules). */
  interrupt(t: Task): number;
  /** Exits t as the kernel would (off the kernel's task map). */
  exit(t: Task): void;
}

/** A fresh fixture: both memories' scratch areas zeroed, process A with task 100. */
export function fixture(): Fixture {
  for (const m of mems) fill(m, BUF, RO + PAGE_SIZE, 0);
  const clock = { mono: 5_000_000_000n, real: 1_700_000_000_000_000_000n };
  const tasks = new Map<number, Task>();
  const unpark = (t: Task): Blocked | null => {
    const r = t.syscall;
    const b = r.blocked;
    if (b !== null) for (const q of b.queues) q.remove(r);
    r.blocked = null;
    return b;
  };
  const kernel = {
    tasks,
    futexes: new FutexTable(),
    monotonicNs: () => clock.mono,
    realtimeNs: () => clock.real,
    sleep(t: Task, b: Blocked): void {
      t.state = TaskState.Blocked;
      t.syscall.blocked = b;
      for (const q of b.queues) q.add(t.syscall);
    },
    wakeTask(t: Task, reason: WakeReason): void {
      if (t.state !== TaskState.Blocked) return;
      unpark(t);
      t.syscall.wakeReason = reason;
      t.state = TaskState.Runnable;
    },
  } as unknown as KernelServices;
  const mkGroup = (pid: number, mem: GuestMemory): ThreadGroup => {
    const mm = { mem } as unknown as Mm;
    return new ThreadGroup(kernel, pid, 1, mm, new Cred(1000, 1000));
  };
  const mk = (tg: ThreadGroup, tid: number): Task => {
    const t = new Task(kernel, tid, tg, null as never, null as never);
    tasks.set(tid, t);
    return t;
  };
  const tgA = mkGroup(100, mems[0]!);
  let tgB: ThreadGroup | null = null;
  const run = (t: Task, nr: number, fn: () => SysResult): SysResult => {
    const r = runAsDispatcher(t, nr, () => {
      try {
        return fn();
      } catch (e) {
        if (!(e instanceof SyscallError)) throw e;
        return -e.errno;
      }
    });
    if (r instanceof Blocked) kernel.sleep(t, r);
    return r;
  };
  return {
    kernel, clock, t: mk(tgA, 100), mem: mems[0]!,
    thread: (tid) => mk(tgA, tid),
    otherProcess(tid) {
      tgB ??= mkGroup(200, mems[1]!);
      return mk(tgB, tid);
    },
    futex: (t, ...args) => run(t, futexDef.nr, () => futexDef.handler!(t, argsOf(args), t.syscall)),
    restart: (t) => run(t, NR_RESTART_SYSCALL, () => t.restartBlock!(t, t.syscall)),
    expire: (t) => kernel.wakeTask(t, WakeReason.Timeout),
    interrupt(t) {
      if (t.state !== TaskState.Blocked) throw new Error('not blocked');
      const b = unpark(t)!;
      t.inSyscall = false;
      t.syscall.wakeReason = WakeReason.Signal;
      t.state = TaskState.Runnable;
      return b.onInterrupt ? b.onInterrupt(t.syscall) : -b.restart;
    },
    exit(t) {
      if (t.state === TaskState.Blocked) unpark(t);
      t.inSyscall = false;
      t.state = TaskState.Exited;
      tasks.delete(t.tid);
    },
  };
}

/** Writes a struct timespec {sec, nsec} at addr. */
export function putTimespec(mem: GuestMemory, addr: number, sec: bigint, nsec: bigint): void {
  mem.writeBig64(addr, sec);
  mem.writeBig64(addr + 8, nsec);
}
