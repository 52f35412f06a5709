// Socket ABI helpers: address texts and layouts, AF_UNIX name parsing, control messages, and
// SOL_SOCKET option encodings (buffer sizes, timeouts in jiffies).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EBADF, EDOM, EINVAL, EPERM, ESRCH } from '../../src/abi/errno.js';
import { CMSGHDR_SIZE, MSG_CTRUNC, SCM_CREDENTIALS, SCM_RIGHTS, SO_RCVBUF, SO_RCVTIMEO_OLD, SO_SNDBUF, SOL_SOCKET, SOCK_STREAM } from '../../src/kernel/net/abi.js';
import { CmsgWriter, cmsgLen, cmsgSpace, parseScm, type ScmSender } from '../../src/kernel/net/scm.js';
import { decodeIn6, encodeSockaddr, ipText, parseIp } from '../../src/kernel/net/sockaddr.js';
import { getSolSocket, setSolSocket } from '../../src/kernel/net/sockopt.js';
import { parseUnixAddr, UnixNamespace, UnixSocket } from '../../src/kernel/net/unix.js';
import type { OpenFile } from '../../src/kernel/vfs/file.js';
import { CRED, fakeEnv } from './net_fixture.js';

test('IPv6 addresses are written as inet_ntop does (longest zero run as ::, mapped IPv4 in dotted form) and parse back', () => {
  const cases: [string, number[]][] = [
    ['::1', [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]],
    ['::', new Array(16).fill(0)],
    ['2001:db8::1:0:0:1', [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1]],
    ['::ffff:127.0.0.1', [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0, 1]],
    ['fe80::1:2', [0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 2]],
  ];
  for (const [text, bytes] of cases) {
    assert.equal(ipText(Uint8Array.from(bytes)), text);
    assert.deepEqual(parseIp(text), Uint8Array.from(bytes));
  }
  assert.deepEqual(parseIp('10.1.2.3'), Uint8Array.of(10, 1, 2, 3));
  assert.equal(parseIp('1.2.3.400'), null);
  assert.equal(parseIp('1::2::3'), null);
});

test('sockaddr_in6 keeps the port and flow info in network order and the scope id in host order', () => {
  const a = { family: 10 as const, ip: parseIp('::1')!, port: 8080, flowinfo: 7, scopeId: 3 };
  const b = encodeSockaddr(a, 10);
  assert.equal(b.length, 28);
  assert.deepEqual([...b.subarray(0, 8)], [10, 0, 0x1f, 0x90, 0, 0, 0, 7]);
  assert.deepEqual(decodeIn6(b), a);
});

test('AF_UNIX names: a bare family asks for autobind, a leading NUL is abstract, a path stops at its first NUL', () => {
  const raw = (bytes: number[]): { family: number; bytes: Uint8Array } => ({ family: bytes[0]! | (bytes[1]! << 8), bytes: Uint8Array.from(bytes) });
  assert.deepEqual(parseUnixAddr(raw([1, 0])), { kind: 'autobind' });
  assert.deepEqual(parseUnixAddr(raw([1, 0, 0, 97, 0, 98])), { kind: 'abstract', name: Uint8Array.of(0, 97, 0, 98) });
  const p = parseUnixAddr(raw([1, 0, 47, 120, 0, 121]));
  assert.deepEqual(p, { kind: 'path', path: '/x', name: Uint8Array.of(47, 120, 0) });
  assert.equal(parseUnixAddr(raw([2, 0, 47, 120])), -EINVAL, 'another family');
  assert.equal(parseUnixAddr(raw([1])), -EINVAL, 'shorter than the family');
  assert.equal(parseUnixAddr(raw([1, 0, ...new Array(109).fill(97)])), -EINVAL, 'longer than sockaddr_un');
});

/** A sender whose fds 3 and 4 are open. */
function sender(privileged = false): ScmSender {
  const files = new Map<number, OpenFile>([[3, { flags: 0, path: 'a' } as OpenFile], [4, { flags: 0, path: 'b' } as OpenFile]]);
  return { pid: 100, uids: [1000], gids: [1000], privileged, pidExists: (p) => p === 100 || p === 1, file: (fd) => files.get(fd) };
}

/** One control message. */
function cmsg(level: number, type: number, data: number[], lenDelta = 0): Uint8Array {
  const len = cmsgLen(data.length * 4) + lenDelta;
  const b = new Uint8Array(cmsgSpace(data.length * 4));
  const dv = new DataView(b.buffer);
  dv.setBigUint64(0, BigInt(len), true);
  dv.setInt32(8, level, true);
  dv.setInt32(12, type, true);
  data.forEach((v, i) => dv.setInt32(CMSGHDR_SIZE + 4 * i, v, true));
  return b;
}

