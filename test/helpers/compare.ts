// Compares two guest results and describes the first difference in a few lines (outputs can be
// hundreds of kilobytes, too big for a full diff in a test report).
import type { GuestResult } from './guest_cases.js';

/** Characters of a differing line shown in a report. */
const MAX_LINE_SHOWN = 200;

/** Returns a short description of where two outputs first differ, or null when they are equal. */
export function firstDifference(expected: Buffer, actual: Buffer): string | null {
  if (expected.equals(actual)) return null;
  const e = expected.toString('utf8').split('\n');
  const a = actual.toString('utf8').split('\n');
  const clip = (s: string | undefined): string => (s === undefined ? '<end of output>' : JSON.stringify(s.slice(0, MAX_LINE_SHOWN)));
  for (let i = 0; i < Math.max(e.length, a.length); i++) {
    if (e[i] !== a[i]) {
      return `line ${i + 1} differs (expected ${expected.length} bytes, got ${actual.length}):\n  expected ${clip(e[i])}\n  actual   ${clip(a[i])}`;
    }
  }
  return `outputs differ in invalid UTF-8 bytes (expected ${expected.length} bytes, got ${actual.length})`;
}

/** Returns every difference between two results (stdout, stderr when compared, status); empty when they match. */
export function resultDifferences(expected: GuestResult, actual: GuestResult, compareStderr: boolean,
  labels: [string, string] = ['expected', 'actual']): string[] {
  const problems: string[] = [];
  if (expected.status !== actual.status) problems.push(`exit status: ${labels[0]} ${expected.status}, ${labels[1]} ${actual.status}`);
  const out = firstDifference(expected.stdout, actual.stdout);
  if (out !== null) problems.push(`stdout ${out}`);
  if (compareStderr) {
    const err = firstDifference(expected.stderr, actual.stderr);
    if (err !== null) problems.push(`stderr ${err}`);
  }
  if (problems.length > 0 && actual.stderr.length > 0 && (!compareStderr || expected.stderr.length === 0)) {
    problems.push(`(${labels[1]} stderr begins: ${JSON.stringify(actual.stderr.toString('utf8').slice(0, MAX_LINE_SHOWN))})`);
  }
  return problems;
}
