// The synthetic /proc: self, cpuinfo, meminfo and per-process directories (exe, cwd, root,
// maps, fd/). Text comes from content.ts; this file builds the tree. Text is a byte string
// (util/bytestr.ts): the paths in it are bytes. The VFS hands inode
// operations the caller of a request; procfs finds the task behind it in the kernel's task table.
import { EACCES, ENOENT } from '../../abi/errno.js';
import type { Task, ThreadGroup } from '../task.js';
import type { Caller, Inode, Loc } from '../vfs/inode.js';
import { ContentFile } from '../vfs/open_files.js';
import { pathSeenFrom } from '../vfs/fs_context.js';
import { procComm, procCpuinfo, procMeminfo, procSelfStatus, procUptime } from './content.js';
import { O_ACCMODE, O_RDONLY, PROC_SUPER_MAGIC, S_IFREG } from '../vfs/constants.js';
import { strToBytes } from '../../util/bytestr.js';
import { SynthDir, SynthFile, SynthLink, SynthSuper } from '../vfs/synthfs.js';
import { procCmdline, procStat } from './process_text.js';
import { procLocks } from '../vfs/locks/proc_locks.js';
import { createSysDir, type SysSources } from './sys.js';
import { procMountinfo, procMounts } from './mounts.js';
import { kernelConfigGz } from './config.js';
import { taskDir } from './task_dir.js';
import { ExitState } from '../process/node.js';
import type { MountTable } from '../vfs/mount_table.js';

/** Kernel state the system-wide files show: /proc/sys, the mount tree, the syscall table. */
export interface ProcSources extends SysSources {
  readonly mounts: MountTable;
  readonly rootInode: Inode;
  /** True if the syscall with this number has a handler (what /proc/config.gz reports). */
  syscallHandled(nr: number): boolean;
  /** Extra entries of /proc's root (other subsystems' files, such as /proc/sysvipc). */
  extraEntries?(sb: SynthSuper, textFile: (key: string, text: (caller: Task) => string) => Inode): [string, Inode][];
}

/** Finds a live thread group by pid. */
export type ThreadGroupLookup = (pid: number) => ThreadGroup | undefined;

/** Harts the machine reports (the kernel runs guest threads on one virtual CPU). */
const NR_CPUS = 1;

/** Returns the task whose fd table and fs context represent tg (the caller if it belongs to tg). */
function representative(tg: ThreadGroup, caller: Task): Task | undefined {
  if (caller.tg === tg) return caller;
  return tg.tasks.find((t) => t.state !== 2 /* TaskState.Exited */) ?? tg.tasks[0];
}

