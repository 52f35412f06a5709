import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTask } from './vfs_helpers.js';
import { pathCtx } from '../../src/kernel/syscalls/fs_common.js';
import type { OpenFile } from '../../src/kernel/vfs/file.js';
import { EEXIST, EISDIR, ELOOP, ENAMETOOLONG, ENOENT, ENOTDIR, ENOTEMPTY, EINVAL, EXDEV, EACCES } from '../../src/abi/errno.js';
import { O_CREAT, O_DIRECTORY, O_EXCL, O_NOFOLLOW, O_RDONLY, O_RDWR, O_WRONLY, O_TRUNC, O_APPEND, RENAME_NOREPLACE, RENAME_EXCHANGE } from '../../src/kernel/vfs/constants.js';

function setup() {
  const { t, vfs } = makeTask({}, '/tmp');
  return { t, vfs, ctx: pathCtx(t) };
}

function open(r: OpenFile | number | object): OpenFile {
  assert.equal(typeof r, 'object', `open failed: ${String(r)}`);
  return r as OpenFile;
}

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array): string => new TextDecoder().decode(b);

test('a tmpfs file written through one open is read back through another', () => {
  const { t, vfs, ctx } = setup();
  const w = open(vfs.open(ctx, 'f.txt', O_CREAT | O_WRONLY, 0o644));
  assert.equal(w.write!(t.syscall, enc('hello')), 5);
  const r = open(vfs.open(ctx, '/tmp/f.txt', O_RDONLY, 0));
  const buf = new Uint8Array(16);
  assert.equal(r.read!(t.syscall, buf), 5);
  assert.equal(dec(buf.subarray(0, 5)), 'hello');
  assert.equal(r.read!(t.syscall, buf), 0);
  const st = r.stat();
  assert.equal(st.size, 5);
  assert.equal(st.mode, 0o100644);
  assert.equal(st.uid, 1000);
});

test('umask is applied to the creation mode', () => {
  const { vfs, ctx } = setup();
  ctx.fs.umask = 0o077;
  const f = open(vfs.open(ctx, 'm', O_CREAT | O_WRONLY, 0o666));
  assert.equal(f.stat().mode & 0o777, 0o600);
});

test('O_CREAT|O_EXCL on an existing file gives EEXIST and O_DIRECTORY on a file gives ENOTDIR', () => {
  const { vfs, ctx } = setup();
  open(vfs.open(ctx, 'a', O_CREAT | O_WRONLY, 0o644));
  assert.equal(vfs.open(ctx, 'a', O_CREAT | O_EXCL | O_WRONLY, 0o644), -EEXIST);
  assert.equal(vfs.open(ctx, 'a', O_DIRECTORY, 0), -ENOTDIR);
  assert.equal(vfs.open(ctx, 'a/b', O_RDONLY, 0), -ENOTDIR);
  assert.equal(vfs.open(ctx, 'missing', O_RDONLY, 0), -ENOENT);
  assert.equal(vfs.open(ctx, '.', O_WRONLY, 0), -EISDIR);
});

test('O_TRUNC empties the file and O_APPEND writes at the end', () => {
  const { t, vfs, ctx } = setup();
  open(vfs.open(ctx, 'x', O_CREAT | O_WRONLY, 0o644)).write!(t.syscall, enc('abcdef'));
  const a = open(vfs.open(ctx, 'x', O_WRONLY | O_APPEND, 0));
  a.write!(t.syscall, enc('gh'));
  assert.equal(a.stat().size, 8);
  open(vfs.open(ctx, 'x', O_WRONLY | O_TRUNC, 0));
  assert.equal(open(vfs.open(ctx, 'x', O_RDONLY, 0)).stat().size, 0);
});

test('rmdir of a non-empty directory gives ENOTEMPTY and unlink of a directory EISDIR', () => {
  const { vfs, ctx } = setup();
  assert.equal(vfs.mkdir(ctx, 'd', 0o755), 0);
  assert.equal(vfs.mkdir(ctx, 'd', 0o755), -EEXIST);
  open(vfs.open(ctx, 'd/f', O_CREAT | O_WRONLY, 0o644));
  assert.equal(vfs.rmdir(ctx, 'd'), -ENOTEMPTY);
  assert.equal(vfs.unlink(ctx, 'd'), -EISDIR);
  assert.equal(vfs.rmdir(ctx, 'd/f'), -ENOTDIR);
  assert.equal(vfs.unlink(ctx, 'd/f'), 0);
  assert.equal(vfs.rmdir(ctx, 'd'), 0);
  assert.equal(vfs.rmdir(ctx, 'd'), -ENOENT);
});

