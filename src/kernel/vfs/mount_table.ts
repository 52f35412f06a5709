// The mount tree, as a container runtime builds it: every mount is keyed by its normalized guest
// path, so the most specific mount wins whatever the order in which mounts were made, and the
// directories that lead to a mount point always exist. Where the filesystem below does not have
// them (a --root directory, another host mount, a read-only tree), a stub directory stands in: an
// empty read-only directory that only leads on to the mounts below it. A directory's listing shows
// the mount points and stubs directly inside it (mountOverlay).
import { ENOENT, EROFS } from '../../abi/errno.js';
import type { StatInfo } from './file.js';
import type { DirEntry, Inode, SuperBlock } from './inode.js';
import { allocAnonDev } from './inode.js';
import { DT_DIR, S_IFDIR, dtypeOf } from './constants.js';

/** Mode of a stub directory: what mkdir -p would give a mount point's parents (root, 0755). */
const STUB_MODE = S_IFDIR | 0o755;
/** The magic number stubs report (tmpfs's: they behave like empty directories of a read-only tmpfs). */
const STUB_MAGIC = 0x01021994;

/** Returns the path of child `name` of the directory at absolute guest path dir. */
export function childPath(dir: string, name: string): string {
  return dir === '/' ? '/' + name : dir + '/' + name;
}

/** The superblock every stub directory shares: read-only, so nothing is created in one. */
class StubSuper implements SuperBlock {
  readonly dev = allocAnonDev();
  readonly magic = STUB_MAGIC;
  readonly readonly = true;
  readonly type = 'tmpfs';
  private nextIno = 1;

  /** Returns a fresh inode number. */
  allocIno(): number {
    return this.nextIno++;
  }
}

/** An empty read-only directory on the way to a mount point. */
export class MountStub implements Inode {
  readonly ino: number;

  constructor(readonly sb: StubSuper, private readonly createdNs: bigint) {
    this.ino = sb.allocIno();
  }

  getattr(): StatInfo {
    const t = this.createdNs;
    return {
      dev: this.sb.dev, ino: this.ino, mode: STUB_MODE, nlink: 2, uid: 0, gid: 0, rdev: 0, size: 0,
      blksize: 4096, blocks: 0, atimeNs: t, mtimeNs: t, ctimeNs: t,
    };
  }

  lookup(): number {
    return -ENOENT; // only the mounts below it (found by path first) are there
  }

  readdir(): DirEntry[] {
    return [];
  }

  create(): number { return -EROFS; }
  mkdir(): number { return -EROFS; }
  symlink(): number { return -EROFS; }
}

/** Per-mount flags (MS_* values of mount(2)) that the VFS enforces on one mount, not its filesystem. */
export const MNT_RDONLY = 1, MNT_NOSUID = 2, MNT_NODEV = 4, MNT_NOEXEC = 8;

/** What /proc/mounts shows of one mount besides its filesystem: its id, source and per-mount flags. */
export interface MountInfo {
  /** Mount id (mountinfo's first field), unique for the table's life. */
  readonly id: number;
  /** The source column: a host path for host mounts, else the filesystem type. */
  source: string;
  /** MNT_* bits. */
  flags: number;
}

/** Mount id of the root ("/"); later mounts count up from it, as Linux's ids look. */
const ROOT_MOUNT_ID = 21;

/** The mounted filesystems by guest path, with the stubs that lead to them. */
export class MountTable {
  private readonly roots = new Map<string, Inode>();
  private readonly infos = new Map<string, MountInfo>();
  /** Mounts hidden by a later mount at the same path, which umount uncovers again. */
  private readonly covered = new Map<string, { root: Inode; info: MountInfo }[]>();
  private nextId = ROOT_MOUNT_ID + 1;
  /** The root mount's own entry (its filesystem is the VFS's rootInode). */
  readonly rootInfo: MountInfo = { id: ROOT_MOUNT_ID, source: '', flags: 0 };
  /** For each directory path on the way to a mount: the names inside it that lead on. */
  private readonly leading = new Map<string, Set<string>>();
  private readonly stubs = new Map<string, MountStub>();
  private readonly stubSb = new StubSuper();
  /**
   * The --sysroot directory's root (qemu-riscv64's -L), or null: an absolute path that resolves
   * nowhere else (ENOENT) is looked up again below it, read-only. Not a mount: nothing of it
   * shows in a listing, and what the guest has at a path always wins.
   */
  fallback: Inode | null = null;

