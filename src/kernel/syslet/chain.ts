// A syslet in flight: a chain of atoms run through invoke(), the dispatcher's own entry, so an
// atom names its syscall by number and never sees the syscall table (an unknown number completes
// with -ENOSYS, as a hart's ecall does). async_exec runs the chain inline in the caller; when an
// atom would block, the chain goes on asynchronously: its request sleeps on the atom's wait lists
// with the chain as its sink, and each wake-up runs the chain again at the kernel's event point (a
// zero-delay kernel timer, between slices, never inside another task's handler), where its final
// atom, or the error that ended it, is posted to the completion ring.
import { EFAULT, EINTR, EINVAL, isRestartCode } from '../../abi/errno.js';
import type { Mm } from '../../mem/mm.js';
import { ValueArgs } from '../args.js';
import { type Blocked, REGS_SET, Request, type RequestSink, type SysResult } from '../request.js';
import type { KernelServices, Task } from '../task.js';
import { monotonicAt } from '../time/deadline.js';
import { WakeReason } from '../wait.js';
import {
  ASYNC_COMPLETION_CHAIN_ERROR, type Atom, ATOM_PRIVATE, ATOM_SIZE, decodeAtom, NR_ASYNC_EXEC, NR_ASYNC_WAIT, NR_THREADLET_EXEC,
  stopHolds, SYSLET_ASYNC, SYSLET_NO_COMPLETE, SYSLET_SKIP_TO_NEXT_ON_STOP,
} from './abi.js';
import type { AsyncHead } from './ring.js';
import { ProcessSlot } from './state.js';

/** Most atoms async_exec runs inline before the chain goes on at the event point (Linux's
 *  need_resched check in the atom loop): a looping chain cannot keep its caller from returning. */
export const SYNC_ATOM_BATCH = 64;
/** Most atoms a chain runs per turn at the event point before tasks run again. */
export const ASYNC_ATOM_BATCH = 64;

/**
 * Calls an atom may not make: they act on the calling thread's registers, signal mask or
 * syscall state (sigreturn, restart, clone, exec, exit, temporary masks, sigwait), which a chain
 * run by the kernel does not have; they complete with -EINVAL.
 */
const NOT_IN_ATOM = new Set([22 /* epoll_pwait */, 72 /* pselect6 */, 73 /* ppoll */, 93 /* exit */,
  128 /* restart_syscall */, 133 /* rt_sigsuspend */, 137 /* rt_sigtimedwait */, 139 /* rt_sigreturn */,
  220 /* clone */, 221 /* execve */, 281 /* execveat */, 435 /* clone3 */, 441 /* epoll_pwait2 */,
  NR_ASYNC_EXEC, NR_ASYNC_WAIT, NR_THREADLET_EXEC]);

/** What running a chain came to. */
export type Step =
  /** The chain ended at `atom` (no next atom, or a stop condition held) with its syscall's result. */
  | { kind: 'done'; atom: number; result: bigint; flags: number; private: bigint }
  /** Atom `atom` could not run or its result could not be stored: the chain ends with -errno. */
  | { kind: 'error'; atom: number; errno: number; private: bigint }
  /** The current atom sleeps on b. */
  | { kind: 'blocked'; b: Blocked }
  /** The chain goes on at the event point (SYSLET_ASYNC, or the batch is used up). */
  | { kind: 'async' }
  /** An atom ended its own process (exit_group, a fatal signal): nothing more is run or stored. */
  | { kind: 'dead' };

/** One chain: the atom it is at, and the request its atoms run as (begin() per atom). */
export class SysletRun implements RequestSink {
  readonly req: Request;
  /** Address of the current atom, and the atom once read (null before it starts). */
  atomAddr: number;
  atom: Atom | null = null;
  /** True once the chain runs at the event point; its end is then posted to the ring. */
  async = false;
  /** While a SYSLET_SYNC atom sleeps as the caller's own call: its marker (wake-ups go to the task). */
  syncBlocked: Blocked | null = null;
  /** Set by a wake-up of the sleeping atom: the next turn runs it again. */
  private woken = false;

