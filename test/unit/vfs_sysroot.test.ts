// --sysroot (Vfs.setSysroot, the mount table's fallback): an absolute path the guest's tree does
// not have is looked up again below the sysroot, read-only; what the guest has always wins; it is
// not a mount (listings do not show it); relative paths do not use it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeTask, tempDir } from './vfs_helpers.js';
import { MountError } from '../../src/kernel/vfs/vfs.js';
import { pathCtx } from '../../src/kernel/syscalls/fs_common.js';
import { ENOENT, EROFS } from '../../src/abi/errno.js';
import { O_CREAT, O_WRONLY } from '../../src/kernel/vfs/constants.js';

const HOST_UID = process.getuid?.() ?? 1000;

/** A host sysroot with lib/libfoo.so.1 and etc/hostname. */
function sysroot(): string {
  const d = tempDir();
  fs.mkdirSync(path.join(d, 'lib'));
  fs.writeFileSync(path.join(d, 'lib', 'libfoo.so.1'), 'foo');
  fs.mkdirSync(path.join(d, 'etc'));
  fs.writeFileSync(path.join(d, 'etc', 'hostname'), 'from-sysroot');
  return d;
}

test('an absolute path missing in the guest resolves in the sysroot, with its guest path', () => {
  const { t, vfs } = makeTask({ sysroot: sysroot() }, '/', HOST_UID);
  const loc = vfs.resolve(pathCtx(t), '/lib/libfoo.so.1');
  assert.ok(typeof loc !== 'number');
  assert.equal(loc.path, '/lib/libfoo.so.1');
});

test('what the guest has at a path wins over the sysroot', () => {
  const { t, vfs } = makeTask({ sysroot: sysroot() }, '/', HOST_UID);
  // The in-memory root has a synthetic /etc/hostname of its own (a tmpfs file, not the host's).
  const mine = vfs.resolve(pathCtx(t), '/etc/hostname');
  assert.ok(typeof mine !== 'number');
  assert.equal(mine.inode.sb.type, 'tmpfs');
  const theirs = vfs.resolve(pathCtx(t), '/lib/libfoo.so.1');
  assert.ok(typeof theirs !== 'number');
  assert.notEqual(theirs.inode.sb.type, 'tmpfs');
});

test('relative paths and paths without a sysroot do not fall back', () => {
  const withRoot = makeTask({ sysroot: sysroot() }, '/', HOST_UID);
  assert.equal(withRoot.vfs.resolve(pathCtx(withRoot.t), 'lib/libfoo.so.1'), -ENOENT);
  const without = makeTask({}, '/', HOST_UID);
  assert.equal(without.vfs.resolve(pathCtx(without.t), '/lib/libfoo.so.1'), -ENOENT);
});

test('the sysroot is read-only: creating a file through it gives EROFS', () => {
  const { t, vfs } = makeTask({ sysroot: sysroot() }, '/', HOST_UID);
  assert.equal(vfs.open(pathCtx(t), '/lib/new', O_WRONLY | O_CREAT, 0o644), -EROFS);
});

test('a sysroot that is not a directory is a MountError naming the option', () => {
  const f = path.join(tempDir(), 'file');
  fs.writeFileSync(f, 'x');
  assert.throws(() => makeTask({ sysroot: f }, '/', HOST_UID), (e) => e instanceof MountError && e.option === 'sysroot');
});
