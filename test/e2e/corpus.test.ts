// The guest corpus and its harness are consistent: every case has a binary and expected files,
// every binary is exercised, and the helpers compute statuses, differences and pools correctly.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { firstDifference, resultDifferences } from '../helpers/compare.js';
import { loadCases, loadExpected, loadHarnessed, repoRoot } from '../helpers/guest_cases.js';
import { mapLimited, semaphore } from '../helpers/pool.js';
import { ecallCommand, ecallCommandWith, GUEST_TIMEOUT_MS, nativeCompilerMissing, qemuCommand, runNative, shellStatus } from '../helpers/run_guest.js';

const root = repoRoot();
const cases = loadCases(root);

describe('guest corpus', () => {
  it('every case names a committed binary and has committed .out, .err and .status files', () => {
    for (const c of cases) {
      assert.ok(existsSync(join(root, 'guest', 'bin', c.program)), `guest/bin/${c.program} missing`);
      for (const ext of ['out', 'err', 'status']) {
        assert.ok(existsSync(join(root, 'guest', 'expected', `${c.name}.${ext}`)), `guest/expected/${c.name}.${ext} missing`);
      }
      assert.ok(Number.isInteger(loadExpected(c, root).status));
    }
  });

  it('every committed binary is run by at least one case or by the dedicated test named in "harnessed"', () => {
    const harnessed = loadHarnessed(root);
    const used = new Set([...cases.map((c) => c.program), ...harnessed.keys()]);
    const unused = readdirSync(join(root, 'guest', 'bin')).filter((b) => !used.has(b));
    assert.deepEqual(unused, []);
    for (const [program, test] of harnessed) {
      assert.ok(existsSync(join(root, test)), `${program}: its test ${test} does not exist`);
      assert.ok(readFileSync(join(root, test), 'utf8').includes(program), `${test} does not mention ${program}`);
      assert.ok(!cases.some((c) => c.program === program), `${program} is harnessed and must not be a qemu-compared case`);
    }
  });

  it('the corpus has at least 15 programs and its expected outputs are non-trivial', () => {
    assert.ok(new Set(cases.map((c) => c.program)).size >= 15);
    const silent = cases.filter((c) => loadExpected(c, root).stdout.length === 0 && c.stdin !== '');
    assert.deepEqual(silent.map((c) => c.name), []);
  });

  it('signal cases record 139 for SIGSEGV and 132 for SIGILL and skip the stderr comparison', () => {
    const byName = new Map(cases.map((c) => [c.name, c]));
    assert.equal(loadExpected(byName.get('segv')!, root).status, 139);
    assert.equal(loadExpected(byName.get('sigill')!, root).status, 132);
    assert.equal(byName.get('segv')!.compareStderr, false);
    assert.equal(loadExpected(byName.get('exit42')!, root).status, 42);
  });

  it('the compressed (rv64gc) and uncompressed (rv64g) builds of compress.c print the same output', () => {
    const byName = new Map(cases.map((c) => [c.name, c]));
    const gc = loadExpected(byName.get('compress_gc')!, root);
    const g = loadExpected(byName.get('compress_g')!, root);
    assert.ok(gc.stdout.length > 0);
    assert.deepEqual(g, gc);
    assert.notDeepEqual(readFileSync(join(root, 'guest', 'bin', 'compress_g')), readFileSync(join(root, 'guest', 'bin', 'compress_gc')));
  });

  it('thread and signal cases record Linux outcomes: rt_sigreturn on a garbage stack is SIGSEGV, the race is uncompared', () => {
    const byName = new Map(cases.map((c) => [c.name, c]));
    assert.equal(loadExpected(byName.get('badsigreturn')!, root).status, 139);
    assert.equal(byName.get('race')!.compare, false);
    for (const c of cases.filter((x) => x.reference === 'native')) {
      assert.ok(existsSync(join(root, 'guest', 'src', `${c.program}.c`)), `${c.name}: a native reference needs a C source`);
    }
    const restart = loadExpected(byName.get('restart')!, root).stdout.toString('utf8');
    assert.match(restart, /^read on an empty pipe +SA_RESTART +handler ran 1, restarted, returned 4 'data'$/m);
    assert.match(restart, /^futex wait with timeout +SA_RESTART +handler ran 1, EINTR$/m);
  });

  it('no expected output mentions the host directory layout or qemu', () => {
    for (const c of cases) {
      const e = loadExpected(c, root);
      const text = e.stdout.toString('utf8') + e.stderr.toString('utf8');
      assert.ok(!text.includes(root), `${c.name} mentions ${root}`);
      assert.ok(!/qemu/i.test(text), `${c.name} mentions qemu`);
    }
  });
});

describe('native reference outputs', { skip: nativeCompilerMissing() ?? false }, () => {
  for (const c of cases.filter((x) => x.reference === 'native')) {
    it(`${c.name}: a fresh native build of guest/src/${c.program}.c still prints the committed output`, { timeout: GUEST_TIMEOUT_MS + 10_000 }, async () => {
      const r = await runNative(c);
      assert.deepEqual(resultDifferences(loadExpected(c, root), r, c.compareStderr, ['committed', 'native']), []);
    });
  }
});

