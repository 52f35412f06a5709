// The fd table (Linux's files_struct): fd -> open file description + close-on-exec bit.
// Descriptions are shared between fds (dup) and tables (fork); release() runs on the last close.
import { eventpollRelease } from './epoll.js';
import { EBADF, EMFILE } from '../../abi/errno.js';
import type { OpenFile } from './file.js';
import { NR_OPEN_DEFAULT } from './constants.js';
import { locksOnClose, locksOnRelease } from './locks/release.js';

/** Takes a reference on an open file description; returns it. */
export function fileGet(f: OpenFile): OpenFile {
  f.refCount = (f.refCount ?? 0) + 1;
  return f;
}

/** References held on f (by fd tables, and by socket messages carrying it in flight); 0 once released. */
export function fileRefCount(f: OpenFile): number {
  return f.refCount ?? 0;
}

/** Drops a reference; calls release() when the last one goes. */
export function filePut(f: OpenFile): void {
  const n = (f.refCount ?? 1) - 1;
  f.refCount = n;
  if (n > 0) {
    f.refDropped?.(n);
    return;
  }
  eventpollRelease(f); // a closed file leaves every epoll interest set, as in Linux
  locksOnRelease(f); // its OFD locks, flock lock and lease go with it
  f.release?.();
}

interface FdEntry {
  file: OpenFile;
  cloexec: boolean;
}

export class FdTable {
  private slots: (FdEntry | undefined)[] = [];
  /** No fd below this is free (a search hint: Linux's next_fd), so filling thousands of fds stays linear. */
  private nextFree = 0;

  /** The description at fd, or undefined if fd is not open. */
  get(fd: number): OpenFile | undefined {
    return Number.isInteger(fd) && fd >= 0 ? this.slots[fd]?.file : undefined;
  }

  /** True if fd is open and close-on-exec. */
  isCloexec(fd: number): boolean {
    return this.slots[fd]?.cloexec ?? false;
  }

  /** Sets the close-on-exec bit; -EBADF if fd is not open. */
  setCloexec(fd: number, on: boolean): number {
    const e = this.get(fd) ? this.slots[fd]! : undefined;
    if (!e) return -EBADF;
    e.cloexec = on;
    return 0;
  }

  /** Installs file at the lowest free fd >= minFd below limit (the caller's RLIMIT_NOFILE; takes a
   *  reference); fd or -EMFILE. */
  install(file: OpenFile, cloexec = false, minFd = 0, limit = NR_OPEN_DEFAULT): number {
    for (let fd = Math.max(this.nextFree, minFd); fd < limit; fd++) {
      if (!this.slots[fd]) {
        this.slots[fd] = { file: fileGet(file), cloexec };
        if (minFd <= this.nextFree) this.nextFree = fd + 1;
        return fd;
      }
    }
    return -EMFILE;
  }

  /** Puts file at exactly fd (closing what was there, as dup2 does); fd, or -EBADF past limit. */
  installAt(fd: number, file: OpenFile, cloexec = false, limit = NR_OPEN_DEFAULT): number {
    if (!Number.isInteger(fd) || fd < 0 || fd >= limit) return -EBADF;
    const old = this.slots[fd];
    this.slots[fd] = { file: fileGet(file), cloexec };
    if (fd === this.nextFree) this.nextFree = fd + 1;
    if (old) {
      locksOnClose(old.file, this);
      filePut(old.file);
    }
    return fd;
  }

  /** Closes fd; 0 or -EBADF. */
  close(fd: number): number {
    const e = this.get(fd) ? this.slots[fd]! : undefined;
    if (!e) return -EBADF;
    this.slots[fd] = undefined;
    if (fd < this.nextFree) this.nextFree = fd;
    locksOnClose(e.file, this); // this table (the process) loses its POSIX locks on the file
    filePut(e.file);
    return 0;
  }

  /** Open fds in increasing order. */
  fds(): number[] {
    const out: number[] = [];
    this.slots.forEach((e, fd) => { if (e) out.push(fd); });
    return out;
  }

  /** A copy for fork (clone without CLONE_FILES): same descriptions, new references. */
  fork(): FdTable {
    const t = new FdTable();
    t.slots = this.slots.map((e) => (e ? { file: fileGet(e.file), cloexec: e.cloexec } : undefined));
    t.nextFree = this.nextFree;
    return t;
  }

  /** Closes every close-on-exec fd (execve). */
  closeOnExec(): void {
    this.slots.forEach((e, fd) => { if (e?.cloexec) this.close(fd); });
  }

  /** Closes fds in [first, last]; with cloexecOnly, sets close-on-exec on them instead. */
  closeRange(first: number, last: number, cloexecOnly: boolean): void {
    const end = Math.min(last, this.slots.length - 1);
    for (let fd = first; fd <= end; fd++) {
      const e = this.slots[fd];
      if (!e) continue;
      if (cloexecOnly) e.cloexec = true;
      else this.close(fd);
    }
  }

  /** Closes every fd (task exit). */
  closeAll(): void {
    this.slots.forEach((e, fd) => { if (e) this.close(fd); });
  }
}
