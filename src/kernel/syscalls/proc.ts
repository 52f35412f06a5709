// Process identity syscalls: pids, credentials, process groups and sessions, set_tid_address,
// robust futex lists and prctl.
import { withUidCaps } from './capability.js';
import { EACCES, EINVAL, EPERM, ESRCH } from '../../abi/errno.js';
import type { Task } from '../task.js';
import type { SysArgs, SyscallDef } from './types.js';
import type { Cred } from '../cred.js';
import { findTask, privileged, taskComm, TASK_COMM_LEN } from './proc_state.js';

/** (uid_t)-1 / (gid_t)-1: "leave unchanged" in set*id calls, and never a valid id. */
const ID_UNCHANGED = 0xffffffff;
/** Linux's NGROUPS_MAX (include/uapi/linux/limits.h): largest supplementary group list. */
export const NGROUPS_MAX = 65536;
/** sizeof(struct robust_list_head) on LP64: list.next, futex_offset, list_op_pending. */
const ROBUST_LIST_HEAD_SIZE = 24;
/** Highest signal number (_NSIG) for PR_SET_PDEATHSIG. */
const NSIG = 64;
/** CAP_LAST_CAP in Linux 6.1 (CAP_CHECKPOINT_RESTORE): the bounding set holds caps 0..40. */
const CAP_LAST_CAP = 40;

/** prctl options (include/uapi/linux/prctl.h). */
const PR_SET_PDEATHSIG = 1, PR_GET_PDEATHSIG = 2, PR_GET_DUMPABLE = 3, PR_SET_DUMPABLE = 4,
  PR_SET_NAME = 15, PR_GET_NAME = 16, PR_CAPBSET_READ = 23, PR_SET_NO_NEW_PRIVS = 38,
  PR_GET_NO_NEW_PRIVS = 39, PR_SET_CHILD_SUBREAPER = 36, PR_GET_CHILD_SUBREAPER = 37;
/** prctl timer slack options (include/uapi/linux/prctl.h). */
const PR_SET_TIMERSLACK = 29, PR_GET_TIMERSLACK = 30;

// --- pids -----------------------------------------------------------------------------------

/** getpid: the thread group id. */
function sysGetpid(t: Task): number { return t.tg.pid; }
/** getppid: the parent's pid. */
function sysGetppid(t: Task): number { return t.tg.ppid; }
/** gettid: the thread id. */
function sysGettid(t: Task): number { return t.tid; }

// --- credentials ----------------------------------------------------------------------------

/** The caller's credentials (shared by its thread group). */
function cred(t: Task): Cred { return t.tg.cred; }

/** Returns true if id is one of the given current ids (the unprivileged set*id rule). */
function oneOf(id: number, ...ids: number[]): boolean { return ids.includes(id); }

/** The four ids of one kind in a Cred (uids or gids): real, effective, saved and filesystem.
 *  Linux applies the same rules to both kinds. */
interface IdFields {
  readonly r: 'ruid' | 'rgid';
  readonly e: 'euid' | 'egid';
  readonly s: 'suid' | 'sgid';
  readonly fs: 'fsuid' | 'fsgid';
}
const UIDS: IdFields = { r: 'ruid', e: 'euid', s: 'suid', fs: 'fsuid' };
const GIDS: IdFields = { r: 'rgid', e: 'egid', s: 'sgid', fs: 'fsgid' };

/** set[ug]id(id): root sets all four ids of kind k; others may set the effective one to the real
 *  or saved one. Returns 0 or -errno. */
function setId(t: Task, k: IdFields, id: number): number {
  if (id === ID_UNCHANGED) return -EINVAL;
  const c = cred(t);
  if (privileged(t)) { c[k.r] = c[k.e] = c[k.s] = c[k.fs] = id; return 0; }
  if (!oneOf(id, c[k.r], c[k.s])) return -EPERM;
  c[k.e] = c[k.fs] = id;
  return 0;
}

