// tmpfs: an in-memory filesystem (directories, regular files, symlinks, hard links, FIFOs and other
// mknod nodes).
import { EEXIST, EINVAL, EISDIR, ENOENT, ENOSPC, ENXIO, ENOTDIR, ENOTEMPTY, EFBIG, EMLINK, EPERM } from '../../abi/errno.js';
import type { StatInfo } from './file.js';
import type { DirEntry, FileIo, Inode, SetAttr, SocketInode, SuperBlock } from './inode.js';
import { allocAnonDev } from './inode.js';
import {
  MAX_FILE_OFFSET, RENAME_EXCHANGE, RENAME_NOREPLACE, S_IALLUGO, S_IFDIR, S_IFIFO, S_IFLNK, S_IFMT, S_IFREG, S_IFSOCK, TMPFS_MAGIC,
  dtypeOf,
} from './constants.js';
import { type PageBudget, PageStore, TMPFS_PAGE } from './tmpfs_pages.js';
import { Pipe } from './pipe.js';

/** Block size tmpfs reports (one page). */
const TMPFS_BLKSIZE = TMPFS_PAGE;
/** Most hard links to one inode (Linux's tmpfs allows ~2^32; we keep it in u32 range). */
const TMPFS_LINK_MAX = 0xffff_ffff;

/**
 * tmpfs size limit when none is given: half of the guest's memory, as Linux's tmpfs defaults to
 * half of RAM. Until guest memory has its own size option this is half of a nominal 2 GiB guest.
 */
export const TMPFS_DEFAULT_SIZE = 1 << 30;
/**
 * Most inodes and directory entries (hard links count, as in Linux's tmpfs) one tmpfs holds by
 * default: Linux's default nr_inodes is half of RAM's pages, 262144 for the same nominal 2 GiB.
 * It bounds the host memory that names and empty files can take.
 */
export const TMPFS_DEFAULT_INODES = 262144;

/** Size and inode limits of one tmpfs (Linux's size= and nr_inodes= mount options). */
export interface TmpfsLimits {
  maxBytes: number;
  maxInodes: number;
}

/** One tmpfs instance. `now` supplies timestamps (host realtime). */
export class TmpfsSuper implements SuperBlock, PageBudget {
  readonly dev = allocAnonDev();
  readonly magic = TMPFS_MAGIC;
  readonly type = 'tmpfs';
  private nextIno = 1;
  readonly root: TmpfsDir;
  readonly maxPages: number;
  readonly maxInodes: number;
  usedPages = 0;
  /** Directory entries in use (each name of each inode); the root counts as one. */
  usedInodes = 1;

  constructor(readonly now: () => bigint, readonly readonly = false, rootMode = 0o1777, uid = 0, gid = 0,
    limits: TmpfsLimits = { maxBytes: TMPFS_DEFAULT_SIZE, maxInodes: TMPFS_DEFAULT_INODES }) {
    this.maxPages = Math.max(1, Math.ceil(limits.maxBytes / TMPFS_PAGE));
    this.maxInodes = limits.maxInodes;
    this.root = new TmpfsDir(this, rootMode, uid, gid, null);
  }

  /** Returns a fresh inode number. */
  allocIno(): number {
    return this.nextIno++;
  }

  takePages(n: number): boolean {
    if (this.usedPages + n > this.maxPages) return false;
    this.usedPages += n;
    return true;
  }

  returnPages(n: number): void {
    this.usedPages -= n;
  }

  /** Takes one directory entry from the inode limit; false when none is left (ENOSPC). */
  takeInode(): boolean {
    if (this.usedInodes >= this.maxInodes) return false;
    this.usedInodes++;
    return true;
  }

  /** Gives a directory entry back. */
  returnInode(): void {
    this.usedInodes--;
  }

  /** statfs counts: the size limit in pages and the inode limit, with what is free of each. */
  statfs(): { blocks: number; bfree: number; files: number; ffree: number } {
    return { blocks: this.maxPages, bfree: this.maxPages - this.usedPages, files: this.maxInodes, ffree: this.maxInodes - this.usedInodes };
  }
}

abstract class TmpfsNode implements Inode {
  readonly ino: number;
  nlink = 1;
  atimeNs: bigint;
  mtimeNs: bigint;
  ctimeNs: bigint;

