// The WebAssembly translator against the interpreter: random RV64IM loops (compressed forms,
// forward branches, loads and stores, some crossing a page) run both ways must leave the same
// registers, memory, pc and instret, stop at the same points under small budgets, fault with
// the same address and state, and see their own code change (self-modifying code).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { run } from '../../src/cpu/run.js';
import { Hart, Stop } from '../../src/cpu/hart.js';
import { jitOf, setJit } from '../../src/cpu/jit/jit.js';
import { GuestMemory, PROT_EXEC, PROT_READ, PROT_WRITE } from '../../src/mem/guest_memory.js';
import { MIN_MEMORY_BYTES, PhysMem } from '../../src/mem/phys.js';
import { Prng } from '../../src/util/prng.js';
import * as E from './rv_encode.js';
import { peekBytes, poke, pokeU32 } from './mem_helpers.js';

const CODE = 0x10000, DATA = 0x40000;
/** Registers the generator never writes: the link register of the subroutine call, the data
 *  pointer and the loop counter. */
const LINK = 29, BASE = 30, COUNT = 31;
/** Loop iterations: the first arrivals are interpreted, the rest run translated (threshold 1). */
const ITERATIONS = 6;
const PROGRAMS = 150;
const BODY = 40;

/** One instruction: its bytes (2 or 4). */
type Insn = { bytes: number[] };
const w32 = (v: number): Insn => ({ bytes: [v & 255, (v >>> 8) & 255, (v >>> 16) & 255, v >>> 24] });
const w16 = (v: number): Insn => ({ bytes: [v & 255, (v >>> 8) & 255] });

/** Returns a random instruction of RV64IMA and counter reads (not a branch) writing only x0..x28. */
function randomInsn(g: Prng): Insn {
  const rd = g.below(LINK), rs1 = g.below(32), rs2 = g.below(32);
  const imm12 = g.below(4096) - 2048;
  switch (g.below(11)) {
    case 9: { // A: AMOs, LR and SC on BASE (8-aligned)
      const f5 = [0x02, 0x03, 0x01, 0x00, 0x04, 0x0c, 0x08, 0x10, 0x14, 0x18, 0x1c][g.below(11)]!;
      return w32(((f5 << 27) | ((f5 === 0x02 ? 0 : rs2) << 20) | (BASE << 15) | ((2 + g.below(2)) << 12) | (rd << 7) | 0x2f) >>> 0);
    }
    case 10: // reads of cycle and instret (csrrs rd, csr, x0 and csrrsi rd, csr, 0)
      return w32((((g.below(2) === 0 ? 0xc00 : 0xc02) << 20) | ((g.below(2) === 0 ? 2 : 6) << 12) | (rd << 7) | 0x73) >>> 0);
    case 0: { // OP and OP-32 (with M)
      const ops: [number, number, number][] = [[0, 0, 0x33], [0x20, 0, 0x33], [0, 1, 0x33], [0, 2, 0x33], [0, 3, 0x33], [0, 4, 0x33],
        [0, 5, 0x33], [0x20, 5, 0x33], [0, 6, 0x33], [0, 7, 0x33], [0, 0, 0x3b], [0x20, 0, 0x3b], [0, 1, 0x3b], [0, 5, 0x3b],
        [0x20, 5, 0x3b], [1, 0, 0x3b], [1, 4, 0x3b], [1, 5, 0x3b], [1, 6, 0x3b], [1, 7, 0x3b]];
      for (let f3 = 0; f3 < 8; f3++) ops.push([1, f3, 0x33]);
      const [f7, f3, opc] = ops[g.below(ops.length)]!;
      return w32(E.r(f7, rs2, rs1, f3, rd, opc));
    }
    case 1: case 2: { // OP-IMM and OP-IMM-32
      const f3 = [0, 2, 3, 4, 6, 7, 1, 5][g.below(8)]!;
      if (f3 === 1 || f3 === 5) {
        const word = g.below(2) === 1;
        const sh = g.below(word ? 32 : 64) | (f3 === 5 && g.below(2) === 1 ? 0x400 : 0);
        return w32(E.i(sh, rs1, f3, rd, word ? 0x1b : 0x13));
      }
      if (g.below(4) === 0) return w32(E.i(imm12, rs1, 0, rd, 0x1b)); // addiw
      return w32(E.i(imm12, rs1, f3, rd, 0x13));
    }
    case 3: // lui, auipc
      return w32(((g.below(1 << 20) << 12) | (rd << 7) | (g.below(2) === 1 ? 0x37 : 0x17)) >>> 0);
    case 4: case 5: { // loads and stores around BASE, some crossing into the second data page
      const off = g.below(4) === 0 ? 2040 + g.below(16) - 8 : g.below(4096) - 2048;
      if (g.below(2) === 1) return w32(E.i(off, BASE, g.below(7), rd, 0x03));
      return w32(E.s(off, rs2, BASE, g.below(4), 0x23));
    }
    case 6: { // compressed: c.addi, c.li, c.add, c.mv, c.slli
      const r = 1 + g.below(LINK - 1), r2 = 1 + g.below(LINK - 1), im = g.below(64);
      switch (g.below(5)) {
        case 0: return w16((0 << 13) | ((im >> 5) << 12) | (r << 7) | ((im & 31) << 2) | 1);
        case 1: return w16((2 << 13) | ((im >> 5) << 12) | (r << 7) | ((im & 31) << 2) | 1);
        case 2: return w16((4 << 13) | (1 << 12) | (r << 7) | (r2 << 2) | 2);
        case 3: return w16((4 << 13) | (r << 7) | (r2 << 2) | 2);
        default: return w16((0 << 13) | ((im >> 5) << 12) | (r << 7) | ((im & 31) << 2) | 2);
      }
    }
    default: // plain adds keep values mixing
      return w32(E.ADD(rd, rs1, rs2));
  }
}

