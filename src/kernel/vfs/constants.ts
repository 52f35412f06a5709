// VFS ABI constants (include/uapi/asm-generic/fcntl.h, include/uapi/linux/stat.h, fcntl.h, fs.h)
// and the limits the path walk and fd table enforce.

/** Open flags (asm-generic/fcntl.h; riscv64 uses the generic values). */
export const O_ACCMODE = 0o3, O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2;
export const O_CREAT = 0x40, O_EXCL = 0x80, O_NOCTTY = 0x100, O_TRUNC = 0x200, O_APPEND = 0x400,
  O_NONBLOCK = 0x800, O_DSYNC = 0x1000, FASYNC = 0x2000, O_DIRECT = 0x4000, O_LARGEFILE = 0x8000,
  O_DIRECTORY = 0x10000, O_NOFOLLOW = 0x20000, O_NOATIME = 0x40000, O_CLOEXEC = 0x80000,
  __O_SYNC = 0x100000, O_PATH = 0x200000, __O_TMPFILE = 0x400000;
/** Every bit openat accepts; others give EINVAL (Linux 6.x VALID_OPEN_FLAGS). */
export const VALID_OPEN_FLAGS = O_ACCMODE | O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_APPEND | O_NONBLOCK |
  O_DSYNC | FASYNC | O_DIRECT | O_LARGEFILE | O_DIRECTORY | O_NOFOLLOW | O_NOATIME | O_CLOEXEC |
  __O_SYNC | O_PATH | __O_TMPFILE;

/** *at flags (include/uapi/linux/fcntl.h). */
export const AT_FDCWD = -100, AT_SYMLINK_NOFOLLOW = 0x100, AT_REMOVEDIR = 0x200, AT_EACCESS = 0x200,
  AT_SYMLINK_FOLLOW = 0x400, AT_NO_AUTOMOUNT = 0x800, AT_EMPTY_PATH = 0x1000,
  AT_STATX_SYNC_TYPE = 0x6000;

/** File type bits of st_mode (include/uapi/linux/stat.h). */
export const S_IFMT = 0o170000, S_IFSOCK = 0o140000, S_IFLNK = 0o120000, S_IFREG = 0o100000,
  S_IFBLK = 0o060000, S_IFDIR = 0o040000, S_IFCHR = 0o020000, S_IFIFO = 0o010000;
export const S_ISUID = 0o4000, S_ISGID = 0o2000, S_ISVTX = 0o1000;
/** Permission and special bits that chmod can set. */
export const S_IALLUGO = 0o7777;

/** d_type values of linux_dirent64 (include/linux/fs_types.h). */
export const DT_UNKNOWN = 0, DT_FIFO = 1, DT_CHR = 2, DT_DIR = 4, DT_BLK = 6, DT_REG = 8, DT_LNK = 10,
  DT_SOCK = 12;

/** access(2) modes. */
export const F_OK = 0, X_OK = 1, W_OK = 2, R_OK = 4;

/** lseek whence values. */
export const SEEK_SET = 0, SEEK_CUR = 1, SEEK_END = 2, SEEK_DATA = 3, SEEK_HOLE = 4;

/** renameat2 flags (include/uapi/linux/fs.h). */
export const RENAME_NOREPLACE = 1, RENAME_EXCHANGE = 2, RENAME_WHITEOUT = 4;

/** Longest path the kernel copies in, including the NUL (PATH_MAX, include/uapi/linux/limits.h). */
export const PATH_MAX = 4096;
/** Longest single path component (NAME_MAX). */
export const NAME_MAX = 255;
/** Symlinks followed in one lookup before ELOOP (Linux's MAXSYMLINKS). */
export const MAXSYMLINKS = 40;
/** Default RLIMIT_NOFILE soft limit, as Linux gives a fresh login. */
export const NR_OPEN_DEFAULT = 1024;
/** Largest byte count one read/write transfers (Linux's MAX_RW_COUNT = INT_MAX & PAGE_MASK). */
export const MAX_RW_COUNT = 0x7ffff000;
/** Most iovecs readv/writev accept (UIO_MAXIOV). */
export const UIO_MAXIOV = 1024;
/** Largest file offset we accept (Linux's MAX_LFS_FILESIZE is 2^63-1; JS numbers are exact to 2^53). */
export const MAX_FILE_OFFSET = Number.MAX_SAFE_INTEGER;

/** Filesystem magic numbers for statfs (include/uapi/linux/magic.h). */
export const TMPFS_MAGIC = 0x01021994, PROC_SUPER_MAGIC = 0x9fa0, EXT4_SUPER_MAGIC = 0xef53;

/** utimensat special nanosecond values. */
export const UTIME_NOW = (1 << 30) - 1, UTIME_OMIT = (1 << 30) - 2;

/** Returns the d_type for an st_mode. */
export function dtypeOf(mode: number): number {
  return (mode & S_IFMT) >>> 12;
}
