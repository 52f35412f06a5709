// AF_UNIX socket objects: data paths, sleeping and restart codes, names, listen/accept, and the
// lifetime of descriptors in flight.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  EADDRINUSE, EAGAIN, ECONNREFUSED, EINTR, EMSGSIZE, ENOTCONN, EPIPE, EPROTOTYPE, ERESTARTSYS,
} from '../../src/abi/errno.js';
import { Blocked } from '../../src/kernel/request.js';
import {
  MSG_PEEK, MSG_TRUNC, MSG_WAITALL, SOCK_DGRAM, SOCK_SEQPACKET, SOCK_STREAM, SO_RCVTIMEO_OLD,
} from '../../src/kernel/net/abi.js';
import { setSolSocket } from '../../src/kernel/net/sockopt.js';
import { UnixNamespace, UnixSocket, unixSocketpair } from '../../src/kernel/net/unix.js';
import { fileGet, filePut } from '../../src/kernel/vfs/fdtable.js';
import type { OpenFile, StatInfo } from '../../src/kernel/vfs/file.js';
import {
  abstractAddr, again, CRED, fakeCaller, fakeEnv, first, interrupt, noPaths, recvOf, recvText, sendOf,
} from './net_fixture.js';

/** A socketpair of a type in a fresh namespace. */
function pair(type = SOCK_STREAM): [UnixSocket, UnixSocket] {
  return unixSocketpair(new UnixNamespace(), type, fakeEnv(), CRED);
}

/** An open file that records whether it was released. */
function probeFile(): OpenFile & { released: boolean } {
  return {
    flags: 2, path: 'probe', released: false,
    stat: () => ({}) as StatInfo,
    release() { this.released = true; },
  };
}

test('a stream socketpair carries bytes both ways, merging writes, and shows EOF after the peer closes', () => {
  const { r } = fakeCaller();
  const [a, b] = pair();
  assert.equal(first(r, () => a.sendmsg(r, sendOf('hello'))), 5);
  assert.equal(first(r, () => a.sendmsg(r, sendOf(' world'))), 6);
  assert.equal(recvText(b, r), 'hello world');
  assert.equal(first(r, () => b.sendmsg(r, sendOf('back'))), 4);
  assert.equal(recvText(a, r), 'back');
  a.release();
  assert.equal(recvText(b, r), '', 'EOF');
});

test('a stream read of an empty socket sleeps on its queue, and a write by the peer wakes it', () => {
  const { r } = fakeCaller();
  const [a, b] = pair();
  const m = recvOf(16);
  const res = first(r, () => b.recvmsg(r, m));
  assert.ok(res instanceof Blocked);
  assert.ok(res.queues.includes(b.wq));
  let woken = 0;
  b.wq.add({ wake: () => { woken++; } });
  a.sendmsg(r, sendOf('x'));
  assert.equal(woken, 1);
  assert.equal(again(r, () => b.recvmsg(r, m)), 1);
});

test('a blocking receive is restarted (ERESTARTSYS) by a signal, fails with EINTR if SO_RCVTIMEO is set, and with EAGAIN at the deadline', () => {
  const { r } = fakeCaller();
  const env = fakeEnv();
  const [, b] = unixSocketpair(new UnixNamespace(), SOCK_STREAM, env, CRED);
  assert.equal(interrupt(r, first(r, () => b.recvmsg(r, recvOf(8)))), -ERESTARTSYS);
  const tv = new Uint8Array(16);
  new DataView(tv.buffer).setBigInt64(8, 100_000n, true); // 100 ms
  assert.equal(setSolSocket(b, SO_RCVTIMEO_OLD, tv, false), 0);
  const slept = first(r, () => b.recvmsg(r, recvOf(8)));
  assert.ok(slept instanceof Blocked);
  assert.equal(r.deadline?.ns, env.clock.mono + 100_000_000n, 'the deadline is the timeout from the first run');
  assert.equal(interrupt(r, slept), -EINTR);
  first(r, () => b.recvmsg(r, recvOf(8)));
  env.clock.mono += 100_000_000n;
  assert.equal(again(r, () => b.recvmsg(r, recvOf(8))), -EAGAIN);
});

test('MSG_WAITALL keeps what it copied across sleeps and returns it when a signal interrupts', () => {
  const { r } = fakeCaller();
  const [a, b] = pair();
  const m = recvOf(10, MSG_WAITALL);
  a.sendmsg(r, sendOf('abcd'));
  const res = first(r, () => b.recvmsg(r, m));
  assert.ok(res instanceof Blocked, 'waits for the other 6 bytes');
  assert.equal(r.progress, 4);
  a.sendmsg(fakeCaller().r, sendOf('efg'));
  const res2 = again(r, () => b.recvmsg(r, m));
  assert.ok(res2 instanceof Blocked);
  assert.equal(interrupt(r, res2), 7, 'the partial count, nothing lost');
  assert.equal(new TextDecoder().decode(m.bytes.subarray(0, 7)), 'abcdefg');
});

