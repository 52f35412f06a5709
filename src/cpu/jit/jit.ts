// The translator tier: hot entry points (counted by the interpreter at taken branches and jumps,
// and here at exits) become WebAssembly functions over the machine's shared memory; exec() runs
// them through the dispatcher (dispatch.ts), which chains them in WebAssembly until one exits to
// the interpreter or the kernel, the budget runs out, or control reaches a pc the dispatcher's
// table has no function for; then exec() looks the pc up here (translating it when it is hot)
// and installs it, or returns to the interpreter. Translations are keyed by frame and page
// offset (code_cache.ts), so a write to a code frame, its reuse, or anything else that drops its
// decode drops them too (their `valid` global goes to 0), and they run only where the hart's TLB
// exec tags map their frame, which munmap, mprotect and exec flush.
import { CodeCache, codeCacheOf, DECODE_ENTRIES, type CodeListener } from '../code_cache.js';
import { Stop, type Hart } from '../hart.js';
import { type PhysMem, SCRATCH_FRAME } from '../../mem/phys.js';
import type { Tlb } from '../../mem/tlb.js';
import { type Dispatcher, makeDispatcher, TABLE_SIZE, tableIndex, type Translated } from './dispatch.js';
import {
  emitRegion, EXIT_BUDGET, EXIT_EBREAK, EXIT_ECALL, EXIT_INTERP, EXIT_MISS, EXIT_NEXT, PARAMS, RESULTS, ST_BYTES, ST_CALLS,
  ST_INSTRET, ST_N, ST_PAD, ST_PAX, ST_PC, ST_RES, ST_TAGR, ST_TAGW, ST_TAGX,
} from './emit.js';
import { discover, type Region } from './region.js';
import { HELPER_IMPORTS, type HelperCounts, helperImports, ST_F, ST_FFLAGS, ST_FRM } from './fp_helpers.js';
import { moduleBytes } from './wasm.js';

/** Arrivals at an entry point before it is translated. A translation costs its module's compile,
 *  mostly V8's optimizing tier-up (about 5 ms of CPU for a region of esbuild's Go code), and saves
 *  about 13 ns per instruction it runs instead of the interpreter: it pays after roughly 400,000
 *  instructions. Measured on esbuild bundle+minify (Go; its regions ran ~90,000 instructions each
 *  after 2,000 arrivals), 50,000 arrivals makes the run about 0.7x the time it takes at 2,000 (the same as
 *  --no-jit), while bench_compute's loops still translate within its first 100 M instructions
 *  (warm-up 51 / 464 / 2,365 MIPS over 10 M / 100 M / 1 G, against 79 / 768 / 2,903 at 2,000). */
export const DEFAULT_HOT_THRESHOLD = 50_000;
/** The budget one dispatch may get (counts are i32). */
const MAX_CALL_BUDGET = 1 << 30;
/** Live translated functions at most: each is a module of some tens of KiB in the host engine,
 *  so this bounds code memory to about 100 MiB; past it, the oldest translation is evicted
 *  (its entry slots reset, so its code counts up to the threshold again). */
const MAX_FUNCTIONS = 4096;
/** Where the exchange area lives in the CPU's scratch frame: the interpreter assembles a
 *  page-straddling load in its first 8 bytes only. Using no frame of its own keeps the free
 *  memory a guest sees the same with and without the translator. */
const EXCHANGE_OFFSET = 2048;
if (EXCHANGE_OFFSET + ST_BYTES > 4096) throw new Error('the exchange area must fit in the scratch frame');
/** Bytes per WebAssembly page. */
const WASM_PAGE = 65536;
/** An entry slot whose region is being compiled in the background: far below any threshold
 *  (arrivals meanwhile count down from it, still far above int32's minimum). */
const PENDING = -(1 << 30);
/** exec() calls of an entry over which its average work is judged (judge()). */
const DEMOTE_SAMPLE = 32;
/** Instructions one exec() call must retire on average for its entry to stay worth entering: a
 *  trip from the interpreter into translated code and back costs about as much as interpreting
 *  a hundred instructions (esbuild's Go code, where most trips run a short callee and return to
 *  code that is not translated), and running them translated saves only a part of that. */
