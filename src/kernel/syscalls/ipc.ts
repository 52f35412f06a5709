// SysV IPC syscalls: shmget/shmat/shmdt/shmctl, semget/semop/semtimedop/semctl, msgget/msgsnd/
// msgrcv/msgctl. The objects live in ipc/ (one namespace per kernel); this file reads and writes
// the guest's structures (riscv64 uses the asm-generic 64-bit layouts) and applies the rules that
// need the caller: permissions, limits from /proc/sys/kernel, and sleeping. semop, semtimedop,
// msgsnd and msgrcv are never restarted after a signal handler (EINTR), as signal(7) says.
import { E2BIG, EACCES, EAGAIN, EFBIG, EIDRM, EINTR, EINVAL, ENOMSG, ENOSPC, ENOSYS, EPERM, ERANGE } from '../../abi/errno.js';
import type { Request } from '../request.js';
import type { Task } from '../task.js';
import { readTimespec, timespecToNs, timespecValid } from '../structs.js';
import { deadlinePassed, monotonicDeadline } from '../time/deadline.js';
import { IPC_64, IPC_INFO, IPC_NOWAIT, ipcFind, ipcOwner, ipcPermitted, newPerm, writePerm } from '../ipc/ids.js';
import { type CtlKind, ipcCtl, ipcNow } from '../ipc/ctl.js';
import { ipcOf } from '../ipc/namespace.js';
import { SHM_LOCKED, SHMMIN, shmAt, shmDt, shmGet, shmReap, shmRemove, type ShmSegment } from '../ipc/shm.js';
import {
  GETALL, GETNCNT, GETPID, GETVAL, GETZCNT, SEM_INFO, SEM_STAT, SEM_STAT_ANY, SEM_UNDO, SEMAEM, SEMVMX, SETALL, SETVAL,
  type SemOp, SemSet, trySemops,
} from '../ipc/sem.js';
import { MSG_COPY, MSG_INFO, MSG_NOERROR, MSG_STAT, MSG_STAT_ANY, MsgQueue } from '../ipc/msg.js';
import type { SyscallDef, SysArgs, SysResult } from './types.js';
import { privileged } from './proc_state.js';

/** shmctl commands beyond the IPC_* ones. */
const SHM_LOCK = 11, SHM_UNLOCK = 12, SHM_STAT = 13, SHM_INFO = 14, SHM_STAT_ANY = 15;
/** Structure sizes (asm-generic, 64-bit). */
const SHMID_DS_SIZE = 112, SEMID_DS_SIZE = 88, MSQID_DS_SIZE = 120, SEMBUF_SIZE = 6;
const SHMINFO_SIZE = 72, SHM_INFO_SIZE = 48, SEMINFO_SIZE = 40, MSGINFO_SIZE = 32;
/** Sizes Linux's msginfo reports besides the sysctls (MSGPOOL in kB, MSGSSZ, MSGTQL, MSGSEG). */
const MSGSSZ = 16, MSGTQL = 16384;
/** semop: most struct sembuf read per call, whatever kernel.sem says (the array is read at once). */
const SEMOPM_HARD_MAX = 1024;

/** Strips IPC_64 from a ctl command (every riscv64 structure is the 64-bit one). */
function ctlCmd(a: SysArgs, i: number): number {
  return a.int(i) & ~IPC_64;
}

/** A buffer of n bytes with a little-endian view. */
function buf(n: number): [Uint8Array, DataView] {
  const b = new Uint8Array(n);
  return [b, new DataView(b.buffer)];
}

// --- shared memory --------------------------------------------------------------------------

function sysShmget(t: Task, a: SysArgs): number {
  return shmGet(t, ipcOf(t.kernel).shm, a.int(0), a.num(1), a.int(2));
}

function sysShmat(t: Task, a: SysArgs): number {
  return shmAt(t, ipcOf(t.kernel).shm, a.int(0), a.addr(1), a.int(2));
}

function sysShmdt(t: Task, a: SysArgs): number {
  const ids = ipcOf(t.kernel).shm;
  const r = shmDt(t, ids, a.addr(0));
  shmReap(ids);
  return r;
}

