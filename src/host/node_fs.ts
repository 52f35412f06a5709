// HostFs on node:fs (synchronous calls: the kernel path stays synchronous, see DESIGN.md). Paths
// and names are byte strings (src/util/bytestr.ts), passed to node:fs as Buffers, so a name that is
// not valid UTF-8 reaches the host byte for byte.
import type * as ChildProcess from 'node:child_process';
import * as fs from 'node:fs';
import type { HostFs, HostStat } from './fs.js';
import { HOST_O_CREAT, HOST_O_EXCL, HOST_O_TRUNC } from './fs.js';
import { lazyBuiltin } from './node_builtin.js';

/** node:child_process, loaded for the first FIFO made on the host (mkfifo(1)). */
const childProcess = lazyBuiltin<typeof ChildProcess>('node:child_process');

/** Linux errno for each node error code we expect from file calls (generic numbering). */
const CODE_TO_ERRNO: Record<string, number> = {
  EPERM: 1, ENOENT: 2, EIO: 5, ENXIO: 6, EBADF: 9, EAGAIN: 11, ENOMEM: 12, EACCES: 13, EFAULT: 14,
  EBUSY: 16, EEXIST: 17, EXDEV: 18, ENODEV: 19, ENOTDIR: 20, EISDIR: 21, EINVAL: 22, ENFILE: 23,
  EMFILE: 24, ENOTTY: 25, ETXTBSY: 26, EFBIG: 27, ENOSPC: 28, ESPIPE: 29, EROFS: 30, EMLINK: 31,
  EPIPE: 32, ENAMETOOLONG: 36, ENOSYS: 38, ENOTEMPTY: 39, ELOOP: 40, EOVERFLOW: 75, ENOTSUP: 95,
  EOPNOTSUPP: 95, EDQUOT: 122, ESTALE: 116,
};
const EIO = 5, EPERM = 1, EACCES = 13;
/** Numbers the temporary names of FIFOs being made (mkfifo). */
let mkfifoCount = 0;

/** Returns -errno for a thrown node error (EIO for anything unexpected). */
export function hostErrno(e: unknown): number {
  const code = (e as { code?: unknown })?.code;
  return -(typeof code === 'string' ? CODE_TO_ERRNO[code] ?? EIO : EIO);
}

function toStat(s: fs.BigIntStats): HostStat {
  return {
    dev: Number(s.dev), ino: Number(s.ino), mode: Number(s.mode), nlink: Number(s.nlink),
    uid: Number(s.uid), gid: Number(s.gid), rdev: Number(s.rdev), size: Number(s.size),
    blksize: Number(s.blksize), blocks: Number(s.blocks),
    atimeNs: s.atimeNs, mtimeNs: s.mtimeNs, ctimeNs: s.ctimeNs,
  };
}

/** Returns the host bytes of byte string path (one byte per character). */
function b(path: string): Buffer {
  return Buffer.from(path, 'latin1');
}

function attempt<T>(fn: () => T): T | number {
  try {
    return fn();
  } catch (e) {
    return hostErrno(e);
  }
}

function attempt0(fn: () => void): number {
  try {
    fn();
    return 0;
  } catch (e) {
    return hostErrno(e);
  }
}

