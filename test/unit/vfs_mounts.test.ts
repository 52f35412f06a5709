// The mount tree (vfs.ts, mount_table.ts): mount points are reachable whatever exists below them,
// the most specific mount wins whatever the order of the flags, and listings show mount points.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeHost, makeTask as makeTaskAs, tempDir } from './vfs_helpers.js';
import { MountError, Vfs } from '../../src/kernel/vfs/vfs.js';
import { pathCtx } from '../../src/kernel/syscalls/fs_common.js';
import type { Loc } from '../../src/kernel/vfs/inode.js';
import type { Task } from '../../src/kernel/task.js';
import { EBUSY, EROFS } from '../../src/abi/errno.js';
import { O_CREAT, O_DIRECTORY, O_RDONLY, O_WRONLY } from '../../src/kernel/vfs/constants.js';
import { Cred } from '../../src/kernel/cred.js';

const HOST_UID = process.getuid?.() ?? 1000;
const makeTask = (o: Parameters<typeof makeTaskAs>[0], cwd = '/') => makeTaskAs(o, cwd, HOST_UID);

/** A host directory holding one file `name` with `text`. */
function dirWith(name: string, text: string): string {
  const d = tempDir();
  fs.writeFileSync(path.join(d, name), text);
  return d;
}

/** Reads the guest file at p (whole, small). */
function readGuest(vfs: Vfs, t: Task, p: string): string | number {
  const f = vfs.open(pathCtx(t), p, O_RDONLY, 0);
  if (typeof f === 'number') return f;
  const buf = new Uint8Array(256);
  const n = (f as { read: (r: unknown, b: Uint8Array) => number }).read(t.syscall, buf);
  return new TextDecoder().decode(buf.subarray(0, n));
}

/** The names getdents lists in the guest directory p (without . and ..). */
function list(vfs: Vfs, t: Task, p: string): string[] {
  const f = vfs.open(pathCtx(t), p, O_RDONLY | O_DIRECTORY, 0) as { getdents: (r: unknown, b: Uint8Array) => number };
  const buf = new Uint8Array(8192);
  const n = f.getdents(t.syscall, buf);
  const names: string[] = [];
  const dv = new DataView(buf.buffer);
  for (let off = 0; off < n;) {
    const reclen = dv.getUint16(off + 16, true);
    const end = buf.indexOf(0, off + 19);
    names.push(new TextDecoder().decode(buf.subarray(off + 19, end)));
    off += reclen;
  }
  return names.filter((x) => x !== '.' && x !== '..').sort();
}

test('--mount A:/w --mount B:/w/x/y reaches /w/x/y though A has no x, in either order', () => {
  const a = dirWith('in-a', 'A'), b = dirWith('in-b', 'B');
  for (const mounts of [
    [{ host: a, guest: '/w', readonly: false }, { host: b, guest: '/w/x/y', readonly: false }],
    [{ host: b, guest: '/w/x/y', readonly: false }, { host: a, guest: '/w', readonly: false }],
  ]) {
    const { vfs, t } = makeTask({ mounts });
    assert.equal(readGuest(vfs, t, '/w/x/y/in-b'), 'B');
    assert.equal(readGuest(vfs, t, '/w/in-a'), 'A');
    assert.deepEqual(list(vfs, t, '/w'), ['in-a', 'x'], 'the way to the inner mount is listed');
    assert.deepEqual(list(vfs, t, '/w/x'), ['y']);
    assert.ok(!fs.existsSync(path.join(a, 'x')), 'nothing is created on the host');
  }
});

test('the most specific mount wins whatever the order, and a later mount at the same path replaces it', () => {
  const outer = dirWith('f', 'outer'), inner = dirWith('f', 'inner'), other = dirWith('f', 'other');
  fs.mkdirSync(path.join(outer, 'sub'));
  fs.writeFileSync(path.join(outer, 'sub', 'f'), 'covered');
  for (const order of [0, 1]) {
    const ms = [{ host: outer, guest: '/m', readonly: false }, { host: inner, guest: '/m/sub', readonly: false }];
    const { vfs, t } = makeTask({ mounts: order ? ms.reverse() : ms });
    assert.equal(readGuest(vfs, t, '/m/sub/f'), 'inner');
    assert.equal(readGuest(vfs, t, '/m/f'), 'outer');
  }
  const { vfs, t } = makeTask({ mounts: [{ host: outer, guest: '/m', readonly: false }, { host: other, guest: '/m', readonly: false }] });
  assert.equal(readGuest(vfs, t, '/m/f'), 'other');
});