/** setre[ug]id(r, e): -1 leaves an id unchanged; the saved id follows the effective one when r is
 *  set or e differs from the old real id. Returns 0 or -errno. */
function setReIds(t: Task, k: IdFields, r: number, e: number): number {
  const c = cred(t);
  const priv = privileged(t);
  if (r !== ID_UNCHANGED && !priv && !oneOf(r, c[k.r], c[k.e])) return -EPERM;
  if (e !== ID_UNCHANGED && !priv && !oneOf(e, c[k.r], c[k.e], c[k.s])) return -EPERM;
  const oldR = c[k.r];
  if (r !== ID_UNCHANGED) c[k.r] = r;
  if (e !== ID_UNCHANGED) c[k.e] = e;
  if (r !== ID_UNCHANGED || (e !== ID_UNCHANGED && e !== oldR)) c[k.s] = c[k.e];
  c[k.fs] = c[k.e];
  return 0;
}

/** setres[ug]id(r, e, s): unprivileged callers may only use their current real, effective and
 *  saved ids of kind k. Returns 0 or -errno. */
function setResIds(t: Task, k: IdFields, ids: readonly [number, number, number]): number {
  const c = cred(t);
  if (!privileged(t)) {
    for (const id of ids) if (id !== ID_UNCHANGED && !oneOf(id, c[k.r], c[k.e], c[k.s])) return -EPERM;
  }
  if (ids[0] !== ID_UNCHANGED) c[k.r] = ids[0];
  if (ids[1] !== ID_UNCHANGED) c[k.e] = ids[1];
  if (ids[2] !== ID_UNCHANGED) c[k.s] = ids[2];
  c[k.fs] = c[k.e];
  return 0;
}

/** getres[ug]id(r*, e*, s*): writes the real, effective and saved ids of kind k as u32; returns 0. */
function getResIds(t: Task, k: IdFields, a: SysArgs): number {
  const c = cred(t), mem = t.mm.mem;
  mem.writeU32(a.addr(0), c[k.r]);
  mem.writeU32(a.addr(1), c[k.e]);
  mem.writeU32(a.addr(2), c[k.s]);
  return 0;
}

/** setfs[ug]id(id): returns the old filesystem id of kind k; changes it only when permitted. */
function setFsId(t: Task, k: IdFields, id: number): number {
  const c = cred(t), old = c[k.fs];
  if (id !== ID_UNCHANGED && (privileged(t) || oneOf(id, c[k.r], c[k.e], c[k.s], c[k.fs]))) c[k.fs] = id;
  return old;
}

/** setuid(uid): root sets all ids; others may set euid to ruid or suid. */
function sysSetuid(t: Task, a: SysArgs): number { return setId(t, UIDS, a.u32(0)); }
/** setgid(gid): as setuid, for group ids. */
function sysSetgid(t: Task, a: SysArgs): number { return setId(t, GIDS, a.u32(0)); }
/** setreuid(ruid, euid): -1 leaves an id unchanged; suid follows euid when ruid is set or euid != old ruid. */
function sysSetreuid(t: Task, a: SysArgs): number { return setReIds(t, UIDS, a.u32(0), a.u32(1)); }
/** setregid(rgid, egid): as setreuid, for group ids. */
function sysSetregid(t: Task, a: SysArgs): number { return setReIds(t, GIDS, a.u32(0), a.u32(1)); }
/** setresuid(r, e, s): unprivileged callers may only use their current r/e/s uids. */
function sysSetresuid(t: Task, a: SysArgs): number { return setResIds(t, UIDS, [a.u32(0), a.u32(1), a.u32(2)]); }
/** setresgid(r, e, s): as setresuid, for group ids. */
function sysSetresgid(t: Task, a: SysArgs): number { return setResIds(t, GIDS, [a.u32(0), a.u32(1), a.u32(2)]); }
/** getresuid(r*, e*, s*): writes the three uids as u32. */
function sysGetresuid(t: Task, a: SysArgs): number { return getResIds(t, UIDS, a); }
/** getresgid(r*, e*, s*): writes the three gids as u32. */
function sysGetresgid(t: Task, a: SysArgs): number { return getResIds(t, GIDS, a); }
/** setfsuid(uid): always returns the old fsuid; changes it only when permitted. */
function sysSetfsuid(t: Task, a: SysArgs): number { return setFsId(t, UIDS, a.u32(0)); }
/** setfsgid(gid): always returns the old fsgid; changes it only when permitted. */
function sysSetfsgid(t: Task, a: SysArgs): number { return setFsId(t, GIDS, a.u32(0)); }

