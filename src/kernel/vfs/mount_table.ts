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

/** The mounted filesystems by guest path, with the stubs that lead to them. */
export class MountTable {
  private readonly roots = new Map<string, Inode>();
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

  /** Mount points in the order they were made (for tests and listings). */
  paths(): string[] {
    return [...this.roots.keys()];
  }

  /** Mounts root at normalized absolute path (not "/"), replacing what was mounted there. */
  set(path: string, root: Inode): void {
    this.roots.set(path, root);
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