const DEMOTE_MIN_WORK = 100;
/** The entry slot of a demoted translation: as PENDING, the interpreter neither stops there nor
 *  counts it up to the threshold again (its arrivals count down from here; 2^30 of them wrap the
 *  slot to a value lookup() resets to 0). */
const DEMOTED = PENDING;
/** exec()'s answer when the interpreter should continue at h.pc. */
export const EXEC_INTERPRET = -1;

/** Counters for --stats. */
export interface JitStats {
  /** Regions translated and compiled. */
  regions: number;
  /** Guest instructions in them. */
  instructions: number;
  /** Milliseconds the run loop spent discovering, emitting, compiling (when synchronous) and
   *  instantiating. */
  compileMs: number;
  /** Regions compiled in the background (when async is on). */
  background: number;
  /** Calls of exec() that ran translated code. */
  entries: number;
  /** Translated functions the dispatcher called (chained calls included). */
  calls: number;
  /** Instructions retired in translated code. */
  retired: number;
  /** Returns to JavaScript by cause: to the interpreter at an untranslated instruction, for the
   *  budget, at an ecall or ebreak, and at a pc the dispatcher's table had no function for. */
  exits: { interp: number; budget: number; ecall: number; miss: number };
  /** Regions dropped because their code frame was written or freed. */
  dropped: number;
  /** Regions evicted to stay within the function budget. */
  evicted: number;
  /** Translations the interpreter stopped entering (too little work per entry). */
  demoted: number;
  /** Runs of the interpreter between translated code (run.ts counts them). */
  interpRuns: number;
  /** Calls from translated code into the F/D helper (ops not done inline) and the CSR helper (time). */
  helpers: HelperCounts;
}

/** What the translator remembers of one translated function. */
interface Entry {
  fn: Translated;
  valid: WebAssembly.Global;
  frame: number;
  /** Page offsets of its blocks (whose slots may name it). */
  starts: number[];
  /** Its index in fns. */
  id: number;
  /** exec() calls that entered here in the current sample, and the instructions they retired. */
  enters: number;
  work: number;
}

export class Jit implements CodeListener {
  readonly stats: JitStats = {
    regions: 0, instructions: 0, compileMs: 0, background: 0, entries: 0, calls: 0, retired: 0,
    exits: { interp: 0, budget: 0, ecall: 0, miss: 0 }, dropped: 0, evicted: 0, demoted: 0, interpRuns: 0, helpers: { fp: 0, csr: 0 },
  };
  /** Arrivals before translating an entry point. */
  threshold = DEFAULT_HOT_THRESHOLD;
  /** Instructions an entry's exec() calls must average for the interpreter to keep entering it. */
  minWork = DEMOTE_MIN_WORK;
  /**
   * Compile in the background (WebAssembly.compile on the engine's threads) while the
   * interpreter goes on; the translation is installed when the host's event loop next runs
   * (the kernel yields to it every few milliseconds). Off, compiling blocks the caller, which
   * code that never yields (unit tests) needs. Either way the guest sees the same: translated
   * code is exact, only its speed differs.
   */
  async = false;
  private readonly fns: (Entry | null)[] = [null];
  private readonly freeIds: number[] = [];
  /** The next id to evict when the budget is full (round robin over ids). */
  private evictNext = 1;
  /** Frame -> ids of the functions translated from it. */
  private readonly byFrame = new Map<number, number[]>();
  private readonly cache: CodeCache;
  /** Made at the first entry to translated code (its 16,384-entry table costs milliseconds; a short run never needs it). */
  private disp: Dispatcher | null = null;
  /** The TLB whose array offsets the exchange area holds (a TLB's arrays never move). */
  private tlbInArea: Tlb | null = null;
  /** What exec() last put in each entry of the dispatcher's table (Table.set is slow). */
  private readonly installed: (Translated | null)[] = new Array<Translated | null>(TABLE_SIZE).fill(null);
  /** The exchange area: byte offset in the pool, and int32 views of it. */
  private readonly st: number;
  private readonly regs: Int32Array;
  private readonly fregs: Int32Array;
  private readonly i32: Int32Array;
  /** The imports of translated modules (memory, F/D and CSR helpers), and the hart exec() runs. */
  private readonly imports: WebAssembly.Imports;
  private hart: Hart | null = null;

