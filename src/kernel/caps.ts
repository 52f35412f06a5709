// Capabilities (Linux's capability sets in struct cred): which privileged operations a process
// may do. cred.ts holds the sets; this file checks them and keeps them in step with the uids the
// way Linux does for a process without file capabilities or securebits.
import { CAP_FULL_SET, type Cred } from './cred.js';

/** Capability numbers ecall checks by name (include/uapi/linux/capability.h). */
export const CAP_SETPCAP = 8;
export const CAP_SYS_CHROOT = 18;
export const CAP_SYS_ADMIN = 21;

/** True if cred's effective set holds capability cap (Linux's capable()). */
export function capable(cred: Cred, cap: number): boolean {
  return (cred.capEffective >> BigInt(cap) & 1n) !== 0n;
}

/** The real, effective and saved uids of a cred before a change. */
export interface UidTriple {
  ruid: number;
  euid: number;
  suid: number;
}

/** Returns cred's uids as a snapshot for capsAfterUidChange. */
export function uidTriple(cred: Cred): UidTriple {
  return { ruid: cred.ruid, euid: cred.euid, suid: cred.suid };
}

/**
 * Adjusts cred's capabilities after a set*uid call changed the ids from old (Linux's
 * cap_emulate_setxuid, without PR_SET_KEEPCAPS): leaving uid 0 everywhere drops the permitted and
 * effective sets, leaving euid 0 drops the effective set, and regaining euid 0 restores it.
 */
export function capsAfterUidChange(cred: Cred, old: UidTriple): void {
  const hadRoot = old.ruid === 0 || old.euid === 0 || old.suid === 0;
  if (hadRoot && cred.ruid !== 0 && cred.euid !== 0 && cred.suid !== 0) {
    cred.capPermitted = 0n;
    cred.capEffective = 0n;
  }
  if (old.euid === 0 && cred.euid !== 0) cred.capEffective = 0n;
  if (old.euid !== 0 && cred.euid === 0) cred.capEffective = cred.capPermitted;
}

/**
 * Sets cred's capabilities for a new program (Linux's cap_bprm_creds_from_file for a file with
 * no capabilities): uid 0 (real or effective) gains every capability, effective only if the
 * effective uid is 0; anyone else loses them. The inheritable set stays.
 */
export function capsAfterExec(cred: Cred): void {
  const root = cred.ruid === 0 || cred.euid === 0;
  cred.capPermitted = root ? CAP_FULL_SET : 0n;
  cred.capEffective = cred.euid === 0 ? cred.capPermitted : 0n;
}
