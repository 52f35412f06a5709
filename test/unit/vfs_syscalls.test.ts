import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SCRATCH, call, makeTask, str } from './vfs_helpers.js';
import { defs as pathDefs } from '../../src/kernel/syscalls/fs_path.js';
import { defs as rwDefs } from '../../src/kernel/syscalls/fs_rw.js';
import { defs as statDefs } from '../../src/kernel/syscalls/fs_stat.js';
import { defs as fdDefs } from '../../src/kernel/syscalls/fs_fd.js';
import { EBADF, EINVAL, ENOENT, EFAULT } from '../../src/abi/errno.js';
import { AT_FDCWD, O_CREAT, O_DIRECTORY, O_RDWR, O_CLOEXEC, O_RDONLY } from '../../src/kernel/vfs/constants.js';

const defs = [...pathDefs, ...rwDefs, ...statDefs, ...fdDefs];
const BUF = SCRATCH + 0x1000;

test('openat/write/lseek/read round-trip through the handlers', () => {
  const { t, mem } = makeTask({}, '/tmp');
  const fd = call(defs, 'openat', t, AT_FDCWD, str(mem, 'f'), O_CREAT | O_RDWR | O_CLOEXEC, 0o644);
  assert.equal(fd, 0);
  mem.write(BUF, new TextEncoder().encode('abcdef'));
  assert.equal(call(defs, 'write', t, fd, BUF, 6), 6);
  assert.equal(call(defs, 'lseek', t, fd, 2, 0), 2);
  assert.equal(call(defs, 'read', t, fd, BUF + 100, 10), 4);
  assert.equal(new TextDecoder().decode(mem.read(BUF + 100, 4)), 'cdef');
  assert.equal(call(defs, 'lseek', t, fd, 0, 9), -EINVAL);
  assert.throws(() => call(defs, 'read', t, fd, 0xdead0000, 10), (e: { errno?: number }) => e.errno === EFAULT);
  assert.equal(call(defs, 'fcntl', t, fd, 1, 0), 1); // F_GETFD: FD_CLOEXEC
  assert.equal(call(defs, 'fcntl', t, fd, 3, 0), O_RDWR | 0x8000); // F_GETFL shows O_LARGEFILE
  assert.equal(call(defs, 'dup3', t, fd, fd, 0), -EINVAL);
  assert.equal(call(defs, 'dup3', t, fd, 5, 0), 5);
  assert.equal(call(defs, 'close', t, 5), 0);
  assert.equal(call(defs, 'close', t, 5), -EBADF);
  assert.equal(call(defs, 'ioctl', t, fd, 0x5401, 0), -25 /* ENOTTY */);
});

test('newfstatat writes the 128-byte asm-generic struct stat', () => {
  const { t, mem } = makeTask({}, '/tmp');
  const fd = call(defs, 'openat', t, AT_FDCWD, str(mem, 's'), O_CREAT | O_RDWR, 0o640);
  mem.write(BUF, new Uint8Array(300));
  call(defs, 'write', t, fd, BUF, 300);
  const st = SCRATCH + 0x2000;
  assert.equal(call(defs, 'newfstatat', t, AT_FDCWD, str(mem, 's'), st, 0), 0);
  const dv = new DataView(mem.read(st, 128).buffer);
  assert.equal(dv.getUint32(16, true), 0o100640); // st_mode
  assert.equal(dv.getUint32(20, true), 1); // st_nlink (32-bit)
  assert.equal(dv.getUint32(24, true), 1000); // st_uid
  assert.equal(dv.getBigInt64(48, true), 300n); // st_size
  assert.equal(dv.getInt32(56, true), 4096); // st_blksize
  assert.equal(dv.getBigInt64(64, true), 8n); // st_blocks
  assert.equal(dv.getBigInt64(88, true), 1_700_000_000n); // st_mtime
  assert.equal(call(defs, 'newfstatat', t, AT_FDCWD, str(mem, 'nope'), st, 0), -ENOENT);
  assert.equal(call(defs, 'newfstatat', t, AT_FDCWD, str(mem, ''), st, 0), -ENOENT);
  assert.equal(call(defs, 'newfstatat', t, fd, str(mem, ''), st, 0x1000), 0);
  assert.equal(call(defs, 'newfstatat', t, AT_FDCWD, str(mem, 's'), st, 0x4), -EINVAL);
  assert.equal(call(defs, 'statx', t, AT_FDCWD, str(mem, 's'), 0, 0x7ff, st), 0);
  const sx = new DataView(mem.read(st, 256).buffer);
  assert.equal(sx.getUint16(28, true), 0o100640);
  assert.equal(sx.getBigUint64(40, true), 300n);
});

test('getdents64 emits 8-aligned linux_dirent64 records with d_type', () => {
  const { t, mem } = makeTask({}, '/tmp');
  call(defs, 'mkdirat', t, AT_FDCWD, str(mem, 'dir'), 0o755);
  call(defs, 'openat', t, AT_FDCWD, str(mem, 'dir/file'), O_CREAT | O_RDWR, 0o644);
  call(defs, 'mkdirat', t, AT_FDCWD, str(mem, 'dir/sub'), 0o755);
  call(defs, 'symlinkat', t, str(mem, 'file'), AT_FDCWD, str(mem, 'dir/ln', 64));
  const dfd = call(defs, 'openat', t, AT_FDCWD, str(mem, 'dir'), O_RDONLY | O_DIRECTORY, 0);
  assert.equal(call(defs, 'getdents64', t, dfd, BUF, 10), -EINVAL);
  const n = call(defs, 'getdents64', t, dfd, BUF, 4096);
  const raw = mem.read(BUF, n);
  const dv = new DataView(raw.buffer);
  const seen = new Map<string, number>();
  for (let off = 0; off < n;) {
    const reclen = dv.getUint16(off + 16, true);
    assert.equal(reclen % 8, 0);
    const nameEnd = raw.indexOf(0, off + 19);
    seen.set(new TextDecoder().decode(raw.subarray(off + 19, nameEnd)), dv.getUint8(off + 18));
    assert.ok(dv.getBigUint64(off, true) > 0n);
    off += reclen;
  }
  assert.deepEqual([...seen.entries()].sort(), [['.', 4], ['..', 4], ['file', 8], ['ln', 10], ['sub', 4]]);
  assert.equal(call(defs, 'getdents64', t, dfd, BUF, 4096), 0);
});

test('getcwd, chdir and readlinkat report guest paths', () => {
  const { t, mem } = makeTask({}, '/tmp');
  assert.equal(call(defs, 'getcwd', t, BUF, 5), 5);
  assert.equal(new TextDecoder().decode(mem.read(BUF, 4)), '/tmp');
  assert.equal(call(defs, 'getcwd', t, BUF, 3), -34 /* ERANGE */);
  assert.equal(call(defs, 'chdir', t, str(mem, '/proc')), 0);
  assert.equal(call(defs, 'readlinkat', t, AT_FDCWD, str(mem, 'self'), BUF, 64), 2);
  assert.equal(new TextDecoder().decode(mem.read(BUF, 2)), '42');
  assert.equal(call(defs, 'umask', t, 0o027), 0o022);
  assert.equal(call(defs, 'umask', t, 0o022), 0o027);
});