test('SCM_RIGHTS and SCM_CREDENTIALS are checked as __scm_send does', () => {
  const ok = parseScm(cmsg(SOL_SOCKET, SCM_RIGHTS, [3, 4]), 1, sender());
  assert.ok(typeof ok !== 'number' && ok.rights?.length === 2);
  assert.equal(parseScm(cmsg(SOL_SOCKET, SCM_RIGHTS, [3, 9]), 1, sender()), -EBADF);
  assert.equal(parseScm(cmsg(SOL_SOCKET, SCM_RIGHTS, [3], 100), 1, sender()), -EINVAL, 'cmsg_len past the buffer');
  assert.equal(parseScm(cmsg(SOL_SOCKET, SCM_RIGHTS, new Array(254).fill(3)), 1, sender()), -EINVAL, 'more than SCM_MAX_FD');
  assert.deepEqual(parseScm(cmsg(SOL_SOCKET, SCM_RIGHTS, [3]), 2, sender()), { rights: null, cred: null }, 'TCP ignores them');
  assert.deepEqual(parseScm(cmsg(0, 99, [1]), 1, sender()), { rights: null, cred: null }, 'other levels are the protocol\'s');
  assert.equal(parseScm(cmsg(SOL_SOCKET, 99, [1]), 1, sender()), -EINVAL);
  const mine = parseScm(cmsg(SOL_SOCKET, SCM_CREDENTIALS, [100, 1000, 1000]), 1, sender());
  assert.deepEqual(typeof mine === 'number' ? mine : mine.cred, { pid: 100, uid: 1000, gid: 1000 });
  assert.equal(parseScm(cmsg(SOL_SOCKET, SCM_CREDENTIALS, [1, 1000, 1000]), 1, sender()), -EPERM, 'another pid');
  assert.equal(parseScm(cmsg(SOL_SOCKET, SCM_CREDENTIALS, [100, 0, 1000]), 1, sender()), -EPERM, 'another uid');
  assert.equal(parseScm(cmsg(SOL_SOCKET, SCM_CREDENTIALS, [555, 0, 0]), 1, sender(true)), -ESRCH, 'root, but no such pid');
  assert.equal(parseScm(cmsg(SOL_SOCKET, SCM_CREDENTIALS, [100, 1000]), 1, sender()), -EINVAL, 'short');
});

test('a control buffer too small truncates messages and sets MSG_CTRUNC; descriptors that do not fit are counted', () => {
  const w = new CmsgWriter(cmsgSpace(12) + 20);
  w.putCred({ pid: 1, uid: 2, gid: 3 });
  assert.equal(w.used, cmsgSpace(12));
  assert.equal(w.fdRoom(), 1);
  w.putRights([5], 3);
  assert.equal(w.flags, MSG_CTRUNC);
  assert.equal(w.used, cmsgSpace(12) + 20, 'the last message takes what is left');
  const tiny = new CmsgWriter(8);
  tiny.putCred({ pid: 1, uid: 2, gid: 3 });
  assert.equal(tiny.used, 0);
  assert.equal(tiny.flags, MSG_CTRUNC);
});

test('SO_SNDBUF and SO_RCVBUF are doubled and clamped; socket timeouts round up to jiffies and reject bad microseconds', () => {
  const s = new UnixSocket(new UnixNamespace(), SOCK_STREAM, fakeEnv(), CRED);
  const int = (v: number): Uint8Array => { const b = new Uint8Array(4); new DataView(b.buffer).setInt32(0, v, true); return b; };
  const get = (name: number): DataView => { const v = getSolSocket(s, name) as Uint8Array; return new DataView(v.buffer, v.byteOffset); };
  setSolSocket(s, SO_SNDBUF, int(10000), false);
  assert.equal(get(SO_SNDBUF).getInt32(0, true), 20000);
  setSolSocket(s, SO_RCVBUF, int(-1), false);
  assert.equal(get(SO_RCVBUF).getInt32(0, true), 425984, 'a negative value is a huge one, clamped to rmem_max');
  const tv = (sec: number, usec: number): Uint8Array => {
    const b = new Uint8Array(16);
    const dv = new DataView(b.buffer);
    dv.setBigInt64(0, BigInt(sec), true);
    dv.setBigInt64(8, BigInt(usec), true);
    return b;
  };
  assert.equal(setSolSocket(s, SO_RCVTIMEO_OLD, tv(1, 1), false), 0);
  assert.equal(get(SO_RCVTIMEO_OLD).getBigInt64(8, true), 4000n, 'one microsecond rounds up to a 4 ms jiffy');
  assert.equal(setSolSocket(s, SO_RCVTIMEO_OLD, tv(0, 1_000_000), false), -EDOM);
  assert.equal(setSolSocket(s, SO_RCVTIMEO_OLD, tv(0, 0), false), 0);
  assert.equal(get(SO_RCVTIMEO_OLD).getBigInt64(0, true), 0n, 'zero is no timeout');
  assert.equal(setSolSocket(s, SO_RCVTIMEO_OLD, new Uint8Array(8), false), -EINVAL);
});
