// The shipped command: bin/ecall.js loads the one-file CLI bundle that `npm run build` writes
// (dist/cli/ecall.js), which works from any directory, and falls back to the tsc output in
// dist/src when the bundle is missing or older than it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';
import { loadCases, repoRoot } from '../helpers/guest_cases.js';

const root = repoRoot();
const BUNDLE = join(root, 'dist', 'cli', 'ecall.js');
const COMPILED = join(root, 'dist', 'src', 'cli', 'main.js');
/** Hang guard for one CLI run (hello runs in well under a second). */
const RUN_TIMEOUT_MS = 60_000;

/** Returns why the bundle cannot be tested (not built, or older than the tsc output), or false. */
function bundleUnavailable(): string | false {
  const b = statSync(BUNDLE, { throwIfNoEntry: false });
  if (b === undefined) return `${BUNDLE} not built (npm run build)`;
  const c = statSync(COMPILED, { throwIfNoEntry: false });
  return c !== undefined && c.mtimeMs > b.mtimeMs ? `${BUNDLE} is older than dist/src (npm run build)` : false;
}

test('the CLI bundle is one module that imports nothing but Node built-ins', { skip: bundleUnavailable() }, () => {
  const imports = ts.preProcessFile(readFileSync(BUNDLE, 'utf8'), true, true).importedFiles.map((f) => f.fileName);
  assert.ok(imports.includes('node:fs'), 'the scan sees the bundle\'s imports');
  assert.deepEqual(imports.filter((s) => !s.startsWith('node:')), []);
});

test('ecall run works from another directory, and --version prints the package version', { skip: bundleUnavailable() }, () => {
  // The hello case, run from guest/ (so the program path is relative to there).
  const c = loadCases().find((x) => x.name === 'hello')!;
  const guestDir = join(root, 'guest');
  const env = Object.entries(c.env).flatMap(([k, v]) => ['--env', `${k}=${v}`]);
  const run = spawnSync(process.execPath, [join(root, 'bin', 'ecall.js'), 'run', '--clear-env', ...env, `bin/${c.program}`, ...c.args],
    { cwd: guestDir, encoding: 'utf8', timeout: RUN_TIMEOUT_MS, stdio: ['ignore', 'pipe', 'pipe'] });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout, readFileSync(join(guestDir, 'expected', `${c.name}.out`), 'utf8'));
  const v = spawnSync(process.execPath, [join(root, 'bin', 'ecall.js'), '--version'], { cwd: tmpdir(), encoding: 'utf8', timeout: RUN_TIMEOUT_MS });
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  assert.equal(v.stdout.trim(), pkg.version);
});

test('bin/ecall.js runs the bundle unless it is missing or older than the tsc output', () => {
  // A copy of bin/ecall.js over two stand-in CLIs that each print their own name.
  const dir = mkdtempSync(join(tmpdir(), 'ecall-bin-'));
  try {
    mkdirSync(join(dir, 'bin'));
    mkdirSync(join(dir, 'dist', 'cli'), { recursive: true });
    mkdirSync(join(dir, 'dist', 'src', 'cli'), { recursive: true });
    copyFileSync(join(root, 'bin', 'ecall.js'), join(dir, 'bin', 'ecall.js'));
    writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
    const fake = (name: string): string => `export async function main() { process.stdout.write('${name}'); return 0; }\n`;
    const bundle = join(dir, 'dist', 'cli', 'ecall.js');
    const compiled = join(dir, 'dist', 'src', 'cli', 'main.js');
    writeFileSync(compiled, fake('compiled'));
    const which = (): string => spawnSync(process.execPath, [join(dir, 'bin', 'ecall.js')], { encoding: 'utf8', timeout: RUN_TIMEOUT_MS }).stdout;
    assert.equal(which(), 'compiled', 'no bundle');
    writeFileSync(bundle, fake('bundle'));
    utimesSync(compiled, 1000, 1000);
    utimesSync(bundle, 2000, 2000);
    assert.equal(which(), 'bundle', 'the bundle is newer');
    utimesSync(bundle, 1000, 1000);
    assert.equal(which(), 'bundle', 'same time, as in an installed package');
    utimesSync(compiled, 3000, 3000);
    assert.equal(which(), 'compiled', 'tsc ran after the bundle was built');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
