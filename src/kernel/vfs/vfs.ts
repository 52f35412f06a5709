// The VFS: the mount table (tmpfs root or --root host dir, host mounts, /tmp, /dev, /proc) and
// the namespace operations the file syscalls use. Every operation takes a PathCtx: the
// caller's fs context, the caller, and the directory a relative path starts from.
import { Fsnotify, IN_ATTRIB, IN_CREATE, IN_DELETE_SELF, IN_ISDIR, IN_MODIFY, IN_MOVE_SELF, IN_MOVED_FROM, IN_MOVED_TO, IN_OPEN, isDirBit } from './fsnotify.js';
import { fsizeNewSize } from './fsize.js';
import type { Host } from '../../host/host.js';
import {
  EACCES, EBUSY, ECONNREFUSED, EEXIST, EINVAL, EISDIR, ELOOP, ENOENT, ENOTDIR, ENOTEMPTY, ENXIO, EOPNOTSUPP, EPERM,
  EROFS, EXDEV,
} from '../../abi/errno.js';
import type { OpenFile, StatInfo } from './file.js';
import { FdTable } from './fdtable.js';
import { FsContext } from './fs_context.js';
import type { Caller, Inode, SetAttr, SocketInode, SuperBlock } from './inode.js';
import { isSocketInode, Loc } from './inode.js';
import { createStdioFile, HostStdio } from './stdio.js';
import { NO_JOB_CONTROL, type TtyJobControl } from './tty_jobctl.js';
import { HostInode, HostSuper } from './hostfs.js';
import { fileKey, type PageCache } from './open_files.js';
import { WriteDeny } from './write_deny.js';
import { TMPFS_DEFAULT_INODES, TMPFS_DEFAULT_SIZE, TmpfsDir, TmpfsFile, TmpfsSuper, tmpfsMkdirP } from './tmpfs.js';
import { createDevfs } from './devfs.js';
import { FifoRegistry, openFifo } from './fifo.js';
import type { Blocked, Request } from '../request.js';
import { populateEtc } from './etc.js';
import { childPath, MNT_NODEV, MNT_RDONLY, MountTable } from './mount_table.js';
import { utf8ToBytes } from '../../util/bytestr.js';
import { DirFile, PathFile, RegularFile, VfsFile } from './open_files.js';
import { attached, attachFile, LockTable } from './locks/context.js';
import { breakLease } from './locks/lease.js';
import { OpenFileInode, isDir, lookupChild, walk, walkParent, type LinkBudget, type ParentAndName, type WalkEnv } from './path_walk.js';
import { Cred } from '../cred.js';
import { chmodMode, newInodeOwner, permission, suidBitsToKill, killSuidOnWrite } from './perm.js';
import {
  MAXSYMLINKS, O_ACCMODE, O_CREAT, O_DIRECTORY, O_EXCL, O_NOFOLLOW, O_PATH, O_RDONLY, O_TRUNC, O_WRONLY,
  O_RDWR, O_NOATIME, R_OK, RENAME_EXCHANGE, RENAME_NOREPLACE, S_IFBLK, S_IFCHR, S_IFDIR, S_IFIFO, S_IFLNK, S_IFMT, S_IFREG, S_IFSOCK, S_ISVTX,
  W_OK, X_OK, __O_TMPFILE,
} from './constants.js';

export interface VfsOptions {
  /** Host directory mounts: host path, guest absolute path, read-only flag. */
  mounts: { host: string; guest: string; readonly: boolean }[];
  /** Host directory to use as the guest's "/" (--root), or null for the default view. */
  root: string | null;
  /** Size limit in bytes of each tmpfs (/tmp, and the in-memory root); default TMPFS_DEFAULT_SIZE. */
  tmpfsSize?: number;
  /** Host directory where absolute paths the guest does not have are looked up, read-only (--sysroot). */
  sysroot?: string;
}

/** Where a path-based operation starts: the caller's context and the dirfd's directory. */
export interface PathCtx {
  fs: FsContext;
  caller: Caller;
  /** The credentials the operation checks access with (the caller's). */
  cred: Cred;
  /** Directory relative paths start from (cwd for AT_FDCWD). */
  start: Loc;
  /** openat2's RESOLVE_* restrictions on the walk (path_walk.ts); absent means none. */
  resolve?: number;
}

/** statfs(2) data for one filesystem. */
export interface StatfsInfo {
  type: number;
  bsize: number;
  blocks: number;
  bfree: number;
  bavail: number;
  files: number;
  ffree: number;
  fsid: number;
  namelen: number;
  flags: number;
}

/** The credentials of the kernel's own look-ups (uid 0 passes every search check). */
const ROOT_CRED = new Cred(0, 0);
/** Login name of the guest's own /etc/passwd entry when the host does not say (Host.user). */
const DEFAULT_USER_NAME = 'user';
/** ST_RDONLY in statfs f_flags (include/linux/statfs.h). */
const ST_RDONLY = 1;
/** Blocks and inodes reported for filesystems without limits of their own (host mounts, /proc). */
const NOMINAL_FS_BLOCKS = 262144;
/** Largest executable readExecutable loads (guards host memory; real binaries are far smaller). */
const MAX_EXECUTABLE_SIZE = 512 << 20;

/** A mount that cannot be made (its host source is missing): a configuration error, not a guest's. */
export class MountError extends Error {
  /** option: which option named the missing source ("mount", "root" or "sysroot"). */
  constructor(readonly option: 'mount' | 'root' | 'sysroot', message: string) {
    super(message);
  }
}

