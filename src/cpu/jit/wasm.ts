// A minimal WebAssembly binary writer: the opcodes the translator emits, LEB128 immediates, and a
// module with one imported shared memory (and optionally the function table), an optional
// exported mutable global, and a list of functions of one type.

/** Opcodes used by the translator (WebAssembly core spec, binary format, instructions). */
export const enum W {
  block = 0x02, loop = 0x03, if = 0x04, else = 0x05, end = 0x0b, br = 0x0c, br_if = 0x0d,
  br_table = 0x0e, return = 0x0f, call_indirect = 0x11, select = 0x1b,
  local_get = 0x20, local_set = 0x21, local_tee = 0x22, global_get = 0x23,
  i32_load = 0x28, i64_load = 0x29, i64_load8_s = 0x30, i64_load8_u = 0x31, i64_load16_s = 0x32,
  i64_load16_u = 0x33, i64_load32_s = 0x34, i64_load32_u = 0x35,
  i32_store = 0x36, i64_store = 0x37, i64_store8 = 0x3c, i64_store16 = 0x3d, i64_store32 = 0x3e,
  i32_const = 0x41, i64_const = 0x42,
  i32_eqz = 0x45, i32_eq = 0x46, i32_ne = 0x47, i32_lt_s = 0x48, i32_lt_u = 0x49, i32_gt_s = 0x4a,
  i32_gt_u = 0x4b, i32_le_u = 0x4d, i32_ge_u = 0x4f,
  i64_eqz = 0x50, i64_eq = 0x51, i64_ne = 0x52, i64_lt_s = 0x53, i64_lt_u = 0x54, i64_ge_s = 0x59,
  i64_ge_u = 0x5a,
  i32_add = 0x6a, i32_sub = 0x6b, i32_mul = 0x6c, i32_div_s = 0x6d, i32_div_u = 0x6e,
  i32_rem_s = 0x6f, i32_rem_u = 0x70, i32_and = 0x71, i32_or = 0x72, i32_xor = 0x73, i32_shl = 0x74,
  i32_shr_s = 0x75, i32_shr_u = 0x76,
  i64_add = 0x7c, i64_sub = 0x7d, i64_mul = 0x7e, i64_div_s = 0x7f, i64_div_u = 0x80,
  i64_rem_s = 0x81, i64_rem_u = 0x82, i64_and = 0x83, i64_or = 0x84, i64_xor = 0x85, i64_shl = 0x86,
  i64_shr_s = 0x87, i64_shr_u = 0x88,
  i32_wrap_i64 = 0xa7, i64_extend_i32_s = 0xac, i64_extend_i32_u = 0xad,
  // F and D (emit_fp.ts)
  call = 0x10, f64_load = 0x2b, f64_store = 0x39, f64_const = 0x44, i64_gt_u = 0x56,
  f64_eq = 0x61, f64_ne = 0x62, f64_lt = 0x63, f64_gt = 0x64, f64_le = 0x65, f64_ge = 0x66,
  f64_abs = 0x99, f64_neg = 0x9a, f64_trunc = 0x9d, f64_nearest = 0x9e, f64_sqrt = 0x9f,
  f64_add = 0xa0, f64_sub = 0xa1, f64_mul = 0xa2, f64_div = 0xa3, f64_min = 0xa4, f64_max = 0xa5,
  i64_trunc_f64_s = 0xb0, i64_trunc_f64_u = 0xb1, f32_demote_f64 = 0xb6,
  f64_convert_i32_s = 0xb7, f64_convert_i32_u = 0xb8, f64_convert_i64_s = 0xb9, f64_convert_i64_u = 0xba,
  f64_promote_f32 = 0xbb, i32_reinterpret_f32 = 0xbc, i64_reinterpret_f64 = 0xbd, f32_reinterpret_i32 = 0xbe,
  f64_reinterpret_i64 = 0xbf,
}

