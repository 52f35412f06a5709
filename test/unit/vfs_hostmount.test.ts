import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeHost, makeTask as makeTaskAs, tempDir } from './vfs_helpers.js';

/** The tests run as the host user, so mode checks match the temp dir's owner. */
const HOST_UID = process.getuid?.() ?? 1000;
const makeTask = (o: Parameters<typeof makeTaskAs>[0], cwd = '/') => makeTaskAs(o, cwd, HOST_UID);
import { Vfs } from '../../src/kernel/vfs/vfs.js';
import { pathCtx } from '../../src/kernel/syscalls/fs_common.js';
import type { Loc } from '../../src/kernel/vfs/inode.js';
import { ELOOP, ENOENT, EROFS } from '../../src/abi/errno.js';
import { O_CREAT, O_RDONLY, O_WRONLY } from '../../src/kernel/vfs/constants.js';
import { Cred } from '../../src/kernel/cred.js';

function hostTree(): string {
  const d = tempDir();
  fs.mkdirSync(path.join(d, 'sub'));
  fs.writeFileSync(path.join(d, 'sub', 'file'), 'data');
  fs.symlinkSync('/etc', path.join(d, 'etclink'));
  fs.symlinkSync('/', path.join(d, 'rootlink'));
  fs.symlinkSync('l2', path.join(d, 'l1'));
  fs.symlinkSync('l1', path.join(d, 'l2'));
  fs.symlinkSync('../sub/file', path.join(d, 'sub', 'up'));
  fs.symlinkSync('../../../../../../../../../..', path.join(d, 'escape'));
  return d;
}

test('a host mount reads host files and ".." at its root goes to the guest parent, not the host', () => {
  const d = hostTree();
  const { vfs, t } = makeTask({ mounts: [{ host: d, guest: '/mnt/h', readonly: false }] });
  const ctx = pathCtx(t);
  const f = vfs.open(ctx, '/mnt/h/sub/file', O_RDONLY, 0);
  assert.equal(typeof f, 'object');
  const buf = new Uint8Array(8);
  assert.equal((f as { read: (t: unknown, b: Uint8Array) => number }).read(t, buf), 4);
  const up = vfs.resolve(ctx, '/mnt/h/..') as Loc;
  assert.equal(up.path, '/mnt');
  // Host siblings of the mounted directory are invisible.
  assert.equal(vfs.resolve(ctx, `/mnt/h/../${path.basename(d)}`), -ENOENT);
  assert.equal((vfs.resolve(ctx, '/mnt/h/escape') as Loc).path, '/');
});

test('absolute host symlinks resolve inside the guest namespace', () => {
  const d = hostTree();
  const { vfs, t } = makeTask({ mounts: [{ host: d, guest: '/mnt/h', readonly: false }] });
  const ctx = pathCtx(t);
  // /etc is the guest's synthetic one, so the host's /etc stays unreachable.
  assert.equal(vfs.resolve(ctx, '/mnt/h/etclink/shadow'), -ENOENT);
  assert.equal((vfs.resolve(ctx, '/mnt/h/etclink/passwd') as Loc).inode.sb.type, 'tmpfs');
  assert.equal((vfs.resolve(ctx, '/mnt/h/rootlink/tmp') as Loc).path, '/tmp');
});

test('symlink loops in a host tree give ELOOP and chains through ".." resolve', () => {
  const d = hostTree();
  const { vfs, t } = makeTask({ mounts: [{ host: d, guest: '/mnt/h', readonly: false }] });
  const ctx = pathCtx(t);
  assert.equal(vfs.resolve(ctx, '/mnt/h/l1'), -ELOOP);
  assert.equal((vfs.resolve(ctx, '/mnt/h/sub/up') as Loc).path, '/mnt/h/sub/file');
});

test('a read-only host mount refuses writes with EROFS', () => {
  const d = hostTree();
  const { vfs, t } = makeTask({ mounts: [{ host: d, guest: '/ro', readonly: true }] });
  const ctx = pathCtx(t);
  assert.equal(vfs.open(ctx, '/ro/new', O_CREAT | O_WRONLY, 0o644), -EROFS);
  assert.equal(vfs.open(ctx, '/ro/sub/file', O_WRONLY, 0), -EROFS);
  assert.equal(vfs.mkdir(ctx, '/ro/dir', 0o755), -EROFS);
  assert.equal(vfs.unlink(ctx, '/ro/sub/file'), -EROFS);
  assert.ok(fs.existsSync(path.join(d, 'sub', 'file')));
});