  constructor(private readonly phys: PhysMem) {
    this.cache = codeCacheOf(phys);
    this.st = SCRATCH_FRAME * 4096 + EXCHANGE_OFFSET;
    this.regs = new Int32Array(phys.memory.buffer, this.st, 66);
    this.fregs = new Int32Array(phys.memory.buffer, this.st + ST_F, 64);
    this.imports = { m: { mem: phys.memory, ...helperImports(phys.memory, this.st, () => this.hart, this.stats.helpers) } };
    this.i32 = phys.i32;
  }

  /** Frame f's code changed or went away: forgets every translation made from it. */
  dropped(f: number): void {
    const ids = this.byFrame.get(f);
    if (ids === undefined) return;
    for (const id of ids) this.forget(id);
    this.stats.dropped += ids.length;
    this.byFrame.delete(f);
  }

  /** Invalidates function id (the dispatcher's table may still hold it: it now misses) and frees its id. */
  private forget(id: number): void {
    const e = this.fns[id];
    if (e === null || e === undefined) return;
    e.valid.value = 0;
    this.fns[id] = null;
    this.freeIds.push(id);
  }

  /** The translated function with an entry at pc, translating it when it just became hot; null
   *  when there is none (arrivals counted). */
  private lookup(pc: number, tagX: Int32Array, paX: Int32Array): Entry | null {
    if (!(pc >= 0 && pc < 274877906944) || (pc & 1) !== 0) return null;
    const vpn = Math.floor(pc / 4096), off = pc - vpn * 4096, e = vpn & 1023;
    if (tagX[e] !== vpn) return null;
    const frame = paX[e]! >>> 12;
    const code = this.cache.pages[frame];
    if (code === undefined || code.length === 0) return null;
    const i = DECODE_ENTRIES + (off >> 1);
    let slot = code[i]!;
    if (slot <= 0) {
      if (slot > -this.threshold) { code[i] = slot - 1; return null; }
      if (slot <= PENDING) return null;
      slot = this.translate(frame, off, code);
      if (slot <= 0) return null;
    }
    const entry = this.fns[slot >> 8];
    if (entry === null || entry === undefined) { code[i] = 0; return null; }
    return entry;
  }

  /** Puts tlb's array offsets in the exchange area; false (and nothing written) when its arrays
   *  are on the JS heap, where WebAssembly cannot see them. */
  private useTlb(tlb: Tlb): boolean {
    const buf = this.phys.memory.buffer, i32 = this.i32, st = this.st;
    if (tlb.tagR.buffer !== buf || tlb.tagW.buffer !== buf || tlb.paD.buffer !== buf || tlb.tagX.buffer !== buf || tlb.paX.buffer !== buf) {
      return false;
    }
    i32[(st + ST_TAGR) >> 2] = tlb.tagR.byteOffset;
    i32[(st + ST_TAGW) >> 2] = tlb.tagW.byteOffset;
    i32[(st + ST_PAD) >> 2] = tlb.paD.byteOffset;
    i32[(st + ST_TAGX) >> 2] = tlb.tagX.byteOffset;
    i32[(st + ST_PAX) >> 2] = tlb.paX.byteOffset;
    this.tlbInArea = tlb;
    return true;
  }