/** Value types. */
export const T_I32 = 0x7f, T_I64 = 0x7e, T_F64 = 0x7c;
/** The empty block type. */
export const BLOCK_VOID = 0x40;

/** A growable byte buffer with the encodings the translator needs. */
export class Bytes {
  buf: Uint8Array<ArrayBuffer> = new Uint8Array(1024);
  len = 0;

  /** Appends one byte. */
  u8(b: number): void {
    if (this.len === this.buf.length) {
      const g = new Uint8Array(this.buf.length * 2);
      g.set(this.buf);
      this.buf = g;
    }
    this.buf[this.len++] = b;
  }

  /** Appends an unsigned LEB128 (v a non-negative integer below 2^32). */
  uleb(v: number): void {
    do {
      let b = v & 0x7f;
      v = Math.floor(v / 128);
      if (v !== 0) b |= 0x80;
      this.u8(b);
    } while (v !== 0);
  }

  /** Appends a signed LEB128 of an int32. */
  sleb32(v: number): void {
    v |= 0;
    for (;;) {
      const b = v & 0x7f;
      v >>= 7;
      if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) { this.u8(b); return; }
      this.u8(b | 0x80);
    }
  }

  /** Appends a signed LEB128 of a 64-bit value given as a bigint. */
  sleb64(v: bigint): void {
    v = BigInt.asIntN(64, v);
    for (;;) {
      const b = Number(v & 0x7fn);
      v >>= 7n;
      if ((v === 0n && (b & 0x40) === 0) || (v === -1n && (b & 0x40) !== 0)) { this.u8(b); return; }
      this.u8(b | 0x80);
    }
  }

  /** Appends raw bytes. */
  bytes(b: Uint8Array | readonly number[]): void {
    if (!(b instanceof Uint8Array)) { for (let i = 0; i < b.length; i++) this.u8(b[i]!); return; }
    let size = this.buf.length;
    while (this.len + b.length > size) size *= 2;
    if (size !== this.buf.length) {
      const g = new Uint8Array(size);
      g.set(this.buf.subarray(0, this.len));
      this.buf = g;
    }
    this.buf.set(b, this.len);
    this.len += b.length;
  }

  /** Returns the bytes written so far (a copy). */
  done(): Uint8Array<ArrayBuffer> {
    return this.buf.slice(0, this.len);
  }
}

/** Emits op with no immediate. */
export function op(b: Bytes, o: W): void { b.u8(o); }

/** i32.const v */
export function i32c(b: Bytes, v: number): void { b.u8(W.i32_const); b.sleb32(v); }

/** i64.const v, for v an int32 (sign-extended) */
export function i64c(b: Bytes, v: number): void { b.u8(W.i64_const); b.sleb32(v); }

/** i64.const v, for any 64-bit v */
export function i64cBig(b: Bytes, v: bigint): void { b.u8(W.i64_const); b.sleb64(v); }

/** f64.const v */
export function f64c(b: Bytes, v: number): void {
  b.u8(W.f64_const);
  const d = new DataView(new ArrayBuffer(8));
  d.setFloat64(0, v, true);
  for (let k = 0; k < 8; k++) b.u8(d.getUint8(k));
}

/** global.get 0 */
export function global0(b: Bytes): void { b.u8(W.global_get); b.uleb(0); }

/** local.get i */
export function get(b: Bytes, i: number): void { b.u8(W.local_get); b.uleb(i); }

/** local.set i */
export function set(b: Bytes, i: number): void { b.u8(W.local_set); b.uleb(i); }

/** local.tee i */
export function tee(b: Bytes, i: number): void { b.u8(W.local_tee); b.uleb(i); }

/** A memory access with alignment exponent align and offset off. */
export function mem(b: Bytes, o: W, align: number, off = 0): void { b.u8(o); b.uleb(align); b.uleb(off); }

