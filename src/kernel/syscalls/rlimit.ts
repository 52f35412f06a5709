// Resource limits: prlimit64, getrlimit, setrlimit, and rlimitCur() for the parts of the kernel
// that enforce a limit (the VFS enforces RLIMIT_NOFILE). Limits live in t.tg.rlimits; a resource
// missing from the map has Linux's default.
import { EINVAL, EPERM, ESRCH } from '../../abi/errno.js';
import type { Task, ThreadGroup } from '../task.js';
import { readRlimit, writeRlimit } from '../structs.js';
import type { SysArgs, SyscallDef } from './types.js';
import { findTask, privileged } from './proc_state.js';

/** Resource numbers (include/uapi/asm-generic/resource.h). */
export const RLIMIT_CPU = 0, RLIMIT_FSIZE = 1, RLIMIT_DATA = 2, RLIMIT_STACK = 3, RLIMIT_CORE = 4,
  RLIMIT_RSS = 5, RLIMIT_NPROC = 6, RLIMIT_NOFILE = 7, RLIMIT_MEMLOCK = 8, RLIMIT_AS = 9,
  RLIMIT_LOCKS = 10, RLIMIT_SIGPENDING = 11, RLIMIT_MSGQUEUE = 12, RLIMIT_NICE = 13,
  RLIMIT_RTPRIO = 14, RLIMIT_RTTIME = 15;
/** Number of resources (RLIM_NLIMITS); resource >= this is EINVAL. */
export const RLIM_NLIMITS = 16;
/** RLIM_INFINITY: all ones in a u64. */
export const RLIM_INFINITY = 0xffff_ffff_ffff_ffffn;
/** fs.nr_open default (1024*1024): RLIMIT_NOFILE's max may not exceed it, even for root. */
const NR_OPEN = 1n << 20n;
/** Linux derives NPROC and SIGPENDING from RAM; ecall uses one fixed, typical-sized value. */
export const DEFAULT_NPROC = 63_000n;
/** 8 MiB: Linux's default RLIMIT_STACK soft limit (_STK_LIM) and RLIMIT_MEMLOCK (MLOCK_LIMIT). */
const EIGHT_MIB = 8n << 20n;
/** RLIMIT_MSGQUEUE default (MQ_BYTES_MAX, include/uapi/linux/mqueue.h users: 819200). */
const MQ_BYTES_MAX = 819_200n;

const INF = RLIM_INFINITY;
/** Linux's defaults for a process started from a login shell: [cur, max] per resource. */
const DEFAULTS: ReadonlyArray<readonly [bigint, bigint]> = [
  [INF, INF], // CPU
  [INF, INF], // FSIZE
  [INF, INF], // DATA
  [EIGHT_MIB, INF], // STACK
  [0n, INF], // CORE
  [INF, INF], // RSS
  [DEFAULT_NPROC, DEFAULT_NPROC], // NPROC
  [1024n, 4096n], // NOFILE (INR_OPEN_CUR, INR_OPEN_MAX)
  [EIGHT_MIB, EIGHT_MIB], // MEMLOCK
  [INF, INF], // AS
  [INF, INF], // LOCKS
  [DEFAULT_NPROC, DEFAULT_NPROC], // SIGPENDING
  [MQ_BYTES_MAX, MQ_BYTES_MAX], // MSGQUEUE
  [0n, 0n], // NICE
  [0n, 0n], // RTPRIO
  [INF, INF], // RTTIME
];

/** Returns tg's [cur, max] for resource res (0 <= res < RLIM_NLIMITS). */
export function rlimitGet(tg: ThreadGroup, res: number): readonly [bigint, bigint] {
  return tg.rlimits.get(res) ?? DEFAULTS[res]!;
}

/** Returns t's soft limit for res as a number; RLIM_INFINITY (and anything above 2^53) is Infinity. */
export function rlimitCur(t: Task, res: number): number {
  const cur = rlimitGet(t.tg, res)[0];
  return cur > BigInt(Number.MAX_SAFE_INTEGER) ? Infinity : Number(cur);
}