test('a blocking stream send larger than the send buffer sends what fits, sleeps, and returns the partial count on a signal', () => {
  const { r } = fakeCaller();
  const [a, b] = pair();
  a.sndbuf = 8192;
  const big = new Uint8Array(100_000).fill(7);
  const res = first(r, () => a.sendmsg(r, sendOf(big)));
  assert.ok(res instanceof Blocked);
  const sent = r.progress;
  assert.ok(sent > 0 && sent < big.length, `sent ${sent}`);
  assert.equal(b.rcvq.bytes, sent);
  assert.equal(interrupt(r, res), sent);
});

test('datagram sockets keep message boundaries; a short buffer truncates and MSG_TRUNC gives the full length', () => {
  const { r } = fakeCaller();
  for (const type of [SOCK_DGRAM, SOCK_SEQPACKET]) {
    const [a, b] = pair(type);
    a.sendmsg(r, sendOf('abcdef'));
    a.sendmsg(r, sendOf('gh'));
    const m = recvOf(3);
    assert.equal(first(r, () => b.recvmsg(r, m)), 3);
    assert.equal(m.msgFlags & MSG_TRUNC, MSG_TRUNC);
    assert.equal(recvText(b, r), 'gh');
    a.sendmsg(r, sendOf('abcdef'));
    assert.equal(recvText(b, r, 2, MSG_PEEK | MSG_TRUNC), 'ab');
    const t = recvOf(2, MSG_TRUNC);
    assert.equal(first(r, () => b.recvmsg(r, t)), 6);
  }
});

test('a datagram larger than the send buffer less 32 bytes is EMSGSIZE; an unconnected send is ENOTCONN', () => {
  const { r } = fakeCaller();
  const [a] = pair(SOCK_DGRAM);
  assert.equal(first(r, () => a.sendmsg(r, sendOf(new Uint8Array(a.sndbuf - 31)))), -EMSGSIZE);
  assert.equal(first(r, () => a.sendmsg(r, sendOf(new Uint8Array(a.sndbuf - 32)))), a.sndbuf - 32);
  const lone = new UnixSocket(new UnixNamespace(), SOCK_DGRAM, fakeEnv(), CRED);
  assert.equal(first(r, () => lone.sendmsg(r, sendOf('x'))), -ENOTCONN);
});

test('abstract names: a second bind is EADDRINUSE until the first socket closes; connect needs a listener of the same type', () => {
  const { r } = fakeCaller();
  const ns = new UnixNamespace();
  const env = fakeEnv();
  const x = new UnixSocket(ns, SOCK_STREAM, env, CRED), y = new UnixSocket(ns, SOCK_STREAM, env, CRED);
  assert.equal(x.bind(r, abstractAddr('n'), noPaths()), 0);
  assert.equal(y.bind(r, abstractAddr('n'), noPaths()), -EADDRINUSE);
  const c = new UnixSocket(ns, SOCK_STREAM, env, CRED);
  assert.equal(first(r, () => c.connect(r, abstractAddr('n'), noPaths())), -ECONNREFUSED, 'bound but not listening');
  const d = new UnixSocket(ns, SOCK_DGRAM, env, CRED);
  assert.equal(first(r, () => d.connect(r, abstractAddr('n'), noPaths())), -EPROTOTYPE);
  x.release();
  assert.equal(y.bind(r, abstractAddr('n'), noPaths()), 0);
  assert.equal(first(r, () => c.connect(r, abstractAddr('gone'), noPaths())), -ECONNREFUSED);
});

