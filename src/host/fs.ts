// Host file access for directory mounts. Every call takes a host path that the VFS built from
// components it resolved itself (no "..", no symlinks followed by the host except through
// the final open with O_NOFOLLOW); failures are returned as -errno (Linux numbering). Paths, names
// and symlink targets are byte strings (src/util/bytestr.ts: one character per byte), because
// Linux file names are bytes that need not be UTF-8.

/** lstat/fstat result, times in nanoseconds since the epoch. */
export interface HostStat {
  dev: number;
  ino: number;
  mode: number;
  nlink: number;
  uid: number;
  gid: number;
  rdev: number;
  size: number;
  blksize: number;
  blocks: number;
  atimeNs: bigint;
  mtimeNs: bigint;
  ctimeNs: bigint;
}

/** Flags for HostFs.open: the access mode plus these creation bits. */
export const HOST_O_RDONLY = 0, HOST_O_WRONLY = 1, HOST_O_RDWR = 2, HOST_O_CREAT = 0x40,
  HOST_O_EXCL = 0x80, HOST_O_TRUNC = 0x200;

export interface HostFs {
  /** Metadata of path without following a final symlink, or -errno. */
  lstat(path: string): HostStat | number;
  /** Names in a directory (no "." or ".."), or -errno. */
  readdir(path: string): string[] | number;
  /** Target of a symlink, or -errno. */
  readlink(path: string): string | number;
  /** The absolute path with every symlink, "." and ".." resolved by the host (realpath(3)), or
   *  -errno; used only for paths the host user named (a program to run), never for guest paths. */
  realpath(path: string): string | number;
  /** Opens a regular file (never following a final symlink); returns a handle >= 0 or -errno. */
  open(path: string, flags: number, mode: number): number;
  /** Closes a handle from open. */
  close(handle: number): void;
  /** Reads at offset into buf; bytes read or -errno. */
  pread(handle: number, buf: Uint8Array, offset: number): number;
  /** Writes data at offset; bytes written or -errno. */
  pwrite(handle: number, data: Uint8Array, offset: number): number;
  fstat(handle: number): HostStat | number;
  ftruncate(handle: number, length: number): number;
  fsync(handle: number): number;
  mkdir(path: string, mode: number): number;
  /** Creates a FIFO (mkfifo(3)) with exactly mode; 0 or -errno (EEXIST if path exists). */
  mkfifo(path: string, mode: number): number;
  rmdir(path: string): number;
  unlink(path: string): number;
  symlink(target: string, path: string): number;
  link(existing: string, path: string): number;
  rename(from: string, to: string): number;
  chmod(path: string, mode: number): number;
  /** Sets access and modification times (ns since the epoch); symlinks are not followed. */
  utimes(path: string, atimeNs: bigint, mtimeNs: bigint): number;
  truncate(path: string, length: number): number;
}
