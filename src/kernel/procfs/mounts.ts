// /proc/mounts and /proc/<pid>/mountinfo from the VFS's mount tree (Linux's fs/proc_namespace.c
// formats): one line per mount, the root first, then the mounts in the order they were made.
import type { Inode } from '../vfs/inode.js';
import { MNT_NODEV, MNT_NOEXEC, MNT_NOSUID, MNT_RDONLY, type MountInfo, type MountTable } from '../vfs/mount_table.js';
import { HostSuper } from '../vfs/hostfs.js';

/** One mount as the listings show it. */
interface MountLine {
  path: string;
  root: Inode;
  info: MountInfo;
}

/** Escapes the characters the listings cannot hold raw (space, tab, newline, backslash) as octal. */
function mangle(s: string): string {
  return s.replace(/[ \t\n\\]/g, (c) => '\\' + c.charCodeAt(0).toString(8).padStart(3, '0'));
}

/** The mount options column: rw/ro and the per-mount flags, as Linux prints them. */
function options(root: Inode, flags: number): string {
  const ro = root.sb.readonly || (flags & MNT_RDONLY) !== 0;
  let o = ro ? 'ro' : 'rw';
  if (flags & MNT_NOSUID) o += ',nosuid';
  if (flags & MNT_NODEV) o += ',nodev';
  if (flags & MNT_NOEXEC) o += ',noexec';
  return o + ',relatime';
}

/** The source column: the host directory of a host mount, else the filesystem type. */
function source(root: Inode, info: MountInfo): string {
  if (info.source !== '') return info.source;
  return root.sb instanceof HostSuper ? root.sb.hostRoot : root.sb.type;
}

/** The mounts of table with rootInode as "/", root first. */
function lines(table: MountTable, rootInode: Inode): MountLine[] {
  return [{ path: '/', root: rootInode, info: table.rootInfo }, ...table.entries()];
}

/** Returns /proc/mounts: "source mountpoint fstype options 0 0" per mount. */
export function procMounts(table: MountTable, rootInode: Inode): string {
  return lines(table, rootInode).map((m) =>
    `${mangle(source(m.root, m.info))} ${mangle(m.path)} ${m.root.sb.type} ${options(m.root, m.info.flags)} 0 0\n`).join('');
}

/**
 * Returns /proc/<pid>/mountinfo: "id parent-id major:minor root mountpoint options - fstype
 * source superoptions" per mount; the root mount is its own parent.
 */
export function procMountinfo(table: MountTable, rootInode: Inode): string {
  return lines(table, rootInode).map((m) => {
    const parentPath = m.path === '/' ? '/' : table.mountPointOf(m.path.slice(0, Math.max(1, m.path.lastIndexOf('/'))));
    const parent = table.info(parentPath)?.id ?? m.info.id;
    const st = m.root.getattr();
    const dev = typeof st === 'number' ? 0 : st.dev;
    const superOpts = m.root.sb.readonly ? 'ro' : 'rw';
    return `${m.info.id} ${parent} ${dev >>> 8}:${dev & 0xff} / ${mangle(m.path)} ${options(m.root, m.info.flags)} - ` +
      `${m.root.sb.type} ${mangle(source(m.root, m.info))} ${superOpts}\n`;
  }).join('');
}
