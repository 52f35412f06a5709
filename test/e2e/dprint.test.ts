// dprint (@dprint/linux-riscv64-glibc, an optional dependency pinned in package-lock.json): a
// dynamically linked Rust program, run under ecall with the Debian sysroot, prints its version.
// The package is fetched from the npm registry at the locked version and integrity into the test
// cache (test/helpers/npm_fetch.ts); without it, or without the sysroot, the test is skipped.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { repoRoot } from '../helpers/guest_cases.js';
import { fetchLockedPackage, lockedPackage } from '../helpers/npm_fetch.js';
import { ecallUnavailable } from '../helpers/run_guest.js';

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
