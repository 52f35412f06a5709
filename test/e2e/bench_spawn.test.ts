// The posix_spawn bench guest (guest/bin/bench_spawn, bench rows spawn_static and spawn_dynamic)
// under ecall: every spawned hello, static and dynamic, ends with status 0. qemu-riscv64 cannot
// run it (without a binfmt handler it cannot execve a riscv64 program).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../helpers/guest_cases.js';
import { ecallUnavailable } from '../helpers/run_guest.js';

const root = repoRoot();
const SYSROOT = '/usr/riscv64-linux-gnu';

/** Runs bench_spawn under ecall in deterministic mode; returns stdout and the exit status. */
function benchSpawn(n: number, program: string, extra: string[] = []): { out: string; status: number | null } {
  const r = spawnSync(process.execPath, [join(root, 'bin', 'ecall.js'), 'run', '--seed', '1', ...extra, 'guest/bin/bench_spawn',
    String(n), join(root, 'guest', 'bin', program)], { cwd: root, encoding: 'utf8', timeout: 600_000 });
  return { out: r.stdout, status: r.status };
}

test('posix_spawn and wait of the static hello, repeated, ends with status 0 every time', { skip: ecallUnavailable() ?? false }, () => {
  assert.deepEqual(benchSpawn(5, 'hello'), { out: '5 posix_spawn/wait round trips, 5 with status 0\n', status: 0 });
});

test('posix_spawn and wait of the dynamic hello with --sysroot ends with status 0 every time',
  { skip: ecallUnavailable() ?? (existsSync(SYSROOT) ? false : `${SYSROOT} (the Debian riscv64 cross sysroot) is missing`) }, () => {
    assert.deepEqual(benchSpawn(3, 'hello_dyn', ['--sysroot', SYSROOT]), { out: '3 posix_spawn/wait round trips, 3 with status 0\n', status: 0 });
  });
