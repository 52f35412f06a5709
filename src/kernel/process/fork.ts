// A new process (Linux's copy_process without CLONE_THREAD): fork, vfork, posix_spawn's
// CLONE_VM|CLONE_VFORK, and clone/clone3 with CLONE_PARENT or another exit signal. The calling
// thread is copied; the address space is copied on write (Mm.fork) or shared (CLONE_VM); the fd
// table, fs context and signal handlers are copied or shared by flag; the rest follows inherit.ts.
import { EAGAIN, EINVAL, ENOMEM } from '../../abi/errno.js';
import { GuestFaultError } from '../../mem/guest_memory.js';
import type { Mm } from '../../mem/mm.js';
import { inheritProcess, inheritTask } from '../inherit.js';
import { Task, ThreadGroup } from '../task.js';
import { rlimitCur, RLIMIT_NPROC } from '../syscalls/rlimit.js';
import { ExitState } from './node.js';
import { setRunningExe } from './exe_deny.js';

/** clone flags a new process looks at (the rest are checked by clone.ts). */
const CLONE_VM = 0x100, CLONE_FS = 0x200, CLONE_FILES = 0x400, CLONE_SIGHAND = 0x800, CLONE_VFORK = 0x4000,
  CLONE_PARENT = 0x8000, CLONE_SETTLS = 0x80000, CLONE_PARENT_SETTID = 0x100000, CLONE_CHILD_CLEARTID = 0x200000,
  CLONE_CHILD_SETTID = 0x1000000;
/** Dispositions CLONE_CLEAR_SIGHAND resets and keeps. */
const SIG_DFL = 0n, SIG_IGN = 1n;

export interface ForkRequest {
  /** The low 32 bits of the clone flags, without the exit signal byte. */
  flags: number;
  /** Signal for the parent at exit (0: none). */
  exitSignal: number;
  /** The child's sp, or 0 to keep the parent's. */
  stack: number;
  parentTid: number;
  childTid: number;
  tls: bigint;
  /** clone3's CLONE_CLEAR_SIGHAND: handled signals start at SIG_DFL in the child. */
  clearSighand: boolean;
}

/** Stores v at addr in mm, ignoring a fault (Linux ignores failed CLONE_*_SETTID stores). */
function storeTid(mm: Mm, addr: number, v: number): void {
  try {
    mm.mem.writeI32(addr, v);
  } catch (e) {
    if (!(e instanceof GuestFaultError)) throw e;
  }
}

/**
 * Creates a process from the calling thread t as clone would; returns the child's main task,
 * or -errno: EINVAL for CLONE_PARENT from the root of a tree, EAGAIN over RLIMIT_NPROC (uid 0 is
 * exempt, as root holds CAP_SYS_RESOURCE), ENOMEM when no frame is left for the page tables.
 */
export function copyProcess(t: Task, r: ForkRequest): Task | number {
  const k = t.kernel, f = r.flags, me = t.tg;
  if ((f & CLONE_PARENT) !== 0 && me.node.root) return -EINVAL; // init has no parent to share
  if ((f & CLONE_SIGHAND) !== 0 && r.clearSighand) return -EINVAL;
  const cred = me.cred;
  if (cred.ruid !== 0 && k.procs.tasksOfUser(cred.ruid) >= rlimitCur(t, RLIMIT_NPROC)) return -EAGAIN;
  let mm: Mm;
  if ((f & CLONE_VM) !== 0) {
    mm = t.mm; // shared until the child execs or exits (mm_users.ts)
  } else {
    const copy = t.mm.fork();
    if (copy === null) return -ENOMEM;
    mm = copy;
  }
  const parent = (f & CLONE_PARENT) !== 0 ? me.node.parent! : me; // only a root has no parent
  const pid = k.allocTid();
  const tg = new ThreadGroup(k, pid, parent.pid, mm, cred);
  inheritProcess(me, tg);
  if ((f & CLONE_SIGHAND) !== 0) tg.actions = me.actions;
  else if (r.clearSighand) {
    for (const act of tg.actions) if (act.handler !== SIG_IGN) act.handler = SIG_DFL;
  }
  // CLONE_PARENT makes a sibling, which inherits the caller's own exit signal.
  tg.node.exitSignal = (f & CLONE_PARENT) !== 0 ? me.node.exitSignal : r.exitSignal;
  tg.node.cmdline = me.node.cmdline;
  tg.node.ctty = me.node.ctty;
  setRunningExe(tg, me.node.exeKey); // the copied mm runs the same file
  const files = (f & CLONE_FILES) !== 0 ? t.files : t.files.fork();
  const fs = (f & CLONE_FS) !== 0 ? t.fs : t.fs.clone();
  const child = new Task(k, pid, tg, files, fs);
  child.hart.copyFrom(t.hart);
  child.hart.pc = t.hart.pc + 4;
  child.hart.setX(10, 0);
  if (r.stack !== 0) child.hart.setX(2, r.stack);
  if ((f & CLONE_SETTLS) !== 0) child.hart.setXBig(4, r.tls);
  inheritTask(t, child, (f & CLONE_VM) !== 0 && (f & CLONE_VFORK) === 0);
  if ((f & CLONE_CHILD_CLEARTID) !== 0) child.clearChildTid = r.childTid;
  if ((f & CLONE_CHILD_SETTID) !== 0) storeTid(mm, r.childTid, pid);
  if ((f & CLONE_PARENT_SETTID) !== 0) storeTid(t.mm, r.parentTid, pid);
  tg.node.parent = parent;
  tg.node.exitState = ExitState.Live;
  parent.node.children.push(tg);
  // strace -f names the task on every line once there is more than one: so does --strace.
  me.everMultithreaded = tg.everMultithreaded = true;
  k.procs.add(tg);
  k.addTask(child);
  return child;
}
