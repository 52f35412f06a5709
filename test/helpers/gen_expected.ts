// Regenerates guest/expected/NAME.{out,err,status} by running the cases of guest/cases.json under
// qemu-riscv64, or for cases with "reference": "native", by building the same C source for the
// Linux host and running it there (programs whose behaviour qemu-riscv64 gets wrong). Usage: node dist/test/helpers/gen_expected.js --all | CASE...
// Without arguments it only prints its usage: `node --test dist/test/` executes every .js file
// under a test/ directory, and that run must not rewrite the expected files.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expectedDir, loadCases } from './guest_cases.js';
import { GUEST_CONCURRENCY, mapLimited } from './pool.js';
import { findQemu, runNative, runUnderQemu } from './run_guest.js';

/** Writes the expected files for the named cases (all when none are named); returns the exit code. */
async function main(argv: string[]): Promise<number> {
  if (argv.length === 0) {
    process.stdout.write('usage: gen_expected.js --all | CASE...  (writes guest/expected/ from qemu-riscv64)\n');
    return 0;
  }
  const names = argv.includes('--all') ? [] : argv;
  if (findQemu() === null) {
    process.stderr.write('gen-expected: qemu-riscv64 is not on PATH\n');
    return 1;
  }
  const all = loadCases();
  const unknown = names.filter((n) => !all.some((c) => c.name === n));
  if (unknown.length > 0) {
    process.stderr.write(`gen-expected: unknown case(s): ${unknown.join(' ')}\n`);
    return 1;
  }
  const cases = names.length > 0 ? all.filter((c) => names.includes(c.name)) : all;
  const dir = expectedDir();
  mkdirSync(dir, { recursive: true });
  await mapLimited(cases, GUEST_CONCURRENCY, async (c) => {
    const r = c.reference === 'native' ? await runNative(c) : await runUnderQemu(c);
    writeFileSync(join(dir, `${c.name}.out`), r.stdout);
    writeFileSync(join(dir, `${c.name}.err`), r.stderr);
    writeFileSync(join(dir, `${c.name}.status`), `${r.status}\n`);
    process.stdout.write(`${c.name}${c.reference === 'native' ? ' (native)' : ''}: status ${r.status}, ${r.stdout.length} bytes out, ${r.stderr.length} bytes err\n`);
  });
  return 0;
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
