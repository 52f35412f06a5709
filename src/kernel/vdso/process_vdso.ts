// A process's vDSO: where the loader mapped it, and the vvar page the kernel keeps current for
// the vDSO's clock and hwprobe functions (guest/vdso/vvar.h is the layout). The time CSR counts
// the kernel's monotonic clock at 1 GHz; the page holds both clocks as (seconds, nanoseconds) at
// a counter value, rewritten once a tick (4 ms, as Linux's timekeeping tick updates its vDSO
// data) before a thread of the process runs, so that the vDSO adds a small count of nanoseconds
// and never divides. In deterministic mode both clocks are virtual, so the vDSO follows virtual
// time.
import { TIMEBASE_HZ } from '../../cpu/hart.js';
import type { VdsoMapping } from '../../loader/index.js';
import type { GuestMemory } from '../../mem/guest_memory.js';
import { hwprobeValue, RISCV_HWPROBE_MAX_KEY } from '../syscalls/hwprobe_keys.js';
import type { KernelClock } from '../time/deadline.js';
import { TICK_NSEC } from '../time/tick.js';

/** vvar.h's struct ecall_vvar offsets. */
const SEQ = 0, CLOCK_MODE = 4, MULT = 8, SHIFT = 12, CYCLE_LAST = 16, MONO_SEC = 24, MONO_NSEC = 32, REAL_SEC = 40,
  REAL_NSEC = 48, COARSE_NS = 56, HRES_NS = 64, HWPROBE_HOMOGENEOUS = 72, HWPROBE_KEYS = 76, HWPROBE = 80;
const NSEC_PER_SEC = 1_000_000_000n;
/** VVAR_HWPROBE_KEYS: the keys the page answers. */
const HWPROBE_KEY_COUNT = RISCV_HWPROBE_MAX_KEY + 1;
const VVAR_BYTES = HWPROBE + 8 * HWPROBE_KEY_COUNT;
/** clock_mode: the vDSO reads the time CSR. */
const VVAR_CLOCK_TIMECSR = 1;
/** Nanoseconds per time-CSR tick: an integer, so mult carries it exactly and shift is 0. */
const NS_PER_TICK = 1e9 / TIMEBASE_HZ;
/** The fine clocks' resolution (clock_getres): 1 ns, as the syscall answers. */
const HRES_NSEC = 1n;

export class ProcessVdso {
  /** Monotonic time of the last write (-1: the page was never written). */
  private writtenAt = -1n;
  private seq = 0;

  constructor(readonly map: VdsoMapping) {}

  /** Rewrites the vvar page if it was never written or a tick has passed since. */
  refresh(clock: KernelClock, mem: GuestMemory): void {
    const mono = clock.monotonicNs();
    if (this.writtenAt >= 0n && mono - this.writtenAt < TICK_NSEC) return;
    this.writtenAt = mono;
    this.write(mem, mono, clock.realtimeNs() - mono);
  }

  /** Writes the whole page at once: no guest runs during a kernel write, so a reader never sees
   *  it half done and seq only has to move forward (by 2, staying even). */
  private write(mem: GuestMemory, mono: bigint, offset: bigint): void {
    const buf = new Uint8Array(VVAR_BYTES);
    const dv = new DataView(buf.buffer);
    const cycles = mono / BigInt(NS_PER_TICK);
    const monoAt = cycles * BigInt(NS_PER_TICK);
    const realAt = monoAt + offset;
    this.seq += 2;
    dv.setUint32(SEQ, this.seq, true);
    dv.setUint32(CLOCK_MODE, VVAR_CLOCK_TIMECSR, true);
    dv.setUint32(MULT, NS_PER_TICK, true);
    dv.setUint32(SHIFT, 0, true);
    dv.setBigUint64(CYCLE_LAST, cycles, true);
    dv.setBigUint64(MONO_SEC, monoAt / NSEC_PER_SEC, true);
    dv.setBigUint64(MONO_NSEC, monoAt % NSEC_PER_SEC, true);
    dv.setBigUint64(REAL_SEC, realAt / NSEC_PER_SEC, true);
    dv.setBigUint64(REAL_NSEC, realAt % NSEC_PER_SEC, true);
    dv.setBigUint64(COARSE_NS, TICK_NSEC, true);
    dv.setBigUint64(HRES_NS, HRES_NSEC, true);
    // All ids are 0, so Linux's rule (the ids agree and are not all 0) leaves explicit CPU sets to the syscall.
    dv.setUint32(HWPROBE_HOMOGENEOUS, 0, true);
    dv.setUint32(HWPROBE_KEYS, HWPROBE_KEY_COUNT, true);
    for (let k = 0; k < HWPROBE_KEY_COUNT; k++) dv.setBigUint64(HWPROBE + 8 * k, hwprobeValue(k), true);
    mem.writeForce(this.map.vvar, buf);
  }
}
