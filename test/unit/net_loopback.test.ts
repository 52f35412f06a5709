// The simulated loopback network of deterministic mode: what is reachable, port allocation,
// the TCP handshake as the client sees it, flow control, and UDP delivery (with IP_ORIGDSTADDR).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  EADDRINUSE, EADDRNOTAVAIL, EAGAIN, ECONNREFUSED, ECONNRESET, EINPROGRESS, EISCONN, ENETUNREACH,
} from '../../src/abi/errno.js';
import { Blocked } from '../../src/kernel/request.js';
import {
  AF_INET, AF_INET6, IP_ORIGDSTADDR, IP_RECVORIGDSTADDR, IPV6_RECVORIGDSTADDR, MSG_DONTWAIT, SOCK_DGRAM, SOCK_STREAM,
  SOL_IP, SOL_IPV6, TCP_ESTABLISHED, TCP_SYN_SENT,
} from '../../src/kernel/net/abi.js';
import type { InetSocket } from '../../src/kernel/net/inet.js';
import { EPHEMERAL_LOW, LoopbackNet } from '../../src/kernel/net/loopback.js';
import type { Cmsg } from '../../src/kernel/net/socket.js';
import type { TcpSocket } from '../../src/kernel/net/tcp.js';
import { again, CRED, fakeCaller, fakeEnv, first, in4, noPaths, recvOf, recvText, sendOf } from './net_fixture.js';

const LO: [number, number, number, number] = [127, 0, 0, 1];

/** A socket of the loopback network. */
function sock(net: LoopbackNet, type: number, family = AF_INET): InetSocket {
  const s = net.create(family, type, 0, fakeEnv(), CRED);
  if (typeof s === 'number') throw new Error(`create: ${s}`);
  return s as InetSocket;
}

/** A listener on 127.0.0.1:port. */
function listener(net: LoopbackNet, port: number): TcpSocket {
  const { r } = fakeCaller();
  const l = sock(net, SOCK_STREAM) as TcpSocket;
  assert.equal(first(r, () => l.bind(r, in4(LO, port), noPaths())), 0);
  assert.equal(first(r, () => l.listen(r, 1, noPaths())), 0);
  return l;
}

test('only the loopback is reachable: other destinations are ENETUNREACH, other local addresses EADDRNOTAVAIL', () => {
  const { r } = fakeCaller();
  const net = new LoopbackNet();
  const t = sock(net, SOCK_STREAM);
  assert.equal(first(r, () => t.connect(r, in4([192, 0, 2, 1], 80), noPaths())), -ENETUNREACH);
  assert.equal(first(r, () => t.bind(r, in4([10, 0, 0, 1], 0), noPaths())), -EADDRNOTAVAIL);
  const u = sock(net, SOCK_DGRAM);
  assert.equal(first(r, () => u.sendmsg(r, sendOf('x', { addr: in4([8, 8, 8, 8], 53) }))), -ENETUNREACH);
  assert.equal(first(r, () => u.bind(r, in4([127, 1, 2, 3], 0), noPaths())), 0, 'all of 127/8 is local');
});

test('ephemeral ports are handed out in order from the start of the range, so runs replay', () => {
  const { r } = fakeCaller();
  const net = new LoopbackNet();
  const ports = [0, 1, 2].map(() => {
    const s = sock(net, SOCK_DGRAM);
    first(r, () => s.bind(r, in4(LO, 0), noPaths()));
    return s.local!.port;
  });
  assert.deepEqual(ports, [EPHEMERAL_LOW, EPHEMERAL_LOW + 1, EPHEMERAL_LOW + 2]);
});

test('a second bind to a port is EADDRINUSE unless both sockets set SO_REUSEADDR and the first does not listen', () => {
  const { r } = fakeCaller();
  const net = new LoopbackNet();
  const a = sock(net, SOCK_STREAM), b = sock(net, SOCK_STREAM);
  assert.equal(first(r, () => a.bind(r, in4(LO, 5000), noPaths())), 0);
  assert.equal(first(r, () => b.bind(r, in4([0, 0, 0, 0], 5000), noPaths())), -EADDRINUSE, 'the wildcard overlaps');
  a.reuseaddr = b.reuseaddr = true;
  assert.equal(first(r, () => b.bind(r, in4(LO, 5000), noPaths())), 0);
  const c = sock(net, SOCK_STREAM);
  c.reuseaddr = true;
  a.release();
  b.release();
  listener(net, 5001).reuseaddr = true;
  assert.equal(first(r, () => c.bind(r, in4(LO, 5001), noPaths())), -EADDRINUSE, 'a listener keeps its port');
});

