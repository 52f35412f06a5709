// --strace: one strace(1)-style line per syscall, built from the syscall table's argument formats.
import { errnoName, strerror } from '../abi/errno.js';
import { formatFutexOp } from './futex/abi.js';
import type { ArgFmt, SyscallDef } from './syscalls/types.js';
import type { GuestMemory } from '../mem/guest_memory.js';
import {
  familyText, levelText, msgFlagsText, msghdrText, optNameText, optValText, shutHowText, sockaddrText, sockFlagsText,
  sockTypeText,
} from './strace_net.js';

/** strace's default -s: strings longer than this are cut and followed by "...". */
const STRACE_STRLEN = 32;

/** Kernel-internal restart codes as strace shows them when a call is interrupted. */
const RESTART_TEXT: Record<number, string> = {
  512: 'ERESTARTSYS (To be restarted if SA_RESTART is set)',
  513: 'ERESTARTNOINTR (To be restarted)',
  514: 'ERESTARTNOHAND (To be restarted if no handler)',
  516: 'ERESTART_RESTARTBLOCK (Interrupted by signal)',
};

type Flags = [number, string][];
const OPEN_FLAGS: Flags = [
  [0x40, 'O_CREAT'], [0x80, 'O_EXCL'], [0x100, 'O_NOCTTY'], [0x200, 'O_TRUNC'], [0x400, 'O_APPEND'],
  [0x800, 'O_NONBLOCK'], [0x101000, 'O_SYNC'], [0x1000, 'O_DSYNC'], [0x4000, 'O_DIRECT'], [0x8000, 'O_LARGEFILE'],
  [0x410000, 'O_TMPFILE'], [0x10000, 'O_DIRECTORY'], [0x20000, 'O_NOFOLLOW'], [0x40000, 'O_NOATIME'],
  [0x80000, 'O_CLOEXEC'], [0x200000, 'O_PATH'],
];
const AT_FLAGS: Flags = [
  [0x100, 'AT_SYMLINK_NOFOLLOW'], [0x200, 'AT_REMOVEDIR'], [0x400, 'AT_SYMLINK_FOLLOW'],
  [0x800, 'AT_NO_AUTOMOUNT'], [0x1000, 'AT_EMPTY_PATH'], [0x200, 'AT_EACCESS'],
];
const PROT_FLAGS: Flags = [[1, 'PROT_READ'], [2, 'PROT_WRITE'], [4, 'PROT_EXEC'], [0x1000000, 'PROT_GROWSDOWN'], [0x2000000, 'PROT_GROWSUP']];
const MAP_FLAGS: Flags = [
  [0x10, 'MAP_FIXED'], [0x20, 'MAP_ANONYMOUS'], [0x100, 'MAP_GROWSDOWN'], [0x800, 'MAP_DENYWRITE'],
  [0x1000, 'MAP_EXECUTABLE'], [0x2000, 'MAP_LOCKED'], [0x4000, 'MAP_NORESERVE'], [0x8000, 'MAP_POPULATE'],
  [0x10000, 'MAP_NONBLOCK'], [0x20000, 'MAP_STACK'], [0x40000, 'MAP_HUGETLB'], [0x80000, 'MAP_SYNC'],
  [0x100000, 'MAP_FIXED_NOREPLACE'],
];
const CLOCKS = ['CLOCK_REALTIME', 'CLOCK_MONOTONIC', 'CLOCK_PROCESS_CPUTIME_ID', 'CLOCK_THREAD_CPUTIME_ID',
  'CLOCK_MONOTONIC_RAW', 'CLOCK_REALTIME_COARSE', 'CLOCK_MONOTONIC_COARSE', 'CLOCK_BOOTTIME',
  'CLOCK_REALTIME_ALARM', 'CLOCK_BOOTTIME_ALARM'];