/** Returns the normalized absolute guest path (no ".", "..", or repeated slashes). */
export function normalizeGuestPath(p: string): string {
  const out: string[] = [];
  for (const c of p.split('/')) {
    if (c === '' || c === '.') continue;
    if (c === '..') out.pop();
    else out.push(c);
  }
  return '/' + out.join('/');
}

/**
 * Opens loc as an executable as cred (Linux's do_open_execat): EACCES unless it is a regular file
 * with execute permission (and at most MAX_EXECUTABLE_SIZE); returns its attributes, its size and
 * its first bytes, or -errno. want(head, size) says how many bytes from the start are needed given
 * those read so far (asked again after each read, until it asks for no more); default: all of them.
 */
export function readExecLoc(loc: Loc, cred: Cred, want: (head: Uint8Array, size: number) => number = (_h, size) => size):
  { st: StatInfo; data: Uint8Array; size: number } | number {
  const st = loc.inode.getattr();
  if (typeof st === 'number') return st;
  if ((st.mode & S_IFMT) !== S_IFREG) return -EACCES;
  const p = permission(st, X_OK, cred);
  if (p < 0) return p;
  if (!loc.inode.openIo) return -EACCES;
  const io = loc.inode.openIo(O_RDONLY);
  if (typeof io === 'number') return io;
  try {
    let size = io.size();
    if (size < 0) return size;
    if (size > MAX_EXECUTABLE_SIZE) return -EACCES;
    let data = new Uint8Array(0);
    for (let len = Math.min(size, want(data, size)); len > data.length; len = Math.min(size, want(data, size))) {
      const more = new Uint8Array(len);
      more.set(data);
      let off = data.length;
      while (off < len) {
        const n = io.pread(more.subarray(off), off);
        if (n < 0) return n;
        if (n === 0) break;
        off += n;
      }
      data = more.subarray(0, off);
      if (off < len) { size = off; break; } // the file ended early (it shrank): what was read is all there is
    }
    return { st, data, size };
  } finally {
    io.close();
  }
}

export class Vfs {
  /** Which files are open for writing and which are being run (ETXTBSY). */
  readonly writeDeny = new WriteDeny();
  /** inotify's watches and the events the operations below report (fsnotify.ts). */
  readonly notify = new Fsnotify();
  /** Mounted filesystems by normalized guest path ("/" itself is rootInode). */
  readonly mounts: MountTable;
  readonly rootInode: Inode;
  /** The stdin queue and terminal settings every file on host stdio shares. */
  readonly stdio: HostStdio;
  /** The pipes of open FIFOs on host mounts (every mount of this VFS shares it). */
  private readonly fifos = new FifoRegistry();
  /** Installed by the kernel: the page caches of mapped files, which file I/O keeps coherent. */
  pageCache: PageCache | null = null;
  /** Record locks, flock locks and leases of every file, by file identity. */
  readonly locks = new LockTable();
  /** The internal tmpfs that memfd_create's files live on (Linux's shm mount), once used. */
  private memfdSb: TmpfsSuper | null = null;
  private readonly rootTmpfs: TmpfsDir | null;
  private readonly now: () => bigint;

  /**
   * Builds the mount tree. Paths in options are Unicode text (host paths as the host user typed
   * them); inside the VFS every path is a byte string (util/bytestr.ts). The default view is an
   * in-memory root with the host cwd mounted at its own path; --root makes a host directory "/".
   * Either way /tmp is a private tmpfs and /dev is synthetic (the Kernel adds /proc), and a
   * --mount at one of those paths replaces it. Which mount covers a path never depends on the
   * order: the most specific one wins. jobControl is job control on the host terminal (the
   * Kernel's; none for a Vfs without processes).
   */
  constructor(readonly options: VfsOptions, readonly host: Host, jobControl: TtyJobControl = NO_JOB_CONTROL) {
    this.now = () => host.realtimeNs();
    this.stdio = new HostStdio(host, jobControl);
    this.mounts = new MountTable(this.now);
    const limits = { maxBytes: options.tmpfsSize ?? TMPFS_DEFAULT_SIZE, maxInodes: TMPFS_DEFAULT_INODES };
    for (const m of options.mounts) {
      if (typeof host.fs.lstat(utf8ToBytes(m.host)) === 'number') throw new MountError('mount', `${m.host}: No such file or directory`);
    }
    if (options.root !== null) {
      const root = utf8ToBytes(options.root);
      if (!isDir(host.fs.lstat(root))) throw new MountError('root', `${options.root}: not a directory`);
      this.rootTmpfs = null;
      this.rootInode = new HostSuper(host.fs, root, false, this.fifos, this.now).root;
    } else {
      const sb = new TmpfsSuper(this.now, false, 0o755, 0, 0, limits);
      this.rootTmpfs = sb.root;
      this.rootInode = sb.root;
      const user = host.user?.() ?? null;
      populateEtc(sb.root, { uid: host.uid(), gid: host.gid(), name: user?.name ?? DEFAULT_USER_NAME,
        home: user?.home ?? '/', hostname: host.hostname() });
    }
    this.mount('/tmp', new TmpfsSuper(this.now, false, 0o1777, 0, 0, limits).root);
    this.mount('/dev', createDevfs(this.now, this.stdio));
    const cwd = host.cwd();
    if (options.root === null && cwd !== null && cwd !== '/') {
      const c = utf8ToBytes(cwd);
      this.mount(c, new HostSuper(host.fs, c, false, this.fifos, this.now).root);
    }
    for (const m of options.mounts) {
      this.mount(utf8ToBytes(m.guest), new HostSuper(host.fs, utf8ToBytes(m.host), m.readonly, this.fifos, this.now).root);
    }
    if (options.sysroot !== undefined) this.setSysroot(options.sysroot);
  }

