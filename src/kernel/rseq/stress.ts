// --rseq-stress P: makes every abort path reachable. The hart runs in short seeded bursts of 1 to
// MAX_BURST instructions, so its stops fall on every instruction boundary with some probability;
// at a stop inside a critical section (the thread's registered rseq_cs, or the vDSO's per-CPU
// operation) the turn ends with probability P, as a preemption or, when the thread may run
// elsewhere, a migration to another allowed CPU, each with half the chance. The next return to user
// mode then aborts the section. In deterministic mode the generator is seeded from --seed, so
// every abort happens again on the same instruction in every run.
import { run } from '../../cpu/run.js';
import { Stop } from '../../cpu/hart.js';
import { GuestFaultError } from '../../mem/guest_memory.js';
import { RSEQ_CS, RSEQ_CS_POST_COMMIT_OFFSET, RSEQ_CS_START_IP, RSEQ_EVENT_PREEMPT } from '../../abi/rseq.js';
import type { Prng } from '../../util/prng.js';
import type { Scheduler } from '../sched.js';
import type { Task } from '../task.js';

/** Longest burst: short enough that a critical section of a few instructions is stopped inside
 *  often, long enough that code outside sections runs at a useful speed. */
const MAX_BURST = 16;

export class RseqStress {
  /** Preemptions and migrations injected so far. */
  injected = 0;

  constructor(private readonly probability: number, private readonly rng: Prng, private readonly sched: Scheduler) {}

  /** Runs t's hart for up to budget instructions in bursts; returns why it stopped, as run() does
   *  (Stop.Budget also when a preemption or migration was injected). */
  run(t: Task, budget: number): Stop {
    const h = t.hart, mem = t.mm.mem;
    let left = budget;
    for (;;) {
      const before = h.instret;
      const stop = run(h, mem, Math.min(left, 1 + this.rng.below(MAX_BURST)));
      left -= h.instret - before;
      if (stop !== Stop.Budget || left <= 0) return stop;
      if (inCriticalSection(t) && this.rng.u32() < this.probability * 4294967296) {
        this.inject(t);
        return Stop.Budget;
      }
    }
  }

  /** Ends t's turn as a preemption, or as a migration to another CPU its affinity allows. */
  private inject(t: Task): void {
    this.injected++;
    const others: number[] = [];
    for (let c = 0; c < this.sched.cpuCount; c++) if (c !== t.cpu && ((t.cpusAllowed >> BigInt(c)) & 1n) !== 0n) others.push(c);
    if (others.length > 0 && this.rng.below(2) === 0) {
      this.sched.moveTo(t, others[this.rng.below(others.length)]!);
    } else {
      t.rseq.event(RSEQ_EVENT_PREEMPT);
    }
  }
}

/** True if t's pc is inside the vDSO's per-CPU section (its commit store included: the kernel
 *  completes that one at once) or inside the section its rseq_cs names (read without validation:
 *  the fixup validates). */
function inCriticalSection(t: Task): boolean {
  const pc = t.hart.pc;
  const p = t.tg.vdso?.map.percpu;
  if (p && pc >= p.start && pc < p.end) return true;
  const area = t.rseq.area;
  if (area === null) return false;
  const mem = t.mm.mem;
  try {
    const cs = mem.readU64(area.addr + RSEQ_CS);
    if (cs === 0) return false;
    const start = mem.readU64(cs + RSEQ_CS_START_IP), len = mem.readU64(cs + RSEQ_CS_POST_COMMIT_OFFSET);
    return pc >= start && pc - start < len;
  } catch (e) {
    if (e instanceof GuestFaultError) return false;
    throw e;
  }
}