/** A section: id, then its contents as a size-prefixed vector of bytes. */
function section(out: Bytes, id: number, body: Bytes): void {
  out.u8(id);
  out.uleb(body.len);
  out.bytes(body.buf.subarray(0, body.len));
}

/** One function of a module: its extra locals as (count, type) runs and its body (ending with end). */
export interface FuncCode {
  locals: [number, number][];
  body: Bytes;
}

/** What a module holds besides its functions. */
export interface ModuleShape {
  /** 64 KiB pages of the imported shared memory "m"."mem". */
  pages: number;
  params: number[];
  results: number[];
  /** Import the function table "m"."tab" (for call_indirect). */
  table?: boolean;
  /** Define and export "valid", a mutable i32 global starting at 1 (global 0). */
  validGlobal?: boolean;
  /** Functions imported as "m".name, indices 0.. in this order (the module's own follow). */
  imports?: ImportedFunc[];
}

/** A function a module imports from the host. */
export interface ImportedFunc {
  name: string;
  params: number[];
  results: number[];
}

/** Appends a name as a size-prefixed vector of bytes. */
function name(b: Bytes, s: string): void {
  b.uleb(s.length);
  for (let k = 0; k < s.length; k++) b.u8(s.charCodeAt(k));
}

/**
 * Returns a module that imports the shared memory "m"."mem" (and the table "m"."tab" if asked)
 * and exports funcs as "f0", "f1", ..., all of type (params) -> (results).
 */
export function moduleBytes(shape: ModuleShape, funcs: FuncCode[]): Uint8Array<ArrayBuffer> {
  const out = new Bytes();
  out.bytes([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
  const fimp = shape.imports ?? [];
  const type = new Bytes();
  type.uleb(1 + fimp.length);
  for (const t of [shape, ...fimp]) {
    type.u8(0x60);
    type.uleb(t.params.length); for (const p of t.params) type.u8(p);
    type.uleb(t.results.length); for (const r of t.results) type.u8(r);
  }
  section(out, 1, type);
  const imp = new Bytes();
  imp.uleb((shape.table ? 2 : 1) + fimp.length);
  name(imp, 'm'); name(imp, 'mem');
  imp.u8(0x02); imp.u8(0x03); imp.uleb(shape.pages); imp.uleb(shape.pages); // memory, shared with a maximum
  if (shape.table) { name(imp, 'm'); name(imp, 'tab'); imp.u8(0x01); imp.u8(0x70); imp.u8(0x00); imp.uleb(0); } // funcref table, min 0
  for (let i = 0; i < fimp.length; i++) { name(imp, 'm'); name(imp, fimp[i]!.name); imp.u8(0x00); imp.uleb(1 + i); }
  section(out, 2, imp);
  const fn = new Bytes();
  fn.uleb(funcs.length);
  for (let i = 0; i < funcs.length; i++) fn.uleb(0);
  section(out, 3, fn);
  if (shape.validGlobal) {
    const glob = new Bytes();
    glob.uleb(1); glob.u8(T_I32); glob.u8(1); i32c(glob, 1); glob.u8(W.end);
    section(out, 6, glob);
  }
  const exp = new Bytes();
  exp.uleb(funcs.length + (shape.validGlobal ? 1 : 0));
  for (let i = 0; i < funcs.length; i++) { name(exp, `f${i}`); exp.u8(0x00); exp.uleb(fimp.length + i); }
  if (shape.validGlobal) { name(exp, 'valid'); exp.u8(0x03); exp.uleb(0); }
  section(out, 7, exp);
  const code = new Bytes();
  code.uleb(funcs.length);
  for (const f of funcs) {
    const body = new Bytes();
    body.uleb(f.locals.length);
    for (const [n, t] of f.locals) { body.uleb(n); body.u8(t); }
    body.bytes(f.body.buf.subarray(0, f.body.len));
    code.uleb(body.len);
    code.bytes(body.buf.subarray(0, body.len));
  }
  section(out, 10, code);
  return out.done();
}
