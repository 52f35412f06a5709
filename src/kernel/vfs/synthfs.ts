// Building blocks for synthetic filesystems (/dev, /proc): directories whose entries are
// computed on each lookup, symlinks with computed targets, and special files with an open hook.
import { EACCES, ENOENT } from '../../abi/errno.js';
import type { OpenFile, StatInfo } from './file.js';
import type { Caller, DirEntry, Inode, Loc, SuperBlock } from './inode.js';
import { allocAnonDev } from './inode.js';
import { S_IFDIR, S_IFLNK, S_IFMT, dtypeOf } from './constants.js';

/** A synthetic filesystem instance; inode numbers are stable per key string. */
export class SynthSuper implements SuperBlock {
  readonly dev = allocAnonDev();
  readonly readonly = false;
  private readonly inos = new Map<string, number>();
  readonly createdNs: bigint;

  constructor(readonly type: string, readonly magic: number, now: () => bigint, readonly uid = 0, readonly gid = 0) {
    this.createdNs = now();
  }

  /** Returns the inode number for key, assigning the next one on first use. */
  inoFor(key: string): number {
    let n = this.inos.get(key);
    if (n === undefined) {
      n = this.inos.size + 1;
      this.inos.set(key, n);
    }
    return n;
  }
}

/** Common metadata of synthetic nodes. */
export abstract class SynthNode implements Inode {
  readonly ino: number;

  constructor(readonly sb: SynthSuper, key: string, readonly mode: number, readonly rdev = 0,
    readonly owner: { uid: number; gid: number } | null = null) {
    this.ino = sb.inoFor(key);
  }

  getattr(): StatInfo {
    const t = this.sb.createdNs;
    const isDir = (this.mode & S_IFMT) === S_IFDIR;
    return {
      dev: this.sb.dev, ino: this.ino, mode: this.mode, nlink: isDir ? 2 : 1,
      uid: this.owner?.uid ?? this.sb.uid, gid: this.owner?.gid ?? this.sb.gid, rdev: this.rdev,
      size: this.sizeHint(), blksize: 1024, blocks: 0, atimeNs: t, mtimeNs: t, ctimeNs: t,
    };
  }

  protected sizeHint(): number {
    return 0;
  }
}

/** A directory whose children are computed per caller. */
export class SynthDir extends SynthNode {
  constructor(sb: SynthSuper, key: string, mode: number,
    readonly children: (caller: Caller) => Map<string, Inode>,
    owner: { uid: number; gid: number } | null = null,
    /** Finds entries that readdir does not list (other processes in /proc). */
    readonly unlisted: ((name: string, caller: Caller) => Inode | undefined) | null = null) {
    super(sb, key, S_IFDIR | mode, 0, owner);
  }

  lookup(name: string, caller: Caller): Inode | number {
    return this.children(caller).get(name) ?? this.unlisted?.(name, caller) ?? -ENOENT;
  }

  readdir(caller: Caller): DirEntry[] {
    const out: DirEntry[] = [];
    for (const [name, n] of this.children(caller)) {
      const st = n.getattr();
      if (typeof st !== 'number') out.push({ name, ino: st.ino, type: dtypeOf(st.mode) });
    }
    return out;
  }
}

/** A symlink with a computed target; optionally a magic link to an open file. */
export class SynthLink extends SynthNode {
  constructor(sb: SynthSuper, key: string, readonly target: (caller: Caller) => string | number,
    readonly magic: ((caller: Caller) => OpenFile | number) | null = null,
    owner: { uid: number; gid: number } | null = null) {
    super(sb, key, S_IFLNK | 0o777, 0, owner);
  }

  readlink(caller: Caller): string | number {
    return this.target(caller);
  }

  get magicTarget(): ((caller: Caller) => OpenFile | number) | undefined {
    return this.magic ?? undefined;
  }

  protected override sizeHint(): number {
    const t = this.target(null);
    return typeof t === 'string' ? t.length : 0;
  }
}

/** A special file (device or generated content) opened through a hook. */
export class SynthFile extends SynthNode {
  constructor(sb: SynthSuper, key: string, mode: number, rdev: number,
    readonly opener: (caller: Caller, flags: number, loc: Loc) => OpenFile | number,
    owner: { uid: number; gid: number } | null = null) {
    super(sb, key, mode, rdev, owner);
  }

  open(caller: Caller, flags: number, loc: Loc): OpenFile | number {
    if (caller === null) return -EACCES;
    return this.opener(caller, flags, loc);
  }
}
