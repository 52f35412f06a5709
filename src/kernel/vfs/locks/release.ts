// What closing does to locks: closing any fd of a file drops every POSIX lock the closing fd
// table (the process) holds on it (Linux's locks_remove_posix in filp_close), and the last close
// of an open file description drops its OFD locks, flock lock and lease (locks_remove_file).
import type { OpenFile } from '../file.js';
import { detachFile, type LockedFile } from './context.js';
import { flockRemoveFile } from './flock.js';
import { leaseRemoveFile } from './lease.js';
import { posixRemoveOwner } from './posix.js';

/** An fd of f is being closed by the fd table owner (files_struct): drops owner's POSIX locks on the file. */
export function locksOnClose(f: OpenFile, owner: object): void {
  posixRemoveOwner(f, owner);
}

/** The last reference to description f is gone: drops what f owns and detaches it from its file. */
export function locksOnRelease(f: OpenFile): void {
  const ctx = (f as LockedFile).lockCtx;
  if (!ctx) return;
  posixRemoveOwner(f, f);
  flockRemoveFile(ctx, f);
  leaseRemoveFile(ctx, f);
  detachFile(f);
}