  /** Makes the host directory sysroot the read-only fallback of absolute lookups (--sysroot);
   *  throws a MountError if it is not a directory. */
  setSysroot(sysroot: string): void {
    const real = this.host.fs.realpath(utf8ToBytes(sysroot));
    if (typeof real === 'number' || !isDir(this.host.fs.lstat(real))) throw new MountError('sysroot', `${sysroot}: not a directory`);
    const dir = real;
    this.mounts.fallback = new HostSuper(this.host.fs, dir, true, this.fifos, this.now).root;
  }

  /** True if a sysroot is set. */
  get hasSysroot(): boolean {
    return this.mounts.fallback !== null;
  }

  /**
   * Mounts a filesystem root at an absolute guest path (a byte string), replacing what was mounted
   * there. In the in-memory root (or a tmpfs mounted above the path, such as /tmp) the directories
   * leading to it are made as real tmpfs directories, so the guest can create files beside them;
   * anywhere else the mount table's stub directories lead to it.
   */
  mount(guestPath: string, root: Inode, flags = 0): void {
    const p = normalizeGuestPath(guestPath);
    if (p === '/') return;
    const comps = p.split('/').filter((c) => c !== '');
    let holder: Inode | null = this.rootTmpfs;
    let depth = 0;
    for (let i = comps.length - 1; i > 0; i--) {
      const m = this.mounts.get('/' + comps.slice(0, i).join('/'));
      if (m !== undefined) { holder = m; depth = i; break; }
    }
    if (holder instanceof TmpfsDir) tmpfsMkdirP(holder, comps.slice(depth, -1));
    this.mounts.set(p, root, root.sb instanceof HostSuper ? root.sb.hostRoot : root.sb.type, flags);
  }

  /** True if loc lies on a read-only filesystem or a mount made read-only (MS_RDONLY). */
  readonlyAt(loc: Loc): boolean {
    return loc.inode.sb.readonly || (this.mounts.flagsAt(loc.path) & MNT_RDONLY) !== 0;
  }

  /** The MNT_* flags of the mount that holds loc (exec checks MNT_NOEXEC and MNT_NOSUID). */
  mountFlagsAt(loc: Loc): number {
    return this.mounts.flagsAt(loc.path);
  }

  private env(ctx: PathCtx): WalkEnv {
    return { mounts: this.mounts, root: ctx.fs.root, cred: ctx.cred, caller: ctx.caller, resolve: ctx.resolve ?? 0 };
  }

  /** The fs context of the first task: root "/" and cwd at cwdGuestPath (or "/" if missing or not searchable by cred). */
  initialFsContext(cwdGuestPath: string, cred: Cred): FsContext {
    const root = new Loc([this.rootInode], []);
    const fs = new FsContext(root, root);
    const cwd = walk(this.env({ fs, caller: null, start: root, cred }), root, cwdGuestPath, true);
    if (typeof cwd !== 'number' && isDir(cwd.inode.getattr())) fs.cwd = cwd;
    return fs;
  }

  /** The fd table of the first task: 0, 1, 2 on host stdio. */
  initialFdTable(): FdTable {
    const t = new FdTable();
    for (const fd of [0, 1, 2] as const) t.installAt(fd, createStdioFile(this.stdio, fd));
    return t;
  }

  /** Resolves a path to a Loc; follow: follow a final symlink. */
  resolve(ctx: PathCtx, path: string, follow = true): Loc | number {
    return walk(this.env(ctx), ctx.start, path, follow);
  }

  /**
   * Makes the host file at hostPath (a byte string) visible to the guest, as qemu-riscv64 runs a
   * program from any host path: returns the guest path at which it can be read (its host real
   * path), mounting that one file read-only there unless that guest path already reaches the same
   * host file; -errno if the host has no such file.
   */
  exposeHostFile(hostPath: string): string | number {
    const real = this.host.fs.realpath(hostPath);
    if (typeof real === 'number') return real;
    const st = this.host.fs.lstat(real);
    if (typeof st === 'number') return st;
    if ((st.mode & S_IFMT) !== S_IFREG) return -EACCES;
    const root = new Loc([this.rootInode], []);
    const seen = walk(this.env({ fs: new FsContext(root, root), caller: null, start: root, cred: ROOT_CRED }), root, real, true);
    if (typeof seen !== 'number' && seen.inode instanceof HostInode && seen.inode.hostPath === real) return real;
    this.mount(real, new HostSuper(this.host.fs, real, true, this.fifos, this.now).root);
    return real;
  }

  /** Reads an executable for the loader, as cred: ENOENT, EACCES (not regular or no x), ... */
  readExecutable(fs: FsContext, path: string, cred: Cred): { data: Uint8Array; guestPath: string } | number {
    const loc = this.resolve({ fs, caller: null, start: fs.cwd, cred }, path, true);
    if (typeof loc === 'number') return loc;
    const f = readExecLoc(loc, cred);
    return typeof f === 'number' ? f : { data: f.data, guestPath: loc.path };
  }

