// Runs cases on ecall's own CPU, in-process, with the same memory layout as the runner.
import { run } from '../../src/cpu/run.js';
import { setJit } from '../../src/cpu/jit/jit.js';
import { Hart, Stop } from '../../src/cpu/hart.js';
import { GuestMemory, PAGE_SHIFT, PROT_EXEC, PROT_READ, PROT_WRITE } from '../../src/mem/guest_memory.js';
import { codeBytes, type FuzzCase } from './gen.js';
import {
  CASE_PC, CODE_ADDR, CODE_BYTES, DATA_ADDR, DATA_BYTES, EPILOGUE_BYTES, PROLOGUE_BYTES,
  REC_SLOTS, REG_S0, REG_SP, S0_ADDR, SCRATCH_ADDR, SCRATCH_BYTES, SLOT_F0, SLOT_FCSR, SP_ADDR,
} from './layout.js';
import type { CaseResult } from './protocol.js';
import { fill, peekBytes, poke, pokeU32 } from '../unit/mem_helpers.js';

/** The word placed after the case code: the run stops there with Stop.Ecall. */
const ECALL = 0x00000073;
/** Instruction budget: far above any case (straight-line code of at most a few hundred insns). */
const BUDGET = 100_000;

const STOP_NAMES = ['Budget', 'Ecall', 'Ebreak', 'Fault', 'Illegal', 'Misaligned'];

/** The ecall CPU's result, or an error string if it stopped anywhere but the final ecall. */
export interface EcallRun {
  result: CaseResult;
  error: string | null;
}

/** Owns one guest address space with the runner's layout, reused across cases. */
export class EcallCpu {
  readonly mem = new GuestMemory();

  /** With jitThreshold set, the translator runs too, translating an entry point after that many
   *  arrivals (0: at the first), so that cases run as translated code where it can. */
  constructor(jitThreshold?: number) {
    if (jitThreshold !== undefined) setJit(this.mem.phys, true)!.threshold = jitThreshold;
    this.mem.setPages(CODE_ADDR >>> PAGE_SHIFT, CODE_BYTES >>> PAGE_SHIFT, PROT_READ | PROT_EXEC, true);
    this.mem.setPages(DATA_ADDR >>> PAGE_SHIFT, DATA_BYTES >>> PAGE_SHIFT, PROT_READ | PROT_WRITE, true);
  }

  /** Returns the final state after running c from CASE_PC to the ecall that follows its code. */
  runCase(c: FuzzCase): EcallRun {
    const code = codeBytes(c.insns);
    if (code.length > CODE_BYTES - PROLOGUE_BYTES - EPILOGUE_BYTES) throw new RangeError('case code too long');
    // Forced writes into the code pages drop the CPU's decoded code for them, as any write does.
    fill(this.mem, CODE_ADDR, CODE_ADDR + PROLOGUE_BYTES, 0);
    poke(this.mem, CASE_PC, code);
    pokeU32(this.mem, CASE_PC + code.length, ECALL);
    poke(this.mem, SCRATCH_ADDR, c.scratch);

    const h = new Hart();
    for (let i = 1; i < 32; i++) h.x64[i] = BigInt.asIntN(64, c.init[i]!);
    h.x64[REG_SP] = BigInt(SP_ADDR);
    h.x64[REG_S0] = BigInt(S0_ADDR);
    const fbits = new BigUint64Array(h.buffer, h.f.byteOffset, 32);
    for (let i = 0; i < 32; i++) fbits[i] = c.init[SLOT_F0 + i]!;
    h.fcsr = Number(c.init[SLOT_FCSR]! & 0xffn);
    h.pc = CASE_PC;

    const stop = run(h, this.mem, BUDGET);
    h.release(); // its TLB's frames go back to the pool
    const end = CASE_PC + code.length;
    let error: string | null = null;
    if (stop !== Stop.Ecall || h.pc !== end) {
      error = `stopped with ${STOP_NAMES[stop] ?? stop} at pc 0x${h.pc.toString(16)}` +
        ` (end 0x${end.toString(16)}, fault addr 0x${h.faultAddr.toString(16)})`;
    }
    const regs = new BigUint64Array(REC_SLOTS);
    for (let i = 1; i < 32; i++) regs[i] = BigInt.asUintN(64, h.x64[i]!);
    for (let i = 0; i < 32; i++) regs[SLOT_F0 + i] = fbits[i]!;
    regs[SLOT_FCSR] = BigInt(h.fcsr);
    return { result: { regs, scratch: peekBytes(this.mem, SCRATCH_ADDR, SCRATCH_BYTES) }, error };
  }
}
