// The translator tier: hot entry points (counted by the interpreter at taken branches and jumps,
// and here at exits) become WebAssembly functions over the machine's shared memory; exec() runs
// them back to back until one exits to the interpreter, the budget runs out, or control reaches
// code with no translation. Translations are keyed by frame and page offset (code_cache.ts), so
// a write to a code frame, its reuse, or anything else that drops its decode drops them too, and
// they are found only through the hart's TLB exec tags, which munmap, mprotect and exec flush.
import { CodeCache, codeCacheOf, DECODE_ENTRIES, type CodeListener } from '../code_cache.js';
import type { Hart } from '../hart.js';
import { type PhysMem, SCRATCH_FRAME } from '../../mem/phys.js';
import type { Tlb } from '../../mem/tlb.js';
import { emitRegion, EXIT_NEXT, PARAMS, RESULTS, ST_BYTES, ST_N, ST_PAD, ST_PC, ST_TAGR, ST_TAGW } from './emit.js';
import { discover } from './region.js';
import { moduleBytes } from './wasm.js';

/** Arrivals at an entry point before it is translated: compiling a module costs about as much
 *  as interpreting tens of thousands of instructions, so only code that loops earns it. */
export const DEFAULT_HOT_THRESHOLD = 2000;
/** The budget one call of a translated function may get (its count is an i32). */
const MAX_CALL_BUDGET = 1 << 30;
/** Live translated functions at most: each is a module of some tens of KiB in the host engine,
 *  so this bounds code memory to about 100 MiB; past it, new hot code stays interpreted until
 *  writes or frees drop translations. (Slots would allow 2^23 ids.) */
const MAX_FUNCTIONS = 4096;
/** Where the exchange area lives in the CPU's scratch frame: the interpreter assembles a
 *  page-straddling load in its first 8 bytes only. Using no frame of its own keeps the free
 *  memory a guest sees the same with and without the translator. */
const EXCHANGE_OFFSET = 2048;
if (EXCHANGE_OFFSET + ST_BYTES > 4096) throw new Error('the exchange area must fit in the scratch frame');
/** Bytes per WebAssembly page. */
const WASM_PAGE = 65536;

type Translated = (st: number, vpn: number, block: number, budget: number) => number;

/** Counters for --stats. */
export interface JitStats {
  /** Regions translated and compiled. */
  regions: number;
  /** Guest instructions in them. */
  instructions: number;
  /** Milliseconds spent discovering, emitting and compiling. */
  compileMs: number;
  /** Calls into translated code. */
  calls: number;
  /** Instructions retired in translated code. */
  retired: number;
  /** Exits by cause: to the next entry point, to the interpreter, for the budget. */
  exits: [number, number, number];
  /** Regions dropped because their code frame was written or freed. */
  dropped: number;
}

export class Jit implements CodeListener {
  readonly stats: JitStats = { regions: 0, instructions: 0, compileMs: 0, calls: 0, retired: 0, exits: [0, 0, 0], dropped: 0 };
  /** Arrivals before translating an entry point. */
  threshold = DEFAULT_HOT_THRESHOLD;
  private readonly fns: (Translated | null)[] = [null];
  private readonly freeIds: number[] = [];
  /** Frame -> ids of the functions translated from it. */
  private readonly byFrame = new Map<number, number[]>();
  private readonly cache: CodeCache;
  /** The exchange area: byte offset in the pool, and int32 views of it. */
  private readonly st: number;
  private readonly regs: Int32Array;
  private readonly i32: Int32Array;

  constructor(private readonly phys: PhysMem) {
    this.cache = codeCacheOf(phys);
    this.st = SCRATCH_FRAME * 4096 + EXCHANGE_OFFSET;
    this.regs = new Int32Array(phys.memory.buffer, this.st, 66);
    this.i32 = phys.i32;
  }

  /** Frame f's code changed or went away: forgets every translation made from it. */
  dropped(f: number): void {
    const ids = this.byFrame.get(f);
    if (ids === undefined) return;
    for (const id of ids) { this.fns[id] = null; this.freeIds.push(id); }
    this.stats.dropped += ids.length;
    this.byFrame.delete(f);
  }

