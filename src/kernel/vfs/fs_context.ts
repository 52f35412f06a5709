// Per-task filesystem context (Linux's fs_struct): root, current directory and umask.
import type { Loc } from './inode.js';

/** Default file creation mask, as a login shell has. */
export const DEFAULT_UMASK = 0o022;

export class FsContext {
  constructor(public root: Loc, public cwd: Loc, public umask = DEFAULT_UMASK) {}

  /** A copy for fork (clone without CLONE_FS). */
  clone(): FsContext {
    return new FsContext(this.root, this.cwd, this.umask);
  }
}

/** What getcwd(2) prints when a directory lies outside the caller's root (Linux's prefix). */
export const UNREACHABLE_PREFIX = '(unreachable)';

/**
 * Returns absolute guest path p as seen from root (a chroot): the part below root, or p with
 * UNREACHABLE_PREFIX when p is outside it. Assumes p and root.path are normalized ("/a/b").
 */
export function pathSeenFrom(p: string, root: Loc): string {
  const r = root.path;
  if (r === '/') return p;
  if (p === r) return '/';
  if (p.startsWith(r + '/')) return p.slice(r.length);
  return p.startsWith('/') ? UNREACHABLE_PREFIX + p : p;
}