  /**
   * openat(2) minus the fd install: returns the new open file description, -errno, or (opening a
   * FIFO whose other side is not open) r's sleep. r is null for the kernel's own opens, which never sleep.
   */
  open(ctx: PathCtx, path: string, flags: number, mode: number, r: Request | null = null): OpenFile | number | Blocked {
    if (flags & __O_TMPFILE) return -EOPNOTSUPP;
    const env = this.env(ctx);
    const budget: LinkBudget = { links: 0 };
    let loc: Loc | number;
    if (flags & O_CREAT) {
      loc = this.openCreate(env, ctx, ctx.start, path, flags, mode, budget);
    } else {
      loc = walk(env, ctx.start, path, !(flags & O_NOFOLLOW), budget);
    }
    if (typeof loc === 'number') return loc;
    const f = this.openLoc(env, loc, flags, r);
    if (f instanceof VfsFile && !(flags & O_PATH)) {
      f.notify = (mask) => this.notify.fileEvent(f.loc, mask);
      this.notify.fileEvent(f.loc, IN_OPEN);
    }
    return f;
  }

  /** O_CREAT part of open: finds or creates the final component (following dangling symlinks). */
  private openCreate(env: WalkEnv, ctx: PathCtx, start: Loc, path: string, flags: number, mode: number, budget: LinkBudget): Loc | number {
    const pn = walkParent(env, start, path, budget);
    if (typeof pn === 'number') return pn;
    if (pn.trailingSlash || pn.name === '.' || pn.name === '..') {
      const loc = walk(env, start, path, true, budget);
      if (typeof loc === 'number') return loc === -ENOENT ? -EISDIR : loc;
      return (flags & O_EXCL) ? -EEXIST : loc;
    }
    const existing = lookupChild(env, pn.dir, pn.name);
    if (typeof existing !== 'number') {
      if (flags & O_EXCL) return -EEXIST;
      const st = existing.getattr();
      if (typeof st === 'number') return st;
      if ((st.mode & S_IFMT) === S_IFLNK) {
        if (flags & O_NOFOLLOW) return -ELOOP;
        if (++budget.links > MAXSYMLINKS) return -ELOOP;
        if (existing.magicTarget) return walk(env, pn.dir, pn.name, true, budget);
        const target = existing.readlink?.(env.caller);
        if (typeof target !== 'string') return target ?? -ENOENT;
        return this.openCreate(env, ctx, pn.dir, target, flags, mode, budget);
      }
      return pn.dir.child(pn.name, existing);
    }
    if (existing !== -ENOENT) return existing;
    const dirInode = pn.dir.inode;
    const dst = dirInode.getattr();
    if (typeof dst === 'number') return dst;
    const w = permission(dst, W_OK | X_OK, env.cred);
    if (w < 0) return w;
    if (this.readonlyAt(pn.dir)) return -EROFS;
    if (!dirInode.create) return -EACCES;
    const own = newInodeOwner(dst, S_IFREG | ((mode & ~ctx.fs.umask) & 0o7777), env.cred);
    const created = dirInode.create(pn.name, own.mode & 0o7777, own.uid, own.gid);
    if (typeof created === 'number') return created;
    this.notify.entryEvent(dirInode, IN_CREATE, pn.name, created);
    // A freshly created file may be opened with its requested access regardless of its mode.
    return Object.assign(pn.dir.child(pn.name, created), { created: true });
  }

  /** Opens the inode at loc with flags (permission, type and O_TRUNC handling). */
  private openLoc(env: WalkEnv, loc: Loc, flags: number, r: Request | null): OpenFile | number | Blocked {
    const inode = loc.inode;
    const st = inode.getattr();
    if (typeof st === 'number') return st;
    const type = st.mode & S_IFMT;
    if (inode instanceof OpenFileInode) return inode.file;
    if (flags & O_PATH) {
      if ((flags & O_DIRECTORY) && type !== S_IFDIR) return -ENOTDIR;
      return attached(this.locks, new PathFile(flags & (O_PATH | O_DIRECTORY | O_NOFOLLOW | 0x80000), loc), st);
    }
    if (type === S_IFLNK) return -ELOOP;
    if ((flags & O_DIRECTORY) && type !== S_IFDIR) return -ENOTDIR;
    const acc = flags & O_ACCMODE;
    const created = (loc as { created?: boolean }).created === true;
    const wantsWrite = acc === O_WRONLY || acc === O_RDWR;
    // Linux's order for a read-only (bind) mount: a directory opened for writing is EISDIR
    // (may_open); O_TRUNC of a file is EROFS before any mode check (do_open's mnt_want_write);
    // a plain write open is checked against the mode first (EACCES), then EROFS.
    if (type === S_IFDIR && (wantsWrite || acc === 3)) return -EISDIR;
    if ((flags & O_TRUNC) && type === S_IFREG && this.readonlyAt(loc) && !created) return -EROFS;
    if (!created) {
      let mask = 0;
      if (acc === O_RDONLY || acc === O_RDWR) mask |= R_OK;
      if (wantsWrite || (flags & O_TRUNC)) mask |= W_OK;
      if (acc === 3) mask |= R_OK | W_OK;
      const p = permission(st, mask, env.cred);
      if (p < 0) return p;
    }
    if ((flags & O_NOATIME) && env.cred.fsuid !== 0 && env.cred.fsuid !== st.uid) return -EPERM;
    if (type === S_IFDIR) {
      const path = loc.path;
      return attached(this.locks, new DirFile(flags, loc, (listed) => this.mounts.mountOverlay(path, listed)), st);
    }
    if ((type === S_IFCHR || type === S_IFBLK) && (this.mounts.flagsAt(loc.path) & MNT_NODEV)) return -EACCES;
    if (inode.open) return inode.open(env.caller, flags, loc);
    if (type === S_IFIFO) {
      const pipe = inode.fifo?.() ?? -ENXIO;
      return typeof pipe === 'number' ? pipe : openFifo(r, pipe, flags, loc);
    }
    if (type !== S_IFREG) return -ENXIO; // sockets and device nodes without a driver
    if (wantsWrite && this.readonlyAt(loc)) return -EROFS;
    if (!inode.openIo) return -ENXIO;
    if (!created && r !== null) {
      const b = breakLease(this.locks, fileKey(st), flags, r); // before O_TRUNC, as Linux's do_dentry_open
      if (b !== 0) return b;
    }
    // A file some process runs cannot be opened for writing (ETXTBSY, before O_TRUNC as Linux).
    const key = fileKey(st);
    if (wantsWrite) {
      const busy = this.writeDeny.getWrite(key);
      if (busy < 0) return busy;
    }
    if ((flags & O_TRUNC) && !created) {
      const r = inode.truncate?.(0) ?? -EINVAL;
      if (r < 0) { if (wantsWrite) this.writeDeny.putWrite(key); return r; }
      this.truncated(loc, 0);
      killSuidOnWrite(inode, env.cred);
    }
    const io = inode.openIo(flags);
    if (typeof io === 'number') { if (wantsWrite) this.writeDeny.putWrite(key); return io; }
    const file = new RegularFile(flags & ~(O_CREAT | O_EXCL | O_NOCTTY_TRUNC), loc, io, this.pageCache);
    if (wantsWrite) file.onRelease = () => this.writeDeny.putWrite(key);
    return attached(this.locks, file, st);
  }