/** The node:fs host file access used by the Node host. */
export class NodeHostFs implements HostFs {
  lstat(path: string): HostStat | number {
    return attempt(() => toStat(fs.lstatSync(b(path), { bigint: true })));
  }
  readdir(path: string): string[] | number {
    return attempt(() => fs.readdirSync(b(path), { encoding: 'buffer' }).map((n) => n.toString('latin1')));
  }
  readlink(path: string): string | number {
    return attempt(() => fs.readlinkSync(b(path), { encoding: 'buffer' }).toString('latin1'));
  }
  realpath(path: string): string | number {
    return attempt(() => fs.realpathSync(b(path), { encoding: 'buffer' }).toString('latin1'));
  }
  open(path: string, flags: number, mode: number): number {
    const c = fs.constants;
    let f = (flags & 3) === 1 ? c.O_WRONLY : (flags & 3) === 2 ? c.O_RDWR : c.O_RDONLY;
    if (flags & HOST_O_CREAT) f |= c.O_CREAT;
    if (flags & HOST_O_EXCL) f |= c.O_EXCL;
    if (flags & HOST_O_TRUNC) f |= c.O_TRUNC;
    f |= c.O_NOFOLLOW ?? 0;
    return attempt(() => fs.openSync(b(path), f, mode));
  }
  close(handle: number): void {
    try { fs.closeSync(handle); } catch { /* nothing to report on close */ }
  }
  pread(handle: number, buf: Uint8Array, offset: number): number {
    return attempt(() => fs.readSync(handle, buf, 0, buf.length, offset));
  }
  pwrite(handle: number, data: Uint8Array, offset: number): number {
    return attempt(() => fs.writeSync(handle, data, 0, data.length, offset));
  }
  fstat(handle: number): HostStat | number {
    return attempt(() => toStat(fs.fstatSync(handle, { bigint: true })));
  }
  ftruncate(handle: number, length: number): number {
    return attempt0(() => fs.ftruncateSync(handle, length));
  }
  fsync(handle: number): number {
    return attempt0(() => fs.fsyncSync(handle));
  }
  /**
   * node:fs has no mknod, so the FIFO is made by mkfifo(1) under a temporary ASCII name in the same
   * directory and then hard-linked to its name (which fails with EEXIST, atomically, if the name is
   * taken), so any name bytes work. The directory's own path must be valid UTF-8 (it is passed to
   * mkfifo(1) as text): otherwise, or without mkfifo(1), EPERM.
   */
  mkfifo(path: string, mode: number): number {
    const cut = path.lastIndexOf('/');
    const dir = cut <= 0 ? '/' : path.slice(0, cut);
    let dirText: string;
    try {
      dirText = new TextDecoder('utf-8', { fatal: true }).decode(b(dir));
    } catch {
      return -EPERM;
    }
    const tmp = `${dirText === '/' ? '' : dirText}/.ecall-mkfifo-${process.pid}-${mkfifoCount++}`;
    try {
      childProcess().execFileSync('mkfifo', ['-m', (mode & 0o7777).toString(8), '--', tmp], { stdio: 'ignore' });
    } catch (e) {
      return (e as { code?: string }).code === 'ENOENT' ? -EPERM : -EACCES;
    }
    const r = attempt0(() => fs.linkSync(tmp, b(path)));
    attempt0(() => fs.unlinkSync(tmp));
    return r;
  }
  mkdir(path: string, mode: number): number {
    return attempt0(() => fs.mkdirSync(b(path), { mode }));
  }
  rmdir(path: string): number {
    return attempt0(() => fs.rmdirSync(b(path)));
  }
  unlink(path: string): number {
    return attempt0(() => fs.unlinkSync(b(path)));
  }
  symlink(target: string, path: string): number {
    return attempt0(() => fs.symlinkSync(b(target), b(path)));
  }
  link(existing: string, path: string): number {
    return attempt0(() => fs.linkSync(b(existing), b(path)));
  }
  rename(from: string, to: string): number {
    return attempt0(() => fs.renameSync(b(from), b(to)));
  }
  chmod(path: string, mode: number): number {
    return attempt0(() => fs.chmodSync(b(path), mode));
  }
  utimes(path: string, atimeNs: bigint, mtimeNs: bigint): number {
    const sec = (ns: bigint): number => Number(ns) / 1e9;
    return attempt0(() => fs.lutimesSync(b(path), sec(atimeNs), sec(mtimeNs)));
  }
  truncate(path: string, length: number): number {
    return attempt0(() => fs.truncateSync(b(path), length));
  }
}