/** getgroups(size, list*): returns the group count; size 0 only asks for it; too small -> EINVAL. */
function sysGetgroups(t: Task, a: SysArgs): number {
  const size = a.int(0);
  const groups = cred(t).groups;
  if (size < 0) return -EINVAL;
  if (size === 0) return groups.length;
  if (size < groups.length) return -EINVAL;
  const addr = a.addr(1);
  t.mm.mem.checkWrite(addr, groups.length * 4);
  groups.forEach((g, i) => t.mm.mem.writeU32(addr + 4 * i, g));
  return groups.length;
}

/** setgroups(size, list*): root only (EPERM otherwise); size above NGROUPS_MAX -> EINVAL. */
function sysSetgroups(t: Task, a: SysArgs): number {
  if (!privileged(t)) return -EPERM;
  const size = a.u32(0);
  if (size > NGROUPS_MAX) return -EINVAL;
  const addr = a.addr(1);
  const groups: number[] = [];
  t.mm.mem.checkRead(addr, size * 4);
  for (let i = 0; i < size; i++) groups.push(t.mm.mem.readU32(addr + 4 * i));
  cred(t).groups = groups.sort((x, y) => x - y);
  return 0;
}

// --- process groups and sessions ------------------------------------------------------------

/** getpgid(pid): the process group of the process that task pid belongs to (0: the caller). */
function sysGetpgid(t: Task, a: SysArgs): number {
  const target = findTask(t, a.int(0));
  if (!target) return -ESRCH;
  return target.tg.pgid;
}

/** getsid(pid): the session id of the process that task pid belongs to (0: the caller). */
function sysGetsid(t: Task, a: SysArgs): number {
  const target = findTask(t, a.int(0));
  if (!target) return -ESRCH;
  return target.tg.sid;
}

/** setsid(): EPERM if a process group with the caller's pid exists, else starts a session; returns its id. */
function sysSetsid(t: Task): number {
  const tg = t.tg;
  if (tg.pgid === tg.pid || t.kernel.procs.inGroup(tg.pid).length > 0) return -EPERM;
  tg.pgid = tg.sid = tg.pid;
  tg.node.ctty = null; // a new session has no controlling terminal
  return tg.sid;
}

/**
 * setpgid(pid, pgid): moves the caller or one of its children into process group pgid (a new
 * group when pgid == pid, else an existing one in the same session); a child that has exec'd
 * may no longer be moved by its parent (EACCES).
 */
function sysSetpgid(t: Task, a: SysArgs): number {
  let pid = a.int(0);
  let pgid = a.int(1);
  if (pid === 0) pid = t.tg.pid;
  if (pgid === 0) pgid = pid;
  if (pgid < 0) return -EINVAL;
  const target = findTask(t, pid);
  if (!target) return -ESRCH;
  const p = target.tg;
  if (p !== t.tg) {
    if (p.node.parent !== t.tg) return -ESRCH; // neither the caller nor its child
    if (p.sid !== t.tg.sid) return -EPERM;
    if (p.node.execed) return -EACCES;
  }
  if (target.tid !== p.pid) return -EINVAL; // not a thread group leader
  if (p.sid === p.pid) return -EPERM; // a session leader cannot move
  if (pgid !== pid && !t.kernel.procs.groupInSession(pgid, t.tg.sid)) return -EPERM;
  p.pgid = pgid;
  return 0;
}