const WHENCE = ['SEEK_SET', 'SEEK_CUR', 'SEEK_END', 'SEEK_DATA', 'SEEK_HOLE'];
const SIG_HOW = ['SIG_BLOCK', 'SIG_UNBLOCK', 'SIG_SETMASK'];
const RLIMITS = ['RLIMIT_CPU', 'RLIMIT_FSIZE', 'RLIMIT_DATA', 'RLIMIT_STACK', 'RLIMIT_CORE', 'RLIMIT_RSS',
  'RLIMIT_NPROC', 'RLIMIT_NOFILE', 'RLIMIT_MEMLOCK', 'RLIMIT_AS', 'RLIMIT_LOCKS', 'RLIMIT_SIGPENDING',
  'RLIMIT_MSGQUEUE', 'RLIMIT_NICE', 'RLIMIT_RTPRIO', 'RLIMIT_RTTIME'];
/** ioctl requests by number (asm-generic/ioctls.h). */
const IOCTLS: Record<number, string> = {
  0x5401: 'TCGETS', 0x5402: 'TCSETS', 0x5403: 'TCSETSW', 0x5404: 'TCSETSF', 0x540b: 'TCFLSH', 0x540f: 'TIOCGPGRP',
  0x5410: 'TIOCSPGRP', 0x5413: 'TIOCGWINSZ', 0x5414: 'TIOCSWINSZ', 0x541b: 'FIONREAD', 0x5421: 'FIONBIO',
  0x5429: 'TIOCGSID', 0x5450: 'FIONCLEX', 0x5451: 'FIOCLEX', 0x5452: 'FIOASYNC',
};
const CLONE_FLAGS: Flags = [
  [0x100, 'CLONE_VM'], [0x200, 'CLONE_FS'], [0x400, 'CLONE_FILES'], [0x800, 'CLONE_SIGHAND'],
  [0x1000, 'CLONE_PIDFD'], [0x2000, 'CLONE_PTRACE'], [0x4000, 'CLONE_VFORK'], [0x8000, 'CLONE_PARENT'],
  [0x10000, 'CLONE_THREAD'], [0x20000, 'CLONE_NEWNS'], [0x40000, 'CLONE_SYSVSEM'], [0x80000, 'CLONE_SETTLS'],
  [0x100000, 'CLONE_PARENT_SETTID'], [0x200000, 'CLONE_CHILD_CLEARTID'], [0x400000, 'CLONE_DETACHED'],
  [0x800000, 'CLONE_UNTRACED'], [0x1000000, 'CLONE_CHILD_SETTID'], [0x80000000, 'CLONE_IO'],
];
const FCNTL_CMDS: Record<number, string> = {
  0: 'F_DUPFD', 1: 'F_GETFD', 2: 'F_SETFD', 3: 'F_GETFL', 4: 'F_SETFL', 5: 'F_GETLK', 6: 'F_SETLK', 7: 'F_SETLKW',
  8: 'F_SETOWN', 9: 'F_GETOWN', 1024: 'F_SETLEASE', 1025: 'F_GETLEASE', 1030: 'F_DUPFD_CLOEXEC',
  1031: 'F_SETPIPE_SZ', 1032: 'F_GETPIPE_SZ', 1033: 'F_ADD_SEALS', 1034: 'F_GET_SEALS',
};
/** membarrier commands (include/uapi/linux/membarrier.h): each is one bit. */
const MEMBARRIER_CMDS: Flags = [
  [1, 'MEMBARRIER_CMD_GLOBAL'], [2, 'MEMBARRIER_CMD_GLOBAL_EXPEDITED'], [4, 'MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED'],
  [8, 'MEMBARRIER_CMD_PRIVATE_EXPEDITED'], [16, 'MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED'],
  [32, 'MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE'], [64, 'MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE'],
  [128, 'MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ'], [256, 'MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_RSEQ'],
  [512, 'MEMBARRIER_CMD_GET_REGISTRATIONS'],
];

/** Signal names by number (generic numbering). */
export const SIGNAL_NAMES = ['', 'SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGILL', 'SIGTRAP', 'SIGABRT', 'SIGBUS', 'SIGFPE',
  'SIGKILL', 'SIGUSR1', 'SIGSEGV', 'SIGUSR2', 'SIGPIPE', 'SIGALRM', 'SIGTERM', 'SIGSTKFLT', 'SIGCHLD', 'SIGCONT',
  'SIGSTOP', 'SIGTSTP', 'SIGTTIN', 'SIGTTOU', 'SIGURG', 'SIGXCPU', 'SIGXFSZ', 'SIGVTALRM', 'SIGPROF', 'SIGWINCH',
  'SIGIO', 'SIGPWR', 'SIGSYS'];

