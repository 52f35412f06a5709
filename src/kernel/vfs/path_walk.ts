// Path resolution, one component at a time: mounts are crossed by guest path, ".." pops the
// Loc chain (so it never leaves the namespace root), symlinks are read and resolved in the
// guest namespace, at most MAXSYMLINKS per lookup.
import { ELOOP, ENAMETOOLONG, ENOENT, ENOTDIR, EXDEV } from '../../abi/errno.js';
import type { OpenFile, StatInfo } from './file.js';
import type { Caller, Inode, SuperBlock } from './inode.js';
import { Loc } from './inode.js';
import type { Cred } from '../cred.js';
import { permission } from './perm.js';
import { MAXSYMLINKS, NAME_MAX, S_IFDIR, S_IFLNK, S_IFMT, X_OK } from './constants.js';
import { VfsFile } from './open_files.js';
import { childPath, type MountTable } from './mount_table.js';

/** Everything a walk needs: mount table, namespace root, credentials and caller. */
export interface WalkEnv {
  mounts: MountTable;
  root: Loc;
  cred: Cred;
  caller: Caller;
  /** openat2's RESOLVE_* restrictions (0 or absent: none); BENEATH and IN_ROOT walk with root = the start. */
  resolve?: number;
}

/** openat2's resolve bits (include/uapi/linux/openat2.h). */
export const RESOLVE_NO_XDEV = 0x01, RESOLVE_NO_MAGICLINKS = 0x02, RESOLVE_NO_SYMLINKS = 0x04,
  RESOLVE_BENEATH = 0x08, RESOLVE_IN_ROOT = 0x10, RESOLVE_CACHED = 0x20;

/** Counts symlinks followed during one lookup (shared by nested walks). */
export interface LinkBudget {
  links: number;
}

const MAGIC_SB: SuperBlock = { dev: 0, magic: 0, readonly: false, type: 'anon_inode' };

/** An inode standing for an already-open description with no namespace location (pipes, stdio). */
export class OpenFileInode implements Inode {
  readonly sb = MAGIC_SB;
  constructor(readonly file: OpenFile) {}
  getattr(): StatInfo {
    return this.file.stat();
  }
}

/** Returns the byte length of a name (a byte string: one character per byte). */
export function nameBytes(name: string): number {
  return name.length;
}

/** True if st describes a directory. */
export function isDir(st: StatInfo | number): boolean {
  return typeof st !== 'number' && (st.mode & S_IFMT) === S_IFDIR;
}

/**
 * Returns the child of dir named name, crossing into a filesystem mounted there; where a mount lies
 * below that name and the filesystem has no directory there, the mount table's stub stands in.
 */
export function lookupChild(env: WalkEnv, dir: Loc, name: string): Inode | number {
  const path = childPath(dir.path, name);
  const mounted = env.mounts.get(path);
  if (mounted) return mounted;
  const lookup = dir.inode.lookup;
  const found = lookup ? lookup.call(dir.inode, name, env.caller) : -ENOTDIR;
  if (env.mounts.leadsToMount(path) && (typeof found === 'number' || !isDir(found.getattr()))) return env.mounts.stub(path);
  return found;
}

/**
 * Returns lookupChild's child together with its attributes (from the filesystem's lookupStat
 * where it has one: one host call instead of two), or -errno.
 */
function lookupChildStat(env: WalkEnv, dir: Loc, name: string): { inode: Inode; st: StatInfo } | number {
  const path = childPath(dir.path, name);
  const mounted = env.mounts.get(path);
  let found: { inode: Inode; st: StatInfo } | number;
  if (mounted) {
    const st = mounted.getattr();
    return typeof st === 'number' ? st : { inode: mounted, st };
  }
  const d = dir.inode;
  if (d.lookupStat) {
    found = d.lookupStat(name, env.caller);
  } else {
    const inode = d.lookup ? d.lookup(name, env.caller) : -ENOTDIR;
    if (typeof inode === 'number') found = inode;
    else {
      const st = inode.getattr();
      found = typeof st === 'number' ? st : { inode, st };
    }
  }
  if (env.mounts.leadsToMount(path) && (typeof found === 'number' || !isDir(found.st))) {
    const stub = env.mounts.stub(path);
    const st = stub.getattr();
    return typeof st === 'number' ? st : { inode: stub, st };
  }
  return found;
}

/** Returns 0 if dir is a directory the caller may search, else -ENOTDIR / -EACCES; st: its
 *  attributes if the caller has them already. */
function checkSearch(env: WalkEnv, dir: Inode, known: StatInfo | null = null): number {
  const st = known ?? dir.getattr();
  if (typeof st === 'number') return st;
  if ((st.mode & S_IFMT) !== S_IFDIR) return -ENOTDIR;
  return permission(st, X_OK, env.cred);
}

/**
 * Resolves path from start (or the root if absolute). follow: whether a final symlink is
 * followed. Returns the Loc or -errno (ENOENT, ENOTDIR, ELOOP, EACCES, ENAMETOOLONG).
 */
export function walk(env: WalkEnv, start: Loc, path: string, follow: boolean, budget: LinkBudget = { links: 0 }): Loc | number {
  const r = walkFrom(env, start, path, follow, budget, env.root);
  const fb = env.mounts.fallback;
  // An absolute path the guest's tree does not have is looked up in the sysroot (--sysroot),
  // unless the caller is inside a chroot (the sysroot lies outside every chroot).
  if (r === -ENOENT && fb !== null && path.startsWith('/') && env.root.comps.length === 0 && !env.resolve) return walkFrom(env, start, path, follow, budget, new Loc([fb], []));
  return r;
}

