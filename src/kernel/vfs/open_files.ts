// Open-file descriptions for files reached through the namespace: regular files, directories,
// O_PATH handles and read-only snapshots (procfs text). Each keeps the Loc it was opened at,
// so *at() calls, fchdir and /proc/self/fd can use it.
import { EINVAL, ENXIO, EOVERFLOW } from '../../abi/errno.js';
import type { MemObject } from '../../mem/mem_object.js';
import type { MmapFile } from '../../mem/mm.js';
import type { Request } from '../request.js';
import type { OpenFile, StatInfo } from './file.js';
import { killSuidOnWrite } from './perm.js';
import { fsizeWriteCount } from './fsize.js';
import { IN_ACCESS, IN_CLOSE_NOWRITE, IN_CLOSE_WRITE, IN_MODIFY } from './fsnotify.js';
import type { DirEntry, FileIo, Loc } from './inode.js';
import { strToBytes } from '../../util/bytestr.js';
import {
  DT_DIR, MAX_FILE_OFFSET, O_ACCMODE, O_APPEND, O_RDONLY, O_RDWR, SEEK_CUR, SEEK_DATA, SEEK_END, SEEK_HOLE, SEEK_SET,
} from './constants.js';

/** The memory objects of mapped files by fileKey (the machine's page cache: mem_object.ts pageCache). */
export type PageCache = Map<string, MemObject>;

/** The identity of a file for the page cache: the same for every open of the same file. */
export function fileKey(st: StatInfo): string {
  return `${st.dev}:${st.ino}`;
}

/** Size of the fixed part of a linux_dirent64 record (ino 8, off 8, reclen 2, type 1). */
const DIRENT64_HEADER = 19;

/** A stat result for a file whose metadata cannot be read any more (vanished host file). */
function emptyStat(): StatInfo {
  return { dev: 0, ino: 0, mode: 0, nlink: 0, uid: 0, gid: 0, rdev: 0, size: 0, blksize: 4096, blocks: 0,
    atimeNs: 0n, mtimeNs: 0n, ctimeNs: 0n };
}

/** Returns the position for lseek(whence, offset) given current position and size, or -errno. */
export function seekPosition(pos: number, size: number, offset: number, whence: number): number {
  let base: number;
  switch (whence) {
    case SEEK_SET: base = 0; break;
    case SEEK_CUR: base = pos; break;
    case SEEK_END: base = size; break;
    case SEEK_DATA:
      if (offset < 0 || offset >= size) return -ENXIO;
      return offset;
    case SEEK_HOLE:
      if (offset < 0 || offset >= size) return -ENXIO;
      return size;
    default: return -EINVAL;
  }
  const r = base + offset;
  if (r < 0) return -EINVAL;
  if (r > MAX_FILE_OFFSET) return -EOVERFLOW;
  return r;
}

/** Common part: the location, the flags and stat through the inode. */
export abstract class VfsFile implements OpenFile {
  /** Reports an access, modification or close of this file to inotify (set by the VFS at open). */
  notify: ((mask: number) => void) | null = null;

  constructor(public flags: number, readonly loc: Loc) {}

  get path(): string {
    return this.loc.path;
  }

  stat(): StatInfo {
    const s = this.loc.inode.getattr();
    return typeof s === 'number' ? emptyStat() : s;
  }
}

/** An O_PATH descriptor: usable for *at(), fchdir and fstat only. */
export class PathFile extends VfsFile {}

/**
 * A regular file opened for I/O. While the file is mapped (it has a memory object in the page
 * cache), reads first write back what mappings wrote, and writes and truncation update the
 * mapped pages, so read(), write() and the mappings all see one file.
 */
export class RegularFile extends VfsFile {
  pos = 0;
  /** Runs when the description is released (the write count ETXTBSY checks, vfs/write_deny.ts). */
  onRelease: (() => void) | null = null;
  private released = false;
  private key: string | null = null;

  constructor(flags: number, loc: Loc, readonly io: FileIo, private readonly pageCache: PageCache | null = null) {
    super(flags, loc);
  }

  /** The memory object of this file if some mapping of it exists. */
  /** The open file's attributes: through its io where that knows them (unlinked host files), else the inode's. */
  override stat(): StatInfo {
    const s = this.io.stat?.();
    return s === undefined ? super.stat() : typeof s === 'number' ? emptyStat() : s;
  }

  private mapped(): MemObject | undefined {
    if (this.pageCache === null || this.pageCache.size === 0) return undefined;
    this.key ??= fileKey(this.stat());
    return this.pageCache.get(this.key);
  }

  read(_r: Request, buf: Uint8Array): number {
    this.mapped()?.writeback();
    const n = this.io.pread(buf, this.pos);
    if (n > 0) this.pos += n;
    if (n > 0) this.notify?.(IN_ACCESS);
    return n;
  }

  write(r: Request, data: Uint8Array): number {
    killSuidOnWrite(this.loc.inode, r.caller?.cred);
    if (this.flags & O_APPEND) {
      const size = this.io.size();
      if (size < 0) return size;
      this.pos = size;
    }
    if (this.pos + data.length > MAX_FILE_OFFSET) return -EOVERFLOW;
    const count = fsizeWriteCount(r, this.pos, data.length);
    if (count < 0) return count;
    data = data.subarray(0, count);
    const n = this.io.pwrite(data, this.pos);
    if (n > 0) {
      this.mapped()?.fileWritten(this.pos, data.subarray(0, n));
      this.pos += n;
      this.notify?.(IN_MODIFY);
    }
    return n;
  }

  pread(_r: Request, buf: Uint8Array, offset: number): number {
    this.mapped()?.writeback();
    const n = this.io.pread(buf, offset);
    if (n > 0) this.notify?.(IN_ACCESS);
    return n;
  }