/** Returns "SIGSEGV", "SIGRTMIN", "SIGRT_3" or the number. */
export function signalName(sig: number): string {
  if (sig > 0 && sig < 32) return SIGNAL_NAMES[sig]!;
  if (sig === 32) return 'SIGRTMIN';
  if (sig > 32 && sig <= 64) return `SIGRT_${sig - 32}`;
  return String(sig);
}

/** Formats a flag word as A|B|0x..; `zero` is the name of 0. */
function flagsText(v: number, table: Flags, zero = '0'): string {
  const parts: string[] = [];
  let rest = v >>> 0;
  for (const [bit, name] of table) {
    if (bit !== 0 && (rest & bit) === bit) { parts.push(name); rest &= ~bit >>> 0; rest >>>= 0; }
  }
  if (rest !== 0) parts.push('0x' + rest.toString(16));
  return parts.length ? parts.join('|') : zero;
}

/** Quotes bytes as strace does: C escapes, octal for the rest, cut at `max` with "...". */
export function quoteBytes(b: Uint8Array, max = STRACE_STRLEN): string {
  let s = '"';
  const n = Math.min(b.length, max);
  for (let i = 0; i < n; i++) {
    const c = b[i]!;
    if (c === 0x22) s += '\\"';
    else if (c === 0x5c) s += '\\\\';
    else if (c === 0x0a) s += '\\n';
    else if (c === 0x09) s += '\\t';
    else if (c === 0x0d) s += '\\r';
    else if (c === 0x0b) s += '\\v';
    else if (c === 0x0c) s += '\\f';
    else if (c >= 0x20 && c < 0x7f) s += String.fromCharCode(c);
    else {
      const nextIsDigit = i + 1 < n && b[i + 1]! >= 0x30 && b[i + 1]! <= 0x37;
      s += '\\' + (nextIsDigit ? c.toString(8).padStart(3, '0') : c.toString(8));
    }
  }
  return s + '"' + (b.length > max ? '...' : '');
}

const hex = (v: bigint): string => '0x' + BigInt.asUintN(64, v).toString(16);
const sint = (v: bigint): bigint => BigInt.asIntN(64, v);

