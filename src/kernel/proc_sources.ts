// What /proc's system-wide files read from a Kernel: the tunables, the mount tree, the syscall
// table (for /proc/config.gz) and the SysV IPC namespace (for /proc/sysvipc).
import type { ProcSources } from './procfs/procfs.js';
import { syscallTable } from './syscalls/table.js';
import { ipcOf, sysvipcMsg, sysvipcSem, sysvipcShm } from './ipc/namespace.js';
import { SynthDir } from './vfs/synthfs.js';
import { utsOf } from './uts.js';
import type { Inode } from './vfs/inode.js';

/** What procSources reads from the kernel (a Kernel has all of it; named here so this file need not import it). */
export interface ProcKernel {
  readonly sysctl: ProcSources['sysctl'];
  readonly vfs: { readonly mounts: ProcSources['mounts']; readonly rootInode: ProcSources['rootInode'] };
  readonly host: { hostname(): string };
  readonly phys: { readonly bytes: number };
}

/** Returns the ProcSources of k (its fields are read when a file is opened, not now). */
export function procSources(k: ProcKernel): ProcSources {
  return {
    get sysctl() { return k.sysctl; },
    get mounts() { return k.vfs.mounts; },
    get rootInode() { return k.vfs.rootInode; },
    hostname: () => utsOf(k).hostname,
    get uts() { return utsOf(k); },
    memoryBytes: () => k.phys.bytes,
    syscallHandled: (nr) => syscallTable.get(nr)?.handler !== undefined,
    extraEntries: (sb, textFile) => {
      const files = new Map<string, Inode>([
        ['shm', textFile('sysvipc/shm', () => sysvipcShm(ipcOf(k)))],
        ['sem', textFile('sysvipc/sem', () => sysvipcSem(ipcOf(k)))],
        ['msg', textFile('sysvipc/msg', () => sysvipcMsg(ipcOf(k)))],
      ]);
      return [['sysvipc', new SynthDir(sb, 'sysvipc', 0o555, () => files)]];
    },
  };
}
