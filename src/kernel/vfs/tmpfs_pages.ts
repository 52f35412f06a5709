// The bytes of one tmpfs file: a sparse map of 4 KiB pages, each allocated on its first write and
// charged to the filesystem's size limit (TmpfsSuper). Holes (never written, or punched) read as
// zeros and cost nothing, so ftruncate to a large size takes no host memory, and writing past the
// limit gives ENOSPC instead of exhausting the host.
import { ENOMEM, ENOSPC } from '../../abi/errno.js';

/** tmpfs page size: the unit of allocation and of the size limit (PAGE_SIZE). */
export const TMPFS_PAGE = 4096;

/** Where pages are charged: the filesystem's size limit. */
export interface PageBudget {
  /** Takes n pages from the limit; false (taking none) if fewer are left. */
  takePages(n: number): boolean;
  /** Gives n pages back. */
  returnPages(n: number): void;
}

/** Returns a new zeroed page, or null when the host cannot allocate one (a guest's ENOMEM). */
function newPage(): Uint8Array | null {
  try {
    return new Uint8Array(TMPFS_PAGE);
  } catch {
    return null;
  }
}

/** The pages of one file. Offsets are byte offsets; the file's length is kept by the caller. */
export class PageStore {
  private readonly pages = new Map<number, Uint8Array>();

  constructor(private readonly budget: PageBudget) {}

  /** Pages allocated now (what the file is charged). */
  get count(): number {
    return this.pages.size;
  }

  /** Copies [off, off + buf.length) into buf, holes as zeros; assumes the range is inside the file. */
  read(buf: Uint8Array, off: number): void {
    let done = 0;
    while (done < buf.length) {
      const at = off + done;
      const index = Math.floor(at / TMPFS_PAGE), inPage = at - index * TMPFS_PAGE;
      const n = Math.min(TMPFS_PAGE - inPage, buf.length - done);
      const page = this.pages.get(index);
      if (page) buf.set(page.subarray(inPage, inPage + n), done);
      else buf.fill(0, done, done + n);
      done += n;
    }
  }

  /** Returns the page at index, allocating and charging it if missing; -ENOSPC or -ENOMEM if it cannot. */
  private page(index: number): Uint8Array | number {
    const p = this.pages.get(index);
    if (p) return p;
    if (!this.budget.takePages(1)) return -ENOSPC;
    const fresh = newPage();
    if (fresh === null) {
      this.budget.returnPages(1);
      return -ENOMEM;
    }
    this.pages.set(index, fresh);
    return fresh;
  }

  /** Writes data at off; returns the bytes written (fewer when the limit is reached) or -errno if none were. */
  write(data: Uint8Array, off: number): number {
    let done = 0;
    while (done < data.length) {
      const at = off + done;
      const index = Math.floor(at / TMPFS_PAGE), inPage = at - index * TMPFS_PAGE;
      const n = Math.min(TMPFS_PAGE - inPage, data.length - done);
      const page = this.page(index);
      if (typeof page === 'number') return done > 0 ? done : page;
      page.set(data.subarray(done, done + n), inPage);
      done += n;
    }
    return done;
  }

  /** Allocates every missing page of [off, off + len) (fallocate), all or none: 0 or -ENOSPC. */
  reserve(off: number, len: number): number {
    const first = Math.floor(off / TMPFS_PAGE), last = Math.floor((off + len - 1) / TMPFS_PAGE);
    let missing = 0;
    for (let i = first; i <= last; i++) if (!this.pages.has(i)) missing++;
    if (!this.budget.takePages(missing)) return -ENOSPC;
    this.budget.returnPages(missing); // charged again one by one below
    for (let i = first; i <= last; i++) {
      const p = this.page(i);
      if (typeof p === 'number') return p;
    }
    return 0;
  }

  /** Zeroes [off, off + len): whole pages are freed, partial ones cleared (hole punching, truncation). */
  clear(off: number, len: number): void {
    const end = off + len;
    for (const [index, page] of this.pages) {
      const start = index * TMPFS_PAGE, stop = start + TMPFS_PAGE;
      if (stop <= off || start >= end) continue;
      if (start >= off && stop <= end) {
        this.pages.delete(index);
        this.budget.returnPages(1);
      } else {
        page.fill(0, Math.max(off, start) - start, Math.min(end, stop) - start);
      }
    }
  }

  /** Frees every page (the file's last link and last open are gone). */
  release(): void {
    this.budget.returnPages(this.pages.size);
    this.pages.clear();
  }
}