/** Formats one argument (raw 64-bit value) according to its format. */
function formatArg(mem: GuestMemory, fmt: ArgFmt, v: bigint, next: bigint | undefined, ret: bigint | null,
  prev?: bigint): string {
  const i32 = Number(BigInt.asIntN(32, v));
  const addr = Number(BigInt.asUintN(64, v));
  const safe = (f: () => string): string => {
    try { return f(); } catch { return hex(v); }
  };
  switch (fmt) {
    case 'int': case 'fd': return String(i32);
    case 'uint': return String(i32 >>> 0);
    case 'dirfd': return i32 === -100 ? 'AT_FDCWD' : String(i32);
    case 'size': case 'off': return String(sint(v));
    case 'hex': return hex(v);
    case 'oct': return '0' + (i32 >>> 0).toString(8);
    case 'ptr': return v === 0n ? 'NULL' : hex(v);
    case 'path':
      if (v === 0n) return 'NULL';
      return safe(() => {
        const s = mem.readCStringBytes(addr, 4096);
        return s === null ? hex(v) : quoteBytes(s, 4096);
      });
    case 'bufin':
      if (v === 0n) return 'NULL';
      return safe(() => quoteBytes(mem.read(addr, Math.min(Number(next ?? 0n), STRACE_STRLEN + 1))));
    case 'bufout':
      if (v === 0n) return 'NULL';
      if (ret === null || ret < 0n) return hex(v);
      return safe(() => quoteBytes(mem.read(addr, Math.min(Number(ret), STRACE_STRLEN + 1))));
    case 'openflags': {
      const acc = ['O_RDONLY', 'O_WRONLY', 'O_RDWR', 'O_ACCMODE'][i32 & 3]!;
      const rest = flagsText(i32 & ~3, OPEN_FLAGS, '');
      return rest ? `${acc}|${rest}` : acc;
    }
    case 'atflags': return flagsText(i32, AT_FLAGS);
    case 'prot': return flagsText(i32, PROT_FLAGS, 'PROT_NONE');
    case 'mapflags': {
      const type = ['0', 'MAP_SHARED', 'MAP_PRIVATE', 'MAP_SHARED_VALIDATE'][i32 & 3]!;
      const rest = flagsText(i32 & ~3, MAP_FLAGS, '');
      return rest ? `${type}|${rest}` : type;
    }
    case 'signal': return i32 === 0 ? '0' : signalName(i32);
    case 'sigset':
      if (v === 0n) return 'NULL';
      return safe(() => formatSigset(mem.readBig64(addr)));
    case 'clockid': return CLOCKS[i32] ?? String(i32);
    case 'whence': return WHENCE[i32] ?? String(i32);
    case 'futexop': return formatFutexOp(i32);
    case 'sighow': return SIG_HOW[i32] ?? String(i32);
    case 'rlimit': return RLIMITS[i32] ?? String(i32);
    case 'ioctl': return IOCTLS[i32 >>> 0] ?? '0x' + (i32 >>> 0).toString(16);
    case 'fcntlcmd': return FCNTL_CMDS[i32] ?? String(i32);
    case 'membarriercmd': return flagsText(i32, MEMBARRIER_CMDS, 'MEMBARRIER_CMD_QUERY');
    case 'rseqflags': return flagsText(i32, [[1, 'RSEQ_FLAG_UNREGISTER']]);
    case 'cloneflags': {
      const sig = i32 & 0xff;
      const rest = flagsText(i32 & ~0xff, CLONE_FLAGS, '');
      const parts = [rest, sig ? signalName(sig) : ''].filter((x) => x !== '');
      return parts.length ? parts.join('|') : '0';
    }
    case 'sockfamily': return familyText(i32);
    case 'socktype': return sockTypeText(i32);
    case 'sockflags': return sockFlagsText(i32);
    case 'shuthow': return shutHowText(i32);
    case 'msgflags': return msgFlagsText(i32);
    case 'sockoptlevel': return levelText(i32);
    case 'sockoptname': return optNameText(Number(BigInt.asIntN(32, prev ?? 0n)), i32);
    case 'fdpair':
      if (ret !== 0n) return v === 0n ? 'NULL' : hex(v);
      return safe(() => `[${mem.readI32(addr)}, ${mem.readI32(addr + 4)}]`);
    case 'sockaddr': return safe(() => sockaddrText(mem, addr, Number(BigInt.asIntN(32, next ?? 0n)), quoteBytes));
    case 'sockaddrout':
      if (v === 0n) return 'NULL';
      if (ret === null || ret < 0n || next === undefined || next === 0n) return hex(v);
      return safe(() => sockaddrText(mem, addr, mem.readI32(Number(next)), quoteBytes));
    case 'socklenptr':
      if (v === 0n) return 'NULL';
      if (ret === null || ret < 0n) return hex(v);
      return safe(() => `[${mem.readI32(addr)}]`);
    case 'sockoptval': return safe(() => optValText(mem, addr, Number(BigInt.asIntN(32, next ?? 0n)), quoteBytes));
    case 'sockoptvalout':
      if (ret === null || ret < 0n || next === undefined || next === 0n) return v === 0n ? 'NULL' : hex(v);
      return safe(() => optValText(mem, addr, mem.readI32(Number(next)), quoteBytes));
    case 'msghdr': return safe(() => msghdrText(mem, addr, ret === null || ret < 0n ? -1 : Number(ret), quoteBytes));
    case 'msghdrout':
      if (ret === null || ret < 0n) return v === 0n ? 'NULL' : hex(v);
      return safe(() => msghdrText(mem, addr, Number(ret), quoteBytes));
    case 'ignore': return '';
  }
}

/** Formats a kernel sigset as strace does: [SIGINT SIGTERM] or ~[...] when mostly full. */
export function formatSigset(set: bigint): string {
  const names = (s: bigint): string[] => {
    const out: string[] = [];
    for (let i = 1; i <= 64; i++) if ((s >> BigInt(i - 1)) & 1n) out.push(signalName(i).replace(/^SIG/, ''));
    return out;
  };
  const on = names(set);
  if (on.length > 32) return '~[' + names(~set & 0xffffffffffffffffn).join(' ') + ']';
  return '[' + on.join(' ') + ']';
}

