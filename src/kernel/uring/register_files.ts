// The registered file table (IORING_REGISTER_FILES, FILES2 with SPARSE, FILES_UPDATE and the
// FILES_UPDATE opcode): each slot holds a reference on an open file, as an fd table entry does.
import { EBADF, EBUSY, EINVAL, EMFILE, ENXIO } from '../../abi/errno.js';
import type { Task } from '../task.js';
import { fileGet, filePut } from '../vfs/fdtable.js';
import type { OpenFile } from '../vfs/file.js';
import { MAX_FIXED_FILES, REGISTER_FILES_SKIP } from './abi.js';
import { RingCore } from './ring_state.js';

/** The open file for fd to put in a slot, or -EBADF (a closed fd, or another io_uring). */
function slotFile(t: Task, fd: number): OpenFile | number {
  const f = t.files.get(fd);
  if (!f || f instanceof RingCore) return -EBADF;
  return f;
}

/** Registers a table of fds (-1: an empty slot): 0, -EBUSY if one exists, -EBADF, -EINVAL, -EMFILE. */
export function registerFiles(ring: RingCore, t: Task, fds: number[]): number {
  if (ring.files !== null) return -EBUSY;
  if (fds.length === 0) return -EINVAL;
  if (fds.length > MAX_FIXED_FILES) return -EMFILE;
  const table: (OpenFile | null)[] = [];
  for (const fd of fds) {
    if (fd === -1) { table.push(null); continue; }
    const f = fd < 0 ? -EBADF : slotFile(t, fd);
    if (typeof f === 'number') {
      for (const g of table) if (g) filePut(g);
      return f;
    }
    table.push(fileGet(f));
  }
  ring.files = table;
  return 0;
}

/** Drops the registered table: 0, or -ENXIO when none is registered. */
export function unregisterFiles(ring: RingCore): number {
  if (ring.files === null) return -ENXIO;
  for (const f of ring.files) if (f) filePut(f);
  ring.files = null;
  return 0;
}

/**
 * Replaces slots from `offset` with fds (-1 empties a slot, IORING_REGISTER_FILES_SKIP leaves it):
 * the number of slots updated, or -errno if the first one failed.
 */
export function updateFiles(ring: RingCore, t: Task, offset: number, fds: number[]): number {
  const table = ring.files;
  if (table === null) return -ENXIO;
  if (offset < 0 || offset + fds.length > table.length) return -EINVAL;
  let done = 0;
  for (const fd of fds) {
    const i = offset + done;
    if (fd !== REGISTER_FILES_SKIP) {
      let f: OpenFile | null = null;
      if (fd !== -1) {
        const g = fd < 0 ? -EBADF : slotFile(t, fd);
        if (typeof g === 'number') return done > 0 ? done : g;
        f = fileGet(g);
      }
      const old = table[i];
      if (old) filePut(old);
      table[i] = f;
    }
    done++;
  }
  return done;
}
