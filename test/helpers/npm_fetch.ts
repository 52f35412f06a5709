// Third-party test programs (such as esbuild's riscv64 build) come from the npm registry at test
// time, never from the repository or from `npm ci`: the ordinary npm client fetches the package
// once into a cache outside the repository, the tarball is checked against the integrity that
// package-lock.json pins, and it is unpacked there.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** Hang guard for one `npm pack` (a few MB from the registry; npm's own cache makes reruns fast). */
const FETCH_TIMEOUT_MS = 300_000;
/** Hang guard for unpacking one tarball. */
const UNPACK_TIMEOUT_MS = 60_000;

/** A package version as package-lock.json pins it. */
export interface LockedPackage {
  name: string;
  version: string;
  /** Subresource-integrity string of the tarball ("sha512-..."). */
  integrity: string;
}

/** Returns the cache for fetched test programs: $ECALL_CACHE, else $XDG_CACHE_HOME/ecall, else ~/.cache/ecall. */
export function testCacheDir(): string {
  return process.env.ECALL_CACHE || join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'ecall');
}

/** Returns the version and integrity package-lock.json pins for a package (a dependency of a
 *  dependency is pinned too, even for another platform), or null when it is not in the lock. */
export function lockedPackage(root: string, name: string): LockedPackage | null {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as
    { packages?: Record<string, { version?: string; integrity?: string }> };
  const p = lock.packages?.[`node_modules/${name}`];
  return p?.version && p.integrity ? { name, version: p.version, integrity: p.integrity } : null;
}

/** Returns the first non-empty line of s, for a one-line error. */
function firstLine(s: string | null | undefined): string {
  return (s ?? '').split('\n').map((l) => l.trim()).find((l) => l !== '') ?? '(no output)';
}

/**
 * Returns the directory holding the unpacked package (its package.json and files), fetching it
 * into the cache first if needed, or { error } saying why it is unavailable (offline, npm
 * missing, integrity mismatch). Safe to call from several processes at once.
 */
export function fetchLockedPackage(pkg: LockedPackage): { dir: string } | { error: string } {
  const cache = testCacheDir();
  const dir = join(cache, `${pkg.name.replace('/', '+')}@${pkg.version}`);
  if (existsSync(join(dir, 'package.json'))) return { dir };
  const spec = `${pkg.name}@${pkg.version}`;
  try {
    mkdirSync(cache, { recursive: true });
  } catch (e) {
    return { error: `cannot create the cache ${cache}: ${(e as Error).message}` };
  }
  const tmp = mkdtempSync(join(cache, '.fetch-'));
  try {
    // Run in the cache, so no project's .npmrc applies; --json names the tarball it wrote.
    const r = spawnSync('npm', ['pack', spec, '--json', '--pack-destination', tmp],
      { cwd: cache, encoding: 'utf8', timeout: FETCH_TIMEOUT_MS });
    if (r.error) return { error: `npm pack ${spec}: ${r.error.message}` };
    if (r.status !== 0) return { error: `npm pack ${spec} failed: ${firstLine(r.stderr)}` };
    const filename = (JSON.parse(r.stdout) as { filename: string }[])[0]?.filename;
    if (filename === undefined) return { error: `npm pack ${spec} named no tarball` };
    const tgz = join(tmp, filename);
    const integrity = `sha512-${createHash('sha512').update(readFileSync(tgz)).digest('base64')}`;
    if (integrity !== pkg.integrity) return { error: `${spec}: the tarball's integrity ${integrity} is not the one package-lock.json pins` };
    const x = spawnSync('tar', ['-xzf', tgz, '-C', tmp], { encoding: 'utf8', timeout: UNPACK_TIMEOUT_MS });
    if (x.status !== 0) return { error: `unpacking ${filename} failed: ${firstLine(x.stderr ?? x.error?.message)}` };
    try {
      renameSync(join(tmp, 'package'), dir);
    } catch (e) {
      // Another process may have put it there first; anything else is an error.
      if (!existsSync(join(dir, 'package.json'))) return { error: `cannot move ${spec} into ${dir}: ${(e as Error).message}` };
    }
    return { dir };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