  pwrite(r: Request, data: Uint8Array, offset: number): number {
    killSuidOnWrite(this.loc.inode, r.caller?.cred);
    // Linux quirk: pwrite on an O_APPEND file appends.
    if (this.flags & O_APPEND) {
      const size = this.io.size();
      if (size < 0) return size;
      offset = size;
    }
    const count = fsizeWriteCount(r, offset, data.length);
    if (count < 0) return count;
    data = data.subarray(0, count);
    const n = this.io.pwrite(data, offset);
    if (n > 0) this.mapped()?.fileWritten(offset, data.subarray(0, n));
    if (n > 0) this.notify?.(IN_MODIFY);
    return n;
  }

  lseek(offset: number, whence: number): number {
    const size = this.io.size();
    if (size < 0) return size;
    const r = seekPosition(this.pos, size, offset, whence);
    if (r >= 0) this.pos = r;
    return r;
  }

  truncate(length: number): number {
    const r = this.io.truncate(length);
    if (r >= 0) this.mapped()?.truncated(length);
    if (r >= 0) this.notify?.(IN_MODIFY);
    return r;
  }

  fsync(): number {
    this.mapped()?.writeback();
    return this.io.fsync();
  }

  /**
   * The file as a mapping source. The memory object it backs may outlive this open file (a
   * mapping stays after close), so it reads and writes back through an I/O handle of its own.
   */
  mmapSource(): MmapFile {
    const st = this.stat();
    const inode = this.loc.inode;
    let io: FileIo = this.io;
    let own = false;
    if (inode.openIo) {
      let r = inode.openIo(O_RDWR);
      if (typeof r === 'number') r = inode.openIo(O_RDONLY);
      if (typeof r !== 'number') { io = r; own = true; }
    }
    return {
      path: this.path, dev: st.dev, ino: st.ino, key: fileKey(st),
      read: (offset, buf) => io.pread(buf, offset),
      write: (offset, data) => io.pwrite(data, offset),
      size: () => io.size(),
      release: () => { if (own) io.close(); },
    };
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    this.io.close();
    this.onRelease?.();
    this.notify?.((this.flags & O_ACCMODE) === O_RDONLY ? IN_CLOSE_NOWRITE : IN_CLOSE_WRITE);
  }
}

/** A directory opened for getdents64: entries are snapshotted at position 0. */
export class DirFile extends VfsFile {
  private pos = 0;
  private entries: DirEntry[] | null = null;

  /** overlay: adds the mount points inside this directory to its listing (the VFS's mount tree). */
  constructor(flags: number, loc: Loc, private readonly overlay: ((listed: DirEntry[]) => DirEntry[]) | null = null) {
    super(flags, loc);
  }

  /** The last close: inotify's IN_CLOSE_NOWRITE. */
  release(): void {
    this.notify?.(IN_CLOSE_NOWRITE);
  }

  private snapshot(r: Request | null): number {
    const list = this.loc.inode.readdir?.(r?.caller ?? null); // host code may list without a request
    if (list === undefined) return -EINVAL;
    if (typeof list === 'number') return list;
    const self = this.loc.inode.getattr();
    const parent = this.loc.parentInode.getattr();
    const ino = (s: StatInfo | number): number => (typeof s === 'number' ? 0 : s.ino);
    const shown = this.overlay ? this.overlay(list) : list;
    this.entries = [{ name: '.', ino: ino(self), type: DT_DIR }, { name: '..', ino: ino(parent), type: DT_DIR }, ...shown];
    return 0;
  }

  getdents(req: Request, buf: Uint8Array): number {
    if (this.entries === null || this.pos === 0) {
      const r = this.snapshot(req);
      if (r < 0) return r;
    }
    const entries = this.entries!;
    const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    let used = 0;
    while (this.pos < entries.length) {
      const e = entries[this.pos]!;
      const name = strToBytes(e.name);
      const reclen = (DIRENT64_HEADER + name.length + 1 + 7) & ~7;
      if (used + reclen > buf.length) {
        if (used === 0) return -EINVAL;
        break;
      }
      dv.setBigUint64(used, BigInt(e.ino), true);
      dv.setBigInt64(used + 8, BigInt(this.pos + 1), true);
      dv.setUint16(used + 16, reclen, true);
      dv.setUint8(used + 18, e.type);
      buf.set(name, used + DIRENT64_HEADER);
      buf.fill(0, used + DIRENT64_HEADER + name.length, used + reclen);
      used += reclen;
      this.pos++;
    }
    return used;
  }

  lseek(offset: number, whence: number): number {
    if (whence !== SEEK_SET && whence !== SEEK_CUR) return -EINVAL;
    const r = (whence === SEEK_CUR ? this.pos : 0) + offset;
    if (r < 0) return -EINVAL;
    this.pos = r;
    if (r === 0) this.entries = null;
    return r;
  }
}

/** A read-only snapshot of generated text (procfs files): contents fixed at open. */
export class ContentFile extends VfsFile {
  private pos = 0;

  constructor(flags: number, loc: Loc, readonly data: Uint8Array) {
    super(flags, loc);
  }

  read(r: Request, buf: Uint8Array): number {
    const n = this.pread(r, buf, this.pos);
    this.pos += n;
    return n;
  }

  pread(_r: Request, buf: Uint8Array, offset: number): number {
    if (offset >= this.data.length) return 0;
    const n = Math.min(buf.length, this.data.length - offset);
    buf.set(this.data.subarray(offset, offset + n));
    return n;
  }

  lseek(offset: number, whence: number): number {
    const r = seekPosition(this.pos, this.data.length, offset, whence);
    if (r >= 0) this.pos = r;
    return r;
  }
}
