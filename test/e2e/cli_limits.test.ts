// Limits a guest meets through the ecall command: a tmpfs is full at its size (--tmpfs-size) with
// ENOSPC, as Linux's tmpfs with size=, never with a host allocation failure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../helpers/guest_cases.js';
import { ecallUnavailable, GUEST_TIMEOUT_MS } from '../helpers/run_guest.js';

const root = repoRoot();
const skip = ecallUnavailable() ?? false;

/** Runs `ecall run ARGS` from the repository root with an empty guest environment. */
function run(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(root, 'bin', 'ecall.js'), 'run', '--clear-env', ...args],
    { cwd: root, encoding: 'utf8', timeout: GUEST_TIMEOUT_MS });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** What guest/bin/tmpfill prints on a 1 MiB tmpfs: the same program built natively printed exactly
 *  this on Linux 6.x with `mount -t tmpfs -o size=1m`. */
const FILLED_1M = 'sparse file: size 1099511627776, blocks 0\nwrite stopped: No space left on device\nwrote 1024 KiB\n' +
  'statfs: 0 of 256 blocks free\nwrite into the sparse file\'s hole: No space left on device\nwrite after unlink: ok\n';

test('a full /tmp gives ENOSPC at --tmpfs-size, as Linux\'s tmpfs with size=1m', { skip }, () => {
  const r = run(['--tmpfs-size', '1m', 'guest/bin/tmpfill', '/tmp']);
  assert.equal(r.stderr, '');
  assert.equal(r.stdout, FILLED_1M);
  assert.equal(r.status, 0);
});

test('the in-memory root has the same size limit as /tmp', { skip }, () => {
  const r = run(['--tmpfs-size', '1m', 'guest/bin/tmpfill', '/']);
  // The five files of the synthetic /etc take one page each.
  assert.equal(r.stdout, FILLED_1M.replace('wrote 1024 KiB', 'wrote 1004 KiB'));
});

test('--tmpfs-size takes bytes with a k, m or g suffix and refuses anything else with status 2', { skip }, () => {
  for (const bad of ['0', '1x', '-5', '12.5m', '1k1']) {
    const r = run([`--tmpfs-size=${bad}`, 'guest/bin/exit42']);
    assert.equal(r.status, 2, bad);
    assert.match(r.stderr, /^ecall: bad --tmpfs-size/);
  }
  assert.equal(run(['--tmpfs-size', '64K', 'guest/bin/exit42']).status, 42);
});
