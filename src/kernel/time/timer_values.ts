// struct itimerspec and struct itimerval (include/uapi/linux/time_types.h, linux/time.h): the
// values timerfd, setitimer and POSIX timers read and write, in ns inside the kernel.
import type { GuestMemory } from '../../mem/guest_memory.js';
import { NSEC_PER_SEC, NSEC_PER_USEC } from '../structs.js';
import { clampKtime } from './interval_timer.js';

/** sizeof(struct itimerspec) and sizeof(struct itimerval) on riscv64: two 16-byte halves. */
export const ITIMERSPEC_SIZE = 32;
export const ITIMERVAL_SIZE = 32;

/** A decoded itimerspec or itimerval, in ns; valid is false if a field is out of range. */
export interface TimerValue {
  intervalNs: bigint;
  valueNs: bigint;
  valid: boolean;
}

/** Converts a raw (sec, sub) pair to ns; sub is nsec (or usec when perSub is NSEC_PER_USEC). */
function half(sec: bigint, sub: bigint, subMax: bigint, perSub: bigint): [bigint, boolean] {
  const ok = sec >= 0n && sub >= 0n && sub < subMax;
  if (!ok) return [0n, false];
  // timespec64_to_ktime: seconds past KTIME_SEC_MAX give KTIME_MAX.
  return [clampKtime(sec * NSEC_PER_SEC + sub * perSub), true];
}

/** Reads a 32-byte struct itimerspec (it_interval @0, it_value @16); throws EFAULT. */
export function readItimerspec(mem: GuestMemory, addr: number): TimerValue {
  mem.checkRead(addr, ITIMERSPEC_SIZE);
  const f = (o: number): bigint => BigInt.asIntN(64, mem.readBig64(addr + o));
  const [iv, ok1] = half(f(0), f(8), NSEC_PER_SEC, 1n);
  const [v, ok2] = half(f(16), f(24), NSEC_PER_SEC, 1n);
  return { intervalNs: iv, valueNs: v, valid: ok1 && ok2 };
}

/** Reads a 32-byte struct itimerval (timevals: it_interval @0, it_value @16); throws EFAULT. */
export function readItimerval(mem: GuestMemory, addr: number): TimerValue {
  mem.checkRead(addr, ITIMERVAL_SIZE);
  const f = (o: number): bigint => BigInt.asIntN(64, mem.readBig64(addr + o));
  const usecMax = NSEC_PER_SEC / NSEC_PER_USEC;
  const [iv, ok1] = half(f(0), f(8), usecMax, NSEC_PER_USEC);
  const [v, ok2] = half(f(16), f(24), usecMax, NSEC_PER_USEC);
  return { intervalNs: iv, valueNs: v, valid: ok1 && ok2 };
}

/** Writes a struct itimerspec (both values non-negative ns); throws EFAULT. */
export function writeItimerspec(mem: GuestMemory, addr: number, intervalNs: bigint, valueNs: bigint): void {
  mem.checkWrite(addr, ITIMERSPEC_SIZE);
  mem.writeBig64(addr, intervalNs / NSEC_PER_SEC);
  mem.writeBig64(addr + 8, intervalNs % NSEC_PER_SEC);
  mem.writeBig64(addr + 16, valueNs / NSEC_PER_SEC);
  mem.writeBig64(addr + 24, valueNs % NSEC_PER_SEC);
}

/** Writes a struct itimerval, microseconds truncated (put_itimerval); throws EFAULT. */
export function writeItimerval(mem: GuestMemory, addr: number, intervalNs: bigint, valueNs: bigint): void {
  mem.checkWrite(addr, ITIMERVAL_SIZE);
  mem.writeBig64(addr, intervalNs / NSEC_PER_SEC);
  mem.writeBig64(addr + 8, (intervalNs % NSEC_PER_SEC) / NSEC_PER_USEC);
  mem.writeBig64(addr + 16, valueNs / NSEC_PER_SEC);
  mem.writeBig64(addr + 24, (valueNs % NSEC_PER_SEC) / NSEC_PER_USEC);
}
