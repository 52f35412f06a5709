// Host directory mounts: inodes that stand for host paths. The VFS resolves every component
// itself (host symlinks are read with readlink and followed in the guest namespace), so each
// host path built here is <mount host dir>/<plain names>, never containing ".." or "." .
import { EINVAL, EISDIR, ENOENT, ENOTDIR, ENOTEMPTY, ENXIO, EOPNOTSUPP, EPERM, EROFS, EEXIST } from '../../abi/errno.js';
import { FifoRegistry } from './fifo.js';
import type { Pipe } from './pipe.js';
import type { HostFs, HostStat } from '../../host/fs.js';
import { HOST_O_CREAT, HOST_O_EXCL, HOST_O_RDWR } from '../../host/fs.js';
import type { StatInfo } from './file.js';
import type { DirEntry, FileIo, Inode, SetAttr, SocketInode, SuperBlock } from './inode.js';
import { allocAnonDev } from './inode.js';
import {
  EXT4_SUPER_MAGIC, O_ACCMODE, RENAME_EXCHANGE, RENAME_NOREPLACE, S_IALLUGO, S_IFDIR, S_IFIFO, S_IFMT, S_IFSOCK, dtypeOf,
} from './constants.js';

/**
 * First inode number of socket files kept by ecall on a host mount (high, so they do not collide
 * with the host's numbers in practice).
 */
const FIRST_OVERLAY_INO = 0x7f000000;
/** Block size reported for those socket files. */
const OVERLAY_BLKSIZE = 4096;
let nextOverlayIno = FIRST_OVERLAY_INO;

/** One host directory mount: host root directory, synthetic device number, ro flag. */
export class HostSuper implements SuperBlock {
  readonly dev = allocAnonDev();
  readonly magic = EXT4_SUPER_MAGIC;
  readonly type = 'hostfs';
  readonly root: HostInode;
  /**
   * Socket files that AF_UNIX binds made on this mount, by host path. A guest socket cannot be a
   * host socket, so its file exists only in the guest's view of the directory (stat, readdir,
   * unlink and rename see it; the host does not).
   */
  readonly sockets = new Map<string, HostSocketInode>();

  /** fifos: where the pipes of open host FIFOs live (one registry per VFS, shared by its host mounts). */
  constructor(readonly fs: HostFs, readonly hostRoot: string, readonly readonly: boolean, readonly fifos = new FifoRegistry(),
    /** The clock for the times of socket files kept by ecall (realtime ns). */
    readonly now: () => bigint = () => 0n) {
    this.root = new HostInode(this, hostRoot.replace(/\/+$/, '') || '/');
  }
}

/** A socket file on a host mount, kept by ecall (see HostSuper.sockets). */
export class HostSocketInode implements SocketInode {
  boundSocket: object | null = null;
  readonly ino = nextOverlayIno++;
  private atimeNs: bigint;
  private mtimeNs: bigint;
  private ctimeNs: bigint;

  constructor(readonly sb: HostSuper, private mode: number, private uid: number, private gid: number, nowNs: bigint) {
    this.atimeNs = this.mtimeNs = this.ctimeNs = nowNs;
  }

  getattr(): StatInfo {
    return {
      dev: this.sb.dev, ino: this.ino, mode: S_IFSOCK | (this.mode & S_IALLUGO), nlink: 1, uid: this.uid, gid: this.gid,
      rdev: 0, size: 0, blksize: OVERLAY_BLKSIZE, blocks: 0, atimeNs: this.atimeNs, mtimeNs: this.mtimeNs, ctimeNs: this.ctimeNs,
    };
  }

  setattr(a: SetAttr): number {
    if (this.sb.readonly) return -EROFS;
    if (a.mode !== undefined) this.mode = a.mode & S_IALLUGO;
    if (a.atimeNs !== undefined) this.atimeNs = a.atimeNs;
    if (a.mtimeNs !== undefined) this.mtimeNs = a.mtimeNs;
    return 0;
  }
}

function join(dir: string, name: string): string {
  return dir === '/' ? '/' + name : dir + '/' + name;
}

/** A host file, directory or symlink, named by its host path. */
export class HostInode implements Inode {
  constructor(readonly sb: HostSuper, readonly hostPath: string) {}

  private get fs(): HostFs {
    return this.sb.fs;
  }

  private statInfo(s: HostStat): StatInfo {
    return { ...s, dev: this.sb.dev };
  }

  getattr(): StatInfo | number {
    const s = this.fs.lstat(this.hostPath);
    return typeof s === 'number' ? s : this.statInfo(s);
  }

  private isDir(): boolean {
    const s = this.fs.lstat(this.hostPath);
    return typeof s !== 'number' && (s.mode & S_IFMT) === S_IFDIR;
  }

  lookup(name: string): Inode | number {
    const p = join(this.hostPath, name);
    const sock = this.sb.sockets.get(p);
    if (sock !== undefined) return sock;
    const s = this.fs.lstat(p);
    return typeof s === 'number' ? s : new HostInode(this.sb, p);
  }

