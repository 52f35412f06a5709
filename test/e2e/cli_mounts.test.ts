// The mount tree and file names through the ecall command: what a user meets when a clone sits
// under /tmp, when mounts nest, and when names are not UTF-8.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../helpers/guest_cases.js';
import { ecallUnavailable, GUEST_TIMEOUT_MS } from '../helpers/run_guest.js';

const root = repoRoot();
const ECALL = join(root, 'bin', 'ecall.js');
const skip = ecallUnavailable() ?? false;

/** Runs `ecall ARGS` in cwd with an empty guest environment; returns status and output. */
function ecall(args: string[], cwd = root): { status: number | null; stdout: string; stderr: string } {
  const [sub, ...rest] = args;
  const r = spawnSync(process.execPath, [ECALL, sub!, '--clear-env', ...rest], { cwd, encoding: 'latin1', timeout: GUEST_TIMEOUT_MS });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('a --mount of a host path that does not exist is a one-line error with status 2', { skip }, () => {
  const r = ecall(['run', '--mount', '/nonexistent/ecall-src:/data', join(root, 'guest/bin/exit42')]);
  assert.equal(r.status, 2);
  assert.equal(r.stderr, 'ecall: bad --mount: /nonexistent/ecall-src: No such file or directory\n');
  const g = ecall(['run', '--root', '/nonexistent/ecall-root', '/bin/x']);
  assert.equal(g.status, 2);
  assert.equal(g.stderr.split('\n').length, 2, 'one line');
});

test('file names that are not UTF-8 reach a host mount byte for byte, and two never become one', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'ecall-names-host-'));
  const r = ecall(['run', '--mount', `${dir}:/data`, join(root, 'guest/bin/names'), '/data', 'keep']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /create: 6e fe\n {2}-> created\ncreate: 6e ff\n {2}-> File exists/);
  const kept = /kept (\S+)/.exec(r.stdout)![1]!;
  const names = readdirSync(join(dir, kept), { encoding: 'buffer' }).map((b) => b.toString('hex')).sort();
  assert.deepEqual(names, ['636166c3a9', '636166e9', '64e9ff', '6cc3', '6efe', '6eff']);
  const target = readFileSync(Buffer.concat([Buffer.from(join(dir, kept) + '/'), Buffer.from([0x6e, 0xfe])]));
  assert.deepEqual([...target], [0x6e, 0xfe], 'the file holds its own name');
});

test('from a clone-like directory under /tmp, a guest runs by a relative path and writes into its cwd', { skip }, () => {
  const base = mkdtempSync(join(tmpdir(), 'ecall-cwd-'));
  const cwd = join(base, 'deep', 'er');
  mkdirSync(cwd, { recursive: true });
  writeFileSync(join(cwd, 'hello'), readFileSync(join(root, 'guest/bin/hello')), { mode: 0o755 });
  const r = ecall(['run', './hello', 'x'], cwd);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^Hello from riscv64!/);
  const w = ecall(['run', join(root, 'guest/bin/names'), '.', 'keep'], cwd);
  assert.equal(w.status, 0, w.stderr);
  const kept = /kept (\S+)/.exec(w.stdout)![1]!;
  assert.equal(readdirSync(join(cwd, kept)).length, 6, 'the files are on the host, not in an in-memory root');
});

test('nested --mount flags reach the inner mount in either order, under --root too', { skip }, () => {
  const a = mkdtempSync(join(tmpdir(), 'ecall-a-')), b = mkdtempSync(join(tmpdir(), 'ecall-b-'));
  writeFileSync(join(b, 'hello'), readFileSync(join(root, 'guest/bin/hello')), { mode: 0o755 });
  for (const flags of [['--mount', `${a}:/w`, '--mount', `${b}:/w/x/y`], ['--mount', `${b}:/w/x/y`, '--mount', `${a}:/w`],
    ['--root', a, '--mount', `${b}:/opt/x/y`]]) {
    const prog = flags.includes('--root') ? '/opt/x/y/hello' : '/w/x/y/hello';
    const r = ecall(['run', ...flags, prog]);
    assert.equal(r.status, 0, `${flags.join(' ')}: ${r.stderr}`);
    assert.match(r.stdout, /^Hello from riscv64!/);
  }
});