/** Encodes a forward branch (funct3 f3) over `skip` bytes. */
function branch(f3: number, rs1: number, rs2: number, off: number): Insn {
  const v = ((((off >> 12) & 1) << 31) | (((off >> 5) & 63) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) |
    (((off >> 1) & 15) << 8) | (((off >> 11) & 1) << 7) | 0x63) >>> 0;
  return w32(v);
}

/** A random loop: BODY instructions (with forward branches), then count down COUNT and loop. */
function randomProgram(g: Prng): number[] {
  const body: Insn[] = [];
  for (let k = 0; k < BODY; k++) body.push(randomInsn(g));
  // Forward branches over the next 1..3 instructions, at random places.
  const out: Insn[] = [];
  for (let k = 0; k < body.length; k++) {
    if (g.below(6) === 0 && k + 3 < body.length) {
      const n = 1 + g.below(3);
      let bytes = 4;
      for (let j = 0; j < n; j++) bytes += body[k + j]!.bytes.length;
      out.push(branch([0, 1, 4, 5, 6, 7][g.below(6)]!, g.below(32), g.below(32), bytes));
    }
    out.push(body[k]!);
  }
  const bytes: number[] = [];
  for (const ins of out) bytes.push(...ins.bytes);
  // A call to a subroutine after the loop (jal LINK), which returns with jalr x0, 0(LINK).
  const sub: Insn[] = [];
  for (let k = 0; k < 4; k++) sub.push(randomInsn(g));
  sub.push(w32(E.i(0, LINK, 0, 0, 0x67)));
  const callAt = bytes.length;
  const subAt = callAt + 4 + 4 + 4 + 4; // after jal, addi, bne, ecall
  const j = subAt - callAt;
  bytes.push(...w32((((j >> 20) & 1) << 31 | ((j >> 1) & 1023) << 21 | ((j >> 11) & 1) << 20 | ((j >> 12) & 255) << 12 | LINK << 7 | 0x6f) >>> 0).bytes);
  bytes.push(...w32(E.ADDI(COUNT, COUNT, -1)).bytes);
  bytes.push(...branch(1, COUNT, 0, -bytes.length).bytes); // bne COUNT, x0, start
  bytes.push(...w32(E.ECALL).bytes);
  for (const ins of sub) bytes.push(...ins.bytes);
  return bytes;
}

/** A machine with the program at CODE (RWX when smc), two data pages, random registers and data. */
function machine(code: number[], seed: number, jit: boolean, smc = false): { h: Hart; mem: GuestMemory } {
  const mem = new GuestMemory(new PhysMem(MIN_MEMORY_BYTES));
  if (jit) setJit(mem.phys, true)!.threshold = 1;
  mem.setPages(CODE >>> 12, 2, PROT_READ | PROT_EXEC | (smc ? PROT_WRITE : 0), true);
  mem.setPages(DATA >>> 12, 2, PROT_READ | PROT_WRITE, true);
  poke(mem, CODE, new Uint8Array(code));
  const g = new Prng(seed, 9);
  const data = new Uint8Array(8192);
  for (let i = 0; i < data.length; i++) data[i] = g.below(256);
  poke(mem, DATA, data);
  const h = new Hart();
  const specials = [0n, 1n, -1n, -(1n << 63n), (1n << 63n) - 1n, 0xffffffffn, -(1n << 31n), 7n];
  for (let r = 1; r < LINK; r++) {
    h.setXBig(r, g.below(3) === 0 ? specials[g.below(specials.length)]! : (BigInt(g.below(2 ** 32)) << 32n) | BigInt(g.below(2 ** 32)));
  }
  h.setX(BASE, DATA + 2048);
  h.setX(COUNT, ITERATIONS);
  h.pc = CODE;
  return { h, mem };
}

