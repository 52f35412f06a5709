// The guest's linear memory: one WebAssembly.Memory whose byte offsets are guest addresses,
// a per-page protection byte, and checked copies used by every syscall.
import { EFAULT, SyscallError } from '../abi/errno.js';

export const PAGE_SHIFT = 12;
export const PAGE_SIZE = 4096;
/** Guest addresses are below 4 GiB: one wasm32 memory covers them exactly. */
export const TASK_SIZE = 0x1_0000_0000;
export const NUM_PAGES = TASK_SIZE / PAGE_SIZE;

/** Page protection bits, as in mmap's PROT_* (include/uapi/asm-generic/mman-common.h). */
export const PROT_NONE = 0, PROT_READ = 1, PROT_WRITE = 2, PROT_EXEC = 4;
/** Internal: the CPU caches decoded code from this page, so writes must notify watchers first. */
export const PAGE_WATCH = 8;
/** Internal: the page belongs to a mapping (distinguishes SEGV_MAPERR from SEGV_ACCERR). */
export const PAGE_MAPPED = 16;

/** Called with (firstPage, pageCount) when watched pages are written, or pages change mapping. */
export type InvalidateFn = (firstPage: number, count: number) => void;

/** Thrown inside the kernel when a checked copy touches a page it may not; becomes EFAULT. */
export class GuestFaultError extends SyscallError {
  constructor(readonly addr: number) {
    super(EFAULT);
  }
}

const decoder = new TextDecoder('utf-8', { fatal: false });

/** One guest address space's memory: bytes, page protections and invalidation listeners. */
export class GuestMemory {
  readonly memory: WebAssembly.Memory;
  readonly u8: Uint8Array;
  readonly dv: DataView;
  /** One byte per 4 KiB page: PROT_* | PAGE_WATCH | PAGE_MAPPED. 0 means unmapped. */
  readonly prot: Uint8Array;
  /**
   * One byte per page: 1 if the page may hold non-zero bytes (it was mapped writable, or the
   * kernel copied data into it). Pages never touched are known to be zero without reading them,
   * which keeps unmapping large PROT_NONE reservations cheap.
   */
  readonly touched: Uint8Array;
  private readonly listeners: InvalidateFn[] = [];

  constructor() {
    // Reserved, not committed: the host backs pages lazily, so untouched pages cost nothing.
    this.memory = new WebAssembly.Memory({ initial: NUM_PAGES / 16, maximum: NUM_PAGES / 16 });
    this.u8 = new Uint8Array(this.memory.buffer);
    this.dv = new DataView(this.memory.buffer);
    this.prot = new Uint8Array(NUM_PAGES);
    this.touched = new Uint8Array(NUM_PAGES);
  }

  /** Records that pages [first, first+count) may hold non-zero bytes (the kernel wrote them). */
  markTouched(first: number, count: number): void {
    this.touched.fill(1, first, Math.min(first + count, NUM_PAGES));
  }

  /** Registers a listener for code-cache invalidation. */
  onInvalidate(fn: InvalidateFn): void {
    this.listeners.push(fn);
  }

  /**
   * Tells listeners that pages [first, first+count) changed. The listener that set a page's
   * WATCH bit (the CPU's code cache) clears it when it drops the page, so this never walks the
   * range itself: unmapping a huge reservation costs nothing here.
   */
  invalidate(first: number, count: number): void {
    for (const fn of this.listeners) fn(first, count);
  }

  /** Sets protection for pages [first, first+count): prot = PROT bits, mapped or not. */
  setPages(first: number, count: number, prot: number, mapped: boolean): void {
    this.invalidate(first, count);
    this.prot.fill(mapped ? (prot & 7) | PAGE_MAPPED : 0, first, first + count);
    if (mapped && (prot & PROT_WRITE)) this.markTouched(first, count);
  }

  /** True if every byte of [addr, addr+len) is on a page with all the bits in `need`. */
  accessible(addr: number, len: number, need: number): boolean {
    if (len === 0) return addr >= 0 && addr <= TASK_SIZE;
    if (!(addr >= 0) || addr + len > TASK_SIZE || len < 0) return false;
    const last = (addr + len - 1) >>> PAGE_SHIFT;
    for (let p = addr >>> PAGE_SHIFT; p <= last; p++) {
      if ((this.prot[p]! & need) !== need) return false;
    }
    return true;
  }

  /** Throws GuestFaultError unless [addr, addr+len) is readable. */
  checkRead(addr: number, len: number): void {
    if (!this.accessible(addr, len, PROT_READ)) throw new GuestFaultError(addr);
  }

  /** Throws GuestFaultError unless [addr, addr+len) is writable; invalidates watched pages. */
  checkWrite(addr: number, len: number): void {
    if (!this.accessible(addr, len, PROT_WRITE)) throw new GuestFaultError(addr);
    if (len === 0) return;
    const last = (addr + len - 1) >>> PAGE_SHIFT;
    for (let p = addr >>> PAGE_SHIFT; p <= last; p++) {
      if (this.prot[p]! & PAGE_WATCH) this.invalidate(p, 1);
    }
  }

