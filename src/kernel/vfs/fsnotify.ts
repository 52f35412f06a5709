// Filesystem change notification (Linux's fsnotify): the VFS reports what happened to an inode
// (or to an entry of a directory), and every inotify watch on that inode, or on the directory
// for events about its children, gets an event. Watches are found by the inode's (dev, ino), so
// host files, whose Inode objects are made per lookup, are watched as well as tmpfs ones.
import type { Inode, Loc } from './inode.js';
import { S_IFDIR, S_IFMT } from './constants.js';

/** inotify event bits (include/uapi/linux/inotify.h), shared with fsnotify as in Linux. */
export const IN_ACCESS = 0x1, IN_MODIFY = 0x2, IN_ATTRIB = 0x4, IN_CLOSE_WRITE = 0x8, IN_CLOSE_NOWRITE = 0x10,
  IN_OPEN = 0x20, IN_MOVED_FROM = 0x40, IN_MOVED_TO = 0x80, IN_CREATE = 0x100, IN_DELETE = 0x200,
  IN_DELETE_SELF = 0x400, IN_MOVE_SELF = 0x800, IN_UNMOUNT = 0x2000, IN_Q_OVERFLOW = 0x4000, IN_IGNORED = 0x8000,
  IN_ISDIR = 0x40000000;
/** Events about a child that a watch on its directory also sees, with the child's name. */
const CHILD_EVENTS = IN_ACCESS | IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE | IN_CLOSE_NOWRITE | IN_OPEN;

/** What a watch receives: the instance that queues the event for its watch. */
export interface FsWatch {
  /** Watched event bits (IN_*). */
  readonly mask: number;
  /** Queues an event for this watch (name: a child's, or '' for the inode itself). */
  deliver(mask: number, cookie: number, name: string): void;
  /** The watched inode is gone (IN_DELETE_SELF was delivered): queue IN_IGNORED, drop the watch. */
  inodeGone(): void;
}

/** The (dev, ino) key of inode, or null if it cannot be stat'ed. */
export function inodeKey(inode: Inode): string | null {
  const st = inode.getattr();
  return typeof st === 'number' ? null : `${st.dev}:${st.ino}`;
}

/** IN_ISDIR if inode is a directory. */
function dirBit(inode: Inode): number {
  const st = inode.getattr();
  return typeof st !== 'number' && (st.mode & S_IFMT) === S_IFDIR ? IN_ISDIR : 0;
}

/** The watches of one VFS, and the events its operations report. */
export class Fsnotify {
  private readonly watches = new Map<string, Set<FsWatch>>();
  private nextCookie = 1;

  /** Adds w on the inode with key. */
  add(key: string, w: FsWatch): void {
    let set = this.watches.get(key);
    if (set === undefined) this.watches.set(key, set = new Set());
    set.add(w);
  }

  /** Removes w from the inode with key. */
  remove(key: string, w: FsWatch): void {
    const set = this.watches.get(key);
    if (set === undefined) return;
    set.delete(w);
    if (set.size === 0) this.watches.delete(key);
  }

  /** A fresh cookie tying a rename's MOVED_FROM to its MOVED_TO. */
  cookie(): number {
    return this.nextCookie++ >>> 0;
  }

  /** Delivers mask (with IN_ISDIR added for a directory) to inode's own watches. */
  private toInode(inode: Inode, mask: number, cookie: number, name: string, isDir: number): void {
    if (this.watches.size === 0) return;
    const key = inodeKey(inode);
    const set = key === null ? undefined : this.watches.get(key);
    if (set === undefined) return;
    for (const w of [...set]) if (w.mask & mask) w.deliver(mask | isDir, cookie, name);
  }

  /**
   * Something happened to the file at loc (an IN_* child event): its directory's watches get it
   * with the name first, then its own watches (Linux's fsnotify_handle_event order).
   */
  fileEvent(loc: Loc, mask: number): void {
    if (this.watches.size === 0) return;
    const isDir = dirBit(loc.inode);
    if (loc.comps.length > 0 && (mask & CHILD_EVENTS)) this.toInode(loc.parentInode, mask, 0, loc.comps[loc.comps.length - 1]!, isDir);
    this.toInode(loc.inode, mask, 0, '', isDir);
  }

  /** An event for inode's own watches only (a link count change reports IN_ATTRIB this way). */
  inodeEvent(inode: Inode, mask: number): void {
    if (this.watches.size === 0) return;
    this.toInode(inode, mask, 0, '', dirBit(inode));
  }

  /** An entry name of dir was created, deleted or moved (mask), naming child (which may be gone). */
  entryEvent(dir: Inode, mask: number, name: string, child: Inode | number, cookie = 0): void {
    if (this.watches.size === 0) return;
    this.toInode(dir, mask, cookie, name, typeof child === 'number' ? 0 : dirBit(child));
  }

  /** The inode itself was deleted or moved (IN_DELETE_SELF / IN_MOVE_SELF); deletion ends its watches. */
  selfEvent(inode: Inode, mask: number, isDir: number): void {
    if (this.watches.size === 0) return;
    this.toInode(inode, mask, 0, '', isDir);
    if (mask === IN_DELETE_SELF) this.endWatches(inode);
  }

  /** Ends every watch on inode (each queues IN_IGNORED). */
  private endWatches(inode: Inode): void {
    const key = inodeKey(inode);
    const set = key === null ? undefined : this.watches.get(key);
    if (set !== undefined) for (const w of [...set]) w.inodeGone();
  }

  /**
   * An unlink or rmdir of dir/name removed victim (isDir: IN_ISDIR for rmdir), in Linux's order:
   * IN_ATTRIB on a file (its link count), IN_DELETE_SELF and IN_IGNORED (its watches end) if
   * that was its last name, then IN_DELETE on dir.
   */
  removed(dir: Inode, name: string, victim: Inode, isDir: number): void {
    if (this.watches.size === 0) return;
    if (!isDir) this.toInode(victim, IN_ATTRIB, 0, '', 0);
    const st = victim.getattr();
    const gone = isDir !== 0 || typeof st === 'number' || st.nlink === 0;
    if (gone) this.selfEvent(victim, IN_DELETE_SELF, isDir);
    this.toInode(dir, IN_DELETE, 0, name, isDir);
  }
}

/** dirBit for callers that stat before an operation removes the inode. */
export function isDirBit(inode: Inode): number {
  return dirBit(inode);
}
