// Little-endian writers and readers for the small uapi structs shared by several syscall
// families: timespec, timeval, rusage, rlimit. Layouts are riscv64 (LP64), checked against the
// Debian cross toolchain under qemu-riscv64 (see docs/abi-riscv64.md §2.4).
import type { GuestMemory } from '../mem/guest_memory.js';

export const NSEC_PER_SEC = 1_000_000_000n;
export const NSEC_PER_USEC = 1_000n;

/** sizeof(struct __kernel_timespec) = {i64 tv_sec; i64 tv_nsec} (include/uapi/linux/time_types.h). */
export const TIMESPEC_SIZE = 16;
/** sizeof(struct timeval) on LP64 = {i64 tv_sec; i64 tv_usec}. */
export const TIMEVAL_SIZE = 16;
/** sizeof(struct rusage) on LP64: two timevals and 14 longs (include/uapi/linux/resource.h). */
export const RUSAGE_SIZE = 144;
/** sizeof(struct rlimit64) = {u64 rlim_cur; u64 rlim_max}. */
export const RLIMIT_SIZE = 16;

/** Returns ns (a bigint of nanoseconds, negative too) as whole seconds rounded toward minus
 *  infinity and the nanoseconds past them (0 to NSEC_PER_SEC - 1), as Linux normalises a time. */
function splitSeconds(ns: bigint): [bigint, bigint] {
  const sec = ns / NSEC_PER_SEC;
  const rem = ns % NSEC_PER_SEC;
  return rem < 0n ? [sec - 1n, rem + NSEC_PER_SEC] : [sec, rem];
}

/** Writes ns (a non-negative or negative bigint of nanoseconds) as a struct timespec at addr. */
export function writeTimespec(mem: GuestMemory, addr: number, ns: bigint): void {
  const [sec, nsec] = splitSeconds(ns);
  mem.checkWrite(addr, TIMESPEC_SIZE);
  mem.writeBig64(addr, sec);
  mem.writeBig64(addr + 8, nsec);
}

/** Writes ns as a struct timeval at addr (microseconds, truncated toward minus infinity). */
export function writeTimeval(mem: GuestMemory, addr: number, ns: bigint): void {
  const [sec, rem] = splitSeconds(ns);
  mem.checkWrite(addr, TIMEVAL_SIZE);
  mem.writeBig64(addr, sec);
  mem.writeBig64(addr + 8, rem / NSEC_PER_USEC);
}

/** A struct timespec as read from the guest: raw signed fields, not yet validated. */
export interface RawTimespec {
  sec: bigint;
  nsec: bigint;
}

/** Reads a struct timespec at addr (checked; throws GuestFaultError). */
export function readTimespec(mem: GuestMemory, addr: number): RawTimespec {
  mem.checkRead(addr, TIMESPEC_SIZE);
  return {
    sec: BigInt.asIntN(64, mem.readBig64(addr)),
    nsec: BigInt.asIntN(64, mem.readBig64(addr + 8)),
  };
}

/** True if ts is a valid timespec64 (sec >= 0, nsec in 0..999999999), as Linux's timespec64_valid. */
export function timespecValid(ts: RawTimespec): boolean {
  return ts.sec >= 0n && ts.nsec >= 0n && ts.nsec < NSEC_PER_SEC;
}

/** Returns a valid timespec as total nanoseconds (assumes timespecValid(ts)). */
export function timespecToNs(ts: RawTimespec): bigint {
  return ts.sec * NSEC_PER_SEC + ts.nsec;
}

/** The fields of struct rusage that ecall tracks; every other counter is written as zero. */
export interface Rusage {
  utimeNs: bigint;
  stimeNs: bigint;
  /** Maximum resident set size in KiB. */
  maxrssKiB: number;
}

/** Writes a 144-byte struct rusage at addr: ru_utime @0, ru_stime @16, ru_maxrss @32, zeros after. */
export function writeRusage(mem: GuestMemory, addr: number, ru: Rusage): void {
  mem.checkWrite(addr, RUSAGE_SIZE);
  mem.zero(addr, RUSAGE_SIZE);
  writeTimeval(mem, addr, ru.utimeNs);
  writeTimeval(mem, addr + 16, ru.stimeNs);
  mem.writeU64(addr + 32, ru.maxrssKiB);
}

/** Reads a struct rlimit64 at addr as [cur, max] (checked). */
export function readRlimit(mem: GuestMemory, addr: number): [bigint, bigint] {
  mem.checkRead(addr, RLIMIT_SIZE);
  return [mem.readBig64(addr), mem.readBig64(addr + 8)];
}

/** Writes [cur, max] as a struct rlimit64 at addr (checked). */
export function writeRlimit(mem: GuestMemory, addr: number, lim: readonly [bigint, bigint]): void {
  mem.checkWrite(addr, RLIMIT_SIZE);
  mem.writeBig64(addr, lim[0]);
  mem.writeBig64(addr + 8, lim[1]);
}
