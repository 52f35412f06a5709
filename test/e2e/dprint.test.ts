// dprint (@dprint/linux-riscv64-glibc, an optional dependency pinned in package-lock.json): a
// dynamically linked Rust program, run under ecall with the Debian sysroot, prints its version,
// and formats TypeScript with the @dprint/typescript plugin's wasm file (a local plugin path in
// the config: dprint itself never goes to the network). dprint compiles a plugin with its wasm
// runtime into DPRINT_CACHE_DIR, which is slow under any emulator: qemu-riscv64 fills that cache
// once (in the test cache), and ecall then loads the compiled plugin from it, mapping machine
// code from a cache file and making it executable. The packages are fetched from the npm
// registry at pinned versions and integrities into the test cache (test/helpers/npm_fetch.ts);
// without them (offline), without the sysroot or without qemu-riscv64, the tests are skipped.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { repoRoot } from '../helpers/guest_cases.js';
import { fetchLockedPackage, lockedPackage, testCacheDir } from '../helpers/npm_fetch.js';
import { ecallUnavailable, findQemu } from '../helpers/run_guest.js';

const SYSROOT = '/usr/riscv64-linux-gnu';
const PACKAGE = '@dprint/linux-riscv64-glibc';
/** Hang guard far above a normal run (a 26 MB program: a few seconds). */
const TIMEOUT_MS = 300_000;

const root = repoRoot();

/** The dprint executable, or why it is unavailable. */
function findDprint(): { exe: string; version: string } | { error: string } {
  const pkg = lockedPackage(root, PACKAGE);
  if (pkg === null) return { error: `${PACKAGE} is not pinned in package-lock.json` };
  const got = fetchLockedPackage(pkg);
  if ('error' in got) return got;
  return { exe: join(got.dir, 'dprint'), version: pkg.version };
}

const dprint = ecallUnavailable(root) === null && existsSync(SYSROOT) ? findDprint() : null;
const skip = ecallUnavailable(root) ?? (!existsSync(SYSROOT) ? `${SYSROOT} is missing (apt-get install libc6-dev-riscv64-cross)`
  : dprint !== null && 'error' in dprint ? dprint.error : false);

describe('dprint under ecall', { skip }, () => {
  it('dprint --version with the Debian sysroot prints the locked version', { timeout: TIMEOUT_MS + 10_000 }, () => {
    const d = dprint as { exe: string; version: string };
    const r = spawnSync(process.execPath, [join(root, 'bin', 'ecall.js'), 'run', '--sysroot', SYSROOT, d.exe, '--version'],
      { cwd: root, encoding: 'utf8', timeout: TIMEOUT_MS });
    assert.equal(r.stderr, '');
    assert.equal(r.stdout, `dprint ${d.version}\n`);
    assert.equal(r.status, 0);
  });
});

/** The TypeScript plugin: its npm package at a pinned version and tarball integrity. */
const TS_PLUGIN = {
  name: '@dprint/typescript', version: '0.101.0',
  integrity: 'sha512-UesK6sSHYFaQW8T1nbvjXTKm63dgbkobApw/AGRyovP+MnlqkgEM+GfVYnBP/b0GWmaBmk/GOkoR4j9DVSrAnQ==',
};
/** Unformatted TypeScript the tests format. */
const SOURCE = 'const  x = {a:1,\n  b : [1,2,3]};\nfunction f( y:number ){return y*2}\n';
/** Hang guard for compiling the plugin under qemu-riscv64 (about a minute of CPU; minutes under load). */
const COMPILE_TIMEOUT_MS = 1_800_000;