  /**
   * memfd_create's file: a new tmpfs file in no directory, mode 0777, opened read-write, named
   * "/memfd:NAME (deleted)" as /proc/self/fd and maps show it.
   */
  createMemfd(name: string, cred: Cred): RegularFile {
    this.memfdSb ??= new TmpfsSuper(this.now, false, 0o1777);
    const inode = new TmpfsFile(this.memfdSb, 0o777, cred.fsuid, cred.fsgid);
    inode.nlink = 0;
    const loc = new Loc([this.memfdSb.root, inode], [`memfd:${name} (deleted)`]);
    const f = new RegularFile(O_RDWR, loc, inode.openIo(), this.pageCache);
    attachFile(this.locks, f, f.stat());
    return f;
  }

  /** Checks that the caller may add or remove entries in dir: 0, -EACCES or -EROFS. */
  private checkDirWrite(env: WalkEnv, dir: Loc): number {
    const st = dir.inode.getattr();
    if (typeof st === 'number') return st;
    const p = permission(st, W_OK | X_OK, env.cred);
    if (p < 0) return p;
    return this.readonlyAt(dir) ? -EROFS : 0;
  }

  /** Sticky-directory rule: in a +t dir only the owner of the entry or dir (or root) may remove it. */
  private checkSticky(env: WalkEnv, dir: Loc, victim: Inode): number {
    const ds = dir.inode.getattr();
    const fsuid = env.cred.fsuid;
    if (typeof ds === 'number' || !(ds.mode & S_ISVTX) || fsuid === 0) return 0;
    const vs = victim.getattr();
    if (typeof vs === 'number') return vs;
    return ds.uid === fsuid || vs.uid === fsuid ? 0 : -EPERM;
  }

  /** True if dir/name is a mount point or leads to one (it cannot be removed or renamed). */
  private isMountPoint(dir: Loc, name: string): boolean {
    return this.mounts.busy(childPath(dir.path, name));
  }

  /**
   * Walks to the parent of a name that mkdir, mknod, symlink or a socket bind is to create: the
   * parent and name, or -errno: the walk's; ENOENT for a trailing slash if slashFirst (checked
   * before the rest); EEXIST for "." and ".." or a name that exists; the lookup's other errors.
   */
  private newName(env: WalkEnv, start: Loc, path: string, slashFirst: boolean): ParentAndName | number {
    const pn = walkParent(env, start, path);
    if (typeof pn === 'number') return pn;
    if (slashFirst && pn.trailingSlash) return -ENOENT;
    if (pn.name === '.' || pn.name === '..') return -EEXIST;
    const existing = lookupChild(env, pn.dir, pn.name);
    if (typeof existing !== 'number') return -EEXIST;
    if (existing !== -ENOENT) return existing;
    return pn;
  }

  /** mkdirat(2). */
  mkdir(ctx: PathCtx, path: string, mode: number): number {
    const env = this.env(ctx);
    const pn = this.newName(env, ctx.start, path, false);
    if (typeof pn === 'number') return pn;
    const w = this.checkDirWrite(env, pn.dir);
    if (w < 0) return w;
    if (!pn.dir.inode.mkdir) return -EPERM;
    const own = newInodeOwner(pn.dir.inode.getattr(), S_IFDIR | ((mode & ~ctx.fs.umask) & 0o1777), env.cred);
    const r = pn.dir.inode.mkdir(pn.name, own.mode & 0o7777, own.uid, own.gid);
    if (typeof r !== 'number') this.notify.entryEvent(pn.dir.inode, IN_CREATE, pn.name, r);
    return typeof r === 'number' ? r : 0;
  }

