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
