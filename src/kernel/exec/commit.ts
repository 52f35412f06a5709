// The point of no return of execve (Linux's begin_new_exec and setup_new_exec): the calling task
// becomes the only thread of its process, with the new address space and registers; the process
// keeps its pid, credentials (but for set-id bits), cwd, umask, rlimits, signal mask and pending
// signals, and the fds without close-on-exec.
import { capsAfterExec } from '../caps.js';
import { clearChildTid, exitRobustList } from '../futex/exit.js';
import { processExeced } from '../process/exec_hook.js';
import { setRunningExe } from '../process/exe_deny.js';
import { fileKey } from '../vfs/open_files.js';
import { RseqMm } from '../rseq/mm_state.js';
import { ProcessVdso } from '../vdso/process_vdso.js';
import { type Task, TaskState } from '../task.js';
import { strToBytes } from '../../util/bytestr.js';
import type { Binprm } from './binprm.js';
import type { NewImage } from './image.js';

/** Size of task->comm including its NUL (TASK_COMM_LEN). */
const TASK_COMM_LEN = 16;
/** SIG_IGN as a handler value: such dispositions survive exec. */
const SIG_IGN = 1n;
/** ss_flags of a task without an alternate signal stack. */
const SS_DISABLE = 2;

/** Switches t to the new image; assumes every check has passed (nothing here can fail). */
export function commitExec(t: Task, b: Binprm, img: NewImage): void {
  const tg = t.tg;
  const k = t.kernel;
  deThread(t);
  // The execing thread's robust futexes and clear_child_tid are handled as at its exit (exec_mm_release).
  exitRobustList(t);
  clearChildTid(t);
  t.robustList = 0;
  t.robustListLen = 0;
  t.clearChildTid = 0;
  const old = tg.mm;
  tg.mm = img.mm;
  // The process layer drops the old mm (a vfork parent may still use it) and lets that parent go on.
  processExeced(tg, old, strToBytes(b.argv.map((a) => a + '\0').join('')));
  resetHart(t, img.load.entry, img.load.sp);
  tg.sigreturnAddr = img.load.vdso.sigreturn;
  tg.vdso = new ProcessVdso(img.load.vdso);
  // The rseq registration belongs to the old image (rseq_execve); membarrier's and mm_cid's state
  // belong to the old mm.
  t.rseq.area = null;
  t.rseq.events = 0;
  Object.assign(tg.rseqMm, new RseqMm());
  tg.exePath = b.file.loc.path;
  setRunningExe(tg, fileKey(b.file.st)); // the new executable is write-denied while it runs
  t.comm = commFor(b.filename);
  // A table shared with another process is copied first (unshare_files), then close-on-exec runs.
  if ([...k.tasks.values()].some((o) => o !== t && o.files === t.files)) t.files = t.files.fork();
  t.files.closeOnExec();
  // Handled signals go back to the default action; ignored ones stay ignored; flags and masks clear.
  for (const act of tg.actions) {
    if (act.handler !== SIG_IGN) act.handler = 0n;
    act.flags = 0n;
    act.mask = 0n;
  }
  t.altstack = { sp: 0, flags: SS_DISABLE, size: 0 };
  t.restartBlock = null;
  tg.timers.exec(); // POSIX timers are deleted; setitimer's timers keep running
  const cred = tg.cred;
  if (img.euid !== cred.euid || img.egid !== cred.egid) tg.dumpable = 0;
  else tg.dumpable = 1;
  cred.euid = cred.suid = cred.fsuid = img.euid;
  cred.egid = cred.sgid = cred.fsgid = img.egid;
  capsAfterExec(cred);
}

/**
 * Ends every other thread of t's process (Linux's de_thread); a non-leader that execs takes the
 * leader's tid, so the process keeps its pid as the id of its only thread.
 */
function deThread(t: Task): void {
  const tg = t.tg;
  const k = t.kernel;
  for (const o of [...tg.tasks]) if (o !== t && o.state !== TaskState.Exited) k.exitTask(o);
  tg.tasks.splice(0, tg.tasks.length, t);
  if (t.tid !== tg.pid) {
    k.tasks.delete(t.tid);
    t.tid = tg.pid;
    k.tasks.set(t.tid, t);
  }
}

/** Zeroes every register (integer and FP, fcsr) and starts the hart at pc with sp; drops its TLB
 *  (it maps the old address space). */
function resetHart(t: Task, pc: number, sp: number): void {
  const h = t.hart;
  h.release();
  new Uint8Array(h.buffer).fill(0);
  h.fcsr = 0;
  h.reservation = -1;
  h.pc = pc;
  h.setX(2, sp);
}

/** Returns the comm an exec gives: the last component of the filename, at most 15 bytes. */
function commFor(filename: string): Uint8Array {
  const base = filename.slice(filename.lastIndexOf('/') + 1);
  return strToBytes(base).slice(0, TASK_COMM_LEN - 1);
}