  constructor(readonly sb: TmpfsSuper, public mode: number, public uid: number, public gid: number) {
    this.ino = sb.allocIno();
    this.atimeNs = this.mtimeNs = this.ctimeNs = sb.now();
  }

  abstract size(): number;

  getattr(): StatInfo {
    const size = this.size();
    return {
      dev: this.sb.dev, ino: this.ino, mode: this.mode, nlink: this.nlink, uid: this.uid, gid: this.gid,
      rdev: 0, size, blksize: TMPFS_BLKSIZE, blocks: Math.ceil(size / TMPFS_BLKSIZE) * (TMPFS_BLKSIZE / 512),
      atimeNs: this.atimeNs, mtimeNs: this.mtimeNs, ctimeNs: this.ctimeNs,
    };
  }

  setattr(a: SetAttr): number {
    if (a.mode !== undefined) this.mode = (this.mode & S_IFMT) | (a.mode & S_IALLUGO);
    if (a.uid !== undefined) this.uid = a.uid;
    if (a.gid !== undefined) this.gid = a.gid;
    if (a.atimeNs !== undefined) this.atimeNs = a.atimeNs;
    if (a.mtimeNs !== undefined) this.mtimeNs = a.mtimeNs;
    this.ctimeNs = this.sb.now();
    return 0;
  }

  touchChange(): void {
    this.ctimeNs = this.sb.now();
  }

  /** Called after a link to this node was dropped (files free their pages when nothing is left). */
  unlinked(): void {}
}

/** A tmpfs regular file: its bytes in sparse pages charged to the filesystem's size limit. */
export class TmpfsFile extends TmpfsNode {
  private readonly store: PageStore;
  private length = 0;
  /** Open descriptions of the file: its pages are freed when the last link and the last open go. */
  private opens = 0;

  constructor(sb: TmpfsSuper, mode: number, uid: number, gid: number) {
    super(sb, S_IFREG | (mode & S_IALLUGO), uid, gid);
    this.store = new PageStore(sb);
  }

  size(): number {
    return this.length;
  }

  override getattr(): StatInfo {
    return { ...super.getattr(), blocks: this.store.count * (TMPFS_PAGE / 512) };
  }

  /** Returns a copy of the contents (for exec and tests). */
  contents(): Uint8Array {
    const out = new Uint8Array(this.length);
    this.store.read(out, 0);
    return out;
  }

  truncate(length: number): number {
    if (length < 0) return -EINVAL;
    if (length > MAX_FILE_OFFSET) return -EFBIG;
    if (length < this.length) this.store.clear(length, this.length - length);
    this.length = length;
    this.mtimeNs = this.ctimeNs = this.sb.now();
    return 0;
  }

  /** fallocate: allocates [off, off+len) (growing the size unless keepSize) or punches it out. */
  fallocate(mode: 'allocate' | 'punch', off: number, len: number, keepSize: boolean): number {
    if (off + len > MAX_FILE_OFFSET) return -EFBIG;
    if (mode === 'punch') {
      const end = Math.min(off + len, this.length);
      if (end > off) this.store.clear(off, end - off);
    } else {
      const r = this.store.reserve(off, len);
      if (r < 0) return r;
      if (!keepSize && off + len > this.length) this.length = off + len;
    }
    this.mtimeNs = this.ctimeNs = this.sb.now();
    return 0;
  }

  /** Called when a link goes: with no link and no open left, the pages go back to the limit. */
  override unlinked(): void {
    if (this.nlink === 0 && this.opens === 0) this.store.release();
  }

  openIo(): FileIo {
    this.opens++;
    let closed = false;
    return {
      pread: (buf, off) => {
        if (off >= this.length) return 0;
        const n = Math.min(buf.length, this.length - off);
        this.store.read(buf.subarray(0, n), off);
        this.atimeNs = this.sb.now();
        return n;
      },
      pwrite: (data, off) => {
        if (data.length === 0) return 0;
        if (off + data.length > MAX_FILE_OFFSET) return -EFBIG;
        const n = this.store.write(data, off);
        if (n <= 0) return n;
        if (off + n > this.length) this.length = off + n;
        this.mtimeNs = this.ctimeNs = this.sb.now();
        return n;
      },
      size: () => this.length,
      truncate: (len) => this.truncate(len),
      fsync: () => 0,
      fallocate: (mode, off, len, keepSize) => this.fallocate(mode, off, len, keepSize),
      close: () => {
        if (closed) return;
        closed = true;
        this.opens--;
        this.unlinked();
      },
    };
  }
}