/** Writes struct shmid64_ds for seg at addr. */
function writeShmid(t: Task, addr: number, seg: ShmSegment): void {
  const [b, dv] = buf(SHMID_DS_SIZE);
  dv.setBigUint64(48, BigInt(seg.size), true);
  dv.setBigInt64(56, seg.atime, true);
  dv.setBigInt64(64, seg.dtime, true);
  dv.setBigInt64(72, seg.ctime, true);
  dv.setInt32(80, seg.cpid, true);
  dv.setInt32(84, seg.lpid, true);
  dv.setBigUint64(88, BigInt(seg.nattch), true);
  t.mm.mem.write(addr, b);
  writePerm(t.mm.mem, addr, seg.perm);
}

/** shmctl's answers to the commands every kind has. */
const shmKind: CtlKind<ShmSegment> = {
  stat: SHM_STAT, statAny: SHM_STAT_ANY, writeDs: writeShmid,
  remove: (_t, ids, id, seg) => shmRemove(ids, id, seg),
};

function sysShmctl(t: Task, a: SysArgs): number {
  const ns = ipcOf(t.kernel);
  const ids = ns.shm;
  shmReap(ids);
  const cmd = ctlCmd(a, 1), addr = a.addr(2), s = t.kernel.sysctl;
  const mem = t.mm.mem;
  if (cmd === IPC_INFO) {
    const [b, dv] = buf(SHMINFO_SIZE);
    dv.setBigUint64(0, s.shmmax, true);
    dv.setBigUint64(8, BigInt(SHMMIN), true);
    dv.setBigUint64(16, BigInt(s.shmmni), true);
    dv.setBigUint64(24, BigInt(s.shmmni), true);
    dv.setBigUint64(32, s.shmall, true);
    mem.write(addr, b);
    return Math.max(0, ids.maxIndex());
  }
  if (cmd === SHM_INFO) {
    const [b, dv] = buf(SHM_INFO_SIZE);
    let tot = 0, rss = 0;
    for (const [, seg] of ids.entries()) { tot += Math.ceil(seg.size / 4096); rss += seg.obj.residentPages; }
    dv.setInt32(0, ids.size, true);
    dv.setBigUint64(8, BigInt(tot), true);
    dv.setBigUint64(16, BigInt(rss), true);
    mem.write(addr, b);
    return Math.max(0, ids.maxIndex());
  }
  const hit = ipcCtl(t, ids, shmKind, cmd, a.int(0), addr);
  if (typeof hit === 'number') return hit;
  const [, seg] = hit;
  switch (cmd) {
    case SHM_LOCK: case SHM_UNLOCK: {
      // Pages are never swapped; the flag is what IPC_STAT shows. Locking needs ownership or CAP_IPC_LOCK.
      if (!privileged(t) && !ipcOwner(seg.perm, t.tg.cred)) return -EPERM;
      seg.perm.mode = cmd === SHM_LOCK ? seg.perm.mode | SHM_LOCKED : seg.perm.mode & ~SHM_LOCKED;
      return 0;
    }
    default: return -EINVAL;
  }
}

// --- semaphores -----------------------------------------------------------------------------

function sysSemget(t: Task, a: SysArgs): number {
  const ns = ipcOf(t.kernel);
  const key = a.int(0), nsems = a.int(1), flag = a.int(2);
  const [semmsl, semmns, , semmni] = t.kernel.sysctl.sem;
  if (nsems < 0 || nsems > semmsl) return -EINVAL;
  const found = ipcFind(ns.sem, key, flag, t.tg.cred, (set) => (nsems > set.sems.length ? -EINVAL : 0));
  if (found !== null) return found;
  if (nsems === 0) return -EINVAL;
  let total = nsems;
  for (const [, s] of ns.sem.entries()) total += s.sems.length;
  if (total > semmns || ns.sem.size >= semmni) return -ENOSPC;
  const id = ns.sem.add(new SemSet(newPerm(key, flag, t.tg.cred), nsems, ipcNow(t)), semmni);
  return id < 0 ? -ENOSPC : id;
}