// --- thread bookkeeping ---------------------------------------------------------------------

/** set_tid_address(tidptr): records clear_child_tid; returns the caller's tid. */
function sysSetTidAddress(t: Task, a: SysArgs): number {
  t.clearChildTid = a.addr(0);
  return t.tid;
}

/** set_robust_list(head, len): len must be sizeof(struct robust_list_head). */
function sysSetRobustList(t: Task, a: SysArgs): number {
  if (a.num(1) !== ROBUST_LIST_HEAD_SIZE) return -EINVAL;
  t.robustList = a.addr(0);
  t.robustListLen = ROBUST_LIST_HEAD_SIZE;
  return 0;
}

/** get_robust_list(pid, head**, len*): writes the recorded head and its size. */
function sysGetRobustList(t: Task, a: SysArgs): number {
  const target = findTask(t, a.int(0));
  if (!target) return -ESRCH;
  const mem = t.mm.mem;
  mem.writeU64(a.addr(2), ROBUST_LIST_HEAD_SIZE);
  mem.writeU64(a.addr(1), target.robustList);
  return 0;
}

// --- prctl ----------------------------------------------------------------------------------

/** prctl(option, arg2..arg5): the options glibc and common programs use; others -> EINVAL. */
function sysPrctl(t: Task, a: SysArgs): number {
  const option = a.int(0);
  const arg2 = a.big(1);
  const mem = t.mm.mem;
  switch (option) {
    case PR_SET_PDEATHSIG:
      if (arg2 > BigInt(NSIG)) return -EINVAL;
      t.pdeathsig = Number(arg2);
      return 0;
    case PR_GET_PDEATHSIG:
      mem.writeI32(a.addr(1), t.pdeathsig);
      return 0;
    case PR_SET_CHILD_SUBREAPER:
      t.tg.node.subreaper = arg2 !== 0n;
      return 0;
    case PR_GET_CHILD_SUBREAPER:
      mem.writeI32(a.addr(1), t.tg.node.subreaper ? 1 : 0);
      return 0;
    case PR_GET_DUMPABLE:
      return t.tg.dumpable;
    case PR_SET_DUMPABLE:
      if (arg2 !== 0n && arg2 !== 1n) return -EINVAL;
      t.tg.dumpable = Number(arg2);
      return 0;
    case PR_SET_NAME: {
      // Like strncpy_from_user(comm, arg2, 15): stops at NUL or 15 bytes; faults only on bytes read.
      const addr = a.addr(1);
      const name: number[] = [];
      for (let i = 0; i < TASK_COMM_LEN - 1; i++) {
        const b = mem.readU8(addr + i);
        if (b === 0) break;
        name.push(b);
      }
      t.comm = Uint8Array.from(name);
      return 0;
    }
    case PR_GET_NAME: {
      const buf = new Uint8Array(TASK_COMM_LEN);
      buf.set(taskComm(t));
      mem.write(a.addr(1), buf);
      return 0;
    }
    case PR_SET_TIMERSLACK:
      // 0 (or a value that is negative as a long) restores the default slack.
      t.timerSlackNs = BigInt.asIntN(64, arg2) <= 0n ? t.defaultTimerSlackNs : Number(arg2);
      return 0;
    case PR_GET_TIMERSLACK:
      return t.timerSlackNs;
    case PR_CAPBSET_READ:
      // The bounding set is full for every process (no capability was ever dropped from it).
      return arg2 <= BigInt(CAP_LAST_CAP) ? 1 : -EINVAL;
    case PR_SET_NO_NEW_PRIVS:
      if (arg2 !== 1n || a.big(2) !== 0n || a.big(3) !== 0n || a.big(4) !== 0n) return -EINVAL;
      t.noNewPrivs = true;
      return 0;
    case PR_GET_NO_NEW_PRIVS:
      if (arg2 !== 0n || a.big(2) !== 0n || a.big(3) !== 0n || a.big(4) !== 0n) return -EINVAL;
      return t.noNewPrivs ? 1 : 0;
    default:
      return -EINVAL;
  }
}

