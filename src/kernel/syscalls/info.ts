// System information and scheduling syscalls: uname, sysinfo, getrandom, getcpu, CPU affinity,
// scheduler policy queries, sched_yield and nice values (getpriority/setpriority).
import { unameRelease } from './personality.js';
import { utsOf } from '../uts.js';
import { strToBytes } from '../../util/bytestr.js';
import { EACCES, EFAULT, EINVAL, EPERM, ESRCH } from '../../abi/errno.js';
import { PAGE_SIZE, PROT_WRITE } from '../../mem/guest_memory.js';
import type { Task, ThreadGroup } from '../task.js';
import { NSEC_PER_SEC } from '../structs.js';
import type { SysArgs, SyscallDef } from './types.js';
import { findTask, privileged } from './proc_state.js';
import { RLIMIT_NICE, RLIMIT_RTPRIO, rlimitGet } from './rlimit.js';

/** struct utsname: six fields of __NEW_UTS_LEN + 1 = 65 bytes (include/uapi/linux/utsname.h). */
const UTS_FIELD = 65;
/** The release ecall reports: a Linux 6.1 ABI (the headers glibc 2.36 was built against). */
export const UTS_RELEASE = '6.1.0-ecall';
export const UTS_VERSION = '#1 SMP PREEMPT_DYNAMIC ecall';
const UTS_MACHINE = 'riscv64';
/** The NIS domain name Linux reports when none was set. */
export const UTS_DOMAIN = '(none)';

/** sizeof(struct sysinfo) on LP64 (include/uapi/linux/sysinfo.h; verified with the cross gcc). */
const SYSINFO_SIZE = 112;

/** getrandom flags (include/uapi/linux/random.h). */
const GRND_NONBLOCK = 1, GRND_RANDOM = 2, GRND_INSECURE = 4;
/** Largest getrandom request served in one call: INT_MAX >> 6, as Linux 5.x capped reads. */
const GETRANDOM_MAX = 33554431;

/** ecall runs every task on one CPU: nr_cpu_ids = 1 and cpumask_size() = one long. */
const CPUMASK_SIZE = 8;

/** Scheduling policies (include/uapi/linux/sched.h) and the reset-on-fork flag. */
export const SCHED_OTHER = 0, SCHED_FIFO = 1, SCHED_RR = 2, SCHED_BATCH = 3, SCHED_IDLE = 5, SCHED_DEADLINE = 6;
const SCHED_RESET_ON_FORK = 0x40000000;
/** Real-time priorities run 1..MAX_RT_PRIO-1. */
const MAX_USER_RT_PRIO = 99;

/** getpriority/setpriority `which` (include/uapi/linux/resource.h) and the nice range. */
const PRIO_PROCESS = 0, PRIO_PGRP = 1, PRIO_USER = 2;
const MIN_NICE = -20, MAX_NICE = 19;

// --- uname and sysinfo ----------------------------------------------------------------------

/** uname(buf*): Linux, the host name (the host's unless sethostname set one), a 6.1 release, riscv64, the domain name. */
function sysUname(t: Task, a: SysArgs): number {
  const uts = utsOf(t.kernel);
  const fields = ['Linux', uts.hostname, unameRelease(UTS_RELEASE, t.personality), UTS_VERSION, UTS_MACHINE, uts.domainname];
  const buf = new Uint8Array(UTS_FIELD * fields.length);
  fields.forEach((f, i) => buf.set(strToBytes(f).subarray(0, UTS_FIELD - 1), i * UTS_FIELD));
  t.mm.mem.write(a.addr(0), buf);
  return 0;
}

