// Runs the explorer's CLI (`node bin/ecall.js ...` from the repository root) for the explore tests.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { ExploreReport } from '../../src/explore/types.js';

/** The repository root (the tests run from dist/test/...). */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** Room for a report of many runs on stdout. */
const MAX_STDOUT = 64 << 20;
const run = promisify(execFile);

/** Runs `ecall ARGS...` from the repository root; returns its stdout (rejects on a non-zero exit). */
export async function ecall(args: string[]): Promise<string> {
  const r = await run(process.execPath, ['bin/ecall.js', ...args], { cwd: ROOT, maxBuffer: MAX_STDOUT });
  return r.stdout;
}

/** Runs `ecall explore --json ARGS...` and returns the report. */
export async function explore(args: string[]): Promise<ExploreReport> {
  return JSON.parse(await ecall(['explore', '--json', ...args])) as ExploreReport;
}
