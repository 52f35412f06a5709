// Test access to guest memory by guest address: peek reads like the kernel does (faulting a
// readable page in; an unmapped or unreadable page shows its frame if it still has one, else
// zeros), poke writes like ptrace does (faulting the page in, whatever its protection).
import { ACCESS_READ, type GuestMemory, PROT_READ } from '../../src/mem/guest_memory.js';

/** The byte at addr, as described above. */
export function peek(mem: GuestMemory, addr: number): number {
  const v = mem.vmas.find(addr);
  if (v && v.prot & PROT_READ) return mem.phys.u8[mem.pa(addr, ACCESS_READ)]!;
  const f = mem.frameAt(addr);
  return f < 0 ? 0 : mem.phys.u8[f * 4096 + (addr % 4096)]!;
}

/** len bytes at addr, as peek reads them. */
export function peekBytes(mem: GuestMemory, addr: number, len: number): Uint8Array {
  const out = new Uint8Array(len);
  for (let i = 0; i < len; i++) out[i] = peek(mem, addr + i);
  return out;
}

/** Writes bytes (or one byte) at addr, which must be mapped; the protection is ignored. */
export function poke(mem: GuestMemory, addr: number, v: number | Uint8Array): void {
  mem.writeForce(addr, typeof v === 'number' ? new Uint8Array([v]) : v);
}

/** Sets bytes [start, end) to v (as poke). */
export function fill(mem: GuestMemory, start: number, end: number, v: number): void {
  poke(mem, start, new Uint8Array(end - start).fill(v));
}

/** Writes a little-endian u32 at addr (as poke). */
export function pokeU32(mem: GuestMemory, addr: number, v: number): void {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v >>> 0, true);
  poke(mem, addr, b);
}

/** Writes a little-endian 64-bit value at addr (as poke). */
export function pokeU64(mem: GuestMemory, addr: number, v: bigint): void {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt.asUintN(64, v), true);
  poke(mem, addr, b);
}