  /**
   * mknodat(2) of a FIFO, socket or device node (callers turn S_IFREG into a plain create): EEXIST,
   * EROFS, EACCES as for any new name; then device nodes need privilege (CAP_MKNOD: uid 0 here).
   */
  mknod(ctx: PathCtx, path: string, mode: number, rdev: number): number {
    const env = this.env(ctx);
    const pn = this.newName(env, ctx.start, path, false);
    if (typeof pn === 'number') return pn;
    if (pn.trailingSlash) return -ENOENT;
    const dir = pn.dir.inode;
    if (this.readonlyAt(pn.dir)) return -EROFS;
    const w = this.checkDirWrite(env, pn.dir);
    if (w < 0) return w;
    const type = mode & S_IFMT;
    if ((type === S_IFCHR || type === S_IFBLK) && env.cred.euid !== 0) return -EPERM;
    if (!dir.mknod) return -EPERM;
    const own = newInodeOwner(dir.getattr(), type | ((mode & ~ctx.fs.umask) & 0o7777), env.cred);
    const r = dir.mknod(pn.name, own.mode, rdev, own.uid, own.gid);
    if (typeof r !== 'number') this.notify.entryEvent(dir, IN_CREATE, pn.name, r);
    return typeof r === 'number' ? r : 0;
  }

  /**
   * Creates the socket file of an AF_UNIX bind at path (mode 0777 less the umask): the new
   * inode, or -EEXIST when the name exists, -ENOENT, -EACCES, -EROFS and the like.
   */
  mknodSocket(ctx: PathCtx, path: string): SocketInode | number {
    const env = this.env(ctx);
    const pn = this.newName(env, ctx.start, path, true);
    if (typeof pn === 'number') return pn;
    const w = this.checkDirWrite(env, pn.dir);
    if (w < 0) return w;
    if (!pn.dir.inode.mknodSocket) return -EPERM;
    const own = newInodeOwner(pn.dir.inode.getattr(), S_IFSOCK | (0o777 & ~ctx.fs.umask), env.cred);
    return pn.dir.inode.mknodSocket(pn.name, own.mode & 0o7777, own.uid, own.gid);
  }

  /**
   * The socket file at path for an AF_UNIX connect or send: -ECONNREFUSED if it is not a socket,
   * -EACCES without write permission on it, or the walk's error.
   */
  findSocket(ctx: PathCtx, path: string): SocketInode | number {
    const loc = this.resolve(ctx, path, true);
    if (typeof loc === 'number') return loc;
    const st = loc.inode.getattr();
    if (typeof st === 'number') return st;
    const p = permission(st, W_OK, this.env(ctx).cred);
    if (p < 0) return p;
    if ((st.mode & S_IFMT) !== S_IFSOCK || !isSocketInode(loc.inode)) return -ECONNREFUSED;
    return loc.inode;
  }

  /** unlinkat(2) without AT_REMOVEDIR. */
  unlink(ctx: PathCtx, path: string): number {
    const env = this.env(ctx);
    const pn = walkParent(env, ctx.start, path);
    if (typeof pn === 'number') return pn;
    if (pn.name === '.' || pn.name === '..') return -EISDIR;
    const victim = lookupChild(env, pn.dir, pn.name);
    if (typeof victim === 'number') return victim;
    const st = victim.getattr();
    if (typeof st === 'number') return st;
    if ((st.mode & S_IFMT) === S_IFDIR) return -EISDIR;
    if (pn.trailingSlash) return -ENOTDIR;
    if (this.isMountPoint(pn.dir, pn.name)) return -EBUSY;
    const w = this.checkDirWrite(env, pn.dir);
    if (w < 0) return w;
    const s = this.checkSticky(env, pn.dir, victim);
    if (s < 0) return s;
    const r = pn.dir.inode.unlink?.(pn.name) ?? -EPERM;
    if (r === 0) this.notify.removed(pn.dir.inode, pn.name, victim, 0);
    return r;
  }

  /** unlinkat(2) with AT_REMOVEDIR. */
  rmdir(ctx: PathCtx, path: string): number {
    const env = this.env(ctx);
    const pn = walkParent(env, ctx.start, path);
    if (typeof pn === 'number') return pn;
    if (pn.name === '.') return pn.dir.comps.length === 0 && path.replace(/\/+$/, '') === '' ? -EBUSY : -EINVAL;
    if (pn.name === '..') return -ENOTEMPTY;
    const victim = lookupChild(env, pn.dir, pn.name);
    if (typeof victim === 'number') return victim;
    const st = victim.getattr();
    if (typeof st === 'number') return st;
    if ((st.mode & S_IFMT) !== S_IFDIR) return -ENOTDIR;
    if (this.isMountPoint(pn.dir, pn.name)) return -EBUSY;
    const w = this.checkDirWrite(env, pn.dir);
    if (w < 0) return w;
    const s = this.checkSticky(env, pn.dir, victim);
    if (s < 0) return s;
    const r = pn.dir.inode.rmdir?.(pn.name) ?? -EPERM;
    if (r === 0) this.notify.removed(pn.dir.inode, pn.name, victim, IN_ISDIR);
    return r;
  }

