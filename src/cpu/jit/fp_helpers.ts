// The host functions translated code imports for what it does not inline (emit_fp.ts,
// emit_csr.ts): the interpreter's F/D execution (execFp) run on a hart-shaped view of the
// exchange area, for rounding modes other than round-to-nearest-even and for the operands the
// inline fast paths leave out (NaNs, tiny and huge values); and the CSRs whose value lives
// outside the guest's registers (time, ecall's cpu number).
import { execFp } from '../fp/index.js';
import type { Hart } from '../hart.js';
import type { Op } from '../ops.js';
import { T_F64, T_I32, type ImportedFunc } from './wasm.js';

/** Exchange area layout after emit.ts's part (byte offsets from st): f0..f31 raw bits, then
 *  fflags and frm as i32. */
export const ST_F = 312;
export const ST_FFLAGS = ST_F + 256;
export const ST_FRM = ST_FFLAGS + 4;
/** Bytes of the whole exchange area. */
export const ST_FP_END = ST_FRM + 4;

/** The imports of every translated module, in call-index order. */
export const FP_IMPORT = 0;
export const CSR_IMPORT = 1;
export const HELPER_IMPORTS: ImportedFunc[] = [
  { name: 'fp', params: [T_I32, T_I32, T_I32, T_I32, T_I32, T_I32], results: [T_I32] },
  { name: 'csr', params: [T_I32], results: [T_F64] },
];

/** CSR numbers the csr helper reads (the interpreter's, run.ts): time and ecall's cpu number. */
export const CSR_TIME = 0xc01, CSR_ECALL_CPU = 0xcc0;

/** The registers execFp touches, as views of the exchange area at pool offset st (ST_X at 0). */
class Shadow {
  readonly x: Int32Array;
  readonly x64: BigInt64Array;
  readonly f: Int32Array;
  readonly fd: Float64Array;
  readonly fs: Float32Array;
  fflags = 0;
  frm = 0;

  constructor(buf: ArrayBufferLike, st: number) {
    this.x = new Int32Array(buf, st, 66);
    this.x64 = new BigInt64Array(buf, st, 33);
    this.f = new Int32Array(buf, st + ST_F, 64);
    this.fd = new Float64Array(buf, st + ST_F, 32);
    this.fs = new Float32Array(buf, st + ST_F, 64);
  }
}

/** Calls of the imported functions (for --stats). */
export interface HelperCounts {
  fp: number;
  csr: number;
}

/** The imported functions for the exchange area at pool offset st of memory; hart() is the
 *  hart running translated code now; calls are counted in counts. */
export function helperImports(memory: WebAssembly.Memory, st: number, hart: () => Hart | null, counts: HelperCounts): Record<string, unknown> {
  const sh = new Shadow(memory.buffer, st);
  // execFp reads and writes only the fields Shadow has (x, x64, f, fd, fs, fflags, frm).
  const h = sh as unknown as Hart;
  return {
    /** Runs one F/D op on the spilled registers with rounding mode rm (0..7, frm already
     *  substituted for dynamic); returns the fflags it raised, or -1 when the op is illegal
     *  (nothing changed: the interpreter raises SIGILL at it). */
    fp: (op: number, rd: number, rs1: number, rs2: number, rs3: number, rm: number): number => {
      counts.fp++;
      sh.fflags = 0;
      sh.frm = rm;
      const ok = execFp(h, op as Op, rd, rs1, rs2, rs3, rm);
      // x0's writes land in the sink slot, which the hart keeps zero between runs (translated
      // code never reads x0 from it).
      if (rd === 32) { sh.x[64] = 0; sh.x[65] = 0; }
      return ok ? sh.fflags : -1;
    },
    /** Returns the value of a read-only CSR of the running hart, or -1 when reading it is illegal. */
    csr: (csr: number): number => {
      counts.csr++;
      const cur = hart();
      if (cur === null) return -1;
      if (csr === CSR_TIME) return cur.timeSource();
      if (csr === CSR_ECALL_CPU && cur.cpuCsr) return cur.cpuId;
      return -1;
    },
  };
}