  /** Copies len guest bytes at addr into a new array (checked). */
  read(addr: number, len: number): Uint8Array {
    this.checkRead(addr, len);
    return this.u8.slice(addr, addr + len);
  }

  /** Returns a view (not a copy) of len readable guest bytes at addr (checked). */
  view(addr: number, len: number): Uint8Array {
    this.checkRead(addr, len);
    return this.u8.subarray(addr, addr + len);
  }

  /** Returns a writable view of guest bytes at addr (checked for write). */
  viewWritable(addr: number, len: number): Uint8Array {
    this.checkWrite(addr, len);
    return this.u8.subarray(addr, addr + len);
  }

  /** Copies bytes into guest memory at addr (checked). */
  write(addr: number, data: Uint8Array): void {
    this.checkWrite(addr, data.length);
    this.u8.set(data, addr);
  }

  /**
   * Writes bytes whatever the pages' protection (the loader, the vDSO's data page, ptrace-style
   * pokes); every page must be mapped, else GuestFaultError.
   */
  writeForce(addr: number, data: Uint8Array): void {
    if (!this.accessible(addr, data.length, PAGE_MAPPED)) throw new GuestFaultError(addr);
    if (data.length === 0) return;
    const first = addr >>> PAGE_SHIFT, last = (addr + data.length - 1) >>> PAGE_SHIFT;
    for (let p = first; p <= last; p++) if (this.prot[p]! & PAGE_WATCH) this.invalidate(p, 1);
    this.markTouched(first, last - first + 1);
    this.u8.set(data, addr);
  }

  readU8(addr: number): number { this.checkRead(addr, 1); return this.u8[addr]!; }
  readU16(addr: number): number { this.checkRead(addr, 2); return this.dv.getUint16(addr, true); }
  readI32(addr: number): number { this.checkRead(addr, 4); return this.dv.getInt32(addr, true); }
  readU32(addr: number): number { this.checkRead(addr, 4); return this.dv.getUint32(addr, true); }
  /** Reads a 64-bit value as a JS number (exact below 2^53; for pointers and sizes). */
  readU64(addr: number): number {
    this.checkRead(addr, 8);
    return this.dv.getUint32(addr + 4, true) * 4294967296 + this.dv.getUint32(addr, true);
  }
  /** Reads a signed 64-bit value as a JS number (exact within +-2^53). */
  readI64(addr: number): number {
    this.checkRead(addr, 8);
    return this.dv.getInt32(addr + 4, true) * 4294967296 + this.dv.getUint32(addr, true);
  }
  readBig64(addr: number): bigint { this.checkRead(addr, 8); return this.dv.getBigUint64(addr, true); }

  writeU8(addr: number, v: number): void { this.checkWrite(addr, 1); this.u8[addr] = v; }
  writeU16(addr: number, v: number): void { this.checkWrite(addr, 2); this.dv.setUint16(addr, v, true); }
  writeU32(addr: number, v: number): void { this.checkWrite(addr, 4); this.dv.setUint32(addr, v >>> 0, true); }
  writeI32(addr: number, v: number): void { this.checkWrite(addr, 4); this.dv.setInt32(addr, v | 0, true); }
  /** Writes a JS integer (two's complement if negative) as 64 bits. */
  writeU64(addr: number, v: number): void {
    this.checkWrite(addr, 8);
    this.dv.setUint32(addr, v >>> 0, true);
    this.dv.setInt32(addr + 4, Math.floor(v / 4294967296) | 0, true);
  }
  writeBig64(addr: number, v: bigint): void { this.checkWrite(addr, 8); this.dv.setBigUint64(addr, BigInt.asUintN(64, v), true); }

  /** Reads a NUL-terminated string of at most max bytes (excluding NUL); null if unterminated. */
  readCString(addr: number, max: number): string | null {
    const bytes = this.readCStringBytes(addr, max);
    return bytes === null ? null : decoder.decode(bytes);
  }

  /** Like readCString but returns raw bytes (paths are bytes in Linux). */
  readCStringBytes(addr: number, max: number): Uint8Array | null {
    let p = addr;
    const end = addr + max;
    while (p <= end) {
      if (p >= TASK_SIZE || !(p >= 0) || (this.prot[p >>> PAGE_SHIFT]! & PROT_READ) === 0) {
        throw new GuestFaultError(p);
      }
      const pageEnd = Math.min(((p >>> PAGE_SHIFT) + 1) * PAGE_SIZE, end + 1);
      const i = this.u8.subarray(p, pageEnd).indexOf(0);
      if (i >= 0) return this.u8.slice(addr, p + i);
      p = pageEnd;
    }
    return null;
  }
}
