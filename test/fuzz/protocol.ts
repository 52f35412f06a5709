// The byte stream between the harness and guest/fuzz/fuzzrunner.
// Case: u32 magic, u32 code length, 65 x u64 state record (x0..x31, f0..f31, fcsr),
// SCRATCH_BYTES of scratch, then the code. Result: 65 x u64 record, then scratch.
import { codeBytes, type FuzzCase } from './gen.js';
import { REC_SLOTS, SCRATCH_BYTES } from './layout.js';

/** "FUZC" read as a little-endian u32; the runner rejects a stream without it. */
export const CASE_MAGIC = 0x435a5546;
export const RESULT_BYTES = REC_SLOTS * 8 + SCRATCH_BYTES;

/** The final state of a case: x0..x31, f0..f31, fcsr as 64-bit slots, and the scratch bytes. */
export interface CaseResult {
  regs: BigUint64Array;
  scratch: Uint8Array;
}

/** Returns the runner's input for a list of cases. */
export function encodeCases(cases: readonly FuzzCase[]): Buffer {
  const parts: Buffer[] = [];
  for (const c of cases) {
    const code = codeBytes(c.insns);
    const hdr = Buffer.alloc(8 + REC_SLOTS * 8);
    hdr.writeUInt32LE(CASE_MAGIC, 0);
    hdr.writeUInt32LE(code.length, 4);
    for (let i = 0; i < REC_SLOTS; i++) hdr.writeBigUInt64LE(c.init[i]!, 8 + i * 8);
    parts.push(hdr, Buffer.from(c.scratch), Buffer.from(code));
  }
  return Buffer.concat(parts);
}

/** Returns the results in a runner's output (as many as it holds completely). */
export function decodeResults(out: Buffer): CaseResult[] {
  const res: CaseResult[] = [];
  for (let p = 0; p + RESULT_BYTES <= out.length; p += RESULT_BYTES) {
    const regs = new BigUint64Array(REC_SLOTS);
    for (let i = 0; i < REC_SLOTS; i++) regs[i] = out.readBigUInt64LE(p + i * 8);
    const scratch = new Uint8Array(out.subarray(p + REC_SLOTS * 8, p + RESULT_BYTES));
    res.push({ regs, scratch });
  }
  return res;
}