  lookupStat(name: string): { inode: Inode; st: StatInfo } | number {
    const p = join(this.hostPath, name);
    const sock = this.sb.sockets.get(p);
    if (sock !== undefined) return { inode: sock, st: sock.getattr() };
    const s = this.fs.lstat(p);
    return typeof s === 'number' ? s : { inode: new HostInode(this.sb, p), st: this.statInfo(s) };
  }

  readdir(): DirEntry[] | number {
    const names = this.fs.readdir(this.hostPath);
    if (typeof names === 'number') return names;
    const out: DirEntry[] = [];
    for (const name of names) {
      const s = this.fs.lstat(join(this.hostPath, name));
      if (typeof s === 'number') continue; // vanished meanwhile
      out.push({ name, ino: s.ino, type: dtypeOf(s.mode) });
    }
    for (const [p, sock] of this.sb.sockets) {
      const cut = p.lastIndexOf('/');
      if ((cut === 0 ? '/' : p.slice(0, cut)) === this.hostPath) out.push({ name: p.slice(cut + 1), ino: sock.ino, type: dtypeOf(S_IFSOCK) });
    }
    return out;
  }

  mknodSocket(name: string, mode: number, uid: number, gid: number): SocketInode | number {
    if (this.sb.readonly) return -EROFS;
    const p = join(this.hostPath, name);
    if (this.sb.sockets.has(p) || typeof this.fs.lstat(p) !== 'number') return -EEXIST;
    const sock = new HostSocketInode(this.sb, mode, uid, gid, this.sb.now());
    this.sb.sockets.set(p, sock);
    return sock;
  }

  /** True if a socket file kept by ecall lies below the host directory p. */
  private hasSocketsBelow(p: string): boolean {
    for (const k of this.sb.sockets.keys()) if (k.startsWith(p + '/')) return true;
    return false;
  }

  readlink(): string | number {
    return this.fs.readlink(this.hostPath);
  }

  private writable(): number {
    return this.sb.readonly ? -EROFS : 0;
  }

  create(name: string, mode: number): Inode | number {
    if (this.sb.readonly) return -EROFS;
    const p = join(this.hostPath, name);
    const h = this.fs.open(p, HOST_O_RDWR | HOST_O_CREAT | HOST_O_EXCL, mode & 0o7777);
    if (h < 0) {
      // A read-write open can fail on modes like 0444 only after creation; retry write-only is
      // not needed because O_CREAT|O_EXCL creates before checking the mode.
      return h;
    }
    this.fs.close(h);
    return new HostInode(this.sb, p);
  }

  /** mknod: FIFOs become host FIFOs (HostFs.mkfifo); other node types need privileges the host user lacks (EPERM). */
  mknod(name: string, mode: number): Inode | number {
    if (this.sb.readonly) return -EROFS;
    if ((mode & S_IFMT) !== S_IFIFO) return -EPERM;
    const p = join(this.hostPath, name);
    const r = this.fs.mkfifo(p, mode & 0o7777);
    return r < 0 ? r : new HostInode(this.sb, p);
  }

  /**
   * A host FIFO opens onto a kernel pipe keyed by its host device and inode, not onto the host FIFO:
   * the host's open and reads would block the one thread the kernel runs on (node:fs has no way to
   * wait for a FIFO without a blocked thread), so guest ends meet in the kernel; a host process at
   * the other end is not connected.
   */
  fifo(): Pipe | number {
    const s = this.fs.lstat(this.hostPath);
    if (typeof s === 'number') return s;
    if ((s.mode & S_IFMT) !== S_IFIFO) return -ENXIO;
    return this.sb.fifos.pipeFor(s.dev, s.ino);
  }

  mkdir(name: string, mode: number): Inode | number {
    if (this.sb.readonly) return -EROFS;
    const p = join(this.hostPath, name);
    const r = this.fs.mkdir(p, mode & 0o7777);
    return r < 0 ? r : new HostInode(this.sb, p);
  }

  symlink(name: string, target: string): Inode | number {
    if (this.sb.readonly) return -EROFS;
    const p = join(this.hostPath, name);
    const r = this.fs.symlink(target, p);
    return r < 0 ? r : new HostInode(this.sb, p);
  }

  link(name: string, target: Inode): number {
    if (this.sb.readonly) return -EROFS;
    if (!(target instanceof HostInode) || target.sb !== this.sb) return -EPERM;
    return this.fs.link(target.hostPath, join(this.hostPath, name));
  }

  unlink(name: string): number {
    const p = join(this.hostPath, name);
    if (this.sb.sockets.has(p)) return this.writable() || (this.sb.sockets.delete(p), 0);
    return this.writable() || this.fs.unlink(p);
  }