test('a writable host mount creates, renames and removes host files', () => {
  const d = hostTree();
  const { vfs, t } = makeTask({ mounts: [{ host: d, guest: '/w', readonly: false }] });
  const ctx = pathCtx(t);
  const f = vfs.open(ctx, '/w/new', O_CREAT | O_WRONLY, 0o644) as { write: (r: unknown, b: Uint8Array) => number };
  assert.equal(f.write(t.syscall, new TextEncoder().encode('xyz')), 3);
  assert.equal(fs.readFileSync(path.join(d, 'new'), 'utf8'), 'xyz');
  assert.equal(vfs.rename(ctx, '/w/new', ctx, '/w/sub/moved', 0), 0);
  assert.ok(fs.existsSync(path.join(d, 'sub', 'moved')));
  assert.equal(vfs.unlink(ctx, '/w/sub/moved'), 0);
  assert.equal(vfs.rename(ctx, '/w/sub/file', ctx, '/tmp/file', 0), -18 /* EXDEV */);
});

test('with --root, ".." at "/" stays at the root and /proc and /dev are synthetic', () => {
  const d = hostTree();
  const { vfs, t } = makeTask({ root: d });
  const ctx = pathCtx(t);
  assert.equal((vfs.resolve(ctx, '/../../sub') as Loc).path, '/sub');
  assert.equal((vfs.resolve(ctx, '/escape/sub/file') as Loc).path, '/sub/file');
  assert.equal(vfs.readlink(ctx, '/proc/self'), '42');
  assert.equal(vfs.readlink(ctx, '/dev/stdout'), '/proc/self/fd/1');
  assert.equal(typeof vfs.resolve(ctx, '/dev/null'), 'object');
});

test('readExecutable rejects directories and files without x and returns the resolved path', () => {
  const d = hostTree();
  fs.writeFileSync(path.join(d, 'prog'), 'ELF');
  fs.chmodSync(path.join(d, 'prog'), 0o755);
  const { vfs, t } = makeTask({ root: d }, '/sub');
  assert.equal(vfs.readExecutable(t.fs, '/sub', t.tg.cred), -13);
  assert.equal(vfs.readExecutable(t.fs, 'file', t.tg.cred), -13);
  const r = vfs.readExecutable(t.fs, '../prog', t.tg.cred) as { data: Uint8Array; guestPath: string };
  assert.equal(r.guestPath, '/prog');
  assert.equal(new TextDecoder().decode(r.data), 'ELF');
});

test('a host cwd below /tmp is mounted inside the /tmp tmpfs, so its files are visible at their host path', () => {
  const base = tempDir(); // under the host's /tmp
  const cwd = path.join(base, 'deeper', 'cwd');
  fs.mkdirSync(cwd, { recursive: true });
  fs.writeFileSync(path.join(cwd, 'prog'), 'x', { mode: 0o755 });
  const host = { ...makeHost(HOST_UID, HOST_UID), cwd: () => cwd };
  const vfs = new Vfs({ mounts: [], root: null }, host);
  const cred = new Cred(HOST_UID, HOST_UID);
  const fsCtx = vfs.initialFsContext(cwd, cred);
  assert.equal(fsCtx.cwd.path, cwd, 'the guest starts in the host cwd');
  const prog = vfs.readExecutable(fsCtx, 'prog', cred);
  assert.notEqual(typeof prog, 'number', 'a file in the cwd resolves by a relative path');
  assert.equal(typeof vfs.readExecutable(fsCtx, `${cwd}/prog`, cred), 'object', 'and by its absolute host path');
});

test('an open host file unlinked by name still stats as the regular file it is, with its size', () => {
  const d = hostTree();
  const { vfs, t } = makeTask({ mounts: [{ host: d, guest: '/w', readonly: false }] });
  const ctx = pathCtx(t);
  const f = vfs.open(ctx, '/w/sub/file', O_WRONLY, 0) as { stat: () => { mode: number; size: number } };
  assert.equal(vfs.unlink(ctx, '/w/sub/file'), 0);
  assert.equal(fs.existsSync(path.join(d, 'sub', 'file')), false);
  const st = f.stat();
  assert.equal(st.mode & 0o170000, 0o100000);
  assert.equal(st.size, 4);
});
