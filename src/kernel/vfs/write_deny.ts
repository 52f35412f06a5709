// Text-file busy (Linux's inode i_writecount, get_write_access and deny_write_access): a regular
// file open for writing cannot be executed, and an executable that a process is running (its
// mm's exe_file) cannot be opened for writing; both give ETXTBSY. Files are named by fileKey
// (st_dev and st_ino), which is stable across lookups on every filesystem.
import { ETXTBSY } from '../../abi/errno.js';

export class WriteDeny {
  /** Open file descriptions with write access, per file. */
  private readonly writers = new Map<string, number>();
  /** Processes running the file as their executable, per file. */
  private readonly running = new Map<string, number>();

  /** An open for writing: -ETXTBSY while a process runs the file, else 0 (counted until putWrite). */
  getWrite(key: string): number {
    if ((this.running.get(key) ?? 0) > 0) return -ETXTBSY;
    this.writers.set(key, (this.writers.get(key) ?? 0) + 1);
    return 0;
  }

  /** A description counted by getWrite is released. */
  putWrite(key: string): void {
    dec(this.writers, key);
  }

  /** The check exec makes when it opens a file to run: -ETXTBSY while it is open for writing, else 0. */
  checkExec(key: string): number {
    return (this.writers.get(key) ?? 0) > 0 ? -ETXTBSY : 0;
  }

  /** A process starts running the file (exec, or a fork copying the image); counted until stopRunning. */
  startRunning(key: string): void {
    this.running.set(key, (this.running.get(key) ?? 0) + 1);
  }

  /** A process stops running the file (its exit, or an exec of another image). */
  stopRunning(key: string): void {
    dec(this.running, key);
  }
}

/** Decrements m's count for key, dropping the entry at zero. */
function dec(m: Map<string, number>, key: string): void {
  const n = (m.get(key) ?? 0) - 1;
  if (n > 0) m.set(key, n); else m.delete(key);
}
