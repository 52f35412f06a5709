// /proc/locks: one line per lock and lease, in Linux's format (fs/locks.c, lock_get_status):
//   "1: POSIX  ADVISORY  WRITE 100 00:20:5 0 EOF"
// id, kind (POSIX, OFDLCK, FLOCK, LEASE), mode (ADVISORY; for a lease ACTIVE or BREAKING), type
// (READ, WRITE; a lease shows the type its break leads to), pid (-1 for OFD locks), the file as
// major:minor:inode, and the byte range (0 EOF for whole-file locks). Sleeping requests, which
// Linux lists as " ->" lines, are not shown.
import type { FileLockContext, LockTable } from './context.js';
import { LEASE_DOWNGRADE_PENDING, LEASE_UNLOCK_PENDING } from './context.js';
import { F_RDLCK, F_UNLCK, F_WRLCK, OFFSET_MAX } from './range.js';

/** The word /proc/locks shows for a lock type. */
function typeWord(type: number): string {
  return type === F_WRLCK ? 'WRITE' : type === F_RDLCK ? 'READ' : 'UNLCK';
}

/** "major:minor:ino" of ctx's file: its key is "dev:ino", dev in stat's encoding (new_encode_dev). */
function fileId(ctx: FileLockContext): string {
  const [devStr, ino] = ctx.key.split(':');
  const dev = Number(devStr);
  const lo = dev % 0x100000000, hi = Math.floor(dev / 0x100000000);
  const major = ((lo >>> 8) & 0xfff) | ((hi & 0xfffff000) >>> 0);
  const minor = (lo & 0xff) | ((lo >>> 12) & 0xfff00) ;
  const hex = (n: number): string => n.toString(16).padStart(2, '0');
  return `${hex(major)}:${hex(minor)}:${ino}`;
}

/** The text of /proc/locks for every lock and lease in table. */
export function procLocks(table: LockTable): string {
  let id = 0;
  const out: string[] = [];
  for (const ctx of table.all()) {
    const file = fileId(ctx);
    for (const l of ctx.posix) {
      const range = l.end === OFFSET_MAX ? `${l.start} EOF` : `${l.start} ${l.end}`;
      out.push(`${++id}: ${l.ofd ? 'OFDLCK' : 'POSIX '} ADVISORY  ${typeWord(l.type)} ${l.ofd ? -1 : l.pid} ${file} ${range}\n`);
    }
    for (const l of ctx.flocks) out.push(`${++id}: FLOCK  ADVISORY  ${typeWord(l.type)} ${l.pid} ${file} 0 EOF\n`);
    for (const l of ctx.leases) {
      const breaking = l.pending !== 0;
      const type = l.pending & LEASE_UNLOCK_PENDING ? F_UNLCK : l.pending & LEASE_DOWNGRADE_PENDING ? F_RDLCK : l.type;
      out.push(`${++id}: LEASE  ${breaking ? 'BREAKING  ' : 'ACTIVE    '}${typeWord(type)} ${l.pid} ${file} 0 EOF\n`);
    }
  }
  return out.join('');
}
