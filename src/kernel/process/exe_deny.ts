// The executable a process runs is write-denied while it runs (Linux's mm->exe_file holds
// deny_write_access): exec takes the new image, fork copies the hold, and exit or the next exec
// drops it. vfs/write_deny.ts counts the holds per file.
import type { ThreadGroup } from '../task.js';

/** Makes key (a fileKey, or null for none) the file tg runs, moving its write-deny hold. */
export function setRunningExe(tg: ThreadGroup, key: string | null): void {
  const deny = tg.kernel.vfs?.writeDeny;
  if (deny === undefined) return; // a kernel without a VFS (unit-test doubles) tracks nothing
  if (tg.node.exeKey !== null) deny.stopRunning(tg.node.exeKey);
  tg.node.exeKey = key;
  if (key !== null) deny.startRunning(key);
}