/**
 * semtimedop(id, sops, nsops, timeout): applies the operations atomically or sleeps until they
 * can be (IPC_NOWAIT: EAGAIN; timeout: EAGAIN when it passes; removal: EIDRM; signal: EINTR).
 */
function semtimedop(t: Task, a: SysArgs, r: Request, timeoutAddr: number): SysResult {
  const ns = ipcOf(t.kernel);
  const id = a.int(0), sops = a.addr(1), nsops = a.num(2);
  const semopm = t.kernel.sysctl.sem[2];
  if (nsops < 1 || id < 0) return -EINVAL;
  if (nsops > semopm || nsops > SEMOPM_HARD_MAX) return -E2BIG;
  const raw = t.mm.mem.read(sops, nsops * SEMBUF_SIZE);
  const dv = new DataView(raw.buffer);
  const ops: SemOp[] = [];
  let alter = false, undo = false, maxNum = 0;
  for (let i = 0; i < nsops; i++) {
    const o = { num: dv.getUint16(i * 6, true), op: dv.getInt16(i * 6 + 2, true), flg: dv.getInt16(i * 6 + 4, true) };
    ops.push(o);
    if (o.op !== 0) alter = true;
    if (o.flg & SEM_UNDO) undo = true;
    maxNum = Math.max(maxNum, o.num);
  }
  if (!r.resumed && timeoutAddr !== 0) {
    const ts = readTimespec(t.mm.mem, timeoutAddr);
    if (!timespecValid(ts)) return -EINVAL;
    r.deadline = monotonicDeadline(t.kernel.monotonicNs() + timespecToNs(ts));
  }
  const set = ns.sem.get(id);
  if (set === undefined) return r.resumed ? -EIDRM : -EINVAL;
  set.waiters.delete(r);
  if (maxNum >= set.sems.length) return -EFBIG;
  if (!ipcPermitted(set.perm, alter ? 0o222 : 0o444, t.tg.cred)) return -EACCES;
  if (undo) {
    for (const o of ops) if (o.flg & SEM_UNDO && Math.abs(o.op) > SEMAEM) return -ERANGE;
  }
  const res = trySemops(set, ops, t.tg.pid);
  if (res === null) {
    set.otime = ipcNow(t);
    if (undo) {
      let list = ns.undo.get(t.tg);
      if (list === undefined) ns.undo.set(t.tg, list = new Map());
      let adj = list.get(id);
      if (adj === undefined) list.set(id, adj = new Array<number>(set.sems.length).fill(0));
      for (const o of ops) if (o.flg & SEM_UNDO) adj[o.num]! -= o.op;
    }
    if (alter) set.queue.wake();
    return 0;
  }
  if ('err' in res) return -res.err;
  const blocked = ops[res.blockedAt]!;
  if (blocked.flg & IPC_NOWAIT) return -EAGAIN;
  if (r.deadline !== null && deadlinePassed(t.kernel, r.deadline)) return -EAGAIN;
  set.waiters.set(r, { num: blocked.num, zero: blocked.op === 0 });
  const leave = (): void => { set.waiters.delete(r); };
  return r.block([set.queue], EINTR, () => { leave(); return -EINTR; }, leave);
}

function sysSemop(t: Task, a: SysArgs, r: Request): SysResult {
  return semtimedop(t, a, r, 0);
}

function sysSemtimedop(t: Task, a: SysArgs, r: Request): SysResult {
  return semtimedop(t, a, r, a.addr(3));
}

/** Writes struct semid64_ds for set at addr. */
function writeSemid(t: Task, addr: number, set: SemSet): void {
  const [b, dv] = buf(SEMID_DS_SIZE);
  dv.setBigInt64(48, set.otime, true);
  dv.setBigInt64(56, set.ctime, true);
  dv.setBigUint64(64, BigInt(set.sems.length), true);
  t.mm.mem.write(addr, b);
  writePerm(t.mm.mem, addr, set.perm);
}

/** Clears every process's undo adjustments for one semaphore (SETVAL) or a whole set (SETALL, IPC_RMID). */
function clearUndo(t: Task, id: number, num: number | null): void {
  for (const list of ipcOf(t.kernel).undo.values()) {
    const adj = list.get(id);
    if (adj === undefined) continue;
    if (num === null) list.delete(id); else adj[num] = 0;
  }
}

