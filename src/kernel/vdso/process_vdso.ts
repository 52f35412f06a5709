// A process's vDSO: where the loader mapped it, and the vvar page the kernel keeps current for
// the vDSO's clock and hwprobe functions (guest/vdso/vvar.h is the layout). With the time CSR at
// 1 GHz of the kernel's monotonic clock, CLOCK_MONOTONIC is the counter itself; what the page
// carries that can change is CLOCK_REALTIME's distance from it, which is refreshed at most once a
// tick (4 ms, as Linux's timekeeping tick updates its vDSO data), before a thread of the process
// runs. In deterministic mode both clocks are virtual, so the vDSO follows virtual time.
import { TIMEBASE_HZ } from '../../cpu/hart.js';
import type { VdsoMapping } from '../../loader/index.js';
import type { GuestMemory } from '../../mem/guest_memory.js';
import { hwprobeValue, RISCV_HWPROBE_MAX_KEY } from '../syscalls/hwprobe.js';
import type { KernelClock } from '../time/deadline.js';
import { TICK_NSEC } from '../time/clocks.js';

/** vvar.h's struct ecall_vvar offsets. */
const SEQ = 0, CLOCK_MODE = 4, MULT = 8, SHIFT = 12, CYCLE_LAST = 16, MONO_BASE = 24, REAL_BASE = 32, COARSE_NS = 40,
  HRES_NS = 48, HWPROBE_HOMOGENEOUS = 56, HWPROBE_KEYS = 60, HWPROBE = 64;
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
  /** Monotonic time of the last check (-1: the page was never written). */
  private checkedAt = -1n;
  /** The realtime offset last written. */
  private offset = 0n;
  private seq = 0;

  constructor(readonly map: VdsoMapping) {}

  /** Rewrites the vvar page if it was never written, or a tick has passed and the realtime offset moved. */
  refresh(clock: KernelClock, mem: GuestMemory): void {
    const mono = clock.monotonicNs();
    if (this.checkedAt >= 0n && mono - this.checkedAt < TICK_NSEC) return;
    const offset = clock.realtimeNs() - mono;
    const first = this.checkedAt < 0n;
    this.checkedAt = mono;
    if (!first && offset === this.offset) return;
    this.offset = offset;
    this.write(mem, mono, offset);
  }

  /** Writes the whole page at once: no guest runs during a kernel write, so a reader never sees
   *  it half done and seq only has to move forward (by 2, staying even). */
  private write(mem: GuestMemory, mono: bigint, offset: bigint): void {
    const buf = new Uint8Array(VVAR_BYTES);
    const dv = new DataView(buf.buffer);
    const cycles = mono / BigInt(NS_PER_TICK);
    const monoBase = cycles * BigInt(NS_PER_TICK);
    this.seq += 2;
    dv.setUint32(SEQ, this.seq, true);
    dv.setUint32(CLOCK_MODE, VVAR_CLOCK_TIMECSR, true);
    dv.setUint32(MULT, NS_PER_TICK, true);
    dv.setUint32(SHIFT, 0, true);
    dv.setBigUint64(CYCLE_LAST, cycles, true);
    dv.setBigUint64(MONO_BASE, monoBase, true);
    dv.setBigUint64(REAL_BASE, BigInt.asUintN(64, monoBase + offset), true);
    dv.setBigUint64(COARSE_NS, TICK_NSEC, true);
    dv.setBigUint64(HRES_NS, HRES_NSEC, true);
    // All ids are 0, so Linux's rule (the ids agree and are not all 0) leaves explicit CPU sets to the syscall.
    dv.setUint32(HWPROBE_HOMOGENEOUS, 0, true);
    dv.setUint32(HWPROBE_KEYS, HWPROBE_KEY_COUNT, true);
    for (let k = 0; k < HWPROBE_KEY_COUNT; k++) dv.setBigUint64(HWPROBE + 8 * k, hwprobeValue(k), true);
    mem.writeForce(this.map.vvar, buf);
  }
}
