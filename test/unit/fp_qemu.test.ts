// Differential check of execFp against qemu-riscv64: a generated C program runs each F/D
// instruction on random and edge-case operands in every rounding mode and prints the result
// bits and fflags; execFp must agree bit for bit. Skipped when the cross tools are missing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hart } from '../../src/cpu/hart.js';
import { OP_NAMES } from '../../src/cpu/ops.js';
import { execFp } from '../../src/cpu/fp/index.js';

const QEMU = '/usr/bin/qemu-riscv64';
const CC = 'riscv64-linux-gnu-gcc';

function haveTools(): boolean {
  if (!existsSync(QEMU)) return false;
  try {
    execFileSync(CC, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Operand shapes: f = FP register, x = integer register; result first. */
type Shape = 'f_fff' | 'f_ff' | 'f_f' | 'x_ff' | 'x_f' | 'f_x';

const SHAPES: Record<string, Shape> = {};
for (const p of ['s', 'd']) {
  for (const n of ['fmadd', 'fmsub', 'fnmsub', 'fnmadd']) SHAPES[`${n}.${p}`] = 'f_fff';
  for (const n of ['fadd', 'fsub', 'fmul', 'fdiv', 'fsgnj', 'fsgnjn', 'fsgnjx', 'fmin', 'fmax']) SHAPES[`${n}.${p}`] = 'f_ff';
  SHAPES[`fsqrt.${p}`] = 'f_f';
  for (const n of ['feq', 'flt', 'fle']) SHAPES[`${n}.${p}`] = 'x_ff';
  for (const i of ['w', 'wu', 'l', 'lu']) {
    SHAPES[`fcvt.${i}.${p}`] = 'x_f';
    SHAPES[`fcvt.${p}.${i}`] = 'f_x';
  }
  SHAPES[`fclass.${p}`] = 'x_f';
}
SHAPES['fmv.x.w'] = 'x_f';
SHAPES['fmv.x.d'] = 'x_f';
SHAPES['fmv.w.x'] = 'f_x';
SHAPES['fmv.d.x'] = 'f_x';
SHAPES['fcvt.s.d'] = 'f_f';
SHAPES['fcvt.d.s'] = 'f_f';

function asmFor(name: string, shape: Shape): string {
  const load = 'fmv.d.x ft0,%1\\n fmv.d.x ft1,%2\\n fmv.d.x ft2,%3\\n ';
  switch (shape) {
    case 'f_fff': return `${load}${name} ft3,ft0,ft1,ft2\\n fmv.x.d %0,ft3`;
    case 'f_ff': return `${load}${name} ft3,ft0,ft1\\n fmv.x.d %0,ft3`;
    case 'f_f': return `${load}${name} ft3,ft0\\n fmv.x.d %0,ft3`;
    case 'x_ff': return `${load}${name} %0,ft0,ft1`;
    case 'x_f': return `${load}${name} %0,ft0`;
    case 'f_x': return `${name} ft3,%1\\n fmv.x.d %0,ft3`;
  }
}

function cProgram(names: string[]): string {
  const cases = names.map((n, i) =>
    `    case ${i}: __asm__ volatile("${asmFor(n, SHAPES[n]!)}" : "=r"(r) : "r"(a), "r"(b), "r"(c) : "ft0","ft1","ft2","ft3"); break;`);
  return `#include <stdio.h>
int main(void) {
  unsigned long long a, b, c, r; unsigned op, rm, fl;
  while (scanf("%u %llx %llx %llx %u", &op, &a, &b, &c, &rm) == 5) {
    r = 0;
    __asm__ volatile("fsrm %0\\n csrw fflags, zero" :: "r"(rm));
    switch (op) {
${cases.join('\n')}
    }
    __asm__ volatile("frflags %0" : "=r"(fl));
    printf("%016llx %x\\n", r, fl);
  }
  return 0;
}
`;
}

// Deterministic PRNG (xorshift64*), so failures reproduce.
let seed = 0x9e3779b97f4a7c15n;
function rand64(): bigint {
  seed ^= seed >> 12n;
  seed ^= (seed << 25n) & 0xffffffffffffffffn;
  seed ^= seed >> 27n;
  return (seed * 0x2545f4914f6cdd1dn) & 0xffffffffffffffffn;
}
function randInt(n: number): number {
  return Number(rand64() % BigInt(n));
}

const EDGE_D = [0n, 0x8000000000000000n, 0x7ff0000000000000n, 0xfff0000000000000n, 0x7ff8000000000000n,
  0x7ff0000000000001n, 0x7ff4000000000000n, 0xfff8000000000001n, 1n, 0x000fffffffffffffn, 0x0010000000000000n,
  0x7fefffffffffffffn, 0x3ff0000000000000n, 0xbff0000000000000n, 0x3fe0000000000000n, 0x43e0000000000000n,
  0xc3e0000000000000n, 0x41e0000000000000n, 0xc1e0000000000000n, 0x41f0000000000000n, 0x43f0000000000000n,
  0xbfeccccccccccccdn, 0x3ff8000000000000n, 0x4004000000000000n, 0x0010000000000001n, 0x8010000000000000n];
const EDGE_S = [0, 0x80000000, 0x7f800000, 0xff800000, 0x7fc00000, 0x7f800001, 0x7fa00000, 0xffc00001, 1,
  0x7fffff, 0x800000, 0x7f7fffff, 0x3f800000, 0xbf800000, 0x3f000000, 0x5f000000, 0xdf000000, 0x4f000000,
  0xcf000000, 0x4f800000, 0x5f800000, 0xbf666666, 0x3fc00000, 0x40200000, 0x800001, 0x80800000];

function randDouble(near: bigint | null): bigint {
  const k = randInt(10);
  if (k === 0) return EDGE_D[randInt(EDGE_D.length)]!;
  if (k <= 3 && near !== null) {
    // Same or nearby exponent as another operand, to provoke cancellation and ties.
    const e = (near >> 52n) & 0x7ffn;
    const ne = BigInt(Math.min(2046, Math.max(0, Number(e) + randInt(60) - 30)));
    const sign = rand64() & 0x8000000000000000n;
    let frac = rand64() & 0xfffffffffffffn;
    if (randInt(2) === 0) frac &= ~((1n << BigInt(randInt(52))) - 1n); // short significands
    return sign | (ne << 52n) | frac;
  }
  if (k <= 6) {
    const sign = rand64() & 0x8000000000000000n;
    const e = BigInt(1023 + randInt(80) - 40);
    return sign | (e << 52n) | (rand64() & 0xfffffffffffffn);
  }
  return rand64();
}

function randSingle(near: bigint | null): bigint {
  const BOX = 0xffffffff00000000n;
  if (randInt(40) === 0) return rand64(); // NaN-boxing violation (almost always)
  const k = randInt(10);
  let v: number;
  if (k === 0) v = EDGE_S[randInt(EDGE_S.length)]!;
  else if (k <= 3 && near !== null) {
    const e = Number((near >> 23n) & 0xffn);
    const ne = Math.min(254, Math.max(0, e + randInt(40) - 20));
    let frac = Number(rand64() & 0x7fffffn);
    if (randInt(2) === 0) frac &= ~((1 << randInt(23)) - 1);
    v = (randInt(2) << 31) | (ne << 23) | frac;
  } else if (k <= 6) {
    v = (randInt(2) << 31) | ((127 + randInt(60) - 30) << 23) | Number(rand64() & 0x7fffffn);
  } else v = Number(rand64() & 0xffffffffn);
  return BOX | BigInt(v >>> 0);
}

function randIntOperand(): bigint {
  const k = randInt(6);
  const edges = [0n, 1n, 0xffffffffffffffffn, 0x7fffffffffffffffn, 0x8000000000000000n, 0xffffffffn,
    0x80000000n, 0x7fffffffn, 0xffffffff80000000n, 0x20000000000001n, 0x1000001n, 0xffffffffffffff01n];
  if (k === 0) return edges[randInt(edges.length)]!;
  if (k <= 2) return rand64() >> BigInt(randInt(64));
  if (k === 3) return (0xffffffffffffffffn - (rand64() >> BigInt(randInt(64)))) & 0xffffffffffffffffn;
  return rand64();
}

const cvtBuf = new Float64Array(1);
const cvtBits = new BigUint64Array(cvtBuf.buffer);
function dbits(x: number): bigint {
  cvtBuf[0] = x;
  return cvtBits[0]!;
}
function sbits(x: number): bigint {
  const f = new Float32Array([x]);
  return 0xffffffff00000000n | BigInt(new Uint32Array(f.buffer)[0]!);
}
/** Returns a random value with a short significand (bits significant bits) near 2^e. */
function shortSig(bitsN: number, e: number): number {
  const m = 2 ** (bitsN - 1) + randInt(2 ** (bitsN - 1));
  return (randInt(2) ? -1 : 1) * m * 2 ** (e - bitsN + 1);
}
/** Moves a binary64 bit pattern by a few units in the last place. */
function nudge(b: bigint, span: number): bigint {
  return (b + BigInt(randInt(2 * span + 1) - span)) & 0xffffffffffffffffn;
}

/**
 * Hard cases that random bits rarely hit: fma sums landing exactly on (or next to) a rounding
 * tie, and products/quotients/conversions straddling the smallest normal (tininess after rounding).
 */
function makeTargeted(names: string[], perOp: number): Vec[] {
  const out: Vec[] = [];
  const rm = (): number => randInt(5);
  for (let i = 0; i < perOp; i++) {
    for (const p of ['s', 'd']) {
      const single = p === 's';
      const enc = single ? sbits : dbits;
      const half = single ? 12 : 26;
      const prec = single ? 24 : 53;
      const e0 = randInt(40) - 20;
      const a = shortSig(half, e0);
      const b = shortSig(half, randInt(40) - 20);
      const prod = a * b; // exact
      const ulp = 2 ** (Math.floor(Math.log2(Math.abs(prod))) - prec + 1);
      const k = randInt(4);
      const c = (randInt(2) ? -1 : 1) * (ulp / 2) * (k === 0 ? 1 : k === 1 ? 1 + 2 ** -(5 + randInt(20)) : k === 2 ? 1 - 2 ** -(5 + randInt(20)) : 3);
      for (const n of ['fmadd', 'fmsub', 'fnmsub', 'fnmadd']) {
        out.push({ op: OP_NAMES.indexOf(`${n}.${p}`), name: `${n}.${p}`, a: enc(a), b: enc(b), c: enc(c), rm: rm() });
      }
      // Sums a hair off a tie: ±half-ulp(X) * (1 - j^2 2^-2(prec-1)) added to X or its neighbour.
      const round = single ? Math.fround : (v: number): number => v;
      const xs = round(shortSig(prec, randInt(20) - 10));
      const xulp = 2 ** (Math.floor(Math.log2(Math.abs(xs))) - prec + 1);
      const r = (1 + randInt(1000)) * 2 ** -(prec - 1);
      const u = (randInt(2) ? -1 : 1) * xulp / 2;
      const xc = randInt(2) ? xs : round(xs + (randInt(2) ? xulp : -xulp));
      for (const n of ['fmadd', 'fmsub', 'fnmsub', 'fnmadd']) {
        out.push({ op: OP_NAMES.indexOf(`${n}.${p}`), name: `${n}.${p}`, a: enc(u * (1 + r)), b: enc(1 - r), c: enc(xc), rm: rm() });
      }
      const minN = single ? 2 ** -126 : 2 ** -1022;
      const x = (randInt(2) ? -1 : 1) * (1 + Number(rand64() >> 11n) / 2 ** 53);
      const y = single ? Math.fround(minN / x) : minN / x;
      const yb = single ? sbits(y) + BigInt(randInt(7) - 3) : nudge(dbits(y), 3);
      out.push({ op: OP_NAMES.indexOf(`fmul.${p}`), name: `fmul.${p}`, a: enc(x), b: yb, c: 0n, rm: rm() });
      const q = single ? Math.fround(minN * x) : minN * x;
      const qb = single ? sbits(q) + BigInt(randInt(7) - 3) : nudge(dbits(q), 3);
      out.push({ op: OP_NAMES.indexOf(`fdiv.${p}`), name: `fdiv.${p}`, a: qb, b: enc(x), c: 0n, rm: rm() });
      out.push({ op: OP_NAMES.indexOf(`fmadd.${p}`), name: `fmadd.${p}`, a: enc(x), b: yb, c: enc(randInt(2) ? 0 : (randInt(2) ? -minN : minN) * 2 ** -(randInt(30))), rm: rm() });
    }
    const d = (randInt(2) ? -1 : 1) * 2 ** -126 * (1 - 2 ** -(20 + randInt(10)));
    out.push({ op: OP_NAMES.indexOf('fcvt.s.d'), name: 'fcvt.s.d', a: nudge(dbits(d), 1 << 20), b: 0n, c: 0n, rm: rm() });
  }
  void names;
  return out;
}

interface Vec { op: number; name: string; a: bigint; b: bigint; c: bigint; rm: number }

function makeVectors(names: string[], perOp: number): Vec[] {
  const out: Vec[] = [];
  for (const name of names) {
    const op = OP_NAMES.indexOf(name);
    const shape = SHAPES[name]!;
    const single = name.endsWith('.s') || name === 'fmv.x.w'; // source operands are binary32
    const rnd = single ? randSingle : randDouble;
    for (let i = 0; i < perOp; i++) {
      let a: bigint, b: bigint, c: bigint;
      if (shape === 'f_x') {
        a = randIntOperand(); b = 0n; c = 0n;
      } else {
        a = rnd(null); b = rnd(a); c = rnd(randInt(2) ? a : b);
        if (shape === 'f_fff' && randInt(3) === 0) {
          c = (c & ~(single ? 0xff800000n : 0x7ff0000000000000n)) | (single
            ? 0xffffffff00000000n | (((((a >> 23n) & 0xffn) + ((b >> 23n) & 0xffn)) - 127n) & 0xffn) << 23n
            : (((((a >> 52n) & 0x7ffn) + ((b >> 52n) & 0x7ffn)) - 1023n) & 0x7ffn) << 52n);
        }
      }
      out.push({ op, name, a, b, c, rm: randInt(3) === 0 ? 0 : randInt(5) });
    }
  }
  return out;
}

function runOurs(v: Vec): [bigint, number] {
  const h = new Hart();
  h.x64[11] = BigInt.asIntN(64, v.a);
  const bits = [v.a, v.b, v.c];
  for (let i = 0; i < 3; i++) {
    h.f[2 * (i + 1)] = Number(bits[i]! & 0xffffffffn) | 0;
    h.f[2 * (i + 1) + 1] = Number(bits[i]! >> 32n) | 0;
  }
  h.frm = v.rm;
  const shape = SHAPES[v.name]!;
  const rs1 = shape === 'f_x' ? 11 : 1;
  const ok = execFp(h, v.op as never, 4, rs1, 2, 3, 7);
  assert.ok(ok, `${v.name} rejected`);
  const r = shape.startsWith('x') ? BigInt.asUintN(64, h.x64[4]!) : (BigInt(h.f[9]! >>> 0) << 32n) | BigInt(h.f[8]! >>> 0);
  return [r, h.fflags];
}

const PER_OP = Number(process.env.FP_QEMU_PER_OP ?? 400);

test('execFp matches qemu-riscv64 bit for bit on random and edge operands in every rounding mode',
  { skip: haveTools() ? false : 'qemu-riscv64 or riscv64-linux-gnu-gcc missing' }, () => {
    const names = Object.keys(SHAPES);
    const dir = mkdtempSync(join(tmpdir(), 'ecall-fp-'));
    const vecs = makeVectors(names, PER_OP).concat(makeTargeted(names, PER_OP));
    const input = vecs.map((v) => `${names.indexOf(v.name)} ${v.a.toString(16)} ${v.b.toString(16)} ${v.c.toString(16)} ${v.rm}`).join('\n') + '\n';
    let out: string[];
    try {
      writeFileSync(join(dir, 'ref.c'), cProgram(names));
      execFileSync(CC, ['-static', '-O1', '-march=rv64gc', '-o', join(dir, 'ref'), join(dir, 'ref.c')]);
      out = execFileSync(QEMU, [join(dir, 'ref')], { input, maxBuffer: 1 << 28 }).toString().trim().split('\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    assert.equal(out.length, vecs.length);
    const failures: string[] = [];
    for (let i = 0; i < vecs.length; i++) {
      const v = vecs[i]!;
      const [er, ef] = out[i]!.split(' ');
      const [r, f] = runOurs(v);
      if (r !== BigInt('0x' + er) || f !== parseInt(ef!, 16)) {
        failures.push(`${v.name} rm=${v.rm} a=${v.a.toString(16)} b=${v.b.toString(16)} c=${v.c.toString(16)}: ` +
          `qemu ${er} fl=${ef}, ours ${r.toString(16).padStart(16, '0')} fl=${f.toString(16)}`);
      }
    }
    if (process.env.FP_QEMU_STATS) {
      const hist = new Map<string, number>();
      for (const line of out) { const k = line.split(' ')[1]!; hist.set(k, (hist.get(k) ?? 0) + 1); }
      console.log(vecs.length, [...hist.entries()]);
    }
    assert.deepEqual(failures.slice(0, 30), [], `${failures.length} mismatches of ${vecs.length}`);
  });