test('a hard link shares the inode and counts in nlink', () => {
  const { vfs, ctx } = setup();
  open(vfs.open(ctx, 'h1', O_CREAT | O_WRONLY, 0o644));
  const loc = vfs.resolve(ctx, 'h1');
  assert.notEqual(typeof loc, 'number');
  assert.equal(vfs.link(loc as never, ctx, 'h2'), 0);
  const s1 = vfs.stat(vfs.resolve(ctx, 'h1') as never) as { ino: number; nlink: number };
  const s2 = vfs.stat(vfs.resolve(ctx, 'h2') as never) as { ino: number; nlink: number };
  assert.equal(s1.ino, s2.ino);
  assert.equal(s1.nlink, 2);
  assert.equal(vfs.unlink(ctx, 'h1'), 0);
  assert.equal((vfs.stat(vfs.resolve(ctx, 'h2') as never) as { nlink: number }).nlink, 1);
  assert.equal(vfs.link(vfs.resolve(ctx, 'h2') as never, ctx, '/dev/h3'), -EXDEV);
});

test('rename replaces files, honours RENAME_NOREPLACE and RENAME_EXCHANGE, and refuses moving a dir into itself', () => {
  const { t, vfs, ctx } = setup();
  open(vfs.open(ctx, 'r1', O_CREAT | O_WRONLY, 0o644)).write!(t.syscall, enc('one'));
  open(vfs.open(ctx, 'r2', O_CREAT | O_WRONLY, 0o644)).write!(t.syscall, enc('two!'));
  assert.equal(vfs.rename(ctx, 'r1', ctx, 'r2', RENAME_NOREPLACE), -EEXIST);
  assert.equal(vfs.rename(ctx, 'r1', ctx, 'r2', RENAME_EXCHANGE), 0);
  assert.equal(open(vfs.open(ctx, 'r1', O_RDONLY, 0)).stat().size, 4);
  assert.equal(vfs.rename(ctx, 'r1', ctx, 'r2', 0), 0);
  assert.equal(vfs.resolve(ctx, 'r1'), -ENOENT);
  assert.equal(open(vfs.open(ctx, 'r2', O_RDONLY, 0)).stat().size, 4);
  vfs.mkdir(ctx, 'dd', 0o755);
  vfs.mkdir(ctx, 'dd/sub', 0o755);
  assert.equal(vfs.rename(ctx, 'dd', ctx, 'dd/sub/x', 0), -EINVAL);
  assert.equal(vfs.rename(ctx, 'r2', ctx, 'dd', 0), -EISDIR);
  assert.equal(vfs.rename(ctx, 'dd', ctx, 'r2', 0), -ENOTDIR);
  assert.equal(vfs.rename(ctx, 'r2', ctx, 'r3', 8), -EINVAL);
});

test('symlinks are followed except with O_NOFOLLOW, and loops give ELOOP', () => {
  const { t, vfs, ctx } = setup();
  open(vfs.open(ctx, 'target', O_CREAT | O_WRONLY, 0o644)).write!(t.syscall, enc('T'));
  assert.equal(vfs.symlink(ctx, 'target', 'ln'), 0);
  assert.equal(open(vfs.open(ctx, 'ln', O_RDONLY, 0)).stat().size, 1);
  assert.equal(vfs.open(ctx, 'ln', O_RDONLY | O_NOFOLLOW, 0), -ELOOP);
  assert.equal(vfs.readlink(ctx, 'ln'), 'target');
  assert.equal(vfs.readlink(ctx, 'target'), -EINVAL);
  vfs.symlink(ctx, 'loop2', 'loop1');
  vfs.symlink(ctx, 'loop1', 'loop2');
  assert.equal(vfs.open(ctx, 'loop1', O_RDONLY, 0), -ELOOP);
  // O_CREAT through a dangling symlink creates its target.
  vfs.symlink(ctx, 'made', 'dangling');
  open(vfs.open(ctx, 'dangling', O_CREAT | O_RDWR, 0o600));
  assert.notEqual(typeof vfs.resolve(ctx, 'made'), 'number');
});

test('a component longer than 255 bytes gives ENAMETOOLONG', () => {
  const { vfs, ctx } = setup();
  assert.equal(vfs.open(ctx, 'x'.repeat(256), O_CREAT | O_WRONLY, 0o644), -ENAMETOOLONG);
  assert.equal(vfs.mkdir(ctx, 'y'.repeat(256), 0o755), -ENAMETOOLONG);
});

test('mode bits are enforced for non-root and bypassed for root', () => {
  const { vfs, ctx } = setup();
  open(vfs.open(ctx, 'ro', O_CREAT | O_WRONLY, 0o444));
  assert.equal(vfs.open(ctx, 'ro', O_WRONLY, 0), -EACCES);
  assert.equal(vfs.mkdir(ctx, '/newdir', 0o755), -EACCES); // "/" is root-owned 0755
  const root = makeTask({}, '/tmp', 0);
  const rctx = pathCtx(root.t);
  open(root.vfs.open(rctx, 'ro', O_CREAT | O_WRONLY, 0o444));
  open(root.vfs.open(rctx, 'ro', O_WRONLY, 0));
});
