// What execve must tell the process layer once it has passed the point of no return (for the
// exec code in syscalls/exec.ts): the process has exec'd, its old address space is dropped (it
// may still be in use by a vfork parent, so never release it directly), and a vfork parent
// waiting on it goes on.
import type { Mm } from '../../mem/mm.js';
import type { ThreadGroup } from '../task.js';
import { releaseVfork } from './exit.js';
import { mmPut } from './mm_users.js';

/**
 * Call after tg.mm has been replaced by the new image's Mm: records the exec (setpgid from the
 * parent then gives EACCES), sets /proc/<pid>/cmdline from argv (NUL-terminated strings back to
 * back), drops oldMm (freed unless a vfork parent still uses it) and releases the vfork parent.
 */
export function processExeced(tg: ThreadGroup, oldMm: Mm, cmdline: Uint8Array): void {
  tg.node.execed = true;
  tg.node.cmdline = cmdline;
  mmPut(tg, oldMm);
  releaseVfork(tg);
}
