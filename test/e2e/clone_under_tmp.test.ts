// The first hour of a new user, as the acceptance of issue 7 states it: a clone of the repository
// in a directory under /tmp, where `npx ecall run guest/bin/hello` runs, and a guest that writes a
// file into its cwd leaves it on the host, where the host reads it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, realpathSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../helpers/guest_cases.js';
import { ecallUnavailable, GUEST_TIMEOUT_MS } from '../helpers/run_guest.js';

const root = repoRoot();
const skip = ecallUnavailable() ?? (existsSync(join(root, '.git')) ? false : 'not a git checkout');

/**
 * Returns a clone of this repository's HEAD in a fresh directory under /tmp, ready to run: the
 * clone uses this checkout's node_modules and built dist/ (building it again would take a minute
 * and test nothing that the build tests do not).
 */
function cloneUnderTmp(): string {
  const dir = join(realpathSync(mkdtempSync(join(tmpdir(), 'ecall-clone-'))), 'ecall');
  const r = spawnSync('git', ['clone', '--quiet', root, dir], { encoding: 'utf8', timeout: GUEST_TIMEOUT_MS });
  assert.equal(r.status, 0, r.stderr);
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  cpSync(join(root, 'dist'), join(dir, 'dist'), { recursive: true });
  return dir;
}

test('in a clone under /tmp, npx ecall runs guest/bin/hello and a guest writes a file into its cwd that the host reads', { skip }, () => {
  const dir = cloneUnderTmp();
  const npx = (args: string[]) => spawnSync('npx', ['--offline', 'ecall', 'run', ...args], { cwd: dir, encoding: 'utf8', timeout: GUEST_TIMEOUT_MS });
  const hello = npx(['guest/bin/hello', 'a']);
  assert.equal(hello.status, 0, hello.stderr);
  assert.match(hello.stdout, /^Hello from riscv64!\nargc = 2\nargv\[1\] = "a"/);
  const w = npx(['guest/bin/cwdwrite', 'from-guest.txt']);
  assert.equal(w.status, 0, w.stderr);
  assert.equal(w.stdout, `wrote ${dir}/from-guest.txt\n`);
  assert.equal(readFileSync(join(dir, 'from-guest.txt'), 'utf8'), `written by the guest in ${dir}\n`);
});