  /**
   * Runs translated code for h from h.pc for at most budget instructions. Returns Stop.Budget
   * when the budget is spent, Stop.Ecall or Stop.Ebreak at such an instruction (counted, pc at
   * it, as the interpreter stops), or EXEC_INTERPRET when the interpreter should continue at
   * h.pc. h.pc, h.instret, the registers and the reservation are up to date in every case.
   */
  exec(h: Hart, tlb: Tlb, budget: number): number {
    const tagX = tlb.tagX, paX = tlb.paX;
    if (tlb !== this.tlbInArea && !this.useTlb(tlb)) return EXEC_INTERPRET;
    let pc = h.pc;
    const first = this.lookup(pc, tagX, paX);
    if (first === null) return EXEC_INTERPRET;
    let fn = first.fn;
    const i32 = this.i32, st = this.st, sw = st >> 2, stats = this.stats, disp = this.disp ??= makeDispatcher(this.phys.memory, this.phys.bytes / WASM_PAGE), table = disp.table, dispatch = disp.dispatch;
    this.regs.set(h.x);
    this.fregs.set(h.f);
    i32[(st + ST_FFLAGS) >> 2] = h.fflags;
    i32[(st + ST_FRM) >> 2] = h.frm;
    this.hart = h;
    i32[(st + ST_RES) >> 2] = h.reservation;
    stats.entries++;
    let total = 0, result = EXEC_INTERPRET, missedAt = -1;
    for (;;) {
      const left = budget - total;
      if (left <= 0) { result = Stop.Budget; break; }
      const ti = tableIndex(pc);
      if (this.installed[ti] !== fn) { table.set(ti, fn); this.installed[ti] = fn; }
      const lo = pc % 4294967296, hi = (pc - lo) / 4294967296;
      i32[sw + (ST_PC >> 2)] = lo | 0;
      i32[sw + (ST_PC >> 2) + 1] = hi;
      const ib = h.instret + total, ibLo = ib % 4294967296;
      i32[sw + (ST_INSTRET >> 2)] = ibLo | 0;
      i32[sw + (ST_INSTRET >> 2) + 1] = (ib - ibLo) / 4294967296;
      i32[sw + (ST_N >> 2)] = 0;
      i32[sw + (ST_CALLS >> 2)] = 0;
      const r = dispatch(st, 0, 0, left < MAX_CALL_BUDGET ? left : MAX_CALL_BUDGET, 0);
      const n = i32[sw + (ST_N >> 2)]!;
      total += n;
      stats.calls += i32[sw + (ST_CALLS >> 2)]!;
      stats.retired += n;
      const pLo = i32[sw + (ST_PC >> 2)]!, pHi = i32[sw + (ST_PC >> 2) + 1]!;
      // As the interpreter reports a jump beyond the address space: the unsigned value.
      const prev = pc;
      pc = (pHi >>> 6) === 0 ? pHi * 4294967296 + (pLo >>> 0) : (pHi >>> 0) * 4294967296 + (pLo >>> 0);
      if (r === EXIT_MISS) {
        stats.exits.miss++;
        // A function the table named for pc that would not run it (a stale hint) must not loop.
        if (n === 0 && pc === prev) { if (missedAt === pc) break; missedAt = pc; } else missedAt = -1;
        const e = this.lookup(pc, tagX, paX);
        if (e === null) break;
        fn = e.fn;
        continue;
      }
      if (r === EXIT_ECALL) { stats.exits.ecall++; result = Stop.Ecall; break; }
      if (r === EXIT_EBREAK) { stats.exits.ecall++; result = Stop.Ebreak; break; }
      if (r === EXIT_BUDGET) { stats.exits.budget++; if (total >= budget) result = Stop.Budget; break; }
      if (r === EXIT_INTERP || r !== EXIT_NEXT) { stats.exits.interp++; break; }
    }
    h.x.set(this.regs);
    h.f.set(this.fregs);
    h.fflags = i32[(st + ST_FFLAGS) >> 2]!;
    h.frm = i32[(st + ST_FRM) >> 2]!;
    this.hart = null;
    h.pc = pc;
    h.instret += total;
    const res = i32[(st + ST_RES) >> 2]!;
    h.reservation = res === -1 ? -1 : res >>> 0; // a pool offset, unsigned as the interpreter keeps it
    first.work += total;
    if (++first.enters >= DEMOTE_SAMPLE) this.judge(first);
    return result;
  }