test('a nonblocking connect reports EINPROGRESS and the client sees the connection at its next call', () => {
  const { r } = fakeCaller();
  const net = new LoopbackNet();
  const l = listener(net, 6000);
  const c = sock(net, SOCK_STREAM) as TcpSocket;
  c.flags |= 0x800;
  assert.equal(first(r, () => c.connect(r, in4(LO, 6000), noPaths())), -EINPROGRESS);
  assert.equal(l.acceptq.length, 1, 'the server end exists already');
  assert.equal(c.state, TCP_SYN_SENT);
  assert.notEqual(c.poll() & 0x4, 0, 'POLLOUT: poll sees the handshake done');
  assert.equal(c.state, TCP_ESTABLISHED);
  assert.equal(first(r, () => c.connect(r, in4(LO, 6000), noPaths())), 0, 'reported once');
  assert.equal(first(r, () => c.connect(r, in4(LO, 6000), noPaths())), -EISCONN);
});

test('a connect to a port without a listener is refused: blocking at once, nonblocking at the next call', () => {
  const { r } = fakeCaller();
  const net = new LoopbackNet();
  const c = sock(net, SOCK_STREAM);
  assert.equal(first(r, () => c.connect(r, in4(LO, 7000), noPaths())), -ECONNREFUSED);
  const d = sock(net, SOCK_STREAM);
  d.flags |= 0x800;
  assert.equal(first(r, () => d.connect(r, in4(LO, 7000), noPaths())), -EINPROGRESS);
  assert.notEqual(d.poll() & 0x8, 0, 'POLLERR');
  assert.equal(d.takeError(), -ECONNREFUSED);
});

test('a connect while the backlog is full waits in the SYN queue until accept makes room', () => {
  const { r } = fakeCaller();
  const net = new LoopbackNet();
  const l = listener(net, 6100);
  l.backlog = 0;
  const c1 = sock(net, SOCK_STREAM), c2 = sock(net, SOCK_STREAM);
  assert.equal(first(r, () => c1.connect(r, in4(LO, 6100), noPaths())), 0);
  const { r: r2 } = fakeCaller();
  const slept = first(r2, () => c2.connect(r2, in4(LO, 6100), noPaths()));
  assert.ok(slept instanceof Blocked);
  first(r, () => l.accept(r, noPaths()));
  assert.equal(again(r2, () => c2.connect(r2, in4(LO, 6100), noPaths())), 0);
});

test('a TCP sender may have its send buffer plus the receiver\'s receive buffer in flight, then waits', () => {
  const { r } = fakeCaller();
  const net = new LoopbackNet();
  const l = listener(net, 6200);
  const c = sock(net, SOCK_STREAM);
  first(r, () => c.connect(r, in4(LO, 6200), noPaths()));
  const s = first(r, () => l.accept(r, noPaths())) as TcpSocket;
  c.flags |= 0x800;
  let sent = 0;
  for (;;) {
    const n = first(r, () => c.sendmsg(r, sendOf(new Uint8Array(4096))));
    if (n === -EAGAIN) break;
    sent += n as number;
  }
  assert.ok(sent >= c.sndbuf && sent <= c.sndbuf + s.rcvbuf + 4096, `sent ${sent}`);
  assert.equal(s.rcvq.bytes, sent);
  assert.equal((recvText(s, r, 1 << 20) as string).length, sent);
  assert.equal(first(r, () => c.sendmsg(r, sendOf('more'))), 4, 'reading made room');
});

test('UDP to a port nobody has bound is dropped; a connected sender learns ECONNREFUSED', () => {
  const { r } = fakeCaller();
  const net = new LoopbackNet();
  const u = sock(net, SOCK_DGRAM);
  assert.equal(first(r, () => u.sendmsg(r, sendOf('x', { addr: in4(LO, 9) }))), 1);
  assert.equal(u.err, 0, 'an unconnected socket is not told');
  assert.equal(first(r, () => u.connect(r, in4(LO, 9), noPaths())), 0);
  assert.equal(first(r, () => u.sendmsg(r, sendOf('x'))), 1);
  assert.equal(recvText(u, r), -ECONNREFUSED);
});

