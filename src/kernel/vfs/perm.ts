// Permission checks on mode bits (Linux's generic_permission without ACLs or capabilities
// beyond fsuid 0's override), with the calling task's filesystem ids and groups.
import { EACCES } from '../../abi/errno.js';
import type { Cred } from '../cred.js';
import type { StatInfo } from './file.js';
import type { Inode } from './inode.js';
import { S_IFDIR, S_IFMT, S_IFREG, S_ISGID, S_ISUID, X_OK } from './constants.js';

/** Group-execute permission bit. */
const S_IXGRP = 0o010;

/** Returns 0 if cred may access st with mask (R_OK|W_OK|X_OK bits), else -EACCES. */
export function permission(st: StatInfo, mask: number, cred: Cred): number {
  mask &= 7;
  if (cred.fsuid === 0) {
    // Root passes everything, except exec of a non-directory with no x bit at all.
    if ((mask & X_OK) && (st.mode & S_IFMT) !== S_IFDIR && (st.mode & 0o111) === 0) return -EACCES;
    return 0;
  }
  let bits: number;
  if (st.uid === cred.fsuid) bits = (st.mode >> 6) & 7;
  else if (cred.inGroup(st.gid)) bits = (st.mode >> 3) & 7;
  else bits = st.mode & 7;
  return (bits & mask) === mask ? 0 : -EACCES;
}

/** Owner, group and mode of a new inode (Linux's inode_init_owner). */
export interface NewOwner {
  uid: number;
  gid: number;
  mode: number;
}

/**
 * Returns who owns a new inode of mode (type and permission bits, umask already applied) created
 * by cred in a directory with attributes dir: the fsuid, and the fsgid unless the directory is
 * setgid, in which case its group (a new subdirectory keeps S_ISGID; a new setgid-executable file
 * of a group the creator is not in loses S_ISGID unless the creator is root).
 */
export function newInodeOwner(dir: StatInfo | number, mode: number, cred: Cred): NewOwner {
  if (typeof dir === 'number' || !(dir.mode & S_ISGID)) return { uid: cred.fsuid, gid: cred.fsgid, mode };
  const gid = dir.gid;
  if ((mode & S_IFMT) === S_IFDIR) mode |= S_ISGID;
  else if ((mode & (S_ISGID | S_IXGRP)) === (S_ISGID | S_IXGRP) && !cred.inGroup(gid) && cred.fsuid !== 0) mode &= ~S_ISGID;
  return { uid: cred.fsuid, gid, mode };
}

/**
 * Returns the mode a chmod to mode leaves on st: S_ISGID is dropped when the caller is neither
 * in the file's group nor root (Linux's setattr_copy rule).
 */
export function chmodMode(st: StatInfo, mode: number, cred: Cred): number {
  if ((mode & S_ISGID) && cred.fsuid !== 0 && !cred.inGroup(st.gid)) mode &= ~S_ISGID;
  return mode;
}

/**
 * Returns the privilege bits a write or truncate by a caller without CAP_FSETID removes from
 * a regular file of mode (Linux's should_remove_suid): S_ISUID always, S_ISGID when the group
 * may execute it (without group exec it marks mandatory locking and stays). 0 if none.
 */
export function suidBitsToKill(mode: number): number {
  if ((mode & S_IFMT) !== S_IFREG) return 0;
  let kill = mode & S_ISUID;
  if ((mode & (S_ISGID | S_IXGRP)) === (S_ISGID | S_IXGRP)) kill |= S_ISGID;
  return kill;
}

/** Clears setuid/setgid of inode after a write by cred (root keeps them); returns 0 or -errno. */
export function killSuidOnWrite(inode: Inode, cred: Cred | undefined): number {
  if (cred === undefined || cred.fsuid === 0) return 0;
  const st = inode.getattr();
  if (typeof st === 'number') return 0;
  const kill = suidBitsToKill(st.mode);
  if (kill === 0 || !inode.setattr) return 0;
  return inode.setattr({ mode: st.mode & 0o7777 & ~kill });
}
