// Dynamic programs: the dynamic twins of a few guest programs (guest/bin/NAME_dyn, linked against
// the Debian cross sysroot's shared glibc) run under ecall with --sysroot and give exactly the
// recorded output of their static twins; without --sysroot ecall finds /usr/riscv64-linux-gnu
// itself. PIE placement is seeded in deterministic mode and random in real-time mode.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { resultDifferences } from '../helpers/compare.js';
import { type GuestCase, loadCases, loadExpected, repoRoot } from '../helpers/guest_cases.js';
import { ecallCommand, ecallUnavailable, GUEST_TIMEOUT_MS, runCommand } from '../helpers/run_guest.js';

/** The Debian sysroot (libc6-dev-riscv64-cross), which CI installs. */
const SYSROOT = '/usr/riscv64-linux-gnu';
/** The programs guest/Makefile also builds dynamically (its DYN_PROGRAMS): hello_dyn, fp_dyn,
 *  thread_create_dyn and cat_dyn. */
const DYNAMIC = ['hello', 'fp', 'thread_create', 'cat'];
const TEST_TIMEOUT_MS = GUEST_TIMEOUT_MS + 10_000;

const root = repoRoot();
const skip = ecallUnavailable() ?? (existsSync(SYSROOT) ? false : `${SYSROOT} is missing (apt-get install libc6-dev-riscv64-cross)`);

/** The case run with the dynamic twin, with extra `run` options before the program. */
function dynamicCommand(c: GuestCase, options: string[]): { file: string; args: string[] } {
  const cmd = ecallCommand(c, root);
  const at = cmd.args.indexOf('run') + 1;
  const args = cmd.args.map((a) => (a === join(root, 'guest', 'bin', c.program) ? `${a}_dyn` : a));
  return { file: cmd.file, args: [...args.slice(0, at), ...options, ...args.slice(at)] };
}

/** Runs `ecall run OPTIONS... PROGRAM ARGS` and returns stdout, stderr and the status. */
function ecall(args: string[]): { stdout: string; stderr: string; status: number | null } {
  const r = spawnSync(process.execPath, [join(root, 'bin', 'ecall.js'), 'run', ...args], { cwd: root, encoding: 'utf8', timeout: GUEST_TIMEOUT_MS });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

/** The initial program break of a run, from its strace (ld.so asks for it first): it lies just
 *  above the program's image, so it moves with the PIE base. */
function initialBreak(strace: string): string {
  const m = /^brk\(NULL\) = (0x[0-9a-f]+)$/m.exec(strace);
  assert.ok(m, `no brk(NULL) in:\n${strace}`);
  return m[1]!;
}

describe('dynamic programs match their static twins', { concurrency: 2, skip }, () => {
  for (const c of loadCases(root).filter((x) => DYNAMIC.includes(x.program) && x.compare !== false)) {
    it(`${c.name}: ${c.program}_dyn with --sysroot gives ${c.program}'s recorded output`, { timeout: TEST_TIMEOUT_MS }, async () => {
      const actual = await runCommand(dynamicCommand(c, ['--sysroot', SYSROOT]), c, { ...process.env } as Record<string, string>, GUEST_TIMEOUT_MS);
      assert.deepEqual(resultDifferences(loadExpected(c, root), actual, c.compareStderr, ['static', 'dynamic']), []);
    });
  }
});

describe('running dynamic programs', { skip }, () => {
  it('without --sysroot a dynamic program finds the interpreter in /usr/riscv64-linux-gnu', () => {
    const r = ecall(['guest/bin/hello_dyn', 'x']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^Hello from riscv64!\nargc = 2\nargv\[1\] = "x"/);
  });

  it('an empty --sysroot gives a one-line error naming the missing interpreter', () => {
    const r = ecall(['--sysroot', join(root, 'guest', 'src'), 'guest/bin/hello_dyn']);
    assert.equal(r.status, 127);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^ecall: guest\/bin\/hello_dyn: needs the interpreter \/lib\/ld-linux-riscv64-lp64d\.so\.1: No such file or directory\n$/);
  });

  it('a PIE program is placed the same way under the same --seed and differently under another', () => {
    const brk = (seed: string): string => {
      const r = ecall(['--strace', '--seed', seed, '--sysroot', SYSROOT, 'guest/bin/hello_dyn']);
      assert.equal(r.status, 0, r.stderr);
      return initialBreak(r.stderr);
    };
    assert.equal(brk('1'), brk('1'));
    assert.notEqual(brk('1'), brk('2'));
  });

  it('a PIE program is placed at a random base in real-time mode', () => {
    const bases = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const r = ecall(['--strace', '--sysroot', SYSROOT, 'guest/bin/hello_dyn']);
      bases.add(initialBreak(r.stderr));
    }
    // Three draws from 2^18 offsets: equal ones are a one-in-many-billions event.
    assert.ok(bases.size >= 2, `the same base three times: ${[...bases].join(' ')}`);
  });
});