test('a connected UDP socket receives only from its peer; an IPv6 socket receives IPv4 datagrams as mapped addresses', () => {
  const { r } = fakeCaller();
  const net = new LoopbackNet();
  const six = sock(net, SOCK_DGRAM, AF_INET6);
  assert.equal(first(r, () => six.bind(r, { family: AF_INET6, bytes: any6(8080) }, noPaths())), 0);
  const a = sock(net, SOCK_DGRAM), b = sock(net, SOCK_DGRAM);
  first(r, () => a.sendmsg(r, sendOf('from a', { addr: in4(LO, 8080) })));
  assert.equal(recvText(six, r), 'from a');
  assert.equal(first(r, () => six.connect(r, { family: AF_INET6, bytes: mapped(LO, a.local!.port) }, noPaths())), 0);
  first(r, () => b.sendmsg(r, sendOf('from b', { addr: in4(LO, 8080) })));
  first(r, () => a.sendmsg(r, sendOf('a again', { addr: in4(LO, 8080) })));
  assert.equal(recvText(six, r), 'a again', 'b was not the connected peer');
});

/** A raw sockaddr_in6 for [::]:port. */
function any6(port: number): Uint8Array {
  const b = new Uint8Array(28);
  b[0] = AF_INET6;
  b[2] = port >> 8;
  b[3] = port & 0xff;
  return b;
}

/** A raw sockaddr_in6 for ::ffff:a.b.c.d:port. */
function mapped(ip: [number, number, number, number], port: number): Uint8Array {
  const b = any6(port);
  b[18] = 0xff;
  b[19] = 0xff;
  b.set(ip, 20);
  return b;
}

test('closing a listener resets the connections it had not handed out', () => {
  const { r } = fakeCaller();
  const net = new LoopbackNet();
  const l = listener(net, 6300);
  const c = sock(net, SOCK_STREAM);
  assert.equal(first(r, () => c.connect(r, in4(LO, 6300), noPaths())), 0);
  l.release();
  assert.equal(recvText(c, r), -ECONNRESET);
});

test('IP_RECVORIGDSTADDR adds IP_ORIGDSTADDR with the routed destination (0.0.0.0 is 127.0.0.1); an IPv4 datagram on an IPv6 socket needs the IPv4 option', () => {
  const { r } = fakeCaller();
  const net = new LoopbackNet();
  const on = Uint8Array.of(1);
  const rx = sock(net, SOCK_DGRAM), tx = sock(net, SOCK_DGRAM);
  assert.equal(first(r, () => rx.bind(r, in4([0, 0, 0, 0], 7000), noPaths())), 0);
  const recvControl = (s: InetSocket): Cmsg[] | null => {
    const m = recvOf(16, MSG_DONTWAIT);
    assert.equal(typeof first(r, () => s.recvmsg(r, m)), 'number');
    return m.control;
  };
  first(r, () => tx.sendmsg(r, sendOf('x', { addr: in4([0, 0, 0, 0], 7000) })));
  assert.equal(recvControl(rx), null, 'not asked for');
  assert.equal(rx.setProtoOpt(SOL_IP, IP_RECVORIGDSTADDR, on, false), 0);
  first(r, () => tx.sendmsg(r, sendOf('x', { addr: in4([0, 0, 0, 0], 7000) })));
  assert.deepEqual(recvControl(rx), [{ level: SOL_IP, type: IP_ORIGDSTADDR, data: in4(LO, 7000).bytes }]);

  const six = sock(net, SOCK_DGRAM, AF_INET6);
  assert.equal(first(r, () => six.bind(r, { family: AF_INET6, bytes: any6(7001) }, noPaths())), 0);
  assert.equal(six.setProtoOpt(SOL_IPV6, IPV6_RECVORIGDSTADDR, Uint8Array.of(1, 0, 0, 0), false), 0);
  first(r, () => tx.sendmsg(r, sendOf('x', { addr: in4(LO, 7001) })));
  assert.equal(recvControl(six), null, 'IPV6_RECVORIGDSTADDR does not cover IPv4 datagrams');
  assert.equal(six.setProtoOpt(SOL_IP, IP_RECVORIGDSTADDR, on, false), 0);
  assert.deepEqual(six.getProtoOpt(SOL_IP, IP_RECVORIGDSTADDR), Uint8Array.of(1, 0, 0, 0));
  first(r, () => tx.sendmsg(r, sendOf('x', { addr: in4(LO, 7001) })));
  assert.deepEqual(recvControl(six), [{ level: SOL_IP, type: IP_ORIGDSTADDR, data: in4(LO, 7001).bytes }]);
});