/** sysinfo(info*): uptime, the machine's memory (--memory) as RAM (free = free frames), no swap, mem_unit 1. */
function sysSysinfo(t: Task, a: SysArgs): number {
  const addr = a.addr(0);
  const mem = t.mm.mem;
  const up = t.kernel.monotonicNs();
  // Linux rounds a partial second up.
  const uptime = up / NSEC_PER_SEC + (up % NSEC_PER_SEC !== 0n ? 1n : 0n);
  mem.zero(addr, SYSINFO_SIZE);
  mem.writeBig64(addr, uptime); // uptime; loads[3] @8 stay 0
  mem.writeU64(addr + 32, mem.phys.bytes); // totalram
  mem.writeU64(addr + 40, mem.phys.freeFrames * PAGE_SIZE); // freeram
  // sharedram @48, bufferram @56, totalswap @64, freeswap @72 stay 0.
  mem.writeU16(addr + 80, Math.min(t.kernel.tasks.size, 0xffff)); // procs: live tasks
  // totalhigh @88, freehigh @96 stay 0.
  mem.writeU32(addr + 104, 1); // mem_unit
  return 0;
}

// --- randomness and CPU identity ------------------------------------------------------------

/** getrandom(buf*, len, flags): fills up to GETRANDOM_MAX bytes; a fault after some bytes returns the count. */
function sysGetrandom(t: Task, a: SysArgs): number {
  const flags = a.u32(2);
  if (flags & ~(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE)) return -EINVAL;
  if ((flags & (GRND_INSECURE | GRND_RANDOM)) === (GRND_INSECURE | GRND_RANDOM)) return -EINVAL;
  // The host pool is always initialised, so GRND_NONBLOCK never has to fail with EAGAIN.
  const want = a.big(1);
  const len = want > BigInt(GETRANDOM_MAX) ? GETRANDOM_MAX : Number(want);
  const buf = a.addr(0), mem = t.mm.mem;
  let done = 0;
  while (done < len) {
    const p = buf + done;
    const n = Math.min(len - done, PAGE_SIZE - (p % PAGE_SIZE));
    if (!mem.accessible(p, n, PROT_WRITE)) return done > 0 ? done : -EFAULT;
    const bytes = new Uint8Array(n);
    t.kernel.host.randomFill(bytes);
    mem.write(p, bytes);
    done += n;
  }
  return done;
}

/** getcpu(cpu*, node*, cache*): the virtual CPU the caller runs on, node 0; NULL pointers are skipped. */
function sysGetcpu(t: Task, a: SysArgs): number {
  const cpu = a.addr(0), node = a.addr(1);
  if (cpu !== 0) t.mm.mem.writeU32(cpu, t.cpu);
  if (node !== 0) t.mm.mem.writeU32(node, 0);
  return 0;
}

/** sched_getaffinity(pid, len, mask*): writes the task's CPU mask; returns the bytes written (8). */
function sysSchedGetaffinity(t: Task, a: SysArgs): number {
  const len = a.u32(1);
  if (len * 8 < t.kernel.sched.cpuCount || len % 8 !== 0) return -EINVAL;
  const target = findTask(t, a.int(0));
  if (!target) return -ESRCH;
  t.mm.mem.writeBig64(a.addr(2), target.cpusAllowed & t.kernel.sched.allCpus);
  return CPUMASK_SIZE;
}

/** sched_setaffinity(pid, len, mask*): restricts the task to the given CPUs (EINVAL if none exists). */
function sysSchedSetaffinity(t: Task, a: SysArgs): number {
  const len = Math.min(a.u32(1), CPUMASK_SIZE);
  const bytes = t.mm.mem.read(a.addr(2), len);
  const target = findTask(t, a.int(0));
  if (!target) return -ESRCH;
  let mask = 0n;
  for (let i = 0; i < len; i++) mask |= BigInt(bytes[i]!) << BigInt(8 * i);
  const sched = t.kernel.sched;
  if ((mask & sched.allCpus) === 0n) return -EINVAL;
  target.cpusAllowed = mask;
  // A queued task on a CPU it may no longer use moves now; the caller moves when its slice ends.
  if (((mask >> BigInt(target.cpu)) & 1n) === 0n && target !== t.kernel.currentTask) {
    sched.remove(target);
    if (target.state === 0 /* Runnable */ && !target.tg.stopped) sched.enqueue(target);
  }
  if (target === t && ((mask >> BigInt(t.cpu)) & 1n) === 0n) t.yieldRequested = true;
  return 0;
}