export const defs: SyscallDef[] = [
  { nr: 172, name: 'getpid', handler: sysGetpid, status: 'full', args: [] },
  { nr: 173, name: 'getppid', handler: sysGetppid, status: 'full', args: [] },
  { nr: 178, name: 'gettid', handler: sysGettid, status: 'full', args: [] },
  { nr: 174, name: 'getuid', handler: (t) => cred(t).ruid, status: 'full', args: [] },
  { nr: 175, name: 'geteuid', handler: (t) => cred(t).euid, status: 'full', args: [] },
  { nr: 176, name: 'getgid', handler: (t) => cred(t).rgid, status: 'full', args: [] },
  { nr: 177, name: 'getegid', handler: (t) => cred(t).egid, status: 'full', args: [] },
  { nr: 146, name: 'setuid', handler: withUidCaps(sysSetuid), status: 'full', note: 'uid 0 counts as holding every capability', args: ['uint'] },
  { nr: 144, name: 'setgid', handler: sysSetgid, status: 'full', args: ['uint'] },
  { nr: 145, name: 'setreuid', handler: withUidCaps(sysSetreuid), status: 'full', args: ['int', 'int'] },
  { nr: 143, name: 'setregid', handler: sysSetregid, status: 'full', args: ['int', 'int'] },
  { nr: 147, name: 'setresuid', handler: withUidCaps(sysSetresuid), status: 'full', args: ['int', 'int', 'int'] },
  { nr: 149, name: 'setresgid', handler: sysSetresgid, status: 'full', args: ['int', 'int', 'int'] },
  { nr: 148, name: 'getresuid', handler: sysGetresuid, status: 'full', args: ['ptr', 'ptr', 'ptr'] },
  { nr: 150, name: 'getresgid', handler: sysGetresgid, status: 'full', args: ['ptr', 'ptr', 'ptr'] },
  { nr: 151, name: 'setfsuid', handler: sysSetfsuid, status: 'full', args: ['int'] },
  { nr: 152, name: 'setfsgid', handler: sysSetfsgid, status: 'full', args: ['int'] },
  { nr: 158, name: 'getgroups', handler: sysGetgroups, status: 'full', note: 'no supplementary groups unless root sets some', args: ['int', 'ptr'] },
  { nr: 159, name: 'setgroups', handler: sysSetgroups, status: 'full', args: ['int', 'ptr'] },
  { nr: 155, name: 'getpgid', handler: sysGetpgid, status: 'full', args: ['int'] },
  { nr: 156, name: 'getsid', handler: sysGetsid, status: 'full', args: ['int'] },
  { nr: 157, name: 'setsid', handler: sysSetsid, status: 'full', note: 'the first process leads its own session and group', args: [] },
  { nr: 154, name: 'setpgid', handler: sysSetpgid, status: 'full', args: ['int', 'int'] },
  { nr: 96, name: 'set_tid_address', handler: sysSetTidAddress, status: 'full', args: ['ptr'] },
  { nr: 99, name: 'set_robust_list', handler: sysSetRobustList, status: 'full', args: ['ptr', 'size'] },
  { nr: 100, name: 'get_robust_list', handler: sysGetRobustList, status: 'full', args: ['int', 'ptr', 'ptr'] },
  { nr: 167, name: 'prctl', handler: sysPrctl, status: 'partial', note: 'PDEATHSIG, CHILD_SUBREAPER, DUMPABLE, NAME, CAPBSET_READ, NO_NEW_PRIVS', args: ['int', 'hex', 'hex', 'hex', 'hex'] },
];
