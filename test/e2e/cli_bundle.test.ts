// The shipped command: bin/ecall.js loads the one-file CLI bundle that `npm run build` writes
// (dist/cli/ecall.cjs, with V8's code cache), which works from any directory, and falls back to
// the tsc output in dist/src when the bundle is missing or older than it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';
import { loadCases, repoRoot } from '../helpers/guest_cases.js';
import { BUNDLE_STAMP, stampLine } from '../../src/cli/code_cache.js';

const root = repoRoot();
const BUNDLE = join(root, 'dist', 'cli', 'ecall.cjs');
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

test('the CLI bundle is one script that requires nothing but Node built-ins', { skip: bundleUnavailable() }, () => {
  const imports = ts.preProcessFile(readFileSync(BUNDLE, 'utf8'), true, true).importedFiles.map((f) => f.fileName);
  assert.ok(imports.includes('node:fs'), 'the scan sees the bundle\'s requires');
  assert.deepEqual(imports.filter((s) => !s.startsWith('node:')), []);
});

test('the built bundle starts with its stamp: the hash of the rest of the file', { skip: bundleUnavailable() }, () => {
  const bytes = readFileSync(BUNDLE);
  const nl = bytes.indexOf(0x0a);
  assert.ok(bytes.subarray(0, nl).toString('latin1').startsWith(BUNDLE_STAMP));
  assert.equal(bytes.subarray(0, nl + 1).toString('latin1'), stampLine(bytes.subarray(nl + 1)));
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

test('ecall run prints the same with a cold, a warm and a damaged code cache, and uses the warm one', { skip: bundleUnavailable() }, () => {
  const cache = mkdtempSync(join(tmpdir(), 'ecall-cache-'));
  try {
    const c = loadCases().find((x) => x.name === 'hello')!;
    const env = Object.entries(c.env).flatMap(([k, v]) => ['--env', `${k}=${v}`]);
    // ECALL_DEBUG=1 makes bin/ecall.js say how the code cache went, on stderr.
    const run = (): { stdout: string; cache: string } => {
      const r = spawnSync(process.execPath, [join(root, 'bin', 'ecall.js'), 'run', '--clear-env', ...env, join(root, 'guest', 'bin', c.program), ...c.args],
        { encoding: 'utf8', timeout: RUN_TIMEOUT_MS, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ECALL_CACHE: cache, ECALL_DEBUG: '1' } });
      assert.equal(r.status, 0, r.stderr);
      return { stdout: r.stdout, cache: /ecall: code cache (\w+)/.exec(r.stderr)?.[1] ?? 'unreported' };
    };
    const expected = readFileSync(join(root, 'guest', 'expected', `${c.name}.out`), 'utf8');
    assert.deepEqual(run(), { stdout: expected, cache: 'miss' });
    assert.deepEqual(run(), { stdout: expected, cache: 'hit' });
    const [file] = readdirSync(join(cache, 'code'));
    const bytes = readFileSync(join(cache, 'code', file!));
    bytes[bytes.length >> 1]! ^= 1;
    writeFileSync(join(cache, 'code', file!), bytes);
    assert.deepEqual(run(), { stdout: expected, cache: 'corrupt' });
    assert.deepEqual(run(), { stdout: expected, cache: 'hit' }, 'the damaged file was rewritten');
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
});

test('only a command that runs a program writes the code cache', { skip: bundleUnavailable() }, () => {
  const cache = mkdtempSync(join(tmpdir(), 'ecall-cache-'));
  try {
    const ecall = (...args: string[]): string => {
      const r = spawnSync(process.execPath, [join(root, 'bin', 'ecall.js'), ...args],
        { encoding: 'utf8', timeout: RUN_TIMEOUT_MS, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ECALL_CACHE: cache, ECALL_DEBUG: '1' } });
      assert.equal(r.status, 0, r.stderr);
      return /ecall: code cache (\w+)/.exec(r.stderr)?.[1] ?? 'unreported';
    };
    const files = (): string[] => readdirSync(cache).flatMap((d) => readdirSync(join(cache, d)));
    assert.equal(ecall('--version'), 'miss');
    assert.equal(ecall('--help'), 'miss');
    assert.deepEqual(files(), [], '--version and --help wrote no cache');
    const hello = join(root, 'guest', 'bin', 'hello');
    assert.equal(ecall('run', '--clear-env', hello), 'miss');
    assert.equal(files().length, 1);
    assert.equal(ecall('run', '--clear-env', hello), 'hit');
    assert.equal(ecall('--version'), 'hit', 'other commands use the cache a run wrote');
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
});

test('bin/ecall.js runs the bundle unless it is missing or older than the tsc output', { skip: bundleUnavailable() }, () => {
  // A copy of bin/ecall.js over two stand-in CLIs that each print their own name.
  const dir = mkdtempSync(join(tmpdir(), 'ecall-bin-'));
  try {
    mkdirSync(join(dir, 'bin'));
    mkdirSync(join(dir, 'dist', 'cli'), { recursive: true });
    mkdirSync(join(dir, 'dist', 'src', 'cli'), { recursive: true });
    copyFileSync(join(root, 'bin', 'ecall.js'), join(dir, 'bin', 'ecall.js'));
    copyFileSync(join(root, 'bin', 'package.json'), join(dir, 'bin', 'package.json'));
    copyFileSync(join(root, 'dist', 'cli', 'loader.cjs'), join(dir, 'dist', 'cli', 'loader.cjs'));
    writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
    const fake = (name: string): string => `export async function main() { process.stdout.write('${name}'); return 0; }\n`;
    const bundle = join(dir, 'dist', 'cli', 'ecall.cjs');
    const compiled = join(dir, 'dist', 'src', 'cli', 'main.js');
    writeFileSync(compiled, fake('compiled'));
    const env = { ...process.env, ECALL_NO_CODE_CACHE: '1' };
    const which = (): string => spawnSync(process.execPath, [join(dir, 'bin', 'ecall.js')], { encoding: 'utf8', timeout: RUN_TIMEOUT_MS, env }).stdout;
    assert.equal(which(), 'compiled', 'no bundle');
    writeFileSync(bundle, `exports.main = async function main() { process.stdout.write('bundle'); return 0; };\n`);
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
