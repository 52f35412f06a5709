// Text of the small /proc files, in Linux's formats (fs/proc/meminfo.c, array.c, uptime.c,
// loadavg.c; arch/riscv/kernel/cpu.c for cpuinfo).
import { bytesToStr } from '../../util/bytestr.js';
import type { Task } from '../task.js';

/** ISA string our hart implements (rv64gc = imafd + c, with the Zicsr/Zifencei parts of g). */
export const CPUINFO_ISA = 'rv64imafdc_zicsr_zifencei';
/** Longest comm (task name) Linux keeps: TASK_COMM_LEN 16 including the NUL. */
const TASK_COMM_LEN = 16;
/** Signals Linux lets one user queue; shown as the SigQ limit (RLIMIT_SIGPENDING default varies, 63172 is typical). */
const SIGQUEUE_LIMIT = 63172;
/** Capabilities the bounding set holds on Linux 6.1 (CAP_LAST_CAP 40 → 41 bits). */
const CAP_BND = '000001ffffffffff';

/** Returns /proc/cpuinfo for nCpus harts in the riscv format. */
export function procCpuinfo(nCpus: number): string {
  let out = '';
  for (let i = 0; i < nCpus; i++) {
    out += `processor\t: ${i}\nhart\t\t: ${i}\nisa\t\t: ${CPUINFO_ISA}\nmmu\t\t: sv39\n` +
      `uarch\t\t: ecall,rv64gc\nmvendorid\t: 0x0\nmarchid\t\t: 0x0\nmimpid\t\t: 0x0\n\n`;
  }
  return out;
}

/** Returns Linux's "Label:   <8-wide number> kB" line (label padded to 16 columns). */
function kbLine(label: string, kb: number): string {
  return `${(label + ':').padEnd(16)}${String(Math.max(0, Math.floor(kb))).padStart(8)} kB\n`;
}

/** Returns the bytes mapped in t's address space (0 if the Mm cannot list its VMAs). */
function mappedBytes(t: Task): number {
  try {
    let n = 0;
    for (const v of t.mm.vmas()) n += v.end - v.start;
    return n;
  } catch {
    return 0;
  }
}

/** Returns /proc/meminfo: the machine's memory (--memory) as the total, free = frames not in use. */
export function procMeminfo(t: Task): string {
  const phys = t.mm.mem.phys;
  const totalKb = phys.bytes / 1024;
  const freeKb = phys.freeFrames * 4;
  const usedKb = totalKb - freeKb;
  const rows: [string, number][] = [
    ['MemTotal', totalKb], ['MemFree', freeKb], ['MemAvailable', freeKb], ['Buffers', 0], ['Cached', 0],
    ['SwapCached', 0], ['Active', usedKb], ['Inactive', 0], ['Active(anon)', usedKb], ['Inactive(anon)', 0],
    ['Active(file)', 0], ['Inactive(file)', 0], ['Unevictable', 0], ['Mlocked', 0], ['SwapTotal', 0],
    ['SwapFree', 0], ['Dirty', 0], ['Writeback', 0], ['AnonPages', usedKb], ['Mapped', 0], ['Shmem', 0],
    ['KReclaimable', 0], ['Slab', 0], ['SReclaimable', 0], ['SUnreclaim', 0], ['KernelStack', 0],
    ['PageTables', 0], ['Bounce', 0], ['WritebackTmp', 0], ['CommitLimit', totalKb], ['Committed_AS', usedKb],
    ['VmallocTotal', 0], ['VmallocUsed', 0], ['VmallocChunk', 0], ['Percpu', 0],
  ];
  let out = rows.map(([k, v]) => kbLine(k, v)).join('');
  out += 'HugePages_Total:       0\nHugePages_Free:        0\nHugePages_Rsvd:        0\nHugePages_Surp:        0\n';
  out += kbLine('Hugepagesize', 2048) + kbLine('Hugetlb', 0);
  return out;
}

/** Returns the comm name of t as a byte string: its PR_SET_NAME or exec'd name, else the
 *  executable's base name, at most 15 bytes. */
export function procComm(t: Task): string {
  if (t.comm) return bytesToStr(t.comm);
  const base = t.tg.exePath.slice(t.tg.exePath.lastIndexOf('/') + 1);
  return base.slice(0, TASK_COMM_LEN - 1);
}