/** Limits the memory layer enforces itself (stack growth, mmap, brk, mlock), by resource. */
const MEM_LIMITS: Partial<Record<number, 'stack' | 'as' | 'data' | 'memlock'>> = {
  [RLIMIT_STACK]: 'stack', [RLIMIT_AS]: 'as', [RLIMIT_DATA]: 'data', [RLIMIT_MEMLOCK]: 'memlock',
};

/** Copies tg's soft limit for res into its address space if the memory layer enforces it. */
export function applyMemLimit(tg: ThreadGroup, res: number): void {
  const key = MEM_LIMITS[res];
  if (key === undefined) return;
  const cur = rlimitGet(tg, res)[0];
  tg.mm.mem.limits[key] = cur > BigInt(Number.MAX_SAFE_INTEGER) ? Infinity : Number(cur);
}

/**
 * Linux's do_prlimit: validates and applies `next` (if given) to tg's limit res.
 * Returns 0 or -errno, and the limit as it was before the call.
 */
function doPrlimit(t: Task, tg: ThreadGroup, res: number, next: [bigint, bigint] | null): { err: number; old: readonly [bigint, bigint] } {
  if (res < 0 || res >= RLIM_NLIMITS) return { err: -EINVAL, old: [0n, 0n] };
  const old = rlimitGet(tg, res);
  if (next) {
    if (next[0] > next[1]) return { err: -EINVAL, old };
    if (res === RLIMIT_NOFILE && next[1] > NR_OPEN) return { err: -EPERM, old };
    if (next[1] > old[1] && !privileged(t)) return { err: -EPERM, old };
    tg.rlimits.set(res, next);
    applyMemLimit(tg, res);
  }
  return { err: 0, old };
}

/** prlimit64(pid, resource, new*, old*): pid 0 or a task of the caller's process, else ESRCH. */
function sysPrlimit64(t: Task, a: SysArgs): number {
  const res = a.u32(1);
  const newAddr = a.addr(2), oldAddr = a.addr(3);
  const next = newAddr !== 0 ? readRlimit(t.mm.mem, newAddr) : null;
  const target = findTask(t, a.int(0));
  if (!target) return -ESRCH;
  const { err, old } = doPrlimit(t, target.tg, res, next);
  if (err) return err;
  if (oldAddr !== 0) writeRlimit(t.mm.mem, oldAddr, old);
  return 0;
}

/** getrlimit(resource, rlim*): EINVAL for an unknown resource before touching rlim. */
function sysGetrlimit(t: Task, a: SysArgs): number {
  const { err, old } = doPrlimit(t, t.tg, a.u32(0), null);
  if (err) return err;
  writeRlimit(t.mm.mem, a.addr(1), old);
  return 0;
}

/** setrlimit(resource, rlim*): copies rlim in first (EFAULT), then validates as prlimit64. */
function sysSetrlimit(t: Task, a: SysArgs): number {
  const next = readRlimit(t.mm.mem, a.addr(1));
  return doPrlimit(t, t.tg, a.u32(0), next).err;
}

export const defs: SyscallDef[] = [
  { nr: 261, name: 'prlimit64', handler: sysPrlimit64, status: 'partial', note: 'own process only; NOFILE, STACK, AS, DATA and MEMLOCK are enforced, the others recorded', args: ['int', 'rlimit', 'ptr', 'ptr'] },
  { nr: 163, name: 'getrlimit', handler: sysGetrlimit, status: 'full', args: ['rlimit', 'ptr'] },
  { nr: 164, name: 'setrlimit', handler: sysSetrlimit, status: 'partial', note: 'NOFILE, STACK, AS, DATA and MEMLOCK are enforced, the others recorded', args: ['rlimit', 'ptr'] },
];
