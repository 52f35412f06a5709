// The one table of truth: number -> name, handler, support status and note. --strace and
// `ecall syscalls` both read it. Every family file contributes its defs; the rest of the riscv64
// table is listed as ENOSYS so that traces and the coverage listing still name it.
import { SYSCALL_NAMES } from './names.js';
import type { SyscallDef } from './types.js';
import { defs as cloneDefs } from './clone.js';
import { defs as epollDefs } from './epoll.js';
import { defs as eventfdDefs } from './eventfd.js';
import { defs as exitDefs } from './exit.js';
import { defs as execDefs } from './exec.js';
import { defs as fsAllocDefs } from './fs_alloc.js';
import { defs as fsFdDefs } from './fs_fd.js';
import { defs as fsPathDefs } from './fs_path.js';
import { defs as fsRwDefs } from './fs_rw.js';
import { defs as fsStatDefs } from './fs_stat.js';
import { defs as futexDefs } from './futex.js';
import { defs as infoDefs } from './info.js';
import { defs as ioUringDefs } from './io_uring.js';
import { defs as ipcDefs } from './ipc.js';
import { defs as itimerDefs } from './itimer.js';
import { defs as lockDefs } from './locks.js';
import { defs as memfdDefs } from './memfd.js';
import { defs as mmDefs } from './mm.js';
import { defs as mountDefs } from './mount.js';
import { defs as personalityDefs } from './personality.js';
import { defs as pipeDefs } from './pipe.js';
import { defs as pollDefs } from './poll.js';
import { defs as posixTimerDefs } from './posix_timers.js';
import { defs as procDefs } from './proc.js';
import { defs as rlimitDefs } from './rlimit.js';
import { defs as signalDefs } from './signal.js';
import { defs as socketDefs } from './socket.js';
import { defs as socketMsgDefs } from './socket_msg.js';
import { defs as timeDefs } from './time.js';
import { defs as timerfdDefs } from './timerfd.js';
import { defs as waitDefs } from './wait.js';
import { defs as ecallExtDefs } from './ecall_ext.js';
import { defs as hwprobeDefs } from './hwprobe.js';
import { defs as membarrierDefs } from './membarrier.js';
import { defs as rseqDefs } from './rseq.js';
import { defs as sysletDefs } from './syslet.js';
import { defs as pidfdDefs } from './pidfd.js';
import { defs as spliceDefs } from './splice.js';
import { defs as signalfdDefs } from './signalfd.js';
import { laterDefs } from './later_defs.js';

const FAMILIES: SyscallDef[][] = [
  cloneDefs, epollDefs, eventfdDefs, exitDefs, execDefs, fsAllocDefs, fsFdDefs, fsPathDefs, fsRwDefs, fsStatDefs, futexDefs, infoDefs, itimerDefs, memfdDefs, mmDefs, pipeDefs, pollDefs, posixTimerDefs, procDefs, rlimitDefs, signalDefs, socketDefs, socketMsgDefs, timeDefs, timerfdDefs,
  rseqDefs, membarrierDefs, hwprobeDefs, ecallExtDefs,
  waitDefs,
  lockDefs,
  ioUringDefs,
  sysletDefs,
  pidfdDefs,
  spliceDefs, signalfdDefs,
  personalityDefs, ipcDefs, mountDefs,
  laterDefs,
];

/** Builds the table; a number defined twice, or a name that disagrees with the riscv64 list, is a bug. */
export function buildTable(families: SyscallDef[][]): Map<number, SyscallDef> {
  const table = new Map<number, SyscallDef>();
  for (const fam of families) {
    for (const def of fam) {
      if (table.has(def.nr)) throw new Error(`syscall ${def.nr} (${def.name}) defined twice`);
      const known = SYSCALL_NAMES.get(def.nr);
      if (known !== undefined && known !== def.name) throw new Error(`syscall ${def.nr} is ${known}, not ${def.name}`);
      table.set(def.nr, def);
    }
  }
  for (const [nr, name] of SYSCALL_NAMES) {
    if (!table.has(nr)) table.set(nr, { nr, name, status: 'enosys' });
  }
  return new Map([...table.entries()].sort((a, b) => a[0] - b[0]));
}

export const syscallTable: ReadonlyMap<number, SyscallDef> = buildTable(FAMILIES);