/** Formats the result part " = N", " = -1 ENOENT (No such file or directory)" or " = ?". */
export function formatResult(def: SyscallDef | undefined, ret: bigint | null): string {
  if (ret === null) return ' = ?';
  const r = sint(ret);
  if (r < 0n && r >= -4095n) {
    const e = Number(-r);
    const restart = RESTART_TEXT[e];
    if (restart !== undefined) return ` = ? ${restart}`;
    const name = errnoName(e);
    const text = strerror(e);
    return ` = -1 ${name}${text ? ` (${text})` : ''}`;
  }
  if (def?.ret === 'hex') return ` = ${hex(ret)}`;
  return ` = ${r}`;
}

/**
 * Formats one syscall line: name(args) = result. args are the raw a0..a5 at entry; ret is the
 * raw a0 after the call, or null if the call does not return (exit).
 */
export function formatSyscall(mem: GuestMemory, nr: number, name: string, def: SyscallDef | undefined,
  args: bigint[], ret: bigint | null): string {
  const fmts: ArgFmt[] = def?.args ?? ['hex', 'hex', 'hex'];
  const parts: string[] = [];
  const retv = ret === null ? null : sint(ret);
  for (let i = 0; i < fmts.length && i < 6; i++) {
    if (fmts[i] === 'ignore') continue;
    parts.push(formatArg(mem, fmts[i]!, args[i]!, args[i + 1], retv, args[i - 1]));
  }
  const callName = name || `syscall_${nr}`;
  return `${callName}(${parts.join(', ')})${formatResult(def, ret)}`;
}

const SI_CODES: Record<number, string> = { 0: 'SI_USER', 128: 'SI_KERNEL', [-1]: 'SI_QUEUE', [-2]: 'SI_TIMER',
  [-3]: 'SI_MESGQ', [-4]: 'SI_ASYNCIO', [-5]: 'SI_SIGIO', [-6]: 'SI_TKILL' };
const FAULT_CODES: Record<number, Record<number, string>> = {
  11: { 1: 'SEGV_MAPERR', 2: 'SEGV_ACCERR' }, 4: { 1: 'ILL_ILLOPC', 2: 'ILL_ILLOPN' }, 5: { 1: 'TRAP_BRKPT' },
  7: { 1: 'BUS_ADRALN', 2: 'BUS_ADRERR' }, 8: { 1: 'FPE_INTDIV' },
};
const CHLD_CODES: Record<number, string> = { 1: 'CLD_EXITED', 2: 'CLD_KILLED', 3: 'CLD_DUMPED' };

/** strace's rendering of a delivered signal: SIGSEGV {si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=0x10} */
export function formatSigInfo(info: import('./signal.js').SigInfo): string {
  const name = signalName(info.signo);
  const fault = info.addr !== undefined ? FAULT_CODES[info.signo]?.[info.code] : undefined;
  const code = fault ?? (info.signo === 17 ? CHLD_CODES[info.code] : undefined) ?? SI_CODES[info.code] ?? String(info.code);
  const parts = [`si_signo=${name}`, `si_code=${code}`];
  if (info.addr !== undefined) parts.push(`si_addr=0x${info.addr.toString(16)}`);
  else if (info.timerid !== undefined) {
    parts.push(`si_timerid=${info.timerid}`, `si_overrun=${info.overrun ?? 0}`);
    parts.push(`si_int=${Number(BigInt.asIntN(32, info.value ?? 0n))}`, `si_ptr=${info.value ? '0x' + info.value.toString(16) : 'NULL'}`);
  } else if (info.code <= 0 || info.pid !== undefined) {
    parts.push(`si_pid=${info.pid ?? 0}`, `si_uid=${info.uid ?? 0}`);
    if (info.code === -1) parts.push(`si_int=${Number(BigInt.asIntN(32, info.value ?? 0n))}`, `si_ptr=${info.value ? '0x' + info.value.toString(16) : 'NULL'}`);
  }
  return `${name} {${parts.join(', ')}}`;
}