/** The plugin's wasm file, the filled compiled-plugin cache and qemu-riscv64's formatting of SOURCE, or why they are unavailable. */
function preparePlugin(d: { exe: string; version: string }): { wasm: string; cache: string; qemuOut: string } | { error: string } {
  const pkg = fetchLockedPackage(TS_PLUGIN);
  if ('error' in pkg) return pkg;
  const wasm = join(pkg.dir, 'plugin.wasm');
  const cache = join(testCacheDir(), `dprint-cache-${d.version}-ts-${TS_PLUGIN.version}`);
  const qemuOutFile = join(cache, 'qemu-fmt.out');
  if (existsSync(qemuOutFile)) return { wasm, cache, qemuOut: readFileSync(qemuOutFile, 'utf8') };
  const qemu = findQemu();
  if (qemu === null) return { error: 'qemu-riscv64 is needed once to fill dprint\'s compiled-plugin cache' };
  const proj = project(wasm);
  try {
    const r = spawnSync(qemu, ['-L', SYSROOT, d.exe, 'fmt', '--stdin', 'a.ts'], {
      cwd: proj, input: SOURCE, encoding: 'utf8', timeout: COMPILE_TIMEOUT_MS, env: { ...process.env, DPRINT_CACHE_DIR: cache },
    });
    if (r.status !== 0) return { error: `dprint fmt under qemu-riscv64 failed: ${(r.stderr || String(r.error)).split('\n')[0]}` };
    writeFileSync(qemuOutFile, r.stdout);
    return { wasm, cache, qemuOut: r.stdout };
  } finally {
    rmSync(proj, { recursive: true, force: true });
  }
}

/** Makes a project directory with a dprint.json that names the local wasm plugin; returns its path. */
function project(wasm: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'ecall-dprint-'));
  writeFileSync(join(dir, 'dprint.json'), JSON.stringify({ typescript: { indentWidth: 2 }, plugins: [wasm] }));
  return dir;
}

const plugin = dprint !== null && !('error' in dprint) ? preparePlugin(dprint) : null;
const skipFmt = skip || (plugin !== null && 'error' in plugin ? plugin.error : false);

describe('dprint fmt under ecall', { skip: skipFmt }, () => {
  /** Runs dprint under ecall in dir with the plugin, the cache and dir mounted at their host paths. */
  const underEcall = (dir: string, args: string[], input = ''): { stdout: string; stderr: string; status: number | null } => {
    const d = dprint as { exe: string };
    const p = plugin as { wasm: string; cache: string };
    const pluginDir = join(p.wasm, '..');
    const r = spawnSync(process.execPath, [join(root, 'bin', 'ecall.js'), 'run', '--sysroot', SYSROOT,
      '--mount', `${dir}:${dir}`, '--mount', `${p.cache}:${p.cache}`, '--mount', `${pluginDir}:${pluginDir}:ro`,
      '--env', `DPRINT_CACHE_DIR=${p.cache}`, d.exe, ...args], { cwd: dir, input, encoding: 'utf8', timeout: TIMEOUT_MS });
    return { stdout: r.stdout, stderr: r.stderr, status: r.status };
  };

  it('dprint fmt --stdin with the cached compiled plugin prints what qemu-riscv64 prints', { timeout: TIMEOUT_MS + 10_000 }, () => {
    const p = plugin as { wasm: string; qemuOut: string };
    const dir = project(p.wasm);
    try {
      const r = underEcall(dir, ['fmt', '--stdin', 'a.ts'], SOURCE);
      assert.equal(r.stderr, '');
      assert.equal(r.status, 0);
      assert.equal(r.stdout, p.qemuOut);
      assert.match(r.stdout, /^const x = \{ a: 1, b: \[1, 2, 3\] \};\n/, 'the formatting did happen');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('dprint fmt rewrites a file in the project, and dprint check then passes', { timeout: 2 * TIMEOUT_MS + 10_000 }, () => {
    const p = plugin as { wasm: string; qemuOut: string };
    const dir = project(p.wasm);
    try {
      writeFileSync(join(dir, 'b.ts'), SOURCE);
      const r = underEcall(dir, ['fmt', 'b.ts']);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(readFileSync(join(dir, 'b.ts'), 'utf8'), p.qemuOut);
      const c = underEcall(dir, ['check', 'b.ts']);
      assert.equal(c.status, 0, c.stderr);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