  /** The address space the chain was submitted in (an exec ends the chain). */
  private readonly mm: Mm;

  constructor(readonly task: Task, readonly head: AsyncHead, first: number) {
    this.mm = task.mm;
    this.atomAddr = first;
    this.req = new Request(task, new ValueArgs([]), this);
  }

  /** Runs atoms from atomAddr until the chain ends, an atom blocks, or budget atoms have run. */
  start(budget: number): Step {
    const mem = this.task.mm.mem;
    for (let n = 0; ; n++) {
      if (n >= budget) return { kind: 'async' };
      // The whole atom in one checked copy (EFAULT if any byte of it is unreadable).
      let raw: Uint8Array;
      try {
        raw = mem.read(this.atomAddr, ATOM_SIZE);
      } catch {
        return this.error(EFAULT, 0n);
      }
      const atom = decodeAtom(raw);
      if (typeof atom === 'number') return this.error(-atom, new DataView(raw.buffer).getBigUint64(ATOM_PRIVATE, true));
      if ((atom.flags & SYSLET_ASYNC) && !this.async) return { kind: 'async' };
      const values: bigint[] = [];
      try {
        for (const p of atom.argPtr) values.push(mem.readBig64(p));
      } catch {
        return this.error(EFAULT, atom.private);
      }
      this.atom = atom;
      this.req.begin(atom.nr);
      this.req.args = new ValueArgs(values);
      const step = this.finish(this.exec());
      if (step !== null) return step;
    }
  }

  /** Runs the sleeping atom again after its wake-up (reason), then the rest of the chain. */
  resume(reason: WakeReason, budget: number): Step {
    this.req.resumed = true;
    this.req.wakeReason = reason;
    return this.finish(this.exec()) ?? this.start(budget);
  }

  /** Runs the current atom's call as the chain's task. */
  private exec(): SysResult {
    if (NOT_IN_ATOM.has(this.req.nr)) return -EINVAL;
    return this.task.kernel.invoke(this.task, this.req);
  }

  /**
   * Completes the current atom with res: stores it through ret_ptr and picks the next atom;
   * returns the step that ends this run, or null to go on with atomAddr.
   */
  private finish(res: SysResult): Step | null {
    if (this.task.tg.exitCode !== null) return { kind: 'dead' };
    if (typeof res === 'object' && res !== REGS_SET) return { kind: 'blocked', b: res as Blocked };
    let v = res === REGS_SET ? BigInt(-EINVAL) : BigInt.asIntN(64, BigInt(res as number | bigint));
    if (typeof res === 'number' && isRestartCode(res)) v = BigInt(-EINTR); // an atom is never restarted
    return this.complete(v);
  }

  /** Stores v as the current atom's result and moves on; returns the end step, or null to go on. */
  complete(v: bigint): Step | null {
    const atom = this.atom!;
    if (atom.retPtr !== 0) {
      try {
        this.task.mm.mem.writeBig64(atom.retPtr, v);
      } catch {
        return this.error(EFAULT, atom.private);
      }
    }
    let next = atom.next;
    if (stopHolds(atom.flags, v, this.req.forceNoError)) {
      if (!(atom.flags & SYSLET_SKIP_TO_NEXT_ON_STOP)) next = 0;
      else next = this.atomAddr + ATOM_SIZE;
    }
    if (next === 0) return { kind: 'done', atom: this.atomAddr, result: v, flags: atom.flags, private: atom.private };
    this.atomAddr = next;
    this.atom = null;
    return null;
  }

  /** The step for an error that ends the chain at the current atom. */
  private error(errno: number, priv: bigint): Step {
    return { kind: 'error', atom: this.atomAddr, errno, private: priv };
  }

  /** The chain leaves its caller: from now on it runs at the event point, blocked on b or ready. */
  goAsync(b: Blocked | null): void {
    this.async = true;
    this.head.inflight++;
    if (b !== null) this.park(b);
    else schedule(this);
  }