/** Returns a 64-bit signal set as /proc/pid/status prints it (16 hex digits). */
function sigset(bits: bigint): string {
  return BigInt.asUintN(64, bits).toString(16).padStart(16, '0');
}

/** Returns the State: line's value for t's process: zombie, stopped, running or sleeping. */
function statusState(t: Task): string {
  const tg = t.tg;
  if (tg.exitCode !== null) return 'Z (zombie)';
  if (tg.stopped) return 'T (stopped)';
  return 'R (running)';
}

/** Returns /proc/<pid>/status for task t; umask comes from the fs context (default 022). A
 *  zombie has no memory lines, as Linux prints them only for a process with an mm. */
export function procSelfStatus(t: Task, umask = 0o022): string {
  const tg = t.tg;
  const zombie = tg.exitCode !== null;
  const c = tg.cred;
  let ign = 0n, cgt = 0n;
  for (let sig = 1; sig <= 64; sig++) {
    const h = tg.actions[sig]?.handler ?? 0n;
    if (h === 1n) ign |= 1n << BigInt(sig - 1);
    else if (h > 1n) cgt |= 1n << BigInt(sig - 1);
  }
  const vmKb = zombie ? 0 : Math.ceil(mappedBytes(t) / 1024);
  const rssKb = zombie ? 0 : t.mm.mem.rss * 4, hwmKb = zombie ? 0 : t.mm.mem.rssPeak * 4;
  const vm = (label: string, kb: number): string => `${label}:\t${String(kb).padStart(8)} kB\n`;
  const mem = zombie ? '' : vm('VmPeak', vmKb) + vm('VmSize', vmKb) + vm('VmLck', t.mm.lockedBytes() / 1024) + vm('VmPin', 0) +
    vm('VmHWM', hwmKb) + vm('VmRSS', rssKb);
  const threads = zombie ? 1 : tg.tasks.length;
  return `Name:\t${procComm(t)}\nUmask:\t${umask.toString(8).padStart(4, '0')}\nState:\t${statusState(t)}\n` +
    `Tgid:\t${tg.pid}\nNgid:\t0\nPid:\t${t.tid}\nPPid:\t${tg.ppid}\nTracerPid:\t0\n` +
    `Uid:\t${c.ruid}\t${c.euid}\t${c.suid}\t${c.fsuid}\nGid:\t${c.rgid}\t${c.egid}\t${c.sgid}\t${c.fsgid}\n` +
    `FDSize:\t64\nGroups:\t${c.rgid} \n` +
    `NStgid:\t${tg.pid}\nNSpid:\t${t.tid}\nNSpgid:\t${tg.pid}\nNSsid:\t${tg.pid}\n` +
    mem + `Threads:\t${threads}\nSigQ:\t0/${SIGQUEUE_LIMIT}\n` +
    `SigPnd:\t${sigset(t.pending.mask)}\nShdPnd:\t${sigset(tg.shared.mask)}\nSigBlk:\t${sigset(t.sigmask)}\n` +
    `SigIgn:\t${sigset(ign)}\nSigCgt:\t${sigset(cgt)}\nCapInh:\t${sigset(0n)}\nCapPrm:\t${sigset(0n)}\n` +
    `CapEff:\t${sigset(0n)}\nCapBnd:\t${CAP_BND}\nCapAmb:\t${sigset(0n)}\nNoNewPrivs:\t0\nSeccomp:\t0\n` +
    `Seccomp_filters:\t0\nCpus_allowed:\t1\nCpus_allowed_list:\t0\nMems_allowed:\t1\nMems_allowed_list:\t0\n` +
    `voluntary_ctxt_switches:\t0\nnonvoluntary_ctxt_switches:\t0\n`;
}

/** Returns /proc/uptime: seconds since boot and idle seconds, two decimals each. */
export function procUptime(t: Task): string {
  const cs = t.kernel.monotonicNs() / 10_000_000n; // centiseconds
  const s = `${cs / 100n}.${String(cs % 100n).padStart(2, '0')}`;
  return `${s} 0.00\n`;
}

/** Returns /proc/loadavg: no load, running/total tasks and the last pid handed out. */
export function procLoadavg(t: Task, lastPid: number): string {
  return `0.00 0.00 0.00 1/${t.tg.tasks.length} ${lastPid}\n`;
}