  rmdir(name: string): number {
    if (this.sb.readonly) return -EROFS;
    const p = join(this.hostPath, name);
    const s = this.fs.lstat(p);
    if (typeof s === 'number') return s;
    if ((s.mode & S_IFMT) !== S_IFDIR) return -ENOTDIR;
    if (this.hasSocketsBelow(p)) return -ENOTEMPTY;
    return this.fs.rmdir(p);
  }

  rename(oldName: string, newDir: Inode, newName: string, flags: number): number {
    if (this.sb.readonly) return -EROFS;
    if (!(newDir instanceof HostInode) || newDir.sb !== this.sb) return -EINVAL;
    // node:fs has no renameat2; exchange is not offered on host mounts (Linux: EINVAL when unsupported).
    if (flags & RENAME_EXCHANGE) return -EINVAL;
    const from = join(this.hostPath, oldName), to = join(newDir.hostPath, newName);
    const sockets = this.sb.sockets;
    const sock = sockets.get(from);
    if (sock !== undefined) {
      // Moving a socket file kept by ecall: it replaces a non-directory at the new name.
      if (from === to) return 0;
      if (sockets.has(to)) {
        if (flags & RENAME_NOREPLACE) return -EEXIST;
      } else {
        const st = this.fs.lstat(to);
        if (typeof st !== 'number') {
          if (flags & RENAME_NOREPLACE) return -EEXIST;
          if ((st.mode & S_IFMT) === S_IFDIR) return -EISDIR;
          const u = this.fs.unlink(to);
          if (u < 0) return u;
        } else if (st !== -ENOENT) {
          return st;
        }
      }
      sockets.delete(from);
      sockets.set(to, sock);
      return 0;
    }
    if (sockets.has(to)) {
      if (flags & RENAME_NOREPLACE) return -EEXIST;
      const st = this.fs.lstat(from);
      if (typeof st === 'number') return st;
      if ((st.mode & S_IFMT) === S_IFDIR) return -ENOTDIR;
      const r = this.fs.rename(from, to);
      if (r === 0) sockets.delete(to);
      return r;
    }
    const src = this.fs.lstat(from);
    if (typeof src === 'number') return src;
    if (flags & RENAME_NOREPLACE) {
      if (typeof this.fs.lstat(to) !== 'number') return -EEXIST;
    }
    const r = this.fs.rename(from, to);
    // Socket files below a renamed directory move with it.
    if (r === 0 && this.hasSocketsBelow(from)) {
      for (const [k, v] of [...sockets]) {
        if (!k.startsWith(from + '/')) continue;
        sockets.delete(k);
        sockets.set(to + k.slice(from.length), v);
      }
    }
    return r;
  }

  setattr(a: SetAttr): number {
    if (this.sb.readonly) return -EROFS;
    if (a.mode !== undefined) {
      const r = this.fs.chmod(this.hostPath, a.mode & 0o7777);
      if (r < 0) return r;
    }
    if (a.atimeNs !== undefined || a.mtimeNs !== undefined) {
      const s = this.fs.lstat(this.hostPath);
      if (typeof s === 'number') return s;
      const r = this.fs.utimes(this.hostPath, a.atimeNs ?? s.atimeNs, a.mtimeNs ?? s.mtimeNs);
      if (r < 0) return r;
    }
    // uid/gid: the host user cannot chown; accepted without effect (see report).
    return 0;
  }

  truncate(length: number): number {
    if (this.sb.readonly) return -EROFS;
    if (length < 0) return -EINVAL;
    return this.fs.truncate(this.hostPath, length);
  }

  openIo(flags: number): FileIo | number {
    const acc = flags & O_ACCMODE;
    if (this.sb.readonly && acc !== 0) return -EROFS;
    const h = this.fs.open(this.hostPath, acc, 0);
    if (h < 0) return h;
    const fs = this.fs;
    return {
      pread: (buf, off) => fs.pread(h, buf, off),
      pwrite: (data, off) => fs.pwrite(h, data, off),
      size: () => {
        const s = fs.fstat(h);
        return typeof s === 'number' ? s : s.size;
      },
      truncate: (len) => fs.ftruncate(h, len),
      fsync: () => fs.fsync(h),
      // By the handle: the host path may be unlinked (or name another file) by now.
      stat: () => {
        const s = fs.fstat(h);
        return typeof s === 'number' ? s : this.statInfo(s);
      },
      // node:fs has no fallocate: allocation extends the size (no blocks are reserved); no hole punching.
      fallocate: (mode, off, len, keepSize) => {
        if (mode === 'punch') return -EOPNOTSUPP;
        const s = fs.fstat(h);
        if (typeof s === 'number') return s;
        return keepSize || off + len <= s.size ? 0 : fs.ftruncate(h, off + len);
      },
      close: () => fs.close(h),
    };
  }

  /** True if this inode is a directory (for callers that need it without a full stat). */
  isDirectory(): boolean {
    return this.isDir();
  }
}
