// Runs cases through guest/fuzz/fuzzrunner under qemu-riscv64: the reference results.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FuzzCase } from './gen.js';
import { decodeResults, encodeCases, type CaseResult } from './protocol.js';

/** The emulator used as the reference. */
export const QEMU = process.env['ECALL_QEMU'] ?? '/usr/bin/qemu-riscv64';
/** The committed runner binary (dist/test/fuzz → repository root → guest/fuzz). */
export const RUNNER = fileURLToPath(new URL('../../../guest/fuzz/fuzzrunner', import.meta.url));

/** Returns why the reference cannot run (missing qemu or runner), or null if it can. */
export function qemuUnavailable(): string | null {
  if (!existsSync(QEMU)) return `${QEMU} not found`;
  if (!existsSync(RUNNER)) return `${RUNNER} not built (run guest/fuzz/build.sh)`;
  const r = spawnSync(QEMU, ['--version'], { encoding: 'utf8' });
  if (r.status !== 0) return `${QEMU} --version failed`;
  return null;
}

/** Reference results plus the runner's stderr (set when it died on a case). */
export interface QemuRun {
  results: CaseResult[];
  error: string | null;
}

/** Runs the cases in one runner process; resolves with every result it produced. */
export function runQemu(cases: readonly FuzzCase[]): Promise<QemuRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(QEMU, [RUNNER], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    child.on('error', reject);
    child.stdin.on('error', () => { /* the runner died early; reported through its stderr */ });
    child.on('close', (code) => {
      const results = decodeResults(Buffer.concat(out));
      const ok = code === 0 && results.length === cases.length;
      resolve({ results, error: ok ? null : `runner exit ${code}: ${err.trim() || 'no message'}` });
    });
    child.stdin.end(encodeCases(cases));
  });
}