  constructor(private readonly now: () => bigint) {}

  /** The root of the filesystem mounted exactly at path, if any. */
  get(path: string): Inode | undefined {
    return this.roots.get(path);
  }

  /** True if a filesystem is mounted exactly at path. */
  has(path: string): boolean {
    return this.roots.has(path);
  }

  /** Every mount but the root's, with its root inode and entry, in the order they were made. */
  entries(): { path: string; root: Inode; info: MountInfo }[] {
    return [...this.roots].map(([path, root]) => ({ path, root, info: this.infos.get(path)! }))
      .sort((a, b) => a.info.id - b.info.id);
  }

  /** Mount points in the order they were made (for tests and listings). */
  paths(): string[] {
    return [...this.roots.keys()];
  }

  /** The mount entry at path ("/" for the root mount), if a filesystem is mounted there. */
  info(path: string): MountInfo | undefined {
    return path === '/' ? this.rootInfo : this.infos.get(path);
  }

  /** The path of the mount that holds path: the longest mount point that is path or above it. */
  mountPointOf(path: string): string {
    for (let p = path; ; p = p.slice(0, Math.max(1, p.lastIndexOf('/')))) {
      if (p === '/' || this.roots.has(p)) return p;
    }
  }

  /** The MNT_* flags of the mount that holds path. */
  flagsAt(path: string): number {
    return this.info(this.mountPointOf(path))?.flags ?? 0;
  }

  /**
   * Removes the mount at path (umount): the stubs that led only to it go too. The caller has
   * checked that no mount lies below it.
   */
  delete(path: string): void {
    const under = this.covered.get(path)?.pop();
    if (under !== undefined) {
      this.roots.set(path, under.root);
      this.infos.set(path, under.info);
      return;
    }
    this.roots.delete(path);
    this.infos.delete(path);
    this.leading.clear();
    for (const p of this.roots.keys()) this.addLeading(p);
  }

  /** Mounts root at normalized absolute path (not "/"), replacing what was mounted there. */
  set(path: string, root: Inode, source = root.sb.type, flags = 0): void {
    const old = this.roots.get(path), oldInfo = this.infos.get(path);
    if (old !== undefined && oldInfo !== undefined) {
      let list = this.covered.get(path);
      if (list === undefined) this.covered.set(path, list = []);
      list.push({ root: old, info: oldInfo });
    }
    this.roots.set(path, root);
    this.infos.set(path, { id: this.nextId++, source, flags });
    this.addLeading(path);
  }

  /** Records the directories on the way to the mount point path. */
  private addLeading(path: string): void {
    const comps = path.split('/').filter((c) => c !== '');
    for (let i = 0; i < comps.length; i++) {
      const dir = '/' + comps.slice(0, i).join('/');
      let names = this.leading.get(dir);
      if (names === undefined) this.leading.set(dir, names = new Set());
      names.add(comps[i]!);
    }
  }

  /** True if some mount lies strictly below path (so path must be reachable as a directory). */
  leadsToMount(path: string): boolean {
    return this.leading.has(path);
  }

  /** True if path is a mount point or on the way to one (it cannot be removed or renamed: EBUSY). */
  busy(path: string): boolean {
    return this.roots.has(path) || this.leading.has(path);
  }

  /** The stub directory that stands at path (one per path, so its inode number is stable). */
  stub(path: string): MountStub {
    let s = this.stubs.get(path);
    if (s === undefined) this.stubs.set(path, s = new MountStub(this.stubSb, this.now()));
    return s;
  }

  /**
   * The listing of the directory at path with the mounts inside it shown: a mount point lists as
   * its mounted root, and a name that leads to a mount lists as a directory (the stub's, unless
   * the filesystem below has a directory there).
   */
  mountOverlay(path: string, listed: DirEntry[]): DirEntry[] {
    const names = this.leading.get(path);
    if (names === undefined) return listed;
    const out = listed.filter((e) => !names.has(e.name));
    for (const name of names) {
      const p = childPath(path, name);
      const root = this.roots.get(p);
      const st = root?.getattr();
      if (st !== undefined && typeof st !== 'number') {
        out.push({ name, ino: st.ino, type: dtypeOf(st.mode) });
        continue;
      }
      const below = listed.find((e) => e.name === name && e.type === DT_DIR);
      out.push(below ?? { name, ino: this.stub(p).ino, type: DT_DIR });
    }
    return out;
  }
}
