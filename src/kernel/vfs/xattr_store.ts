// Extended attributes of tmpfs inodes (Linux's simple_xattrs): name -> value per inode, kept
// beside the inode. Other filesystems ecall has (host mounts, /proc, /dev, pipes) hold none.
import type { Inode } from './inode.js';

const stores = new WeakMap<Inode, Map<string, Uint8Array>>();

/** True if inode's filesystem can hold extended attributes (tmpfs, including memfd files). */
export function holdsXattrs(inode: Inode): boolean {
  return inode.sb.type === 'tmpfs';
}

/** The attributes of inode (made empty on first use); only for inodes holdsXattrs accepts. */
export function xattrsOf(inode: Inode): Map<string, Uint8Array> {
  let m = stores.get(inode);
  if (m === undefined) stores.set(inode, m = new Map());
  return m;
}

/** The attributes of inode if it has any yet, else undefined (lookups that must not create). */
export function existingXattrs(inode: Inode): Map<string, Uint8Array> | undefined {
  return stores.get(inode);
}
