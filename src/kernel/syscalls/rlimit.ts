// Resource limits: prlimit64, getrlimit, setrlimit, and rlimitCur() for the parts of the kernel
// that enforce a limit (the VFS enforces RLIMIT_NOFILE). Limits live in t.tg.rlimits; a resource
// missing from the map has Linux's default.
import { EINVAL, EPERM, ESRCH } from '../../abi/errno.js';
import type { Task, ThreadGroup } from '../task.js';
import { readRlimit, writeRlimit } from '../structs.js';
import type { SysArgs, SyscallDef } from './types.js';
import { findTask, privileged } from './proc_state.js';

// The numbers and lookups live in the leaf rlimits.ts; they are re-exported for the handlers' users.
export {
  RLIMIT_CPU, RLIMIT_FSIZE, RLIMIT_DATA, RLIMIT_STACK, RLIMIT_CORE, RLIMIT_RSS, RLIMIT_NPROC, RLIMIT_NOFILE, RLIMIT_MEMLOCK, RLIMIT_AS, RLIMIT_LOCKS, RLIMIT_SIGPENDING, RLIMIT_MSGQUEUE, RLIMIT_NICE, RLIMIT_RTPRIO, RLIMIT_RTTIME, RLIM_NLIMITS, RLIM_INFINITY, DEFAULT_NPROC, rlimitGet, rlimitCur,
} from '../rlimits.js';
import { NR_OPEN, RLIMIT_DATA, RLIMIT_STACK, RLIMIT_NOFILE, RLIMIT_MEMLOCK, RLIMIT_AS, RLIM_NLIMITS, rlimitGet, rlimitCur } from '../rlimits.js';

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