/**
 * Returns 0 if a walk at start may jump to root (an absolute path or symlink target), else the
 * RESOLVE_* refusal: EXDEV under RESOLVE_BENEATH, or under RESOLVE_NO_XDEV onto another filesystem.
 */
function jumpCheck(resolve: number, start: Loc, root: Loc): number {
  if (resolve & RESOLVE_BENEATH) return -EXDEV;
  if ((resolve & RESOLVE_NO_XDEV) && start.inode.sb !== root.inode.sb) return -EXDEV;
  return 0;
}

/** True if a and b name the same place in the namespace (the same chain of names). */
export function sameLoc(a: Loc, b: Loc): boolean {
  return a.comps.length === b.comps.length && a.comps.every((c, i) => c === b.comps[i]);
}

/** walk's body: absolute paths start at root. */
function walkFrom(env: WalkEnv, start: Loc, path: string, follow: boolean, budget: LinkBudget, root: Loc): Loc | number {
  if (path === '') return -ENOENT;
  const resolve = env.resolve ?? 0;
  if (path.startsWith('/')) {
    const j = jumpCheck(resolve, start, root);
    if (j < 0) return j;
  }
  let cur = path.startsWith('/') ? root : start;
  const trailingSlash = path.endsWith('/');
  const parts = path.split('/').filter((p) => p !== '');
  let curSt: StatInfo | null = null; // cur's attributes when the step that reached it read them
  for (let i = 0; i < parts.length; i++) {
    const name = parts[i]!;
    const last = i === parts.length - 1;
    const r = checkSearch(env, cur.inode, curSt);
    curSt = null;
    if (r < 0) return r;
    if (name === '.') continue;
    if (name === '..') {
      // ".." stops at the caller's root (chroot); from outside it, it climbs as in Linux.
      if (sameLoc(cur, root)) {
        if (resolve & RESOLVE_BENEATH) return -EXDEV;
        continue;
      }
      const up = cur.parent();
      if ((resolve & RESOLVE_NO_XDEV) && up.inode.sb !== cur.inode.sb) return -EXDEV;
      cur = up;
      continue;
    }
    if (nameBytes(name) > NAME_MAX) return -ENAMETOOLONG;
    const found = lookupChildStat(env, cur, name);
    if (typeof found === 'number') return found;
    const child = found.inode, st = found.st;
    if ((resolve & RESOLVE_NO_XDEV) && child.sb !== cur.inode.sb) return -EXDEV;
    if ((st.mode & S_IFMT) === S_IFLNK && (!last || follow || trailingSlash)) {
      if (resolve & RESOLVE_NO_SYMLINKS) return -ELOOP;
      if (++budget.links > MAXSYMLINKS) return -ELOOP;
      if (child.magicTarget) {
        if (resolve & RESOLVE_NO_MAGICLINKS) return -ELOOP;
        if (resolve & (RESOLVE_BENEATH | RESOLVE_IN_ROOT)) return -EXDEV;
        const f = child.magicTarget(env.caller);
        if (typeof f === 'number') return f;
        if ((resolve & RESOLVE_NO_XDEV) && f instanceof VfsFile && f.loc.inode.sb !== cur.inode.sb) return -EXDEV;
        if (f instanceof VfsFile) cur = f.loc;
        else if (!last) return -ENOTDIR;
        else cur = cur.child(name, new OpenFileInode(f));
        continue;
      }
      const target = child.readlink?.(env.caller);
      if (target === undefined) return -ENOENT;
      if (typeof target === 'number') return target;
      const next = walk(env, cur, target, true, budget);
      if (typeof next === 'number') return next;
      cur = next;
      continue;
    }
    cur = cur.child(name, child);
    curSt = st;
  }
  if (trailingSlash || parts.length === 0) {
    const st = cur.inode.getattr();
    if (typeof st === 'number') return st;
    if (trailingSlash && (st.mode & S_IFMT) !== S_IFDIR) return -ENOTDIR;
  }
  return cur;
}

/** The directory that will hold a new or removed entry, and the entry's name. */
export interface ParentAndName {
  dir: Loc;
  /** Final component ("." or ".." possible; "." for the root itself). */
  name: string;
  /** The path ended in "/" (the entry must be a directory). */
  trailingSlash: boolean;
}

/** Resolves all but the last component of path; the parent must be a searchable directory. */
export function walkParent(env: WalkEnv, start: Loc, path: string, budget: LinkBudget = { links: 0 }): ParentAndName | number {
  if (path === '') return -ENOENT;
  if (path.startsWith('/')) {
    const j = jumpCheck(env.resolve ?? 0, start, env.root);
    if (j < 0) return j;
  }
  const trimmed = path.replace(/\/+$/, '');
  const trailingSlash = trimmed.length !== path.length;
  if (trimmed === '') return { dir: env.root, name: '.', trailingSlash };
  const cut = trimmed.lastIndexOf('/');
  const name = trimmed.slice(cut + 1);
  let dir: Loc | number;
  if (cut < 0) dir = start;
  else if (cut === 0) dir = env.root;
  else dir = walk(env, start, trimmed.slice(0, cut), true, budget);
  if (typeof dir === 'number') return dir;
  const r = checkSearch(env, dir.inode);
  if (r < 0) return r;
  if (nameBytes(name) > NAME_MAX) return -ENAMETOOLONG;
  return { dir, name, trailingSlash };
}

/** Returns a Loc made of the mount roots along an absolute guest path (for setting up cwd). */
export function rootLoc(root: Inode): Loc {
  return new Loc([root], []);
}