/** A tmpfs FIFO, socket or device node (mknod): metadata only, plus a FIFO's pipe while it is open. */
export class TmpfsSpecial extends TmpfsNode {
  private pipe: Pipe | null = null;

  constructor(sb: TmpfsSuper, mode: number, readonly rdev: number, uid: number, gid: number) {
    super(sb, mode, uid, gid);
  }

  size(): number {
    return 0;
  }

  override getattr(): StatInfo {
    return { ...super.getattr(), rdev: this.rdev };
  }

  /** The FIFO's pipe (made by the first open, dropped when the last end closes); ENXIO for other types. */
  fifo(): Pipe | number {
    if ((this.mode & S_IFMT) !== S_IFIFO) return -ENXIO;
    if (this.pipe === null) {
      const p = new Pipe();
      p.onIdle = () => { this.pipe = null; };
      this.pipe = p;
    }
    return this.pipe;
  }
}

/** A tmpfs symbolic link. */
export class TmpfsSymlink extends TmpfsNode {
  constructor(sb: TmpfsSuper, readonly target: string, uid: number, gid: number) {
    super(sb, S_IFLNK | 0o777, uid, gid);
  }
  size(): number {
    return this.target.length;
  }
  readlink(): string {
    return this.target;
  }
}

/** A tmpfs socket file (made by an AF_UNIX bind). */
export class TmpfsSocket extends TmpfsNode implements SocketInode {
  boundSocket: object | null = null;

  constructor(sb: TmpfsSuper, mode: number, uid: number, gid: number) {
    super(sb, S_IFSOCK | (mode & S_IALLUGO), uid, gid);
  }

  size(): number {
    return 0;
  }
}

/** A tmpfs directory: name -> node, plus its parent for the rename subtree check. */
export class TmpfsDir extends TmpfsNode {
  readonly entries = new Map<string, TmpfsNode>();
  /** False once removed: nothing can be created in it any more. */
  alive = true;

  constructor(sb: TmpfsSuper, mode: number, uid: number, gid: number, public parent: TmpfsDir | null) {
    super(sb, S_IFDIR | (mode & S_IALLUGO), uid, gid);
    this.nlink = 2;
  }

  size(): number {
    return TMPFS_BLKSIZE;
  }

  lookup(name: string): Inode | number {
    return this.entries.get(name) ?? -ENOENT;
  }

  readdir(): DirEntry[] {
    const out: DirEntry[] = [];
    for (const [name, n] of this.entries) out.push({ name, ino: n.ino, type: dtypeOf(n.mode) });
    return out;
  }

  private add(name: string, node: TmpfsNode): TmpfsNode | number {
    if (!this.alive) return -ENOENT;
    if (this.entries.has(name)) return -EEXIST;
    if (!this.sb.takeInode()) return -ENOSPC;
    this.entries.set(name, node);
    if (node instanceof TmpfsDir) this.nlink++;
    this.mtimeNs = this.ctimeNs = this.sb.now();
    return node;
  }

  create(name: string, mode: number, uid: number, gid: number): Inode | number {
    return this.add(name, new TmpfsFile(this.sb, mode, uid, gid));
  }

  mkdir(name: string, mode: number, uid: number, gid: number): Inode | number {
    return this.add(name, new TmpfsDir(this.sb, mode, uid, gid, this));
  }

  mknod(name: string, mode: number, rdev: number, uid: number, gid: number): Inode | number {
    return this.add(name, new TmpfsSpecial(this.sb, mode, rdev, uid, gid));
  }

  symlink(name: string, target: string, uid: number, gid: number): Inode | number {
    return this.add(name, new TmpfsSymlink(this.sb, target, uid, gid));
  }

  mknodSocket(name: string, mode: number, uid: number, gid: number): SocketInode | number {
    const node = new TmpfsSocket(this.sb, mode, uid, gid);
    const r = this.add(name, node);
    return typeof r === 'number' ? r : node;
  }