/** semctl's answers to the commands every kind has; removal also drops the set's undo adjustments. */
const semKind: CtlKind<SemSet> = {
  stat: SEM_STAT, statAny: SEM_STAT_ANY, writeDs: writeSemid,
  remove: (t, ids, id, set) => {
    set.perm.deleted = true;
    ids.remove(id);
    clearUndo(t, id, null);
    set.queue.wake();
  },
};

function sysSemctl(t: Task, a: SysArgs): number {
  const ns = ipcOf(t.kernel);
  const semid = a.int(0), semnum = a.int(1), cmd = ctlCmd(a, 2), arg = a.addr(3);
  const mem = t.mm.mem;
  if (cmd === IPC_INFO || cmd === SEM_INFO) {
    const [semmsl, semmns, semopm, semmni] = t.kernel.sysctl.sem;
    const [b, dv] = buf(SEMINFO_SIZE);
    let used = 0;
    for (const [, s] of ns.sem.entries()) used += s.sems.length;
    // semmap, semmni, semmns, semmnu, semmsl, semopm, semume, semusz, semvmx, semaem; SEM_INFO
    // puts the sets in use in semusz and the semaphores in semaem.
    const vals = [semmns, semmni, semmns, semmns, semmsl, semopm, semopm,
      cmd === SEM_INFO ? ns.sem.size : 16, SEMVMX, cmd === SEM_INFO ? used : SEMAEM];
    vals.forEach((v, i) => dv.setInt32(i * 4, v, true));
    mem.write(arg, b);
    return Math.max(0, ns.sem.maxIndex());
  }
  const hit = ipcCtl(t, ns.sem, semKind, cmd, semid, arg);
  if (typeof hit === 'number') return hit;
  const [id, set] = hit;
  const needNum = (): boolean => semnum >= 0 && semnum < set.sems.length;
  const mayRead = (): number => (ipcPermitted(set.perm, 0o444, t.tg.cred) ? 0 : -EACCES);
  const mayWrite = (): number => (ipcPermitted(set.perm, 0o222, t.tg.cred) ? 0 : -EACCES);
  switch (cmd) {
    case GETVAL: case GETPID: case GETNCNT: case GETZCNT: {
      const p = mayRead();
      if (p < 0) return p;
      if (!needNum()) return -EINVAL;
      const s = set.sems[semnum]!;
      if (cmd === GETVAL) return s.val;
      if (cmd === GETPID) return s.pid;
      return set.count(semnum, cmd === GETZCNT);
    }
    case GETALL: {
      const p = mayRead();
      if (p < 0) return p;
      const [b, dv] = buf(set.sems.length * 2);
      set.sems.forEach((s, i) => dv.setUint16(i * 2, s.val, true));
      mem.write(arg, b);
      return 0;
    }
    case SETVAL: {
      const p = mayWrite();
      if (p < 0) return p;
      if (!needNum()) return -EINVAL;
      const val = Number(BigInt.asIntN(32, a.big(3)));
      if (val < 0 || val > SEMVMX) return -ERANGE;
      set.sems[semnum] = { val, pid: t.tg.pid };
      clearUndo(t, id, semnum);
      set.ctime = ipcNow(t);
      set.queue.wake();
      return 0;
    }
    case SETALL: {
      const p = mayWrite();
      if (p < 0) return p;
      const dv = new DataView(mem.read(arg, set.sems.length * 2).buffer);
      const vals = set.sems.map((_, i) => dv.getUint16(i * 2, true));
      if (vals.some((v) => v > SEMVMX)) return -ERANGE;
      vals.forEach((v, i) => { set.sems[i] = { val: v, pid: t.tg.pid }; });
      clearUndo(t, id, null);
      set.ctime = ipcNow(t);
      set.queue.wake();
      return 0;
    }
    default: return -EINVAL;
  }
}

// --- message queues -------------------------------------------------------------------------