  /**
   * Runs translated code for h from h.pc for at most budget instructions. Returns true when the
   * budget is spent, false when the interpreter should continue at h.pc. h.pc, h.instret and the
   * registers are up to date either way.
   */
  exec(h: Hart, tlb: Tlb, budget: number): boolean {
    const buf = this.phys.memory.buffer;
    if (tlb.tagR.buffer !== buf) return false; // a TLB on the JS heap: wasm cannot see it
    const i32 = this.i32, st = this.st, sw = st >> 2;
    const tagX = tlb.tagX, paX = tlb.paX, pages = this.cache.pages, fns = this.fns, stats = this.stats;
    this.regs.set(h.x);
    i32[(st + ST_TAGR) >> 2] = tlb.tagR.byteOffset;
    i32[(st + ST_TAGW) >> 2] = tlb.tagW.byteOffset;
    i32[(st + ST_PAD) >> 2] = tlb.paD.byteOffset;
    let pc = h.pc, total = 0, spent = false;
    for (;;) {
      const left = budget - total;
      if (left <= 0) { spent = true; break; }
      if (!(pc >= 0 && pc < 274877906944) || (pc & 1) !== 0) break;
      const vpn = Math.floor(pc / 4096), off = pc - vpn * 4096, e = vpn & 1023;
      if (tagX[e] !== vpn) break;
      const frame = paX[e]! >>> 12;
      const code = pages[frame];
      if (code === undefined || code.length === 0) break;
      let slot = code[DECODE_ENTRIES + (off >> 1)]!;
      if (slot <= 0) {
        if (slot > -this.threshold) { code[DECODE_ENTRIES + (off >> 1)] = slot - 1; break; }
        slot = this.translate(frame, off, code);
        if (slot <= 0) break;
      }
      const fn = fns[slot >> 8];
      if (fn === null || fn === undefined) { code[DECODE_ENTRIES + (off >> 1)] = 0; break; }
      const r = fn(st, vpn, slot & 255, left < MAX_CALL_BUDGET ? left : MAX_CALL_BUDGET);
      const n = i32[sw + (ST_N >> 2)]!;
      total += n;
      stats.calls++;
      stats.retired += n;
      stats.exits[r]!++;
      const lo = i32[sw + (ST_PC >> 2)]!, hi = i32[sw + (ST_PC >> 2) + 1]!;
      // As the interpreter reports a jump beyond the address space: the unsigned value.
      pc = (hi >>> 6) === 0 ? hi * 4294967296 + (lo >>> 0) : (hi >>> 0) * 4294967296 + (lo >>> 0);
      if (r !== EXIT_NEXT) break;
    }
    h.x.set(this.regs);
    h.pc = pc;
    h.instret += total;
    return spent;
  }

  /**
   * Translates the region entered at page offset off of frame (whose decode array is code) and
   * returns its entry slot, or 0 (counting restarts) when the entry cannot be translated.
   */
  private translate(frame: number, off: number, code: Int32Array): number {
    const t0 = performance.now();
    const region = discover(this.phys.u8, frame * 4096, off);
    if (region === null || (this.freeIds.length === 0 && this.fns.length > MAX_FUNCTIONS)) {
      // Counting restarts, so the entry is tried again after another threshold of arrivals.
      code[DECODE_ENTRIES + (off >> 1)] = 0;
      return 0;
    }
    const bytes = moduleBytes(this.phys.bytes / WASM_PAGE, PARAMS, RESULTS, [emitRegion(region)]);
    const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes), { m: { mem: this.phys.memory } });
    const fn = inst.exports['f0'] as Translated;
    const id = this.freeIds.pop() ?? this.fns.length;
    this.fns[id] = fn;
    let ids = this.byFrame.get(frame);
    if (ids === undefined) { ids = []; this.byFrame.set(frame, ids); }
    ids.push(id);
    for (let i = 0; i < region.blocks.length; i++) {
      const s = DECODE_ENTRIES + (region.blocks[i]!.start >> 1);
      if (code[s]! <= 0 || i === 0) code[s] = id * 256 + i;
    }
    this.stats.regions++;
    for (const b of region.blocks) this.stats.instructions += b.offs.length;
    this.stats.compileMs += performance.now() - t0;
    return id * 256;
  }
}

/** Turns the translator on or off for every hart running over phys; returns it when on. */
export function setJit(phys: PhysMem, on: boolean): Jit | null {
  const cache = codeCacheOf(phys);
  if (!on) { cache.jit = null; return null; }
  if (!(cache.jit instanceof Jit)) cache.jit = new Jit(phys);
  return cache.jit as Jit;
}

/** The translator over phys, if it is on. */
export function jitOf(phys: PhysMem): Jit | null {
  const c = phys.code;
  return c instanceof CodeCache && c.jit instanceof Jit ? c.jit : null;
}

/** Whether a kernel translates unless told otherwise (`--jit`/`--no-jit`). */
export const JIT_DEFAULT = true;