// --- scheduling policy ----------------------------------------------------------------------

/** Returns 0 if (policy, prio) is a valid pair that t may set, else -errno. */
function checkPolicy(t: Task, policy: number, prio: number): number {
  const rt = policy === SCHED_FIFO || policy === SCHED_RR;
  if (!rt && policy !== SCHED_OTHER && policy !== SCHED_BATCH && policy !== SCHED_IDLE) return -EINVAL;
  if (rt ? prio < 1 || prio > MAX_USER_RT_PRIO : prio !== 0) return -EINVAL;
  if (rt && !privileged(t) && BigInt(prio) > rlimitGet(t.tg, RLIMIT_RTPRIO)[0]) return -EPERM;
  return 0;
}

/** sched_setscheduler(pid, policy, param*): validates and records the policy. */
function sysSchedSetscheduler(t: Task, a: SysArgs): number {
  const pid = a.int(0), param = a.addr(2);
  if (param === 0 || pid < 0) return -EINVAL;
  const prio = t.mm.mem.readI32(param);
  const target = findTask(t, pid);
  if (!target) return -ESRCH;
  const policy = a.int(1) & ~SCHED_RESET_ON_FORK;
  const err = checkPolicy(t, policy, prio);
  if (err) return err;
  target.policy = policy;
  target.rtPriority = prio;
  return 0;
}

/** sched_setparam(pid, param*): changes the priority within the current policy. */
function sysSchedSetparam(t: Task, a: SysArgs): number {
  const pid = a.int(0), param = a.addr(1);
  if (param === 0 || pid < 0) return -EINVAL;
  const prio = t.mm.mem.readI32(param);
  const target = findTask(t, pid);
  if (!target) return -ESRCH;
  const err = checkPolicy(t, target.policy, prio);
  if (err) return err;
  target.rtPriority = prio;
  return 0;
}

/** sched_getscheduler(pid): the recorded policy (SCHED_OTHER by default). */
function sysSchedGetscheduler(t: Task, a: SysArgs): number {
  const pid = a.int(0);
  if (pid < 0) return -EINVAL;
  const target = findTask(t, pid);
  if (!target) return -ESRCH;
  return target.policy;
}

/** sched_getparam(pid, param*): writes the recorded priority (0 for SCHED_OTHER). */
function sysSchedGetparam(t: Task, a: SysArgs): number {
  const pid = a.int(0), param = a.addr(1);
  if (param === 0 || pid < 0) return -EINVAL;
  const target = findTask(t, pid);
  if (!target) return -ESRCH;
  t.mm.mem.writeI32(param, target.rtPriority);
  return 0;
}

/** sched_get_priority_max/min(policy): 99/1 for FIFO and RR, 0 for the others, EINVAL if unknown. */
function priorityLimit(max: boolean) {
  return (_t: Task, a: SysArgs): number => {
    const policy = a.int(0);
    if (policy === SCHED_FIFO || policy === SCHED_RR) return max ? MAX_USER_RT_PRIO : 1;
    if (policy === SCHED_OTHER || policy === SCHED_BATCH || policy === SCHED_IDLE || policy === SCHED_DEADLINE) return 0;
    return -EINVAL;
  };
}

// --- nice values ----------------------------------------------------------------------------

