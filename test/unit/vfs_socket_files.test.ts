// Socket files (what an AF_UNIX bind makes): on tmpfs, and on host mounts, where ecall keeps
// them in the guest's view of the directory because a guest socket cannot be a host socket.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { EACCES, ECONNREFUSED, EEXIST, ENOENT, ENOTEMPTY, ENXIO, EROFS } from '../../src/abi/errno.js';
import { O_RDONLY, S_IFMT, S_IFSOCK } from '../../src/kernel/vfs/constants.js';
import type { StatInfo } from '../../src/kernel/vfs/file.js';
import { isSocketInode, type Loc } from '../../src/kernel/vfs/inode.js';
import { pathCtx } from '../../src/kernel/syscalls/fs_common.js';
import { makeTask, tempDir } from './vfs_helpers.js';

const HOST_UID = process.getuid?.() ?? 1000;

/** The names readdir lists in dir. */
function names(loc: Loc): string[] {
  const r = loc.inode.readdir!(null);
  return typeof r === 'number' ? [] : r.map((e) => e.name).sort();
}

test('a bind makes a socket file on tmpfs with mode 0777 less the umask; the name cannot be taken twice', () => {
  const { vfs, t } = makeTask();
  const ctx = pathCtx(t);
  t.fs.umask = 0o022;
  const s = vfs.mknodSocket(ctx, '/tmp/s');
  assert.ok(typeof s !== 'number' && isSocketInode(s));
  const st = (vfs.resolve(ctx, '/tmp/s') as Loc).inode.getattr() as StatInfo;
  assert.equal(st.mode, S_IFSOCK | 0o755);
  assert.equal(vfs.mknodSocket(ctx, '/tmp/s'), -EEXIST);
  assert.equal(vfs.mknodSocket(ctx, '/tmp/missing/s'), -ENOENT);
  assert.equal(vfs.open(ctx, '/tmp/s', O_RDONLY, 0), -ENXIO, 'a socket file cannot be opened');
  assert.equal(vfs.findSocket(ctx, '/tmp'), -ECONNREFUSED, 'not a socket');
  assert.equal(vfs.findSocket(ctx, '/tmp/s'), s);
});

test('on a host mount the socket file is seen by the guest (stat, readdir, rename, unlink) and not by the host', () => {
  const d = tempDir();
  fs.mkdirSync(path.join(d, 'sub'));
  fs.writeFileSync(path.join(d, 'sub', 'file'), 'x');
  const { vfs, t } = makeTask({ mounts: [{ host: d, guest: '/h', readonly: false }] }, '/', HOST_UID);
  const ctx = pathCtx(t);
  const s = vfs.mknodSocket(ctx, '/h/sub/sock');
  assert.ok(typeof s !== 'number');
  assert.equal(fs.existsSync(path.join(d, 'sub', 'sock')), false, 'nothing on the host');
  const loc = vfs.resolve(ctx, '/h/sub/sock') as Loc;
  assert.equal(((loc.inode.getattr() as StatInfo).mode & S_IFMT), S_IFSOCK);
  assert.deepEqual(names(vfs.resolve(ctx, '/h/sub') as Loc), ['file', 'sock']);
  assert.equal(vfs.mknodSocket(ctx, '/h/sub/file'), -EEXIST, 'a host file has the name');
  assert.equal(vfs.rmdir(ctx, '/h/sub'), -ENOTEMPTY);
  assert.equal(vfs.rename(ctx, '/h/sub/sock', ctx, '/h/sub/moved', 0), 0);
  assert.equal(vfs.findSocket(ctx, '/h/sub/moved'), s);
  assert.equal(vfs.rename(ctx, '/h/sub', ctx, '/h/dir', 0), 0, 'the host directory moves, and the socket file with it');
  assert.equal(vfs.findSocket(ctx, '/h/dir/moved'), s);
  assert.equal(vfs.unlink(ctx, '/h/dir/moved'), 0);
  assert.equal(vfs.resolve(ctx, '/h/dir/moved'), -ENOENT);
  assert.deepEqual(names(vfs.resolve(ctx, '/h/dir') as Loc), ['file']);
});

test('a read-only host mount refuses socket files, and connecting needs write permission on the file', () => {
  const d = tempDir();
  const { vfs, t } = makeTask({ mounts: [{ host: d, guest: '/ro', readonly: true }] }, '/', HOST_UID);
  assert.equal(vfs.mknodSocket(pathCtx(t), '/ro/s'), -EROFS);
  const { vfs: v2, t: t2 } = makeTask({}, '/', 1000);
  const ctx = pathCtx(t2);
  t2.fs.umask = 0o777;
  assert.ok(typeof v2.mknodSocket(ctx, '/tmp/locked') !== 'number');
  const st = (v2.resolve(ctx, '/tmp/locked') as Loc).inode.getattr() as StatInfo;
  assert.equal(st.mode & 0o777, 0);
  assert.equal(st.uid, 1000, 'owned by the (unprivileged) caller');
  assert.equal(v2.findSocket(ctx, '/tmp/locked'), -EACCES);
});
