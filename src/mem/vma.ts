// The two records of an address space's map: a virtual memory area (Linux's vm_area_struct) and
// the file a mapping shows. Kept apart from mm.ts so that the page-fault, listing and search code
// can name them without importing the address space itself.
import type { FileBacking, MemObject } from './mem_object.js';

/** A file as mmap sees it: where its bytes come from and go back to, and how maps names it. */
export interface MmapFile extends FileBacking {
  /** Guest path for /proc/self/maps, and identity for the maps line. */
  readonly path: string;
  /** st_dev as stat(2) reports it (user-space encoding); maps shows its major:minor. */
  readonly dev: number;
  readonly ino: number;
  /**
   * The file's identity: every MmapFile with the same key shares one memory object (so every
   * mapping of one file, in any address space, shows the same frames). Absent: this object alone.
   */
  readonly key?: string;
  /** /dev/zero: a mapping of it is anonymous memory (shared: a shmem object of the mapping's size). */
  readonly anonymous?: boolean;
  /** False when the file was opened without write access: a shared mapping of it may never become writable (VM_MAYWRITE). */
  readonly writable?: boolean;
}

/** A virtual memory area: [start, end), page-aligned. */
export interface Vma {
  start: number;
  end: number;
  prot: number;
  /** MAP_* flags it was created with (MAP_PRIVATE/SHARED/ANONYMOUS/GROWSDOWN/STACK...). */
  flags: number;
  file: MmapFile | null;
  /** Offset of `start` in the file or memory object. */
  offset: number;
  /** "[heap]", "[stack]", "[vdso]" or "" (file mappings show file.path). */
  name: string;
  /** The memory object whose frames the pages show: a file's, or a shared anonymous object; null for private anonymous memory. */
  obj?: MemObject | null;
}