  /** symlinkat(2): creates path containing target. */
  symlink(ctx: PathCtx, target: string, path: string): number {
    if (target === '') return -ENOENT;
    const env = this.env(ctx);
    const pn = this.newName(env, ctx.start, path, true);
    if (typeof pn === 'number') return pn;
    const w = this.checkDirWrite(env, pn.dir);
    if (w < 0) return w;
    const own = newInodeOwner(pn.dir.inode.getattr(), S_IFLNK | 0o777, env.cred);
    const r = pn.dir.inode.symlink?.(pn.name, target, own.uid, own.gid) ?? -EPERM;
    if (typeof r !== 'number') this.notify.entryEvent(pn.dir.inode, IN_CREATE, pn.name, r);
    return typeof r === 'number' ? r : 0;
  }

  /** linkat(2): oldLoc (already resolved by the caller) gets a new name at newPath. */
  link(oldLoc: Loc, ctx: PathCtx, newPath: string): number {
    const env = this.env(ctx);
    const st = oldLoc.inode.getattr();
    if (typeof st === 'number') return st;
    if ((st.mode & S_IFMT) === S_IFDIR) return -EPERM;
    const pn = walkParent(env, ctx.start, newPath);
    if (typeof pn === 'number') return pn;
    if (pn.name === '.' || pn.name === '..') return -EEXIST;
    if (pn.trailingSlash) return -ENOENT;
    const existing = lookupChild(env, pn.dir, pn.name);
    if (typeof existing !== 'number') return -EEXIST;
    if (existing !== -ENOENT) return existing;
    if (pn.dir.inode.sb !== oldLoc.inode.sb) return -EXDEV;
    const w = this.checkDirWrite(env, pn.dir);
    if (w < 0) return w;
    const r = pn.dir.inode.link?.(pn.name, oldLoc.inode) ?? -EPERM;
    if (r === 0) {
      this.notify.inodeEvent(oldLoc.inode, IN_ATTRIB);
      this.notify.entryEvent(pn.dir.inode, IN_CREATE, pn.name, oldLoc.inode);
    }
    return r;
  }