  link(name: string, target: Inode): number {
    if (!(target instanceof TmpfsNode) || target.sb !== this.sb) return -EPERM;
    if (target instanceof TmpfsDir) return -EPERM;
    if (target.nlink === 0) return -ENOENT;
    if (target.nlink >= TMPFS_LINK_MAX) return -EMLINK;
    const r = this.add(name, target);
    if (typeof r === 'number') return r;
    target.nlink++;
    target.touchChange();
    return 0;
  }

  private drop(name: string, node: TmpfsNode): void {
    this.entries.delete(name);
    if (node instanceof TmpfsDir) {
      this.nlink--;
      node.nlink = 0;
      node.alive = false;
      node.parent = null;
    } else {
      node.nlink--;
    }
    this.sb.returnInode();
    node.unlinked();
    node.touchChange();
    this.mtimeNs = this.ctimeNs = this.sb.now();
  }

  unlink(name: string): number {
    const n = this.entries.get(name);
    if (!n) return -ENOENT;
    if (n instanceof TmpfsDir) return -EISDIR;
    this.drop(name, n);
    return 0;
  }

  rmdir(name: string): number {
    const n = this.entries.get(name);
    if (!n) return -ENOENT;
    if (!(n instanceof TmpfsDir)) return -ENOTDIR;
    if (n.entries.size > 0) return -ENOTEMPTY;
    this.drop(name, n);
    return 0;
  }

  rename(oldName: string, newDirInode: Inode, newName: string, flags: number): number {
    if (!(newDirInode instanceof TmpfsDir) || newDirInode.sb !== this.sb) return -EINVAL;
    const newDir = newDirInode;
    const src = this.entries.get(oldName);
    if (!src) return -ENOENT;
    if (!newDir.alive) return -ENOENT;
    const dst = newDir.entries.get(newName);
    if ((flags & RENAME_NOREPLACE) && dst) return -EEXIST;
    if (src instanceof TmpfsDir) {
      // A directory cannot move into its own subtree.
      for (let d: TmpfsDir | null = newDir; d; d = d.parent) if (d === src) return -EINVAL;
    }
    if (flags & RENAME_EXCHANGE) {
      if (!dst) return -ENOENT;
      if (dst instanceof TmpfsDir) {
        for (let d: TmpfsDir | null = this; d; d = d.parent) if (d === dst) return -EINVAL;
      }
      this.entries.set(oldName, dst);
      newDir.entries.set(newName, src);
      this.fixParent(dst, src, newDir);
      return 0;
    }
    if (dst === src) return 0;
    if (dst) {
      if (src instanceof TmpfsDir) {
        if (!(dst instanceof TmpfsDir)) return -ENOTDIR;
        if (dst.entries.size > 0) return -ENOTEMPTY;
      } else if (dst instanceof TmpfsDir) {
        return -EISDIR;
      }
      newDir.drop(newName, dst);
    }
    this.entries.delete(oldName);
    newDir.entries.set(newName, src);
    if (src instanceof TmpfsDir) {
      this.nlink--;
      newDir.nlink++;
      src.parent = newDir;
    }
    const now = this.sb.now();
    this.mtimeNs = this.ctimeNs = newDir.mtimeNs = newDir.ctimeNs = now;
    src.touchChange();
    return 0;
  }

  /** After an exchange: fixes parent pointers and directory link counts. */
  private fixParent(nowHere: TmpfsNode, nowThere: TmpfsNode, there: TmpfsDir): void {
    if (nowHere instanceof TmpfsDir) { nowHere.parent = this; this.nlink++; there.nlink--; }
    if (nowThere instanceof TmpfsDir) { nowThere.parent = there; there.nlink++; this.nlink--; }
    const now = this.sb.now();
    this.mtimeNs = this.ctimeNs = there.mtimeNs = there.ctimeNs = now;
  }
}

/** Creates the directories of path (components) under dir, as root-owned 0755 (mkdir -p). */
export function tmpfsMkdirP(dir: TmpfsDir, comps: readonly string[]): TmpfsDir {
  let d = dir;
  for (const c of comps) {
    const e = d.entries.get(c);
    if (e instanceof TmpfsDir) { d = e; continue; }
    const r = d.mkdir(c, 0o755, 0, 0);
    if (typeof r === 'number') return d;
    d = r as TmpfsDir;
  }
  return d;
}
