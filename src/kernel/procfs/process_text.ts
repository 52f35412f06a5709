// Text of /proc/<pid>/stat and /proc/<pid>/cmdline (Linux's fs/proc/array.c do_task_stat and
// proc_pid_cmdline_read), from a thread group's state.
import { TaskState, type ThreadGroup } from '../task.js';
import { childrenCpuNs, groupCpuNs } from '../time/cputime.js';
import { procComm } from './content.js';
import { bytesToStr } from '../../util/bytestr.js';

/** Clock ticks per second (USER_HZ) for the time fields. */
const USER_HZ_NS = 10_000_000n;
/** st_rdev of /dev/pts/0, which the host terminal is to the guest (136:0): stat's tty_nr for it. */
const PTS0_DEV = 136 << 8;
/** Fields after rss that ecall has nothing to say about: written as 0 (Linux has 52 in all). */
const TRAILING_ZEROS = 28;

/** Returns the one-letter state: Z exited (a zombie), T stopped, R if a task is runnable, else S (sleeping). */
export function stateLetter(tg: ThreadGroup): string {
  if (tg.exitCode !== null) return 'Z';
  if (tg.stopped) return 'T';
  return tg.tasks.some((t) => t.state === TaskState.Runnable) ? 'R' : 'S';
}

/** Returns /proc/<pid>/stat: pid, (comm), state, ppid, pgrp, session, ..., times, threads, vsize, rss. */
export function procStat(tg: ThreadGroup): string {
  const zombie = tg.exitCode !== null;
  const ctty = tg.node.ctty; // a zombie keeps it until it is reaped, as Linux's signal->tty
  let vsize = 0;
  if (!zombie) for (const v of tg.mm.vmas()) vsize += v.end - v.start;
  // A zombie keeps its leader (one thread) and has no memory, as Linux shows it.
  const live = zombie ? 1 : tg.tasks.filter((t) => t.state !== TaskState.Exited).length;
  const utime = groupCpuNs(tg) / USER_HZ_NS, cutime = childrenCpuNs(tg) / USER_HZ_NS;
  const fields = [
    tg.pid, `(${procComm(tg.tasks[0]!)})`, stateLetter(tg), tg.ppid, tg.pgid, tg.sid,
    // tty_nr and tpgid: the controlling terminal (the host's, /dev/pts/0) and its foreground group.
    ctty === null ? 0 : PTS0_DEV, ctty === null ? -1 : ctty.pgrp, 0, // tty_nr, tpgid, flags
    0, 0, 0, 0, // minflt cminflt majflt cmajflt
    utime, 0, cutime, 0, // utime stime cutime cstime
    20 + tg.nice, tg.nice, live, 0, // priority nice num_threads itrealvalue
    0, vsize, zombie ? 0 : tg.mm.mem.rss, // starttime vsize rss (pages)
  ];
  return `${fields.join(' ')}${' 0'.repeat(TRAILING_ZEROS)}\n`;
}

/** Returns /proc/<pid>/cmdline as a byte string: argv, each NUL-terminated (empty for a zombie, which has no memory). */
export function procCmdline(tg: ThreadGroup): string {
  if (tg.exitCode !== null) return '';
  return bytesToStr(tg.node.cmdline);
}
