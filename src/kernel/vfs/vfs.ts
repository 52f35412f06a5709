// PLACEHOLDER: replaced by the VFS implementation (mount table, path walk, tmpfs, hostfs...).
import type { Host } from '../../host/host.js';
export interface VfsOptions {
  /** Host directory mounts: host path, guest absolute path, read-only flag. */
  mounts: { host: string; guest: string; readonly: boolean }[];
  /** Host directory to use as the guest's "/" (--root), or null for the default view. */
  root: string | null;
}
export class Vfs {
  constructor(readonly options: VfsOptions, readonly host: Host) {}
}