function sysMsgget(t: Task, a: SysArgs): number {
  const ns = ipcOf(t.kernel);
  const key = a.int(0), flag = a.int(1), s = t.kernel.sysctl;
  const found = ipcFind(ns.msg, key, flag, t.tg.cred);
  if (found !== null) return found;
  if (ns.msg.size >= s.msgmni) return -ENOSPC;
  const id = ns.msg.add(new MsgQueue(newPerm(key, flag, t.tg.cred), s.msgmnb, ipcNow(t)), s.msgmni);
  return id < 0 ? -ENOSPC : id;
}

/** msgsnd(id, msgp, msgsz, flag): queues the message, sleeping while the queue is full. */
function sysMsgsnd(t: Task, a: SysArgs, r: Request): SysResult {
  const ns = ipcOf(t.kernel);
  const id = a.int(0), msgp = a.addr(1), size = a.num(2), flag = a.int(3);
  if (size < 0 || size > t.kernel.sysctl.msgmax || id < 0) return -EINVAL;
  const mem = t.mm.mem;
  const type = mem.readBig64(msgp);
  if (BigInt.asIntN(64, type) < 1n) return -EINVAL;
  const q = ns.msg.get(id);
  if (q === undefined) return r.resumed ? -EIDRM : -EINVAL;
  if (!ipcPermitted(q.perm, 0o222, t.tg.cred)) return -EACCES;
  const text = mem.read(msgp + 8, size);
  if (q.cbytes + size > q.qbytes || q.msgs.length + 1 > q.qbytes) {
    if (flag & IPC_NOWAIT) return -EAGAIN;
    return r.block([q.queue], EINTR, () => -EINTR);
  }
  q.msgs.push({ type, text: text.slice() });
  q.cbytes += size;
  q.lspid = t.tg.pid;
  q.stime = ipcNow(t);
  q.queue.wake();
  return 0;
}

/** msgrcv(id, msgp, msgsz, msgtyp, flag): takes a message by type, sleeping while none fits. */
function sysMsgrcv(t: Task, a: SysArgs, r: Request): SysResult {
  const ns = ipcOf(t.kernel);
  const id = a.int(0), msgp = a.addr(1), size = a.num(2), type = BigInt.asIntN(64, a.big(3)), flag = a.int(4);
  if (size < 0 || id < 0) return -EINVAL;
  if (flag & MSG_COPY) return -ENOSYS; // CONFIG_CHECKPOINT_RESTORE is off
  const q = ns.msg.get(id);
  if (q === undefined) return r.resumed ? -EIDRM : -EINVAL;
  if (!ipcPermitted(q.perm, 0o444, t.tg.cred)) return -EACCES;
  const i = q.find(type, flag);
  if (i < 0) {
    if (flag & IPC_NOWAIT) return -ENOMSG;
    return r.block([q.queue], EINTR, () => -EINTR);
  }
  const m = q.msgs[i]!;
  if (m.text.length > size && !(flag & MSG_NOERROR)) return -E2BIG;
  const n = Math.min(size, m.text.length);
  const mem = t.mm.mem;
  mem.writeBig64(msgp, m.type);
  mem.write(msgp + 8, m.text.subarray(0, n));
  q.msgs.splice(i, 1);
  q.cbytes -= m.text.length;
  q.lrpid = t.tg.pid;
  q.rtime = ipcNow(t);
  q.queue.wake();
  return n;
}

/** Writes struct msqid64_ds for q at addr. */
function writeMsqid(t: Task, addr: number, q: MsgQueue): void {
  const [b, dv] = buf(MSQID_DS_SIZE);
  dv.setBigInt64(48, q.stime, true);
  dv.setBigInt64(56, q.rtime, true);
  dv.setBigInt64(64, q.ctime, true);
  dv.setBigUint64(72, BigInt(q.cbytes), true);
  dv.setBigUint64(80, BigInt(q.msgs.length), true);
  dv.setBigUint64(88, BigInt(q.qbytes), true);
  dv.setInt32(96, q.lspid, true);
  dv.setInt32(100, q.lrpid, true);
  t.mm.mem.write(addr, b);
  writePerm(t.mm.mem, addr, q.perm);
}