/** The state a run leaves: stop reason, pc, instret, registers, fault fields and data bytes. */
function snapshot(h: Hart, mem: GuestMemory, stop: Stop): unknown {
  return {
    stop, pc: h.pc, instret: h.instret, x: Array.from(h.x64), fault: stop === Stop.Fault ? [h.faultAddr, h.faultAccess, h.faultKind] : null,
    data: Buffer.from(peekBytes(mem, DATA, 8192)).toString('hex'),
  };
}

/** Runs to the first stop that is not Budget, in slices of the given sizes (cycled); returns every stop's state. */
function runAll(h: Hart, mem: GuestMemory, slices: number[]): unknown[] {
  const trail: unknown[] = [];
  for (let k = 0; k < 100000; k++) {
    const s = run(h, mem, slices[k % slices.length]!);
    trail.push({ stop: s, pc: h.pc, instret: h.instret });
    if (s !== Stop.Budget) { trail.push(snapshot(h, mem, s)); return trail; }
  }
  throw new Error('no stop');
}

test('random RV64IM loops leave the same registers, memory, pc and instret translated as interpreted', () => {
  const g = new Prng(1234, 1);
  let translated = 0;
  for (let p = 0; p < PROGRAMS; p++) {
    const code = randomProgram(g);
    const a = machine(code, p, false), b = machine(code, p, true);
    const ra = runAll(a.h, a.mem, [1_000_000]), rb = runAll(b.h, b.mem, [1_000_000]);
    assert.deepEqual(rb, ra, `program ${p}`);
    if (jitOf(b.mem.phys)!.stats.retired > 0) translated++;
  }
  // Loops whose first instruction is a load that misses, or which fault early, may never run
  // translated; nearly all do.
  assert.ok(translated > PROGRAMS * 0.8, `only ${translated} of ${PROGRAMS} programs ran translated code`);
});

test('under small budgets the translated run stops at the same pc and instret as the interpreter', () => {
  const g = new Prng(99, 1);
  for (let p = 0; p < 40; p++) {
    const code = randomProgram(g);
    const slices = [1 + g.below(7), 1 + g.below(60), 1 + g.below(200)];
    const a = machine(code, p, false), b = machine(code, p, true);
    assert.deepEqual(runAll(b.h, b.mem, slices), runAll(a.h, a.mem, slices), `program ${p}`);
  }
});

/** A loop that walks BASE up by 1 KiB per iteration until a load (or store) leaves the data pages. */
function walker(store: boolean): number[] {
  const words = [
    E.ADDI(5, 5, 3),
    E.ADD(6, 6, 5),
    store ? E.SD(6, BASE, 8) : E.LD(7, BASE, 8),
    E.ADDI(8, 8, 1),
    E.ADDI(BASE, BASE, 1024),
  ];
  const bytes: number[] = [];
  for (const w of words) bytes.push(...w32(w).bytes);
  bytes.push(...branch(0, 0, 0, -bytes.length).bytes); // beq x0, x0, start
  return bytes;
}

test('a fault in the middle of a translated block gives the interpreter\'s pc, address, registers and instret', () => {
  for (const store of [false, true]) {
    const a = machine(walker(store), 5, false), b = machine(walker(store), 5, true);
    const ra = runAll(a.h, a.mem, [1_000_000]), rb = runAll(b.h, b.mem, [1_000_000]);
    assert.equal((ra.at(-1) as { stop: Stop }).stop, Stop.Fault);
    assert.deepEqual(rb, ra, store ? 'store' : 'load');
  }
});

