// /proc/<pid>/maps formatting (proc(5); fs/proc/task_mmu.c show_map_vma semantics).
import type { Vma } from './vma.js';
import { MAP_SHARED } from './mman.js';

/**
 * Linux pads the header to 25 + 6*sizeof(void *) - 1 = 72 columns (riscv64: 8-byte pointers)
 * before the one space that precedes the path, so paths start in column 74 (1-based).
 */
const MAPS_PATH_PAD = 25 + 6 * 8 - 1;

/** Returns n as lower-case hex, zero-padded to at least `width` digits. */
function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

/** Splits a user-space st_dev (new_encode_dev) into [major, minor]. */
export function devMajorMinor(dev: number): [number, number] {
  const major = ((dev >>> 8) & 0xfff) | (Math.floor(dev / 2 ** 32) & ~0xfff);
  const minor = (dev & 0xff) | ((dev >>> 12) & 0xfff00);
  return [major, minor];
}

/** Returns one maps line for v, newline-terminated. */
export function mapsLine(v: Vma): string {
  const [major, minor] = v.file ? devMajorMinor(v.file.dev) : [0, 0];
  const perms = (v.prot & 1 ? 'r' : '-') + (v.prot & 2 ? 'w' : '-') + (v.prot & 4 ? 'x' : '-') +
    (v.flags & MAP_SHARED ? 's' : 'p');
  const head = `${hex(v.start, 8)}-${hex(v.end, 8)} ${perms} ${hex(v.file ? v.offset : 0, 8)} ` +
    `${hex(major, 2)}:${hex(minor, 2)} ${v.file ? v.file.ino : 0} `;
  const name = v.name || (v.file ? v.file.path : '');
  if (!name) return head + '\n';
  return head.padEnd(MAPS_PATH_PAD, ' ') + ' ' + name + '\n';
}

/** Returns the whole maps text for VMAs in address order. */
export function mapsText(vmas: readonly Vma[]): string {
  let s = '';
  for (const v of vmas) s += mapsLine(v);
  return s;
}
