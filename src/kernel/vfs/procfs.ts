// The synthetic /proc: self, cpuinfo, meminfo and per-process directories (exe, cwd, root,
// maps, fd/). Text comes from procfs_content.ts; this file builds the tree.
import { EACCES, ENOENT } from '../../abi/errno.js';
import type { Task, ThreadGroup } from '../task.js';
import type { Caller, Inode, Loc } from './inode.js';
import { ContentFile } from './open_files.js';
import { procComm, procCpuinfo, procMeminfo, procSelfStatus, procUptime } from './procfs_content.js';
import { O_ACCMODE, O_RDONLY, PROC_SUPER_MAGIC, S_IFREG } from './constants.js';
import { SynthDir, SynthFile, SynthLink, SynthSuper } from './synthfs.js';

/** Finds a live thread group by pid (installed by the kernel); null means only the caller's own. */
export type ThreadGroupLookup = (pid: number) => ThreadGroup | undefined;

const encoder = new TextEncoder();
/** Harts the machine reports (the kernel runs guest threads on one virtual CPU). */
const NR_CPUS = 1;

/** Returns the task whose fd table and fs context represent tg (the caller if it belongs to tg). */
function representative(tg: ThreadGroup, caller: Task): Task | undefined {
  if (caller.tg === tg) return caller;
  return tg.tasks.find((t) => t.state !== 2 /* TaskState.Exited */) ?? tg.tasks[0];
}

/** Returns the root directory of a new /proc instance. */
export function createProcfs(now: () => bigint, uid: number, gid: number, lookup: () => ThreadGroupLookup | null): Inode {
  const sb = new SynthSuper('proc', PROC_SUPER_MAGIC, now);
  const owner = { uid, gid };

  const textFile = (key: string, text: (caller: Task) => string): Inode =>
    new SynthFile(sb, key, S_IFREG | 0o444, 0, (caller, flags, loc: Loc) => {
      if ((flags & O_ACCMODE) !== O_RDONLY) return -EACCES;
      return new ContentFile(flags, loc, encoder.encode(text(caller as Task)));
    });

  const cpuinfo = textFile('cpuinfo', () => procCpuinfo(NR_CPUS));
  const meminfo = textFile('meminfo', (t) => procMeminfo(t));
  const uptime = textFile('uptime', (t) => procUptime(t));

  const pidDir = (tg: ThreadGroup): Inode => {
    const pid = tg.pid;
    const task = (caller: Caller): Task | undefined => (caller ? representative(tg, caller) : tg.tasks[0]);
    const fdDir = new SynthDir(sb, `${pid}/fd`, 0o500, (caller) => {
      const m = new Map<string, Inode>();
      const t = task(caller);
      if (!t) return m;
      for (const fd of t.files.fds()) {
        m.set(String(fd), new SynthLink(sb, `${pid}/fd/${fd}`,
          () => t.files.get(fd)?.path ?? -ENOENT,
          () => t.files.get(fd) ?? -ENOENT, owner));
      }
      return m;
    }, owner);
    const entries = new Map<string, Inode>([
      ['exe', new SynthLink(sb, `${pid}/exe`, () => tg.exePath || -ENOENT, null, owner)],
      ['cwd', new SynthLink(sb, `${pid}/cwd`, (c) => task(c)?.fs.cwd.path ?? -ENOENT, null, owner)],
      ['root', new SynthLink(sb, `${pid}/root`, (c) => task(c)?.fs.root.path ?? -ENOENT, null, owner)],
      ['maps', textFile(`${pid}/maps`, () => tg.mm.mapsText())],
      ['status', textFile(`${pid}/status`, (c) => { const t = representative(tg, c); return t ? procSelfStatus(t, t.fs.umask) : ''; })],
      ['comm', textFile(`${pid}/comm`, (c) => { const t = representative(tg, c); return t ? procComm(t) + '\n' : ''; })],
      ['fd', fdDir],
    ]);
    return new SynthDir(sb, `${pid}`, 0o555, () => entries, owner);
  };

  return new SynthDir(sb, '/', 0o555, (caller) => {
    const m = new Map<string, Inode>([['cpuinfo', cpuinfo], ['meminfo', meminfo], ['uptime', uptime]]);
    if (!caller) return m;
    const self = caller.tg.pid;
    m.set('self', new SynthLink(sb, 'self', (c) => (c ? String(c.tg.pid) : -ENOENT)));
    m.set(String(self), pidDir(caller.tg));
    return m;
  }, null, (name) => {
    // Other processes are reachable by name but not listed (the pid table is the kernel's).
    const find = lookup();
    if (!find || !/^[1-9][0-9]*$/.test(name)) return undefined;
    const tg = find(Number(name));
    return tg && tg.exitCode === null ? pidDir(tg) : undefined;
  });
}