  /** renameat2(2). */
  rename(oldCtx: PathCtx, oldPath: string, newCtx: PathCtx, newPath: string, flags: number): number {
    if (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE)) return -EINVAL;
    if ((flags & RENAME_NOREPLACE) && (flags & RENAME_EXCHANGE)) return -EINVAL;
    const env = this.env(oldCtx);
    const op = walkParent(env, oldCtx.start, oldPath);
    if (typeof op === 'number') return op;
    const np = walkParent(this.env(newCtx), newCtx.start, newPath);
    if (typeof np === 'number') return np;
    const dots = (n: string): boolean => n === '.' || n === '..';
    if (dots(op.name) || dots(np.name)) return op.name === '.' && op.dir.comps.length === 0 ? -EBUSY : -EINVAL;
    const src = lookupChild(env, op.dir, op.name);
    if (typeof src === 'number') return src;
    const sst = src.getattr();
    if (typeof sst === 'number') return sst;
    const dst = lookupChild(env, np.dir, np.name);
    if (typeof dst === 'number' && dst !== -ENOENT) return dst;
    if (typeof dst === 'number' && (flags & RENAME_EXCHANGE)) return -ENOENT;
    if ((op.trailingSlash || np.trailingSlash) && (sst.mode & S_IFMT) !== S_IFDIR) return -ENOTDIR;
    if (op.dir.inode.sb !== np.dir.inode.sb) return -EXDEV;
    if (this.isMountPoint(op.dir, op.name) || this.isMountPoint(np.dir, np.name)) return -EBUSY;
    if (typeof dst !== 'number' && (flags & RENAME_NOREPLACE)) return -EEXIST;
    let w = this.checkDirWrite(env, op.dir);
    if (w >= 0) w = this.checkDirWrite(env, np.dir);
    if (w < 0) return w;
    const s = this.checkSticky(env, op.dir, src);
    if (s < 0) return s;
    const srcDir = isDirBit(src);
    const r = op.dir.inode.rename?.(op.name, np.dir.inode, np.name, flags) ?? -EPERM;
    if (r === 0) {
      const cookie = this.notify.cookie();
      this.notify.entryEvent(op.dir.inode, IN_MOVED_FROM, op.name, src, cookie);
      this.notify.entryEvent(np.dir.inode, IN_MOVED_TO, np.name, src, cookie);
      // A replaced target lost a name (IN_ATTRIB); with its last one gone it is deleted after the move.
      const replaced = typeof dst !== 'number' && !(flags & RENAME_EXCHANGE) ? dst : null;
      if (replaced !== null) this.notify.inodeEvent(replaced, IN_ATTRIB);
      this.notify.selfEvent(src, IN_MOVE_SELF, srcDir);
      if (replaced !== null) {
        const dstSt = replaced.getattr();
        if (typeof dstSt === 'number' || dstSt.nlink === 0) this.notify.selfEvent(replaced, IN_DELETE_SELF, 0);
      }
    }
    return r;
  }

  /** readlinkat(2) target of the symlink at path (not followed). */
  readlink(ctx: PathCtx, path: string): string | number {
    const loc = this.resolve(ctx, path, false);
    if (typeof loc === 'number') return loc;
    return this.readlinkLoc(loc, ctx.caller);
  }

  /** The target of the symlink at loc, or -EINVAL if it is not one. */
  readlinkLoc(loc: Loc, caller: Caller): string | number {
    const st = loc.inode.getattr();
    if (typeof st === 'number') return st;
    if ((st.mode & S_IFMT) !== S_IFLNK || !loc.inode.readlink) return -EINVAL;
    return loc.inode.readlink(caller);
  }

  /** faccessat(2) check of loc for mode (F_OK or R/W/X bits), as cred. */
  access(loc: Loc, mode: number, cred: Cred): number {
    const st = loc.inode.getattr();
    if (typeof st === 'number') return st;
    if ((mode & W_OK) && this.readonlyAt(loc) && (st.mode & S_IFMT) !== S_IFCHR) return -EROFS;
    return mode === 0 ? 0 : permission(st, mode, cred);
  }

  /** Changes attributes of the inode at loc (chmod/chown/utimes) as cred, with ownership checks. */
  setattr(loc: Loc, attr: SetAttr, cred: Cred): number {
    const st = loc.inode.getattr();
    if (typeof st === 'number') return st;
    if (this.readonlyAt(loc)) return -EROFS;
    const root = cred.fsuid === 0;
    const owner = root || st.uid === cred.fsuid;
    if (attr.mode !== undefined && !owner) return -EPERM;
    if (attr.uid !== undefined && attr.uid !== st.uid && !root) return -EPERM;
    if (attr.gid !== undefined && attr.gid !== st.gid && !root && !(owner && cred.inGroup(attr.gid))) return -EPERM;
    if (!loc.inode.setattr) return -EPERM;
    if (attr.mode !== undefined) attr = { ...attr, mode: chmodMode(st, attr.mode, cred) };
    const r = loc.inode.setattr(attr);
    if (r === 0) this.notify.fileEvent(loc, IN_ATTRIB);
    return r;
  }

  /**
   * chown(2) family: uid and gid (undefined = unchanged) as cred, by setattr's rules; a chown of
   * a non-directory, even one that changes nothing, clears S_ISUID, and S_ISGID if group-executable.
   */
  chown(loc: Loc, uid: number | undefined, gid: number | undefined, cred: Cred): number {
    const st = loc.inode.getattr();
    if (typeof st === 'number') return st;
    const r = this.setattr(loc, { uid, gid }, cred);
    if (r < 0) return r;
    const kill = suidBitsToKill(st.mode);
    return kill === 0 ? 0 : loc.inode.setattr?.({ mode: st.mode & 0o7777 & ~kill }) ?? 0;
  }

  /** utimensat rules: setting both to "now" needs write access or ownership; explicit times need ownership. */
  utimes(loc: Loc, atimeNs: bigint | undefined, mtimeNs: bigint | undefined, explicit: boolean, cred: Cred): number {
    const st = loc.inode.getattr();
    if (typeof st === 'number') return st;
    if (this.readonlyAt(loc)) return -EROFS;
    if (cred.fsuid !== 0 && st.uid !== cred.fsuid) {
      if (explicit) return -EPERM;
      const p = permission(st, W_OK, cred);
      if (p < 0) return p;
    }
    if (atimeNs === undefined && mtimeNs === undefined) return 0;
    const r = loc.inode.setattr?.({ atimeNs, mtimeNs }) ?? -EPERM;
    if (r === 0) this.notify.fileEvent(loc, IN_ATTRIB);
    return r;
  }

  /** truncate(2) of the file at loc, as cred; with r, it first breaks the file's leases (and may sleep for that). */
  truncate(loc: Loc, length: number, cred: Cred, r: Request | null = null): number | Blocked {
    const st = loc.inode.getattr();
    if (typeof st === 'number') return st;
    if ((st.mode & S_IFMT) === S_IFDIR) return -EISDIR;
    if ((st.mode & S_IFMT) !== S_IFREG) return -EINVAL;
    const p = permission(st, W_OK, cred);
    if (p < 0) return p;
    if (this.readonlyAt(loc)) return -EROFS;
    if (r !== null) {
      const b = breakLease(this.locks, fileKey(st), O_WRONLY, r);
      if (b !== 0) return b;
    }
    if (length > st.size) {
      const big = fsizeNewSize(r, length);
      if (big < 0) return big;
    }
    const res = loc.inode.truncate?.(length) ?? -EINVAL;
    if (res >= 0) this.truncated(loc, length);
    if (res >= 0) killSuidOnWrite(loc.inode, cred);
    return res;
  }

  /** Tells the page cache of a mapped file that the file is now length bytes long. */
  private truncated(loc: Loc, length: number): void {
    this.notify.fileEvent(loc, IN_MODIFY);
    if (this.pageCache === null || this.pageCache.size === 0) return;
    const st = loc.inode.getattr();
    if (typeof st !== 'number') this.pageCache.get(fileKey(st))?.truncated(length);
  }

  /** statfs(2) data for the filesystem of sb. */
  statfs(sb: SuperBlock): StatfsInfo {
    const n = sb.statfs?.() ?? { blocks: NOMINAL_FS_BLOCKS, bfree: NOMINAL_FS_BLOCKS, files: NOMINAL_FS_BLOCKS, ffree: NOMINAL_FS_BLOCKS };
    return {
      type: sb.magic, bsize: 4096, blocks: n.blocks, bfree: n.bfree, bavail: n.bfree,
      files: n.files, ffree: n.ffree, fsid: sb.dev, namelen: 255,
      flags: sb.readonly ? ST_RDONLY : 0,
    };
  }

  /** Metadata of loc's inode. */
  stat(loc: Loc): StatInfo | number {
    return loc.inode.getattr();
  }
}

/** Flags that are consumed by open and do not stay in the file's status flags. */
const O_NOCTTY_TRUNC = 0x100 | O_TRUNC;