  /** Handles a wake-up of the sleeping atom's request. */
  wakeRequest(_r: Request, reason: WakeReason): void {
    if (this.syncBlocked !== null) {
      // The caller sleeps in async_exec on this atom's lists: wake its call, which runs the atom.
      this.task.syscall.wake(reason);
      return;
    }
    if (this.req.blocked === null) return;
    this.unpark();
    this.req.wakeReason = reason;
    this.woken = true;
    schedule(this);
  }

  /** One turn at the event point: runs the chain on, then posts its end, parks it, or requeues it. */
  turn(): void {
    if (this.task.tg.exitCode !== null || this.task.mm !== this.mm) { this.abandon(); return; }
    let step: Step;
    if (this.woken) {
      this.woken = false;
      step = this.resume(this.req.wakeReason, ASYNC_ATOM_BATCH);
    } else {
      step = this.start(ASYNC_ATOM_BATCH);
    }
    switch (step.kind) {
      case 'blocked': this.park(step.b); return;
      case 'async': schedule(this); return;
      case 'dead': this.head.inflight--; return;
      case 'done':
        this.head.inflight--;
        if (!(step.flags & SYSLET_NO_COMPLETE)) {
          this.head.post(this.task.mm.mem, { atom: step.atom, result: step.result, flags: 0, private: step.private });
        }
        return;
      case 'error':
        // Errors always reach the ring, whatever NO_COMPLETE says: no one else could see them.
        this.head.inflight--;
        this.head.post(this.task.mm.mem, { atom: step.atom, result: BigInt(-step.errno), flags: ASYNC_COMPLETION_CHAIN_ERROR, private: step.private });
        return;
    }
  }

  /** Parks the atom's request on b's lists and its deadline, with this chain as the sink. */
  private park(b: Blocked): void {
    const r = this.req, k = this.task.kernel;
    r.blocked = b;
    for (const q of b.queues) q.add(r);
    const d = r.deadline;
    if (d !== null) r.timer = k.timers.add(monotonicAt(k, d), () => { if (r.blocked === b) r.wake(WakeReason.Timeout); });
  }

  /** Takes the request off its lists and timer; returns the sleep it was in. */
  private unpark(): Blocked | null {
    const r = this.req, b = r.blocked;
    if (b !== null) for (const q of b.queues) q.remove(r);
    this.task.kernel.timers.cancel(r.timer);
    r.timer = null;
    r.blocked = null;
    return b;
  }

  /** The process ended: the chain stops, and a sleeping atom gives back what it holds. */
  private abandon(): void {
    const b = this.unpark();
    b?.onAbandon?.(this.req);
    this.head.inflight--;
  }
}

/** A process's chains to run at the next event point, and whether its timer is armed. */
interface ReadyChains {
  readonly ready: SysletRun[];
  armed: boolean;
}
const readyChains = new ProcessSlot<ReadyChains>(() => ({ ready: [], armed: false }));

/** Queues run for its process's next event point (arming a zero-delay kernel timer once per batch). */
function schedule(run: SysletRun): void {
  const st = readyChains.get(run.task.tg), k = run.task.kernel;
  st.ready.push(run);
  if (st.armed) return;
  st.armed = true;
  k.timers.add(k.monotonicNs(), () => drain(k, st));
}

/** The event point: every chain that was ready runs one turn, in an order the seed picks in deterministic mode. */
function drain(k: KernelServices, st: ReadyChains): void {
  const runs = st.ready.splice(0);
  st.armed = false;
  for (const run of seededOrder(k, runs)) run.turn();
}

/**
 * runs in wake-up order, or in deterministic mode permuted by the host's seeded randomness (a
 * Fisher-Yates shuffle), so the order of completions that became ready together follows the seed.
 */
export function seededOrder<T>(k: KernelServices, runs: T[]): T[] {
  if (!k.deterministic || runs.length < 2) return runs;
  const rnd = new Uint32Array(runs.length);
  k.host.randomFill(new Uint8Array(rnd.buffer));
  for (let i = runs.length - 1; i > 0; i--) {
    const j = rnd[i]! % (i + 1);
    [runs[i], runs[j]] = [runs[j]!, runs[i]!];
  }
  return runs;
}