test('a program at an absolute host path outside the cwd runs, and sees itself read-only in /proc/self/exe', { skip }, () => {
  const cwd = mkdtempSync(join(tmpdir(), 'ecall-elsewhere-'));
  const prog = join(root, 'guest/bin/selfexe');
  const r = ecall(['run', prog], cwd);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, `argv[0]: ${prog}\nAT_EXECFN: ${prog}\n/proc/self/exe: ${realpathSync(prog)}\nELF magic: yes\n` +
    'open for writing: Read-only file system\n');
});

test('a node_modules/.bin-style relative path runs from any directory; /proc/self/exe is the real path', { skip }, () => {
  const proj = realpathSync(mkdtempSync(join(tmpdir(), 'ecall-proj-')));
  mkdirSync(join(proj, 'node_modules/pkg/bin'), { recursive: true });
  mkdirSync(join(proj, 'node_modules/.bin'));
  mkdirSync(join(proj, 'src/deeper'), { recursive: true });
  writeFileSync(join(proj, 'node_modules/pkg/bin/tool'), readFileSync(join(root, 'guest/bin/selfexe')), { mode: 0o755 });
  symlinkSync('../pkg/bin/tool', join(proj, 'node_modules/.bin/tool'));
  for (const [dir, rel] of [['.', 'node_modules/.bin/tool'], ['src/deeper', '../../node_modules/.bin/tool']] as const) {
    const r = ecall(['run', rel], join(proj, dir));
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^argv\\[0\\]: ${rel.replace(/\./g, '\\.')}\n`));
    assert.match(r.stdout, new RegExp(`/proc/self/exe: ${proj}/node_modules/pkg/bin/tool\n`));
  }
});

test('without --root a guest finds its own user, root and nobody in a synthetic /etc', { skip }, () => {
  const r = ecall(['run', join(root, 'guest/bin/etc')]);
  assert.equal(r.status, 0, r.stderr);
  const uid = process.getuid?.() ?? 0;
  const name = uid === 0 ? 'root' : userInfo().username;
  assert.equal(r.stdout, `user ${uid}: ${name}\nuser 0: root\nuser 65534: nobody\ngroup ${process.getgid?.() ?? 0}: ` +
    `${(process.getgid?.() ?? 0) === 0 ? 'root' : name}\ngroup 65534: nogroup\n/etc/hostname matches uname: yes\n` +
    '/etc/hosts has "127.0.0.1": yes\n/etc/nsswitch.conf has "passwd:": yes\n/etc/nsswitch.conf has "hosts:": yes\n');
});

test('FIFOs on a host mount follow the same open rules as on tmpfs, and mkfifo makes a host FIFO', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'ecall-fifo-host-'));
  const r = ecall(['run', '--mount', `${dir}:/h`, join(root, 'guest/bin/fifo'), '/h']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, readFileSync(join(root, 'guest/expected/fifo.out'), 'latin1'));
  const m = ecall(['run', '--mount', `${dir}:/h`, join(root, 'guest/bin/fifo'), '/h', 'mkfifo', 'p']);
  assert.equal(m.stdout, 'mkfifo p: ok\n');
  const st = statSync(join(dir, 'p'));
  assert.ok(st.isFIFO());
  assert.equal(st.mode & 0o777, 0o640);
  assert.equal(ecall(['run', '--mount', `${dir}:/h`, join(root, 'guest/bin/fifo'), '/h', 'mkfifo', 'p']).stdout, 'mkfifo p: File exists\n');
  assert.deepEqual(readdirSync(dir), ['p'], 'no temporary name is left behind');
});
