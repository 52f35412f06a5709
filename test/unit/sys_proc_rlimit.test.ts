import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defs, RLIM_INFINITY, RLIMIT_NOFILE, RLIMIT_STACK, rlimitCur } from '../../src/kernel/syscalls/rlimit.js';
import { EFAULT, EINVAL, EPERM, ESRCH } from '../../src/abi/errno.js';
import { BUF, fixture, RO, UNMAPPED } from './sys_proc_fixture.js';

test('getrlimit reports Linux defaults: 8 MiB stack, 1024/4096 files, no core', () => {
  const f = fixture();
  assert.equal(f.call(defs, 'getrlimit', RLIMIT_STACK, BUF), 0);
  assert.equal(f.mem.readBig64(BUF), 8n << 20n);
  assert.equal(f.mem.readBig64(BUF + 8), RLIM_INFINITY);
  assert.equal(f.call(defs, 'getrlimit', RLIMIT_NOFILE, BUF), 0);
  assert.deepEqual([f.mem.readBig64(BUF), f.mem.readBig64(BUF + 8)], [1024n, 4096n]);
  assert.equal(f.call(defs, 'getrlimit', 4, BUF), 0);
  assert.deepEqual([f.mem.readBig64(BUF), f.mem.readBig64(BUF + 8)], [0n, RLIM_INFINITY]);
  assert.equal(rlimitCur(f.t, RLIMIT_NOFILE), 1024);
  assert.equal(rlimitCur(f.t, 9), Infinity);
});

test('getrlimit rejects an unknown resource before touching the buffer', () => {
  const f = fixture();
  assert.equal(f.call(defs, 'getrlimit', 16, UNMAPPED), -EINVAL);
  assert.equal(f.call(defs, 'getrlimit', 7, RO), -EFAULT);
});

test('setrlimit lowers and raises the soft limit within the hard limit', () => {
  const f = fixture();
  f.mem.writeBig64(BUF, 256n); f.mem.writeBig64(BUF + 8, 4096n);
  assert.equal(f.call(defs, 'setrlimit', RLIMIT_NOFILE, BUF), 0);
  assert.equal(rlimitCur(f.t, RLIMIT_NOFILE), 256);
  f.mem.writeBig64(BUF, 4096n);
  assert.equal(f.call(defs, 'setrlimit', RLIMIT_NOFILE, BUF), 0);
  assert.equal(rlimitCur(f.t, RLIMIT_NOFILE), 4096);
});

test('setrlimit: cur above max is EINVAL, raising max is EPERM, bad pointer is EFAULT', () => {
  const f = fixture();
  f.mem.writeBig64(BUF, 10n); f.mem.writeBig64(BUF + 8, 5n);
  assert.equal(f.call(defs, 'setrlimit', RLIMIT_NOFILE, BUF), -EINVAL);
  f.mem.writeBig64(BUF, 10n); f.mem.writeBig64(BUF + 8, 5000n);
  assert.equal(f.call(defs, 'setrlimit', RLIMIT_NOFILE, BUF), -EPERM);
  assert.equal(f.call(defs, 'setrlimit', 99, UNMAPPED), -EFAULT);
  assert.equal(f.call(defs, 'setrlimit', 99, BUF), -EINVAL);
  // Lowering the hard limit is allowed, and cannot be undone without privilege.
  f.mem.writeBig64(BUF, 100n); f.mem.writeBig64(BUF + 8, 200n);
  assert.equal(f.call(defs, 'setrlimit', RLIMIT_NOFILE, BUF), 0);
  f.mem.writeBig64(BUF + 8, 300n);
  assert.equal(f.call(defs, 'setrlimit', RLIMIT_NOFILE, BUF), -EPERM);
});

test('root may raise a hard limit, but not NOFILE above nr_open', () => {
  const f = fixture({ uid: 0 });
  f.mem.writeBig64(BUF, 1024n); f.mem.writeBig64(BUF + 8, 65536n);
  assert.equal(f.call(defs, 'setrlimit', RLIMIT_NOFILE, BUF), 0);
  f.mem.writeBig64(BUF + 8, (1n << 20n) + 1n);
  assert.equal(f.call(defs, 'setrlimit', RLIMIT_NOFILE, BUF), -EPERM);
});

test('prlimit64 returns the old value and sets the new one in one call', () => {
  const f = fixture();
  f.mem.writeBig64(BUF, 1n << 20n); f.mem.writeBig64(BUF + 8, RLIM_INFINITY);
  assert.equal(f.call(defs, 'prlimit64', 0, RLIMIT_STACK, BUF, BUF + 16), 0);
  assert.equal(f.mem.readBig64(BUF + 16), 8n << 20n);
  assert.equal(f.call(defs, 'prlimit64', 100, RLIMIT_STACK, 0, BUF + 32), 0);
  assert.equal(f.mem.readBig64(BUF + 32), 1n << 20n);
  assert.equal(f.call(defs, 'prlimit64', 0, RLIMIT_STACK, 0, 0), 0);
});

test('prlimit64 errors: unknown pid ESRCH, resource EINVAL, unreadable new EFAULT', () => {
  const f = fixture();
  assert.equal(f.call(defs, 'prlimit64', 4321, RLIMIT_STACK, 0, BUF), -ESRCH);
  assert.equal(f.call(defs, 'prlimit64', 0, 16, 0, BUF), -EINVAL);
  assert.equal(f.call(defs, 'prlimit64', 0, RLIMIT_STACK, UNMAPPED, BUF), -EFAULT);
  assert.equal(f.call(defs, 'prlimit64', 0, RLIMIT_STACK, 0, RO), -EFAULT);
});
