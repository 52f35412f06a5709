// A real shell under ecall: dash, built from Debian's source package by tools/third_party/dash.sh
// into the test cache, runs scripts that use fork, execve, pipes, wait, signals and "#!" with our
// own guest programs. Every run is deterministic (--seed), so the output is exact.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { repoRoot } from '../helpers/guest_cases.js';
import { testCacheDir } from '../helpers/npm_fetch.js';
import { ecallUnavailable } from '../helpers/run_guest.js';

const root = repoRoot();
const DASH = join(testCacheDir(), 'dash', 'dash');
const skip = ecallUnavailable() ??
  (existsSync(DASH) ? false : `${DASH} is missing: run bash tools/third_party/dash.sh (needs network for apt-get source)`);
/** Hang guard far above a normal run (a few seconds). */
const TIMEOUT_MS = 120_000;

/** Runs `dash -c script` under ecall in deterministic mode from the repository root, with dash's
 *  directory mounted at /bin (so "#!/bin/dash" scripts run). */
function sh(script: string, seed = '1'): { stdout: string; stderr: string; status: number | null } {
  const args = ['run', '--seed', seed, '--clear-env', '--mount', `${dirname(DASH)}:/bin:ro`, DASH, '-c', script];
  const r = spawnSync(process.execPath, [join(root, 'bin', 'ecall.js'), ...args],
    { cwd: root, encoding: 'utf8', timeout: TIMEOUT_MS });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

describe('dash under ecall', { concurrency: 2, skip }, () => {
  it('a pipeline of three guest programs passes the data through', () => {
    const r = sh('guest/bin/hello one two | guest/bin/cat 2>/dev/null | guest/bin/cat 2>/dev/null');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^Hello from riscv64!\nargc = 3\nargv\[1\] = "one" \(3 bytes\)\nargv\[2\] = "two" \(3 bytes\)\n/);
    assert.equal(r.stderr, 'hello: this line goes to stderr\n');
  });

  it('command substitution captures output and exit status', () => {
    const r = sh('x=$(guest/bin/exit42; echo "status $?"); echo "[$x]"');
    assert.deepEqual(r, { stdout: '[exiting with 42\nstatus 42]\n', stderr: '', status: 0 });
  });

  it('a subshell has its own cwd and exit status', () => {
    const r = sh('(cd /tmp && pwd; exit 3); echo "subshell $?"; pwd');
    assert.deepEqual(r, { stdout: `/tmp\nsubshell 3\n${root}\n`, stderr: '', status: 0 });
  });

  it('a background job is waited for with its exit status', () => {
    const r = sh('guest/bin/exit42 & pid=$!; wait $pid; echo "waited $?"; guest/bin/exit42 & guest/bin/exit42 & wait; echo all');
    assert.deepEqual(r, { stdout: 'exiting with 42\nwaited 42\nexiting with 42\nexiting with 42\nall\n', stderr: '', status: 0 });
  });

  it('trap runs on SIGINT sent to the shell itself', () => {
    const r = sh("trap 'echo caught INT' INT; kill -INT $$; echo after");
    assert.deepEqual(r, { stdout: 'caught INT\nafter\n', stderr: '', status: 0 });
  });

  it('trap runs on SIGCHLD when a child exits', () => {
    const r = sh("trap 'echo chld' CHLD; guest/bin/exit42; echo \"status $?\"");
    assert.deepEqual(r, { stdout: 'exiting with 42\nchld\nstatus 42\n', stderr: '', status: 0 });
  });

  it('redirections: >, >>, <, 2> and fd duplication', () => {
    const r = sh('echo one >/tmp/f; echo two >>/tmp/f; guest/bin/cat </tmp/f 2>/tmp/err; read line </tmp/err; echo "err: $line"; echo to-stderr 1>&2');
    assert.deepEqual(r, { stdout: 'one\ntwo\nerr: cat: 8 bytes\n', stderr: 'to-stderr\n', status: 0 });
  });

  it('exec replaces the shell and exec with only redirections changes its fds', () => {
    const r = sh('exec 3>/tmp/g; echo via3 >&3; exec 3>&-; read l </tmp/g; echo "$l"; exec guest/bin/exit42; echo never');
    assert.deepEqual(r, { stdout: 'via3\nexiting with 42\n', stderr: '', status: 42 });
  });

  it('a script runs through its #! line with its arguments', () => {
    const r = sh('test/fixtures/shell/args.sh a "b c"; echo "status $?"');
    assert.deepEqual(r, { stdout: 'script test/fixtures/shell/args.sh: a b c\nstatus 7\n', stderr: '', status: 0 });
  });
});