test('a store into the running loop\'s own code page changes what runs next (self-modifying code)', () => {
  // loop: addi x5, x5, 1 (patched to addi x5, x5, 100 in the third round); count down; ecall at the end.
  const words = [
    E.ADDI(5, 5, 1),                 // CODE + 0: the patched instruction
    E.ADDI(9, 9, -1),                // rounds until the patch
    branch(1, 9, 0, 8).bytes.reduce((v, b, i) => v | (b << (8 * i)), 0) >>> 0, // bne x9, x0, +8
    E.SW(12, 11, 0),                 // *(x11 = CODE) = x12 (the new instruction)
    E.ADDI(COUNT, COUNT, -1),
  ];
  const bytes: number[] = [];
  for (const w of words) bytes.push(...w32(w).bytes);
  bytes.push(...branch(1, COUNT, 0, -bytes.length).bytes);
  bytes.push(...w32(E.ECALL).bytes);
  const results = [false, true].map((jit) => {
    const m = machine(bytes, 3, jit, true);
    m.h.setX(5, 0); m.h.setX(9, 3); m.h.setX(11, CODE); m.h.setX(12, E.ADDI(5, 5, 100)); m.h.setX(COUNT, 10);
    const trail = runAll(m.h, m.mem, [1_000_000]);
    return { trail, x5: m.h.getX(5) };
  });
  assert.equal(results[0]!.x5, 3 + 7 * 100, 'interpreter: three rounds of +1, then +100');
  assert.deepEqual(results[1], results[0]);
});

test('translated code stops running when its page loses exec permission', () => {
  const code = walker(false);
  const results = [false, true].map((jit) => {
    const m = machine(code, 8, jit);
    m.h.setX(BASE, DATA);
    const first = run(m.h, m.mem, 40);
    m.mem.setPages(CODE >>> 12, 1, PROT_READ, true);
    const second = run(m.h, m.mem, 40);
    return { first, second, pc: m.h.pc, instret: m.h.instret, fault: [m.h.faultAddr, m.h.faultAccess] };
  });
  assert.equal(results[0]!.second, Stop.Fault);
  assert.deepEqual(results[1], results[0]);
});

test('translated code reads instructions written by the loader after the first run (pokeU32 drops translations)', () => {
  const code = walker(false);
  const results = [false, true].map((jit) => {
    const m = machine(code, 8, jit);
    m.h.setX(BASE, DATA);
    run(m.h, m.mem, 30);
    pokeU32(m.mem, CODE + 4, E.ADDI(6, 6, 1000)); // replaces add x6, x6, x5
    run(m.h, m.mem, 30);
    return { pc: m.h.pc, instret: m.h.instret, x6: m.h.getX(6) };
  });
  assert.deepEqual(results[1], results[0]);
});

/** A loop on the first code page that calls a subroutine on the second, which loads through
 *  BASE and moves it up by `step` bytes, until a load leaves the data pages (a fault in chained code). */
function caller(step: number): number[] {
  const bytes: number[] = [];
  const loop = [E.ADDI(5, 5, 3), E.ADD(6, 6, 5)];
  for (const w of loop) bytes.push(...w32(w).bytes);
  const j = 4096 - bytes.length; // jal LINK, CODE + 4096
  bytes.push(...w32((((j >> 20) & 1) << 31 | ((j >> 1) & 1023) << 21 | ((j >> 11) & 1) << 20 | ((j >> 12) & 255) << 12 | LINK << 7 | 0x6f) >>> 0).bytes);
  bytes.push(...w32(E.ADDI(COUNT, COUNT, -1)).bytes);
  bytes.push(...branch(1, COUNT, 0, -bytes.length).bytes);
  bytes.push(...w32(E.ECALL).bytes);
  while (bytes.length < 4096) bytes.push(0x13, 0, 0, 0); // nops up to the second page
  for (const w of [E.LD(7, BASE, 8), E.ADD(8, 8, 7), E.ADDI(BASE, BASE, step), E.i(0, LINK, 0, 0, 0x67)]) bytes.push(...w32(w).bytes);
  return bytes;
}

test('calls between translated regions on two pages chain in WebAssembly and stop where the interpreter does', () => {
  for (const [step, count, slices] of [[0, 50, [1_000_000]], [0, 50, [7, 13, 61]], [1024, 50, [1_000_000]], [1024, 50, [5, 9]]] as const) {
    const results = [false, true].map((jit) => {
      const m = machine(caller(step), 11, jit);
      m.h.setX(COUNT, count);
      return { trail: runAll(m.h, m.mem, [...slices]), stats: jit ? jitOf(m.mem.phys)!.stats : null };
    });
    assert.deepEqual(results[1]!.trail, results[0]!.trail, `step ${step}, slices ${slices.join(',')}`);
    const st = results[1]!.stats!;
    assert.ok(st.retired > 0, 'ran translated');
    if (slices.length === 1) assert.ok(st.calls > 2 * st.entries, `calls ${st.calls} chained from ${st.entries} entries`);
  }
});

