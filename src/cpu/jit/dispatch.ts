// The dispatcher: chains translated functions without returning to JavaScript. Every translated
// function (emit.ts) that leaves its region with a known next pc (a jalr, a jump or branch out
// of the region, a fall-through off the page) returns EXIT_NEXT; the dispatcher then calls the
// function that a table of entry points, indexed by a hash of the pc, holds for it. Entries are
// hints: the function called checks that it is valid, that the TLB maps the page to its frame,
// and that it has a block at the pc, and returns EXIT_MISS otherwise, having done nothing; then
// the JavaScript side (jit.ts) looks the pc up, translates or installs, or goes back to the
// interpreter. The budget is exact across calls: each function gets the count so far and the
// budget, and checks every block against them.
import { EXIT_MISS, EXIT_NEXT, PARAMS, RESULTS, ST_CALLS, ST_N, ST_PC } from './emit.js';
import { BLOCK_VOID, Bytes, type FuncCode, get, i32c, i64c, mem, moduleBytes, op, set, T_I32, T_I64, tee, W } from './wasm.js';

/** Entries in the table of entry points: a power of two; about 8 bytes each in the engine. A
 *  pc whose entry another pc took costs a trip through JavaScript, so a program's hot jump
 *  targets should fit with few collisions. */
export const TABLE_SIZE = 1 << 14;
const TABLE_MASK = TABLE_SIZE - 1;

/** The table index for pc (a non-negative integer below 2^38): the same hash the dispatcher computes. */
export function tableIndex(pc: number): number {
  return (((pc % 4294967296) >>> 1) ^ Math.floor(pc / 8192)) & TABLE_MASK;
}

/** A translated function, or the dispatcher: (st, vpn, off, budget, n0) -> exit code. */
export type Translated = (st: number, vpn: number, off: number, budget: number, n0: number) => number;

/** The dispatcher over memory with a new table (every entry the miss function). */
export interface Dispatcher {
  table: WebAssembly.Table;
  /** Runs from the pc in the exchange area at st for at most budget instructions (vpn, off and n0 unused). */
  dispatch: Translated;
}

/** Compiled dispatcher modules by memory size (every machine of a size shares one). */
const compiled = new Map<number, WebAssembly.Module>();

/** Builds the dispatcher over memory (`pages` 64 KiB pages) and its table. */
export function makeDispatcher(memory: WebAssembly.Memory, pages: number): Dispatcher {
  let compiledModule = compiled.get(pages);
  if (compiledModule === undefined) {
    compiledModule = new WebAssembly.Module(moduleBytes({ pages, params: PARAMS, results: RESULTS, table: true }, [dispatchBody(), missBody()]));
    compiled.set(pages, compiledModule);
  }
  const table = new WebAssembly.Table({ element: 'anyfunc', initial: 0 });
  const inst = new WebAssembly.Instance(compiledModule, { m: { mem: memory, tab: table } });
  table.grow(TABLE_SIZE, inst.exports['f1']);
  return { table, dispatch: inst.exports['f0'] as Translated };
}

/**
 * The dispatch loop: (st, _, _, budget, _) -> the first exit code other than EXIT_NEXT. A pc
 * beyond the address space returns EXIT_MISS (the interpreter reports the fault).
 */
function dispatchBody(): FuncCode {
  const b = new Bytes();
  const P_ST = 0, P_BUDGET = 3, L_R = 5, L_PC = 6;
  b.u8(W.loop); b.u8(BLOCK_VOID);
  get(b, P_ST); mem(b, W.i64_load, 3, ST_PC); tee(b, L_PC);
  i64c(b, 38); op(b, W.i64_shr_u); op(b, W.i64_eqz); op(b, W.i32_eqz);
  b.u8(W.if); b.u8(BLOCK_VOID); i32c(b, EXIT_MISS); op(b, W.return); b.u8(W.end);
  get(b, P_ST);
  get(b, L_PC); i64c(b, 12); op(b, W.i64_shr_u); op(b, W.i32_wrap_i64);
  get(b, L_PC); op(b, W.i32_wrap_i64); i32c(b, 0xfff); op(b, W.i32_and);
  get(b, P_BUDGET);
  get(b, P_ST); mem(b, W.i32_load, 2, ST_N);
  // tableIndex(pc)
  get(b, L_PC); op(b, W.i32_wrap_i64); i32c(b, 1); op(b, W.i32_shr_u);
  get(b, L_PC); i64c(b, 13); op(b, W.i64_shr_u); op(b, W.i32_wrap_i64); op(b, W.i32_xor);
  i32c(b, TABLE_MASK); op(b, W.i32_and);
  b.u8(W.call_indirect); b.uleb(0); b.uleb(0);
  set(b, L_R);
  get(b, P_ST); get(b, P_ST); mem(b, W.i32_load, 2, ST_CALLS); i32c(b, 1); op(b, W.i32_add); mem(b, W.i32_store, 2, ST_CALLS);
  get(b, L_R); i32c(b, EXIT_NEXT); op(b, W.i32_eq); b.u8(W.br_if); b.uleb(0);
  b.u8(W.end);
  get(b, L_R);
  b.u8(W.end);
  return { locals: [[1, T_I32], [1, T_I64]], body: b };
}

/** The table's empty entry: returns EXIT_MISS. */
function missBody(): FuncCode {
  const b = new Bytes();
  i32c(b, EXIT_MISS);
  b.u8(W.end);
  return { locals: [], body: b };
}
