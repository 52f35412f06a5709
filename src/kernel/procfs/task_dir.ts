// /proc/<pid>/task/<tid>/: one directory per thread of a process, with the files that differ
// between threads: comm (PR_SET_NAME is per thread), stat and status.
import type { Task, ThreadGroup } from '../task.js';
import { TaskState } from '../task.js';
import type { Inode } from '../vfs/inode.js';
import { SynthDir, type SynthSuper } from '../vfs/synthfs.js';
import { bytesToStr } from '../../util/bytestr.js';
import { taskComm } from '../syscalls/proc_state.js';
import { procSelfStatus } from './content.js';

/** Builds a read-only text file (the procfs textFile helper). */
export type TextFile = (key: string, text: (caller: Task) => string) => Inode;

/** One-letter state of t as /proc/<pid>/stat shows it. */
function stateLetter(t: Task): string {
  if (t.state === TaskState.Exited) return 'Z';
  if (t.state === TaskState.Blocked) return 'S';
  return 'R';
}

/**
 * Returns /proc/<pid>/task/<tid>/stat for t: Linux's 52 fields; the ones ecall does not track
 * (faults, tty, scheduling statistics, addresses) are 0.
 */
export function procTaskStat(t: Task): string {
  const tg = t.tg;
  let vsize = 0;
  for (const v of tg.mm.vmas()) vsize += v.end - v.start;
  const fields: (string | number)[] = [
    t.tid, `(${bytesToStr(taskComm(t))})`, stateLetter(t), tg.ppid, tg.pgid, tg.sid, 0, -1, 0x400040,
    0, 0, 0, 0, 0, 0, 0, 0, 20 + tg.nice > 39 ? 39 : 20 + tg.nice, tg.nice, tg.tasks.filter((x) => x.state !== TaskState.Exited).length,
    0, 0, vsize, tg.mm.mem.rss, '18446744073709551615',
  ];
  while (fields.length < 52) fields.push(0);
  return fields.join(' ') + '\n';
}

/** Returns the task/ directory of tg: one entry per live thread, by tid. */
export function taskDir(sb: SynthSuper, tg: ThreadGroup, textFile: TextFile): Inode {
  const threadDir = (t: Task): Inode => {
    const key = `${tg.pid}/task/${t.tid}`;
    const entries = new Map<string, Inode>([
      ['comm', textFile(`${key}/comm`, () => bytesToStr(taskComm(t)) + '\n')],
      ['stat', textFile(`${key}/stat`, () => procTaskStat(t))],
      ['status', textFile(`${key}/status`, () => procSelfStatus(t, t.fs.umask))],
    ]);
    return new SynthDir(sb, key, 0o555, () => entries);
  };
  return new SynthDir(sb, `${tg.pid}/task`, 0o555, () => {
    const m = new Map<string, Inode>();
    for (const t of tg.tasks) if (t.state !== TaskState.Exited) m.set(String(t.tid), threadDir(t));
    return m;
  });
}