  /**
   * Translates the region entered at page offset off of frame (whose decode array is code) and
   * returns its entry slot; or 0 when the entry cannot be translated (counting restarts) or its
   * module is compiling in the background (the slot is PENDING until it is installed).
   */
  private translate(frame: number, off: number, code: Int32Array): number {
    const t0 = performance.now();
    const region = discover(this.phys.u8, frame * 4096, off);
    const i = DECODE_ENTRIES + (off >> 1);
    if (region === null) {
      // Counting restarts, so the entry is tried again after another threshold of arrivals.
      code[i] = 0;
      return 0;
    }
    const bytes = moduleBytes({ pages: this.phys.bytes / WASM_PAGE, params: PARAMS, results: RESULTS, validGlobal: true, imports: HELPER_IMPORTS },
      [emitRegion(region, frame)]);
    if (this.async) {
      // Its blocks without a translation wait for this one instead of getting hot on their own.
      const waiting: number[] = [];
      for (const bl of region.blocks) {
        const s = DECODE_ENTRIES + (bl.start >> 1);
        if (code[s]! <= 0) { code[s] = PENDING; waiting.push(s); }
      }
      this.stats.background++;
      this.stats.compileMs += performance.now() - t0;
      WebAssembly.compile(bytes).then(
        (m) => { if (this.cache.pages[frame] === code) this.install(m, frame, code, region); },
        () => { if (this.cache.pages[frame] === code) for (const s of waiting) if (code[s]! <= PENDING) code[s] = 0; },
      );
      return 0;
    }
    const slot = this.install(new WebAssembly.Module(bytes), frame, code, region);
    this.stats.compileMs += performance.now() - t0;
    return slot;
  }

  /** Instantiates module m (region's translation from frame, whose decode array is code) and
   *  marks its blocks' entry slots; returns the entry block's slot. */
  private install(m: WebAssembly.Module, frame: number, code: Int32Array, region: Region): number {
    const t0 = performance.now();
    if (this.freeIds.length === 0 && this.fns.length > MAX_FUNCTIONS) this.evictOne();
    const inst = new WebAssembly.Instance(m, this.imports);
    const id = this.freeIds.pop() ?? this.fns.length;
    this.fns[id] = {
      fn: inst.exports['f0'] as Translated, valid: inst.exports['valid'] as WebAssembly.Global, frame,
      starts: region.blocks.map((b) => b.start),
      id, enters: 0, work: 0,
    };
    let ids = this.byFrame.get(frame);
    if (ids === undefined) { ids = []; this.byFrame.set(frame, ids); }
    ids.push(id);
    for (let i = 0; i < region.blocks.length; i++) {
      const s = DECODE_ENTRIES + (region.blocks[i]!.start >> 1);
      if (code[s]! <= 0 || i === 0) code[s] = id * 256 + i;
    }
    this.stats.regions++;
    for (const b of region.blocks) this.stats.instructions += b.offs.length;
    if (this.async) this.stats.compileMs += performance.now() - t0;
    return id * 256;
  }

  /**
   * At the end of entry e's sample of entries: when they ran too little translated code to pay
   * for their trips between JavaScript and WebAssembly, the interpreter stops entering it (its
   * entry slots become DEMOTED; translated code still reaches it through the dispatcher).
   */
  private judge(e: Entry): void {
    const work = e.work;
    e.enters = 0;
    e.work = 0;
    if (work >= DEMOTE_SAMPLE * this.minWork) return;
    const code = this.cache.pages[e.frame], id = e.id;
    if (code === undefined || this.fns[id] !== e) return;
    for (const s of e.starts) {
      const i = DECODE_ENTRIES + (s >> 1);
      if (code[i]! > 0 && code[i]! >> 8 === id) code[i] = DEMOTED;
    }
    this.stats.demoted++;
  }

  /** Evicts one live translation (round robin): invalid from now on, its entry slots counting again. */
  private evictOne(): void {
    for (let k = 0; k < this.fns.length; k++) {
      const id = this.evictNext;
      this.evictNext = this.evictNext + 1 >= this.fns.length ? 1 : this.evictNext + 1;
      const e = this.fns[id];
      if (e === null || e === undefined) continue;
      const code = this.cache.pages[e.frame];
      if (code !== undefined) {
        for (const s of e.starts) {
          const i = DECODE_ENTRIES + (s >> 1);
          if (code[i]! > 0 && code[i]! >> 8 === id) code[i] = 0;
        }
      }
      const ids = this.byFrame.get(e.frame);
      if (ids !== undefined) {
        const at = ids.indexOf(id);
        if (at >= 0) ids.splice(at, 1);
        if (ids.length === 0) this.byFrame.delete(e.frame);
      }
      this.forget(id);
      this.stats.evicted++;
      return;
    }
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