test('an ecall inside translated code stops the run counted and at the ecall, and the run after it resumes translated', () => {
  const results = [false, true].map((jit) => {
    const m = machine(caller(0), 12, jit);
    m.h.setX(COUNT, 30);
    const stops: unknown[] = [];
    for (let round = 0; round < 4; round++) {
      const s = run(m.h, m.mem, 1_000_000);
      stops.push({ s, pc: m.h.pc, instret: m.h.instret, x6: m.h.getX(6) });
      m.h.pc += 4; // as the kernel returns from a system call
      m.h.setX(COUNT, 30);
    }
    return { stops, stats: jit ? jitOf(m.mem.phys)!.stats : null };
  });
  assert.deepEqual(results[1]!.stops, results[0]!.stops);
  assert.ok(results[1]!.stats!.exits.ecall >= 3, `ecall exits: ${results[1]!.stats!.exits.ecall}`);
});

test('a misaligned AMO and an AMO on a read-only page inside translated code trap as in the interpreter', () => {
  for (const [addr, prot] of [[DATA + 2052, PROT_READ | PROT_WRITE], [DATA, PROT_READ]] as const) {
    // loop: amoadd.d x5, x6, (x7); addi x7... ; the AMO's address comes from x7
    const words = [E.ADDI(6, 6, 1), (0x00 << 27 | 6 << 20 | 7 << 15 | 3 << 12 | 5 << 7 | 0x2f) >>> 0, E.ADDI(COUNT, COUNT, -1)];
    const bytes: number[] = [];
    for (const w of words) bytes.push(...w32(w).bytes);
    bytes.push(...branch(1, COUNT, 0, -bytes.length).bytes);
    bytes.push(...w32(E.ECALL).bytes);
    const results = [false, true].map((jit) => {
      const m = machine(bytes, 13, jit);
      m.h.setX(7, DATA + 8); m.h.setX(COUNT, 20);
      const first = runAll(m.h, m.mem, [1_000_000]); // runs to the ecall, translated after the first rounds
      m.mem.setPages(DATA >>> 12, 1, prot, true);
      m.h.setX(7, addr); m.h.setX(COUNT, 20); m.h.pc = CODE;
      const second = runAll(m.h, m.mem, [1_000_000]);
      return { first, second, fault: [m.h.faultAddr, m.h.faultAccess] };
    });
    assert.deepEqual(results[1], results[0], `address ${addr.toString(16)}`);
    assert.notEqual((results[0]!.second.at(-1) as { stop: Stop }).stop, Stop.Ecall);
  }
});

/** A loop whose head is a 32-bit instruction across the two code pages (never translated:
 *  the translator leaves page-crossing instructions to the interpreter) and whose rest, on the
 *  second page, is a translated entry that runs four instructions per entry. */
function shortStints(): number[] {
  const bytes: number[] = [];
  while (bytes.length < 4094) bytes.push(0x01, 0x00); // c.nop up to the head at 0xffe
  bytes.push(...w32(E.ADDI(5, 5, 3)).bytes); // the head: crosses into the second page
  for (const w of [E.ADD(6, 6, 5), E.ADDI(7, 7, 1), E.ADDI(COUNT, COUNT, -1)]) bytes.push(...w32(w).bytes);
  bytes.push(...branch(1, COUNT, 0, -(bytes.length - 4094)).bytes); // bne COUNT, x0, head
  bytes.push(...w32(E.ECALL).bytes);
  return bytes;
}

test('an entry whose translated runs are too short to pay for the trip is demoted: the interpreter stops entering it, results unchanged', () => {
  const iterations = 1000;
  const results = [false, true, true].map((jit, k) => {
    const m = machine(shortStints(), 13, jit);
    if (k === 2) jitOf(m.mem.phys)!.minWork = 0; // demotion off: every iteration enters
    m.h.pc = CODE + 4094;
    m.h.setX(COUNT, iterations);
    return { trail: runAll(m.h, m.mem, [1_000_000]), stats: jit ? jitOf(m.mem.phys)!.stats : null };
  });
  assert.deepEqual(results[1]!.trail, results[0]!.trail);
  assert.deepEqual(results[2]!.trail, results[0]!.trail);
  const on = results[1]!.stats!, off = results[2]!.stats!;
  assert.ok(off.entries >= iterations - 10 && off.demoted === 0, `without demotion: ${off.entries} entries`);
  assert.ok(on.demoted >= 1, 'demoted');
  assert.ok(on.entries < 100, `with demotion: ${on.entries} entries`);
  assert.ok(on.retired > 0, 'ran translated before the demotion');
});