/** Returns the root directory of a new /proc instance. */
export function createProcfs(now: () => bigint, uid: number, gid: number, tasks: ReadonlyMap<number, Task>,
  lookup: ThreadGroupLookup, list: () => Iterable<ThreadGroup> = () => [], sources: ProcSources | null = null): Inode {
  const sb = new SynthSuper('proc', PROC_SUPER_MAGIC, now);
  const owner = { uid, gid };
  /** The task making the call (a request's caller is one of the kernel's tasks). */
  const asTask = (c: Caller): Task | undefined => (c ? tasks.get(c.tid) : undefined);
  // A link's target as the reading task sees it from its root (chroot), or ENOENT if there is none.
  const seen = (c: Caller, p: string | undefined): string | number => {
    if (p === undefined) return -ENOENT;
    const reader = asTask(c);
    return reader ? pathSeenFrom(p, reader.fs.root) : p;
  };

  const textFile = (key: string, text: (caller: Task) => string): Inode =>
    new SynthFile(sb, key, S_IFREG | 0o444, 0, (caller, flags, loc: Loc) => {
      if ((flags & O_ACCMODE) !== O_RDONLY) return -EACCES;
      const t = asTask(caller);
      if (t === undefined) return -ENOENT;
      return new ContentFile(flags, loc, strToBytes(text(t)));
    });

  const cpuinfo = textFile('cpuinfo', () => procCpuinfo(NR_CPUS));
  const meminfo = textFile('meminfo', (t) => procMeminfo(t));
  const uptime = textFile('uptime', (t) => procUptime(t));
  const locks = textFile('locks', (t) => procLocks(t.kernel.vfs.locks));

  const pidDir = (tg: ThreadGroup): Inode => {
    const pid = tg.pid;
    const task = (caller: Caller): Task | undefined => {
      const t = asTask(caller);
      return t ? representative(tg, t) : tg.tasks[0];
    };
    const fdDir = new SynthDir(sb, `${pid}/fd`, 0o500, (caller) => {
      const m = new Map<string, Inode>();
      const t = task(caller);
      if (!t) return m;
      if (tg.exitCode !== null) return m; // a zombie has closed every fd
      for (const fd of t.files.fds()) {
        m.set(String(fd), new SynthLink(sb, `${pid}/fd/${fd}`,
          (c) => seen(c, t.files.get(fd)?.path),
          () => t.files.get(fd) ?? -ENOENT, owner));
      }
      return m;
    }, owner);
    const entries = new Map<string, Inode>([
      // A zombie has no executable, fs context or memory left: its links are ENOENT, maps empty.
      ['exe', new SynthLink(sb, `${pid}/exe`, (c) => seen(c, (tg.exitCode === null && tg.exePath) || undefined), null, owner)],
      ['cwd', new SynthLink(sb, `${pid}/cwd`, (c) => seen(c, tg.exitCode === null ? task(c)?.fs.cwd.path : undefined), null, owner)],
      ['root', new SynthLink(sb, `${pid}/root`, (c) => seen(c, tg.exitCode === null ? task(c)?.fs.root.path : undefined), null, owner)],
      ['maps', textFile(`${pid}/maps`, () => (tg.exitCode === null ? tg.mm.mapsText() : ''))],
      ['status', textFile(`${pid}/status`, (c) => { const t = representative(tg, c); return t ? procSelfStatus(t, t.fs.umask) : ''; })],
      ['comm', textFile(`${pid}/comm`, (c) => { const t = representative(tg, c); return t ? procComm(t) + '\n' : ''; })],
      ['fd', fdDir],
      ['stat', textFile(`${pid}/stat`, () => procStat(tg))],
      ['cmdline', textFile(`${pid}/cmdline`, () => procCmdline(tg))],
      ['task', taskDir(sb, tg, textFile)],
    ]);
    if (sources !== null) {
      entries.set('mounts', textFile(`${pid}/mounts`, () => procMounts(sources.mounts, sources.rootInode)));
      entries.set('mountinfo', textFile(`${pid}/mountinfo`, () => procMountinfo(sources.mounts, sources.rootInode)));
    }
    return new SynthDir(sb, `${pid}`, 0o555, () => entries, owner);
  };

  const system = new Map<string, Inode>();
  if (sources !== null) {
    system.set('sys', createSysDir(sb, sources));
    system.set('mounts', new SynthLink(sb, 'mounts', () => 'self/mounts'));
    system.set('config.gz', new SynthFile(sb, 'config.gz', S_IFREG | 0o444, 0, (_caller, flags, loc: Loc) =>
      (flags & O_ACCMODE) !== O_RDONLY ? -EACCES : new ContentFile(flags, loc, kernelConfigGz((nr) => sources.syscallHandled(nr)))));
    for (const [name, inode] of sources.extraEntries?.(sb, textFile) ?? []) system.set(name, inode);
  }

  return new SynthDir(sb, '/', 0o555, (caller) => {
    const m = new Map<string, Inode>([['cpuinfo', cpuinfo], ['meminfo', meminfo], ['uptime', uptime], ['locks', locks], ...system]);
    const t = asTask(caller);
    if (!t) return m;
    m.set('self', new SynthLink(sb, 'self', (c) => (c ? String(c.tgid) : -ENOENT)));
    m.set(String(t.tgid), pidDir(t.tg));
    // Every process not yet reaped is listed, zombies included (as Linux lists them).
    for (const tg of list()) if (tg.node.exitState !== ExitState.Dead && !m.has(String(tg.pid))) m.set(String(tg.pid), pidDir(tg));
    return m;
  }, null, (name) => {
    // Other processes are reachable by name but not listed (the pid table is the kernel's).
    if (!/^[1-9][0-9]*$/.test(name)) return undefined;
    const tg = lookup(Number(name));
    return tg && tg.node.exitState !== ExitState.Dead ? pidDir(tg) : undefined;
  });
}