describe('guest case manifest', () => {
  const withManifest = (manifest: unknown): string => {
    const dir = mkdtempSync(join(tmpdir(), 'ecall-cases-'));
    mkdirSync(join(dir, 'guest'));
    writeFileSync(join(dir, 'guest', 'cases.json'), JSON.stringify(manifest));
    return dir;
  };

  it('fills in defaults and repeats stdin', () => {
    const dir = withManifest({ cases: [{ name: 'a', program: 'p', stdin: 'ab', stdinRepeat: 3 }, { name: 'b' }] });
    try {
      const [a, b] = loadCases(dir);
      assert.deepEqual(a, { name: 'a', program: 'p', args: [], env: {}, stdin: 'ababab', compareStderr: true, compare: true, reference: 'qemu' });
      assert.equal(b.program, 'b');
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  it('reads compare and a native reference with its reason', () => {
    const dir = withManifest({ cases: [{ name: 'a', compare: false }, { name: 'b', reference: 'native', qemuDiffers: 'why' }] });
    try {
      const [a, b] = loadCases(dir);
      assert.equal(a.compare, false);
      assert.equal(a.reference, 'qemu');
      assert.equal(b.compare, true);
      assert.equal(b.reference, 'native');
      assert.equal(b.qemuDiffers, 'why');
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  it('rejects duplicate names, path-like programs, non-string args and env names containing =', () => {
    for (const bad of [
      { cases: [{ name: 'a' }, { name: 'a' }] },
      { cases: [{ name: 'a', program: '../x' }] },
      { cases: [{ name: 'a', args: [1] }] },
      { cases: [{ name: 'a', env: { 'A=B': 'c' } }] },
      { cases: [{ name: 'a', reference: 'linux' }] },
      { cases: [{ name: 'a', reference: 'native' }] },
      { cases: [{ name: 'a', compare: 'no' }] },
      { cases: 'nope' },
    ]) {
      const dir = withManifest(bad);
      try {
        assert.throws(() => loadCases(dir), /guest\/cases.json/);
      } finally {
        rmSync(dir, { recursive: true });
      }
    }
  });
});

describe('guest harness helpers', () => {
  it('shellStatus gives the exit code, or 128 plus the signal number for a signal death', () => {
    assert.equal(shellStatus(0, null), 0);
    assert.equal(shellStatus(42, null), 42);
    assert.equal(shellStatus(null, 'SIGSEGV'), 139);
    assert.equal(shellStatus(null, 'SIGILL'), 132);
    assert.equal(shellStatus(null, 'SIGKILL'), 137);
  });

  it('the ecall command clears the environment and passes each variable with --env', () => {
    const c = { name: 'x', program: 'hello', args: ['a b'], env: { K: 'v=w' }, stdin: '', compareStderr: true, compare: true, reference: 'qemu' as const };
    const cmd = ecallCommand(c, '/repo');
    assert.deepEqual(cmd.args, ['/repo/bin/ecall.js', 'run', '--clear-env', '--env', 'K=v=w', 'guest/bin/hello', 'a b']);
    const q = qemuCommand(c, '/usr/bin/qemu-riscv64');
    assert.deepEqual(q.args.slice(3), ['K=v=w', '/usr/bin/qemu-riscv64', 'guest/bin/hello', 'a b']);
  });

  it('ecallCommandWith puts ecall options after run and before the program', () => {
    const c = { name: 'x', program: 'race', args: ['5'], env: {}, stdin: '', compareStderr: true };
    const cmd = ecallCommandWith(c, ['--seed', '3', '--cpus', '4'], '/repo');
    assert.deepEqual(cmd.args, ['/repo/bin/ecall.js', 'run', '--seed', '3', '--cpus', '4', '--clear-env', 'guest/bin/race', '5']);
  });

  it('firstDifference names the first differing line, and resultDifferences checks status and stderr', () => {
    assert.equal(firstDifference(Buffer.from('a\nb\n'), Buffer.from('a\nb\n')), null);
    assert.match(firstDifference(Buffer.from('a\nb\nc'), Buffer.from('a\nX\nc'))!, /^line 2 differs/);
    assert.match(firstDifference(Buffer.from('a'), Buffer.from('a\nmore'))!, /line 2 differs[\s\S]*<end of output>/);
    const r = (out: string, err: string, status: number) => ({ stdout: Buffer.from(out), stderr: Buffer.from(err), status });
    assert.deepEqual(resultDifferences(r('x', 'e', 0), r('x', 'e', 0), true), []);
    assert.equal(resultDifferences(r('x', 'e', 139), r('x', 'other', 139), false).length, 0);
    assert.equal(resultDifferences(r('x', 'e', 0), r('x', 'other', 0), true).length, 1);
    assert.match(resultDifferences(r('x', '', 0), r('x', '', 1), true)[0], /exit status: expected 0, actual 1/);
  });

  it('mapLimited keeps input order and never runs more than the limit at once', async () => {
    let running = 0;
    let peak = 0;
    const out = await mapLimited([5, 1, 4, 2, 3], 2, async (n) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, n * 3));
      running--;
      return n * 10;
    });
    assert.deepEqual(out, [50, 10, 40, 20, 30]);
    assert.equal(peak, 2);
  });

  it('semaphore admits at most its limit until a holder releases', async () => {
    const gate = semaphore(1);
    const first = await gate();
    let secondIn = false;
    const second = gate().then((release) => { secondIn = true; return release; });
    await new Promise((r) => setTimeout(r, 5));
    assert.equal(secondIn, false);
    first();
    (await second)();
    assert.equal(secondIn, true);
  });
});
