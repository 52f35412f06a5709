// The interpreter's training program (src/cpu/warm.ts): every instruction decodes to the kind it
// is listed as, every integer kind is there, and it runs straight through to its ecall.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decode16, decode32 } from '../../src/cpu/decode.js';
import { Hart, Stop } from '../../src/cpu/hart.js';
import { Op, OP_NAMES } from '../../src/cpu/ops.js';
import { run } from '../../src/cpu/run.js';
import { TRAIN_CODE, TRAIN_CODE_PAGES, TRAIN_DATA, TRAIN_DATA_PAGES, trainingImage, trainingProgram } from '../../src/cpu/warm.js';
import { GuestMemory, PROT_EXEC, PROT_READ, PROT_WRITE } from '../../src/mem/guest_memory.js';

test('each training instruction decodes to the instruction kind it is listed as', () => {
  for (const x of trainingProgram()) {
    const info = x.compressed ? decode16(x.word) : decode32(x.word | 0);
    assert.equal(info & 0xff, x.op, `${x.word.toString(16)} should be ${OP_NAMES[x.op]}, is ${OP_NAMES[info & 0xff]}`);
  }
});

test('the training program holds every integer instruction kind but ebreak', () => {
  const seen = new Set(trainingProgram().map((x) => x.op));
  seen.add(Op.ECALL); // the image's last instruction
  const missing: string[] = [];
  for (let op = Op.NOP; op < Op.FLW; op++) if (op !== Op.EBREAK && !seen.has(op)) missing.push(OP_NAMES[op]!);
  assert.deepEqual(missing, []);
});

test('the training program runs straight through to its ecall on the second code page', () => {
  const mem = new GuestMemory();
  const img = trainingImage();
  mem.setPages(TRAIN_CODE >>> 12, TRAIN_CODE_PAGES, PROT_READ | PROT_EXEC, true);
  mem.setPages(TRAIN_DATA >>> 12, TRAIN_DATA_PAGES, PROT_READ | PROT_WRITE, true);
  mem.writeForce(TRAIN_CODE, img.bytes);
  const h = new Hart();
  h.pc = TRAIN_CODE;
  assert.equal(run(h, mem, 10_000), Stop.Ecall);
  assert.equal(h.instret, img.count);
  assert.equal(h.pc, TRAIN_CODE + 4096 + 8);
  const stops = img.stops.map((pc) => { h.pc = pc; return run(h, mem, 10); });
  assert.deepEqual(stops, [Stop.Fault, Stop.Fault, Stop.Ebreak, Stop.Illegal]);
});

test('the training image names an LR.W, an SC.W and a jalr through jalrReg, with a target on the second code page', () => {
  const img = trainingImage();
  const word = (a: number): number => {
    const o = a - TRAIN_CODE;
    return img.bytes[o]! | (img.bytes[o + 1]! << 8) | (img.bytes[o + 2]! << 16) | (img.bytes[o + 3]! << 24);
  };
  assert.deepEqual(img.atomics.map((a) => decode32(word(a)) & 0xff), [Op.LR_W, Op.SC_W]);
  const jalr = decode32(word(img.jalr));
  assert.equal(jalr & 0xff, Op.JALR);
  assert.equal((jalr >>> 14) & 31, img.jalrReg);
  assert.equal(Math.floor((img.secondPage - TRAIN_CODE) / 4096), 1);
  assert.notEqual(Math.floor((img.jalr - TRAIN_CODE) / 4096), 1);
  // The target is an instruction boundary: running from it reaches the ecall.
  const mem = new GuestMemory();
  mem.setPages(TRAIN_CODE >>> 12, TRAIN_CODE_PAGES, PROT_READ | PROT_EXEC, true);
  mem.writeForce(TRAIN_CODE, img.bytes);
  const h = new Hart();
  h.pc = img.secondPage;
  assert.equal(run(h, mem, 10), Stop.Ecall);
  assert.equal(h.pc, TRAIN_CODE + 4096 + 8);
});
