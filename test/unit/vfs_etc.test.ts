// The synthetic /etc of the default view (vfs/etc.ts): passwd and group name root, nobody and the
// guest's own ids; hostname and hosts name the host; a --mount inside /etc (certificates) sits
// beside the synthetic files; --root has none of it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeHost, tempDir } from './vfs_helpers.js';
import { Vfs } from '../../src/kernel/vfs/vfs.js';
import { Cred } from '../../src/kernel/cred.js';
import { O_DIRECTORY, O_RDONLY } from '../../src/kernel/vfs/constants.js';
import type { Host } from '../../src/host/host.js';

/** A Vfs on a host whose user is uid/gid named alice, and a root PathCtx on it. */
function vfsAs(uid: number, gid: number, extra: Partial<Host> = {}, mounts: { host: string; guest: string; readonly: boolean }[] = []) {
  const host = { ...makeHost(uid, gid), hostname: () => 'box', user: () => ({ name: 'alice', home: '/home/alice' }), ...extra };
  const vfs = new Vfs({ mounts, root: null }, host);
  const cred = new Cred(uid, gid);
  const fsCtx = vfs.initialFsContext('/', cred);
  return { vfs, ctx: { fs: fsCtx, caller: null, cred, start: fsCtx.cwd } };
}

/** Reads a guest file whole. */
function read(v: ReturnType<typeof vfsAs>, p: string): string {
  const f = v.vfs.open(v.ctx, p, O_RDONLY, 0) as { read: (r: unknown, b: Uint8Array) => number } | number;
  assert.notEqual(typeof f, 'number', `${p}: ${String(f)}`);
  const buf = new Uint8Array(4096);
  const n = (f as { read: (r: unknown, b: Uint8Array) => number }).read(null, buf);
  return new TextDecoder().decode(buf.subarray(0, n));
}

test('/etc/passwd and /etc/group name root, nobody and the guest\'s own uid and gid', () => {
  const v = vfsAs(1000, 1001);
  assert.equal(read(v, '/etc/passwd'),
    'root:x:0:0:root:/root:/bin/sh\nalice:x:1000:1001:alice:/home/alice:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n');
  assert.equal(read(v, '/etc/group'), 'root:x:0:\nalice:x:1001:\nnogroup:x:65534:\n');
  const asRoot = vfsAs(0, 0);
  assert.doesNotMatch(read(asRoot, '/etc/passwd'), /alice/, 'root is not listed twice');
});

test('/etc/hostname, /etc/hosts and /etc/nsswitch.conf describe a minimal system named after the host', () => {
  const v = vfsAs(1000, 1000);
  assert.equal(read(v, '/etc/hostname'), 'box\n');
  assert.match(read(v, '/etc/hosts'), /^127\.0\.0\.1\tlocalhost\n127\.0\.1\.1\tbox\n/);
  assert.match(read(v, '/etc/nsswitch.conf'), /^passwd:\tfiles\n[\s\S]*hosts:\tfiles dns\n/);
});

test('a host without Host.user still gets a named entry for its uid', () => {
  const v = vfsAs(1000, 1000, { user: undefined });
  assert.match(read(v, '/etc/passwd'), /\nuser:x:1000:1000:user:\/:\/bin\/sh\n/);
});

test('--mount /etc/ssl:/etc/ssl:ro adds certificates beside the synthetic files', () => {
  const ssl = tempDir();
  fs.chmodSync(ssl, 0o755); // readable by the guest's uid 1000 whoever runs the test
  fs.mkdirSync(path.join(ssl, 'certs'));
  fs.writeFileSync(path.join(ssl, 'certs', 'ca.pem'), 'CERT');
  const v = vfsAs(1000, 1000, {}, [{ host: ssl, guest: '/etc/ssl', readonly: true }]);
  assert.equal(read(v, '/etc/ssl/certs/ca.pem'), 'CERT');
  assert.equal(read(v, '/etc/hostname'), 'box\n');
  const dir = v.vfs.open(v.ctx, '/etc', O_RDONLY | O_DIRECTORY, 0) as { getdents: (r: unknown, b: Uint8Array) => number };
  const buf = new Uint8Array(4096);
  const text = new TextDecoder().decode(buf.subarray(0, dir.getdents({ caller: null }, buf)));
  for (const name of ['passwd', 'group', 'hostname', 'hosts', 'nsswitch.conf', 'ssl']) assert.ok(text.includes(name), name);
});

test('with --root the guest sees the root directory\'s own /etc, not a synthetic one', () => {
  const root = tempDir();
  fs.chmodSync(root, 0o755);
  fs.mkdirSync(path.join(root, 'etc'));
  fs.writeFileSync(path.join(root, 'etc', 'hostname'), 'rootfs\n');
  const host = makeHost(1000, 1000);
  const vfs = new Vfs({ mounts: [], root }, host);
  const cred = new Cred(1000, 1000);
  const fsCtx = vfs.initialFsContext('/', cred);
  const v = { vfs, ctx: { fs: fsCtx, caller: null, cred, start: fsCtx.cwd } };
  assert.equal(read(v, '/etc/hostname'), 'rootfs\n');
  assert.equal(v.vfs.open(v.ctx, '/etc/passwd', O_RDONLY, 0), -2);
});

test('a single host file mounts too: --mount /etc/resolv.conf:/etc/resolv.conf:ro', () => {
  const dir = tempDir();
  fs.chmodSync(dir, 0o755);
  fs.writeFileSync(path.join(dir, 'resolv.conf'), 'nameserver 192.0.2.1\n');
  fs.chmodSync(path.join(dir, 'resolv.conf'), 0o666); // writable by mode: only the read-only mount refuses
  const v = vfsAs(1000, 1000, {}, [{ host: path.join(dir, 'resolv.conf'), guest: '/etc/resolv.conf', readonly: true }]);
  assert.equal(read(v, '/etc/resolv.conf'), 'nameserver 192.0.2.1\n');
  assert.equal(v.vfs.open(v.ctx, '/etc/resolv.conf', 1 /* O_WRONLY */, 0), -30 /* EROFS */);
  const dirf = v.vfs.open(v.ctx, '/etc', O_RDONLY | O_DIRECTORY, 0) as { getdents: (r: unknown, b: Uint8Array) => number };
  const buf = new Uint8Array(4096);
  const n = dirf.getdents({ caller: null }, buf);
  let off = 0, type = -1;
  while (off < n) {
    const reclen = buf[off + 16]! | (buf[off + 17]! << 8);
    if (new TextDecoder().decode(buf.subarray(off + 19, buf.indexOf(0, off + 19))) === 'resolv.conf') type = buf[off + 18]!;
    off += reclen;
  }
  assert.equal(type, 8 /* DT_REG */, 'listed as the file it is');
});
