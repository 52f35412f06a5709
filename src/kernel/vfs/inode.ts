// The inode model: every filesystem (tmpfs, host mounts, /dev, /proc) exposes its files as
// Inode objects; the path walk (path_walk.ts) moves between them and Loc records where it is.
import type { StatInfo, OpenFile } from './file.js';
import type { Pipe } from './pipe.js';
import type { Caller as RequestCaller } from '../request.js';

/** One mounted filesystem instance (Linux's super_block): device number, magic, ro flag. */
export interface SuperBlock {
  readonly dev: number;
  readonly magic: number;
  readonly readonly: boolean;
  /** Filesystem type name ("tmpfs", "hostfs", "devtmpfs", "proc"). */
  readonly type: string;
  /** Block and inode counts for statfs, where the filesystem has limits (tmpfs); optional. */
  statfs?(): { blocks: number; bfree: number; files: number; ffree: number };
}

/** One entry of a directory listing. */
export interface DirEntry {
  name: string;
  ino: number;
  /** DT_* value. */
  type: number;
}

/** Attributes to change (setattr); absent fields stay. */
export interface SetAttr {
  mode?: number;
  uid?: number;
  gid?: number;
  atimeNs?: bigint;
  mtimeNs?: bigint;
}

/** Byte access to an open regular file (one per open for host files, shared for tmpfs). */
export interface FileIo {
  pread(buf: Uint8Array, offset: number): number;
  pwrite(data: Uint8Array, offset: number): number;
  /** Current size in bytes, or -errno. */
  size(): number;
  truncate(length: number): number;
  fsync(): number;
  /**
   * fallocate(2) on the file: "allocate" reserves [offset, offset+length) (growing the size unless
   * keepSize), "punch" turns it into a hole. Optional: without it fallocate gives EOPNOTSUPP.
   */
  fallocate?(mode: 'allocate' | 'punch', offset: number, length: number, keepSize: boolean): number;
  /**
   * The open file's attributes, or -errno. Optional: where the name can go away while the file
   * stays open (a host file unlinked after open), the inode's getattr cannot find it any more.
   */
  stat?(): StatInfo | number;
  /** Called once when the open file is released. */
  close(): void;
}

/** Who performs an operation: the calling task (null for kernel-internal lookups). */
export type Caller = RequestCaller | null;

/**
 * A file or directory in some filesystem. Directory methods are present only where the
 * filesystem supports them; a missing method means EPERM (or ENOTDIR for non-directories).
 * All methods return -errno on failure.
 */
export interface Inode {
  readonly sb: SuperBlock;
  getattr(): StatInfo | number;
  lookup?(name: string, caller: Caller): Inode | number;
  /** lookup, returning the child's attributes too where the filesystem learns them by looking
   *  it up (a host lstat): path walks use it to ask the host once per component, not twice. */
  lookupStat?(name: string, caller: Caller): { inode: Inode; st: StatInfo } | number;
  readdir?(caller: Caller): DirEntry[] | number;
  readlink?(caller: Caller): string | number;
  /**
   * For /proc/<pid>/fd/N "magic links": the open file the link stands for. The walk jumps to
   * the file's location (or opens the same description when it has none).
   */
  magicTarget?(caller: Caller): OpenFile | number;
  create?(name: string, mode: number, uid: number, gid: number): Inode | number;
  /** mknod of a FIFO, socket or device node (mode holds the S_IF* type); rdev as mknod's dev. */
  mknod?(name: string, mode: number, rdev: number, uid: number, gid: number): Inode | number;
  /** For a FIFO: the kernel pipe its opens share (fifo.ts). */
  fifo?(): Pipe | number;
  mkdir?(name: string, mode: number, uid: number, gid: number): Inode | number;
  symlink?(name: string, target: string, uid: number, gid: number): Inode | number;
  link?(name: string, target: Inode): number;
  unlink?(name: string): number;
  rmdir?(name: string): number;
  /** Moves this directory's entry oldName to newDir/newName (same sb), honouring RENAME_* flags. */
  rename?(oldName: string, newDir: Inode, newName: string, flags: number): number;
  setattr?(attr: SetAttr): number;
  truncate?(length: number): number;
  /** Opens byte access to a regular file. */
  openIo?(flags: number): FileIo | number;
  /** Opens a special file (device, procfs content) found at loc; takes precedence over openIo. */
  open?(caller: Caller, flags: number, loc: Loc): OpenFile | number;
  /** Creates a socket file (S_IFSOCK) for an AF_UNIX bind: the new inode, or -EEXIST and friends. */
  mknodSocket?(name: string, mode: number, uid: number, gid: number): SocketInode | number;
}

/**
 * A socket file: the name an AF_UNIX socket binds to. Linux finds the socket by its inode, so
 * the binding lives on the inode: it outlives unlink (the socket keeps its name) and is cleared
 * when the socket closes (the file stays, and connecting to it is refused).
 */
export interface SocketInode extends Inode {
  /** The socket bound to this file, or null. */
  boundSocket: object | null;
}

/** True if inode is a socket file that a socket can be bound to. */
export function isSocketInode(inode: Inode): inode is SocketInode {
  return 'boundSocket' in inode;
}

/**
 * A resolved position in the guest namespace: the chain of inodes from the namespace root
 * ("/" = comps []) down to this one. ".." pops one level, so it never leaves the namespace.
 */
export class Loc {
  constructor(
    readonly inodes: readonly Inode[],
    readonly comps: readonly string[],
  ) {}

  /** The inode at this location. */
  get inode(): Inode {
    return this.inodes[this.inodes.length - 1]!;
  }

  /** The guest absolute path ("/" for the root). */
  get path(): string {
    return '/' + this.comps.join('/');
  }

  /** Returns the location one level down. */
  child(name: string, inode: Inode): Loc {
    return new Loc([...this.inodes, inode], [...this.comps, name]);
  }

  /** Returns the parent location (the root is its own parent). */
  parent(): Loc {
    if (this.comps.length === 0) return this;
    return new Loc(this.inodes.slice(0, -1), this.comps.slice(0, -1));
  }

  /** Returns the parent directory's inode (the root for the root). */
  get parentInode(): Inode {
    return this.inodes[Math.max(0, this.inodes.length - 2)]!;
  }
}

let nextDev = 0x20;
/** Returns a fresh anonymous device number (major 0, like Linux's tmpfs and proc instances). */
export function allocAnonDev(): number {
  return nextDev++;
}
