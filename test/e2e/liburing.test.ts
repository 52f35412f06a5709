// liburing's own test programs (Debian's liburing 2.3 source, built static for riscv64 by
// tools/third_party/liburing.sh into the test cache) run under ecall: the tests issue 12 names
// must exit 0 (or 77, liburing's "skipped", for what needs features Linux may also lack), those
// that fork included, and the tests beyond that list that pass (MORE); a test with a known gap is
// a todo, named with its cause. Without the build the suite is skipped with the reason.
// tools/liburing_all.sh runs and counts all of them.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { repoRoot } from '../helpers/guest_cases.js';
import { testCacheDir } from '../helpers/npm_fetch.js';
import { mapLimited, GUEST_CONCURRENCY } from '../helpers/pool.js';
import { ecallUnavailable } from '../helpers/run_guest.js';

/** The tests issue 12 requires (liburing 2.3 names). */
const REQUIRED = [
  'nop', 'nop-all-sizes', 'probe', 'io_uring_setup', 'io_uring_enter', 'io_uring_register', 'sq-full', 'sq-space_left',
  'cq-size', 'cq-ready', 'cq-full', 'cq-overflow', 'read-write', 'short-read', 'fixed-buf-iter', 'fixed-link',
  'file-register', 'file-update', 'link', 'link_drain', 'hardlink', 'link-timeout', 'submit-link-fail', 'skip-cqe',
  'timeout-new', 'poll-cancel-all', 'poll-many', 'eventfd', 'eventfd-ring', 'splice', 'statx', 'openat2', 'rename',
  'unlink', 'mkdir', 'fsync', 'msg-ring',
  // timeout forks only in test_timeout_link_cancel, which skips itself (it execs exec-target.t,
  // which is not beside it in the temporary directory), so it runs as a required test.
  'timeout',
  // SINGLE_ISSUER and DEFER_TASKRUN enforcement (-EEXIST; task work only on the submitter's enter).
  'single-issuer', 'defer-taskrun',
];
/** Socket opcodes over ecall's sockets (ephemeral ports on the loopback, so runs do not collide). */
const NETWORK = [
  'accept', 'accept-link', 'accept-reuse', 'accept-test', 'connect', 'shutdown', 'socket-rw', 'socket-rw-eagain',
  'socket-rw-offset', 'recv-msgall', 'recv-msgall-stream',
];
/** Required tests that fork (processes, issue 9). */
const FORKING = ['poll', 'io-cancel'];
/** Tests beyond the list that pass, each after a fix named here. */
const MORE = [
  'fallocate', // an unlinked host file still stats as a regular file through its open handle
  'socket', // io_uring_enter holds its ring while it sleeps (another thread closes the fd)
  'send_recvmsg', // RECVMSG into a provided buffer
  'ring-leak', // the unix collector frees a ring sent over SCM_RIGHTS that holds its receiver
  'multicqes_drain', // a poll reports a keyed wake-up's events even if they are gone when it runs
  'defer', 'poll-mshot-update',
  '7ad0e4b2f83c', // a 1 s TIMEOUT timed with gettimeofday (on the virtual clock, see VIRTUAL_CLOCK)
  'sigfd-deadlock', // signalfd4, read through io_uring
  'sendmsg_fs_cve', // chroot
  // multishot RECVMSG (io_uring_recvmsg_out), IP_RECVORIGDSTADDR, the 6.1 end of a multishot
  // receive at a full CQ ring (on the simulated loopback, see LOOPBACK_NET)
  'recv-multishot',
];
/** Required tests with a known gap outside io_uring, and the gap. */
const KNOWN_GAPS: Record<string, string> = {};
/** Tests that time themselves with gettimeofday (a 200 ms timeout must take 100..300 ms, a 1 s one
 *  900..1100 ms). They run in deterministic mode: time there is virtual (instructions retired, and
 *  a jump to the next timer when every task sleeps), so the window holds however loaded the host is. */
const VIRTUAL_CLOCK = new Set(['timeout-new', 'timeout', '7ad0e4b2f83c']);
/** Tests that expect a TCP close to reach the peer at once: recv-multishot gives the end of the
 *  stream 1 ms (a usleep) to arrive, which Linux's loopback meets synchronously but a host socket
 *  does not (Node itself takes about 1 ms from end() to the peer's 'end'). They run in
 *  deterministic mode, on the simulated loopback network, which delivers the FIN inside close. */
const LOOPBACK_NET = new Set(['recv-multishot']);
/** The seed of their deterministic runs (any seed works: the window does not depend on the schedule). */
const VIRTUAL_CLOCK_SEED = '1';
/** liburing's exit code for a skipped test (T_EXIT_SKIP). */
const T_EXIT_SKIP = 77;
/** Hang guard of one test: most take 1-3 s of CPU; poll-many about 12 s, several times that on a loaded machine. */
const TEST_TIMEOUT_MS = 300_000;

const root = repoRoot();
const dir = join(testCacheDir(), 'liburing', 'test');
const missing = existsSync(join(testCacheDir(), 'liburing', 'built'))
  ? null
  : `liburing's tests are not built (run bash tools/third_party/liburing.sh): ${dir} missing`;

interface Outcome { status: number | null; output: string }

/** Runs one liburing test program under ecall in a fresh directory (the tests create files in their cwd). */
function runTest(name: string): Promise<Outcome> {
  const cwd = mkdtempSync(join(tmpdir(), `ecall-liburing-${name}-`));
  const mode = VIRTUAL_CLOCK.has(name) || LOOPBACK_NET.has(name) ? ['--seed', VIRTUAL_CLOCK_SEED] : [];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(root, 'bin', 'ecall.js'), 'run', ...mode, join(dir, `${name}.t`)], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => { output += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { output += d.toString(); });
    const timer = setTimeout(() => child.kill('SIGKILL'), TEST_TIMEOUT_MS);
    child.on('close', (status) => {
      clearTimeout(timer);
      rmSync(cwd, { recursive: true, force: true });
      resolve({ status, output });
    });
  });
}

describe('liburing 2.3 tests under ecall', { skip: missing ?? ecallUnavailable(root) ?? false }, () => {
  const names = [...REQUIRED, ...FORKING, ...NETWORK, ...MORE];
  let results: Map<string, Outcome> | null = null;
  /** Every test runs once, two at a time; each it() then looks at its own outcome. */
  const all = async (): Promise<Map<string, Outcome>> => {
    results ??= new Map(await mapLimited(names, GUEST_CONCURRENCY, async (n) => [n, await runTest(n)] as const));
    return results;
  };
  for (const name of names) {
    const todo = KNOWN_GAPS[name];
    it(`liburing test ${name} passes`, { todo, timeout: TEST_TIMEOUT_MS * 8 }, async (t) => {
      if (!existsSync(join(dir, `${name}.t`))) assert.fail(`${name}.t was not built`);
      const r = (await all()).get(name)!;
      if (r.status === T_EXIT_SKIP) { t.skip(`the test skipped itself: ${r.output.trim().split('\n').pop()}`); return; }
      assert.equal(r.status, 0, `${name} exited ${r.status}:\n${r.output.slice(-2000)}`);
    });
  }
});
