// Permission checks on mode bits (Linux's generic_permission without ACLs or capabilities
// beyond fsuid 0's override), with the calling task's filesystem ids and groups.
import { EACCES } from '../../abi/errno.js';
import type { Cred } from '../cred.js';
import type { StatInfo } from './file.js';
import { S_IFDIR, S_IFMT, X_OK } from './constants.js';

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