test('a connect to a listener whose backlog is full sleeps until an accept makes room (EAGAIN when nonblocking)', () => {
  const { r } = fakeCaller();
  const ns = new UnixNamespace();
  const env = fakeEnv();
  const l = new UnixSocket(ns, SOCK_STREAM, env, CRED);
  l.bind(r, abstractAddr('l'), noPaths());
  assert.equal(l.listen(r, 0, noPaths()), 0);
  const c1 = new UnixSocket(ns, SOCK_STREAM, env, CRED), c2 = new UnixSocket(ns, SOCK_STREAM, env, CRED);
  assert.equal(first(r, () => c1.connect(r, abstractAddr('l'), noPaths())), 0, 'backlog 0 still takes one');
  const { r: r2 } = fakeCaller();
  const slept = first(r2, () => c2.connect(r2, abstractAddr('l'), noPaths()));
  assert.ok(slept instanceof Blocked && slept.queues.includes(l.wq));
  c2.flags |= 0x800;
  assert.equal(first(r2, () => c2.connect(r2, abstractAddr('l'), noPaths())), -EAGAIN);
  c2.flags &= ~0x800;
  const child = first(r, () => l.accept(r, noPaths()));
  assert.ok(child instanceof UnixSocket);
  assert.equal(again(r2, () => c2.connect(r2, abstractAddr('l'), noPaths())), 0);
  // The client could send before the accept: its bytes wait on the server's end.
  assert.equal(first(r2, () => c2.sendmsg(r2, sendOf('early'))), 5);
  const child2 = first(r, () => l.accept(r, noPaths())) as UnixSocket;
  assert.equal(recvText(child2, r), 'early');
});

test('a descriptor in flight keeps its file open; closing the receiving socket with it queued releases it', () => {
  const { r } = fakeCaller();
  const [a, b] = pair();
  const f = probeFile();
  fileGet(f); // the sender's fd
  assert.equal(first(r, () => a.sendmsg(r, sendOf('fd', { rights: [f] }))), 2);
  filePut(f); // the sender closes its copy
  assert.equal(f.released, false, 'the message in flight holds a reference');
  b.release();
  assert.equal(f.released, true);
});

test('received descriptors come with the read that reaches them, which ends after that message; a peek duplicates them', () => {
  const { r } = fakeCaller();
  const [a, b] = pair();
  const f = probeFile();
  fileGet(f);
  a.sendmsg(r, sendOf('ab'));
  a.sendmsg(r, sendOf('cd', { rights: [f] }));
  a.sendmsg(r, sendOf('ef'));
  filePut(f);
  const peek = recvOf(16, MSG_PEEK);
  assert.equal(first(r, () => b.recvmsg(r, peek)), 4);
  assert.equal(peek.rights?.length, 1);
  filePut(peek.rights![0]!);
  const m = recvOf(16);
  assert.equal(first(r, () => b.recvmsg(r, m)), 4);
  assert.deepEqual(m.rights, [f]);
  assert.equal(recvText(b, r), 'ef');
  filePut(f);
  assert.equal(f.released, true, 'the receiver owned the last reference');
});

test('a socket sent over itself is collected once its last descriptor is closed, and its peer sees the connection end', () => {
  const { r } = fakeCaller();
  const [a, b] = pair();
  fileGet(a);
  fileGet(b);
  a.sendmsg(r, sendOf('self', { rights: [b] })); // b now carries itself
  filePut(b); // b's only descriptor closes: nothing can ever receive it
  assert.equal(b.dead, true);
  assert.equal(a.shutdown, 3, 'the peer shut down both ways');
  assert.equal(recvText(a, r), '', 'EOF');
  filePut(a);
});

test('a write to a stream whose peer closed is EPIPE, and a signal is raised by the write path', () => {
  const c = fakeCaller();
  const [a, b] = pair();
  b.release();
  assert.equal(first(c.r, () => a.write(c.r, new TextEncoder().encode('x'))), -EPIPE);
  assert.deepEqual(c.signals, [13]);
  const [s1, s2] = pair(SOCK_SEQPACKET);
  s2.release();
  assert.equal(first(c.r, () => s1.write(c.r, new Uint8Array(1))), -EPIPE);
  assert.deepEqual(c.signals, [13], 'seqpacket sockets do not raise SIGPIPE');
});

test('read(2) on a socket drops descriptors it cannot return', () => {
  const { r } = fakeCaller();
  const [a, b] = pair();
  const f = probeFile();
  fileGet(f);
  a.sendmsg(r, sendOf('x', { rights: [f] }));
  filePut(f);
  const buf = new Uint8Array(4);
  assert.equal(first(r, () => b.read(r, buf)), 1);
  assert.equal(f.released, true);
});

test('every piece of a large stream send carries the sender\'s credentials, so a SO_PASSCRED reader takes them in one read', () => {
  const { r } = fakeCaller();
  const [a, b] = pair();
  b.passcred = true;
  const big = new Uint8Array(150_000).fill(1);
  assert.equal(first(r, () => a.sendmsg(r, sendOf(big))), big.length);
  assert.ok(b.rcvq.length > 1, 'sent in several buffers');
  const m = recvOf(big.length);
  assert.equal(first(r, () => b.recvmsg(r, m)), big.length);
  assert.deepEqual(m.cred, { pid: CRED.pid, uid: CRED.uid, gid: CRED.gid });
});
