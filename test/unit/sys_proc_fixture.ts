// Shared fixture for the sys_proc*.test.ts files: a real Task and ThreadGroup over a real
// GuestMemory, with a fake kernel whose clocks the test sets, and handlers called by name.
import { Scheduler } from '../../src/kernel/sched.js';
import { runAsDispatcher } from './request_helpers.js';
import { GuestMemory, PAGE_SIZE, PROT_READ, PROT_WRITE } from '../../src/mem/guest_memory.js';
import { Task, ThreadGroup } from '../../src/kernel/task.js';
import { Cred } from '../../src/kernel/cred.js';
import type { KernelServices } from '../../src/kernel/task.js';
import type { Mm, Vma } from '../../src/mem/mm.js';
import type { SysArgs, SysResult, SyscallDef } from '../../src/kernel/syscalls/types.js';
import { SyscallError } from '../../src/abi/errno.js';
import { fill } from './mem_helpers.js';
import { FutexTable } from '../../src/kernel/futex/queue.js';
import { ProcessTable } from '../../src/kernel/process/table.js';
import { Sysctl } from '../../src/kernel/sysctl.js';
import { FdTable } from '../../src/kernel/vfs/fdtable.js';

/** Start of the read-write scratch area every fixture maps. */
export const BUF = 0x10000;
/** Size of the scratch area: 4 pages. */
export const BUF_PAGES = 4;
/** A page right after the scratch area that is mapped read-only. */
export const RO = BUF + BUF_PAGES * PAGE_SIZE;
/** An unmapped address. */
export const UNMAPPED = 0x800000;

// One guest memory for all fixtures: each is a 4 GiB reservation.
const mem = new GuestMemory();
mem.setPages(BUF / PAGE_SIZE, BUF_PAGES, PROT_READ | PROT_WRITE, true);
mem.setPages(RO / PAGE_SIZE, 1, PROT_READ, true);

export interface Fixture {
  t: Task;
  mem: GuestMemory;
  /** Fake clocks, ns; tests move them. */
  clock: { mono: bigint; real: bigint };
  /** Fake host user (the process's credentials start as these ids). */
  ids: { uid: number; gid: number };
  vmas: Vma[];
  random: number;
  /** Runs the handler of syscall `name` from defs with the given a0..a5. */
  call(defs: SyscallDef[], name: string, ...args: (number | bigint)[]): SysResult;
  /** Creates another thread in the same group. */
  addThread(tid: number): Task;
}

/** SysArgs over fixed values, decoded the way the dispatcher decodes registers. */
export function argsOf(vals: (number | bigint)[]): SysArgs {
  const big = (i: number): bigint => BigInt.asUintN(64, BigInt(vals[i] ?? 0));
  return {
    int: (i) => Number(BigInt.asIntN(32, big(i))),
    u32: (i) => Number(BigInt.asUintN(32, big(i))),
    num: (i) => Number(BigInt.asIntN(64, big(i))),
    big,
    addr: (i) => Number(big(i)),
  };
}

/** Returns a fresh fixture: pid 100 (also its tid), ppid 1, scratch area zeroed, ids 1000 unless given. */
export function fixture(opts: { uid?: number; gid?: number; exe?: string } = {}): Fixture {
  fill(mem, BUF, BUF + BUF_PAGES * PAGE_SIZE, 0);
  const clock = { mono: 5_000_000_123n, real: 1_700_000_000_123_456_789n };
  const ids = { uid: opts.uid ?? 1000, gid: opts.gid ?? 1000 };
  const vmas: Vma[] = [];
  const f = { random: 0 } as Fixture;
  const host = {
    uid: () => ids.uid,
    gid: () => ids.gid,
    hostname: () => 'testhost',
    randomFill: (b: Uint8Array) => { b.fill(0xa5); f.random += b.length; },
  };
  const tasks = new Map<number, Task>();
  const kernel = {
    host,
    tasks,
    monotonicNs: () => clock.mono,
    sched: new Scheduler(1, null),
    cpuTimers: new Set(),
    currentTask: null,
    realtimeNs: () => clock.real,
    procs: new ProcessTable(),
    sysctl: new Sysctl((b) => b.fill(0x5a)),
  } as unknown as KernelServices;
  const mm = { mem, vmas: () => vmas } as unknown as Mm;
  const tg = new ThreadGroup(kernel, 100, 1, mm, new Cred(ids.uid, ids.gid));
  tg.exePath = opts.exe ?? '/usr/bin/a-rather-long-program-name';
  kernel.procs.add(tg);
  const mk = (tid: number): Task => {
    const t = new Task(kernel, tid, tg, null as never, null as never);
    tasks.set(tid, t);
    return t;
  };
  const t = mk(100);
  return Object.assign(f, {
    t, mem, clock, ids, vmas,
    call(defs: SyscallDef[], name: string, ...args: (number | bigint)[]): SysResult {
      const def = defs.find((d) => d.name === name);
      if (!def?.handler) throw new Error(`no handler ${name}`);
      // Mirrors the dispatcher: a call after a Blocked result is a resumption of that call.
      return runAsDispatcher(t, def.nr, () => {
        try {
          return def.handler!(t, argsOf(args), t.syscall);
        } catch (e) {
          if (e instanceof SyscallError) return -e.errno;
          throw e;
        }
      });
    },
    addThread: mk,
  });
}

/** Returns fixture(opts) with an empty fd table of the task's own (for the calls that make and use fds). */
export function fdFixture(opts: { uid?: number; gid?: number; exe?: string } = {}): Fixture {
  const f = fixture(opts);
  f.t.files = new FdTable();
  return f;
}
