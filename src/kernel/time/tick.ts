// The kernel's tick, which the COARSE clocks, the vDSO's coarse time and itimers round to.

/** One jiffy at HZ=250 (Debian's CONFIG_HZ): the tick of the COARSE clocks, 4 ms. */
export const TICK_NSEC = 4_000_000n;