/** msgctl's commands: IPC_SET also takes msg_qbytes (raising it above kernel.msgmnb needs CAP_SYS_RESOURCE). */
const msgKind: CtlKind<MsgQueue> = {
  stat: MSG_STAT, statAny: MSG_STAT_ANY, writeDs: writeMsqid,
  readSet: (t, q, addr) => {
    const qbytes = Number(new DataView(t.mm.mem.read(addr + 88, 8).buffer).getBigUint64(0, true));
    if (qbytes > t.kernel.sysctl.msgmnb && !privileged(t)) return -EPERM;
    return () => { q.qbytes = qbytes; q.queue.wake(); };
  },
  remove: (_t, ids, id, q) => {
    q.perm.deleted = true;
    ids.remove(id);
    q.queue.wake();
  },
};

function sysMsgctl(t: Task, a: SysArgs): number {
  const ns = ipcOf(t.kernel);
  const cmd = ctlCmd(a, 1), addr = a.addr(2), s = t.kernel.sysctl;
  const mem = t.mm.mem;
  if (cmd === IPC_INFO || cmd === MSG_INFO) {
    const [b, dv] = buf(MSGINFO_SIZE);
    let bytes = 0, count = 0;
    for (const [, q] of ns.msg.entries()) { bytes += q.cbytes; count += q.msgs.length; }
    // msgpool, msgmap, msgmax, msgmnb, msgmni, msgssz, msgtql, msgseg; MSG_INFO reports the queues
    // in use, the messages and the bytes in msgpool, msgmap and msgtql.
    const vals = cmd === MSG_INFO ? [ns.msg.size, count, s.msgmax, s.msgmnb, s.msgmni, MSGSSZ, bytes]
      : [Math.floor(s.msgmni * s.msgmnb / 1024), MSGTQL, s.msgmax, s.msgmnb, s.msgmni, MSGSSZ, MSGTQL];
    vals.forEach((v, i) => dv.setInt32(i * 4, v, true));
    dv.setUint16(28, 0xffff, true);
    mem.write(addr, b);
    return Math.max(0, ns.msg.maxIndex());
  }
  const hit = ipcCtl(t, ns.msg, msgKind, cmd, a.int(0), addr);
  return typeof hit === 'number' ? hit : -EINVAL;
}

export const defs: SyscallDef[] = [
  { nr: 186, name: 'msgget', handler: sysMsgget, status: 'full', args: ['int', 'int', 'hex'] },
  { nr: 187, name: 'msgctl', handler: sysMsgctl, status: 'full', args: ['int', 'int', 'ptr'] },
  { nr: 188, name: 'msgrcv', handler: sysMsgrcv, status: 'partial', note: 'MSG_COPY gives ENOSYS (CONFIG_CHECKPOINT_RESTORE off)', args: ['int', 'ptr', 'size', 'int', 'hex'] },
  { nr: 189, name: 'msgsnd', handler: sysMsgsnd, status: 'full', args: ['int', 'ptr', 'size', 'hex'] },
  { nr: 190, name: 'semget', handler: sysSemget, status: 'full', args: ['int', 'int', 'hex'] },
  { nr: 191, name: 'semctl', handler: sysSemctl, status: 'full', args: ['int', 'int', 'int', 'hex'] },
  { nr: 192, name: 'semtimedop', handler: sysSemtimedop, status: 'full', args: ['int', 'ptr', 'size', 'ptr'] },
  { nr: 193, name: 'semop', handler: sysSemop, status: 'full', args: ['int', 'ptr', 'size'] },
  { nr: 194, name: 'shmget', handler: sysShmget, status: 'full', args: ['int', 'size', 'hex'] },
  { nr: 195, name: 'shmctl', handler: sysShmctl, status: 'partial', note: 'SHM_LOCK only marks the segment (pages are never swapped)', args: ['int', 'int', 'ptr'] },
  { nr: 196, name: 'shmat', handler: sysShmat, status: 'full', args: ['int', 'ptr', 'hex'], ret: 'hex' },
  { nr: 197, name: 'shmdt', handler: sysShmdt, status: 'full', args: ['ptr'] },
];
