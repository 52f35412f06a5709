// Resource limits (getrlimit/setrlimit/prlimit64): the resource numbers, Linux's defaults, and the
// lookups the rest of the kernel uses. A leaf: it knows a process only as the holder of its limits,
// so task.ts (RLIMIT_FSIZE for writes) can use it without importing the syscall handlers.

/** What holds a process's limits that differ from the defaults (ThreadGroup). */
export interface LimitHolder {
  readonly rlimits: ReadonlyMap<number, readonly [bigint, bigint]>;
}

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
export const NR_OPEN = 1n << 20n;
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
export function rlimitGet(tg: LimitHolder, res: number): readonly [bigint, bigint] {
  return tg.rlimits.get(res) ?? DEFAULTS[res]!;
}

/** Returns t's soft limit for res as a number; RLIM_INFINITY (and anything above 2^53) is Infinity. */
export function rlimitCur(t: { tg: LimitHolder }, res: number): number {
  const cur = rlimitGet(t.tg, res)[0];
  return cur > BigInt(Number.MAX_SAFE_INTEGER) ? Infinity : Number(cur);
}