test('a directory on the way to a mount is a read-only stub that cannot be removed', () => {
  const a = dirWith('in-a', 'A'), b = dirWith('in-b', 'B');
  const { vfs, t } = makeTask({ mounts: [{ host: a, guest: '/w', readonly: false }, { host: b, guest: '/w/x/y', readonly: false }] });
  const ctx = pathCtx(t);
  const stub = vfs.resolve(ctx, '/w/x') as Loc;
  const st = stub.inode.getattr();
  assert.ok(typeof st !== 'number' && (st.mode & 0o170000) === 0o040000, 'a directory');
  assert.equal(vfs.rmdir(ctx, '/w/x'), -EBUSY);
  assert.equal(vfs.rmdir(ctx, '/w/x/y'), -EBUSY);
  assert.equal(vfs.rename(ctx, '/w/x', ctx, '/w/z', 0), -EBUSY);
  assert.ok([-EROFS, -13].includes(vfs.open(ctx, '/w/x/new', O_CREAT | O_WRONLY, 0o644) as number));
});

test('--root DIR keeps a private /tmp and lists /dev, /proc and /tmp in "/" though DIR has none of them', () => {
  const root = dirWith('hello', 'root file');
  const { vfs, t } = makeTask({ root });
  assert.deepEqual(list(vfs, t, '/'), ['dev', 'hello', 'proc', 'tmp']);
  const f = vfs.open(pathCtx(t), '/tmp/private', O_CREAT | O_WRONLY, 0o644);
  assert.equal(typeof f, 'object');
  assert.ok(!fs.existsSync(path.join(root, 'tmp')), '/tmp is not the root directory\'s');
  assert.equal(typeof vfs.resolve(pathCtx(t), '/dev/null'), 'object');
});

test('--root DIR with a --mount whose guest path is missing in DIR reaches the mount', () => {
  const root = dirWith('hello', 'root file'), data = dirWith('d', 'data');
  const { vfs, t } = makeTask({ root, mounts: [{ host: data, guest: '/opt/data/set', readonly: true }] });
  assert.equal(readGuest(vfs, t, '/opt/data/set/d'), 'data');
  assert.deepEqual(list(vfs, t, '/'), ['dev', 'hello', 'opt', 'proc', 'tmp']);
  assert.ok(!fs.existsSync(path.join(root, 'opt')));
});

test('the host cwd is reachable at its own path at /tmp itself, below it, and under a --mount of a parent', () => {
  const base = tempDir();
  const deep = path.join(base, 'a', 'b');
  fs.mkdirSync(deep, { recursive: true });
  fs.writeFileSync(path.join(deep, 'here'), 'cwd file');
  fs.writeFileSync(path.join(base, 'top'), 'top');
  for (const cwd of ['/tmp', deep]) {
    const host = { ...makeHost(HOST_UID, HOST_UID), cwd: () => cwd };
    const mounts = [{ host: base, guest: base, readonly: true }];
    const vfs = new Vfs({ mounts: cwd === '/tmp' ? [] : mounts, root: null }, host);
    const fsCtx = vfs.initialFsContext(cwd, new Cred(HOST_UID, HOST_UID));
    assert.equal(fsCtx.cwd.path, cwd);
    if (cwd === deep) {
      const ctx = { fs: fsCtx, caller: null, cred: new Cred(HOST_UID, HOST_UID), start: fsCtx.cwd };
      const f = vfs.open(ctx, 'written', O_CREAT | O_WRONLY, 0o644);
      assert.equal(typeof f, 'object', 'the cwd mount is writable though its parent mount is read-only');
      assert.ok(fs.existsSync(path.join(deep, 'written')));
      assert.equal(typeof vfs.resolve(ctx, `${base}/top`), 'object');
    }
  }
});

test('a mount whose host source does not exist is refused with a MountError', () => {
  const host = makeHost(HOST_UID, HOST_UID);
  assert.throws(() => new Vfs({ mounts: [{ host: '/nonexistent/ecall-source', guest: '/x', readonly: false }], root: null }, host), MountError);
  assert.throws(() => new Vfs({ mounts: [], root: '/nonexistent/ecall-root' }, host), MountError);
});