/** Returns the processes (which, who) names (nice is per process in ecall); null if `which` is invalid. */
function prioTargets(t: Task, which: number, who: number): ThreadGroup[] | null {
  const all = new Set<ThreadGroup>();
  for (const x of t.kernel.tasks.values()) all.add(x.tg);
  switch (which) {
    case PRIO_PROCESS: {
      const target = findTask(t, who);
      return target ? [target.tg] : [];
    }
    case PRIO_PGRP: {
      const pgid = who === 0 ? t.tg.pgid : who;
      return [...all].filter((tg) => tg.pgid === pgid);
    }
    case PRIO_USER: {
      const uid = who === 0 ? t.tg.cred.ruid : who >>> 0;
      return [...all].filter((tg) => tg.cred.ruid === uid);
    }
    default:
      return null;
  }
}

/** getpriority(which, who): returns 20 - the lowest nice among the targets (1..40, never negative). */
function sysGetpriority(t: Task, a: SysArgs): number {
  const targets = prioTargets(t, a.int(0), a.int(1));
  if (targets === null) return -EINVAL;
  if (targets.length === 0) return -ESRCH;
  return 20 - Math.min(...targets.map((tg) => tg.nice));
}

/** setpriority(which, who, nice): clamps to -20..19; lowering nice needs RLIMIT_NICE or root (EACCES). */
function sysSetpriority(t: Task, a: SysArgs): number {
  const targets = prioTargets(t, a.int(0), a.int(1));
  if (targets === null) return -EINVAL;
  if (targets.length === 0) return -ESRCH;
  const nice = Math.min(MAX_NICE, Math.max(MIN_NICE, a.int(2)));
  let err = 0;
  for (const tg of targets) {
    if (nice < tg.nice && !privileged(t) && BigInt(20 - nice) > rlimitGet(tg, RLIMIT_NICE)[0]) err = -EACCES;
    else tg.nice = nice;
  }
  return err;
}

export const defs: SyscallDef[] = [
  { nr: 160, name: 'uname', handler: sysUname, status: 'full', args: ['ptr'] },
  { nr: 179, name: 'sysinfo', handler: sysSysinfo, status: 'partial', note: 'RAM = --memory (default 2 GiB), free = frames not in use; loads 0', args: ['ptr'] },
  { nr: 278, name: 'getrandom', handler: sysGetrandom, status: 'full', args: ['ptr', 'size', 'hex'] },
  { nr: 168, name: 'getcpu', handler: sysGetcpu, status: 'full', note: 'the virtual CPU (--cpus); node 0', args: ['ptr', 'ptr', 'ptr'] },
  { nr: 123, name: 'sched_getaffinity', handler: sysSchedGetaffinity, status: 'full', args: ['int', 'uint', 'ptr'] },
  { nr: 122, name: 'sched_setaffinity', handler: sysSchedSetaffinity, status: 'full', note: 'honoured by the scheduler', args: ['int', 'uint', 'ptr'] },
  { nr: 124, name: 'sched_yield', handler: (t) => { t.yieldRequested = true; return 0; }, status: 'full', args: [] },
  { nr: 119, name: 'sched_setscheduler', handler: sysSchedSetscheduler, status: 'partial', note: 'recorded, not used by the scheduler', args: ['int', 'int', 'ptr'] },
  { nr: 118, name: 'sched_setparam', handler: sysSchedSetparam, status: 'partial', note: 'recorded, not used by the scheduler', args: ['int', 'ptr'] },
  { nr: 120, name: 'sched_getscheduler', handler: sysSchedGetscheduler, status: 'full', args: ['int'] },
  { nr: 121, name: 'sched_getparam', handler: sysSchedGetparam, status: 'full', args: ['int', 'ptr'] },
  { nr: 125, name: 'sched_get_priority_max', handler: priorityLimit(true), status: 'full', args: ['int'] },
  { nr: 126, name: 'sched_get_priority_min', handler: priorityLimit(false), status: 'full', args: ['int'] },
  { nr: 141, name: 'getpriority', handler: sysGetpriority, status: 'full', args: ['int', 'int'] },
  { nr: 140, name: 'setpriority', handler: sysSetpriority, status: 'partial', note: 'recorded, not used by the scheduler', args: ['int', 'int', 'int'] },
];
