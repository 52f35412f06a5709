// A process's credentials (Linux's struct cred): the real, effective, saved and filesystem user
// and group ids and the supplementary groups. The identity syscalls change them; the VFS checks
// file access with fsuid, fsgid and the groups. uid 0 stands for holding every capability.

/** The highest capability number Linux 6.1 knows (CAP_CHECKPOINT_RESTORE). */
export const CAP_LAST_CAP = 40;
/** Every capability up to CAP_LAST_CAP (Linux's CAP_FULL_SET). */
export const CAP_FULL_SET = (1n << BigInt(CAP_LAST_CAP + 1)) - 1n;

/** Linux's struct cred, reduced to what ecall uses. Ids are u32. */
export class Cred {
  ruid: number; euid: number; suid: number; fsuid: number;
  rgid: number; egid: number; sgid: number; fsgid: number;
  /** Supplementary groups (setgroups/getgroups), sorted ascending. */
  groups: number[];
  /** Capability sets as bit masks (bit n = capability n); caps.ts keeps them in step with the uids. */
  capPermitted: bigint; capEffective: bigint; capInheritable: bigint;

  /** A cred with every uid set to uid, every gid to gid, and the given supplementary groups. */
  constructor(uid: number, gid: number, groups: number[] = []) {
    this.ruid = this.euid = this.suid = this.fsuid = uid >>> 0;
    this.rgid = this.egid = this.sgid = this.fsgid = gid >>> 0;
    this.groups = groups;
    // A process started as uid 0 holds every capability; anyone else none (Linux's init and login).
    this.capPermitted = this.capEffective = uid >>> 0 === 0 ? CAP_FULL_SET : 0n;
    this.capInheritable = 0n;
  }

  /** Returns an independent copy (fork's copy_creds: the child's later changes do not reach the parent). */
  clone(): Cred {
    const c = new Cred(0, 0, this.groups.slice());
    c.ruid = this.ruid; c.euid = this.euid; c.suid = this.suid; c.fsuid = this.fsuid;
    c.rgid = this.rgid; c.egid = this.egid; c.sgid = this.sgid; c.fsgid = this.fsgid;
    c.capPermitted = this.capPermitted; c.capEffective = this.capEffective; c.capInheritable = this.capInheritable;
    return c;
  }

  /**
   * Returns the cred access(2) checks with: a copy whose fs ids are the real ids, so a set-id
   * program asks what its invoker may do (Linux's access_override_creds).
   */
  forAccess(): Cred {
    const c = this.clone();
    c.fsuid = this.ruid;
    c.fsgid = this.rgid;
    return c;
  }

  /** True if gid is the fsgid or one of the supplementary groups (Linux's in_group_p). */
  inGroup(gid: number): boolean {
    return gid === this.fsgid || this.groups.includes(gid);
  }
}
