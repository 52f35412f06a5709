// IP sockets on the host's network, against a scripted HostNet: calls that wait for the host
// sleep, the host's events update the socket and wake them, flow control follows the guest's
// receive buffer, and closing picks a FIN or a reset.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EADDRINUSE, ECONNREFUSED, ECONNRESET, EPIPE, ERESTARTNOINTR } from '../../src/abi/errno.js';
import type {
  HostInetAddr, HostNet, HostTcpConnection, HostTcpEvents, HostTcpServer, HostTcpServerEvents, HostUdpEvents,
  HostUdpSocket,
} from '../../src/host/host.js';
import { Blocked } from '../../src/kernel/request.js';
import {
  AF_INET, IP_ORIGDSTADDR, IP_RECVORIGDSTADDR, MSG_DONTWAIT, SOCK_DGRAM, SOCK_STREAM, SOL_IP,
} from '../../src/kernel/net/abi.js';
import { HostInetStack } from '../../src/kernel/net/host_inet.js';
import type { InetSocket } from '../../src/kernel/net/inet.js';
import type { TcpSocket } from '../../src/kernel/net/tcp.js';
import { again, CRED, fakeCaller, fakeEnv, first, in4, interrupt, noPaths, recvOf, recvText, sendOf } from './net_fixture.js';

/** A host connection that records what the kernel did with it. */
class FakeConn implements HostTcpConnection {
  written: string[] = [];
  ended = false;
  closed = false;
  wasReset = false;
  paused = false;
  canWrite = true;
  ev: HostTcpEvents | null = null;
  constructor(readonly l: HostInetAddr, readonly p: HostInetAddr) {}
  write(d: Uint8Array): void { this.written.push(new TextDecoder().decode(d)); }
  writable(): boolean { return this.canWrite; }
  queued(): number { return 0; }
  end(): void { this.ended = true; }
  close(): void { this.closed = true; }
  reset(): void { this.wasReset = true; }
  pause(): void { this.paused = true; }
  resume(): void { this.paused = false; }
  local(): HostInetAddr { return this.l; }
  remote(): HostInetAddr { return this.p; }
  setNoDelay(): void {}
  setKeepAlive(): void {}
}

/** A HostNet whose operations are recorded and whose events the test sends. */
class FakeNet implements HostNet {
  servers: { addr: HostInetAddr; ev: HostTcpServerEvents; port: number; closed: boolean }[] = [];
  conns: { to: HostInetAddr; from: HostInetAddr | null; ev: HostTcpEvents; conn: FakeConn }[] = [];
  udp: { addr: HostInetAddr; ev: HostUdpEvents; sent: { data: string; to: HostInetAddr }[] }[] = [];

  tcpListen(addr: HostInetAddr, _v6only: boolean, ev: HostTcpServerEvents): HostTcpServer {
    const s = { addr, ev, port: addr.port || 40000, closed: false };
    this.servers.push(s);
    return { address: () => ({ ...addr, port: s.port }), close: () => { s.closed = true; } };
  }

  tcpConnect(to: HostInetAddr, from: HostInetAddr | null, ev: HostTcpEvents): HostTcpConnection {
    const conn = new FakeConn({ family: 4, address: '127.0.0.1', port: 50000 }, to);
    conn.ev = ev;
    this.conns.push({ to, from, ev, conn });
    return conn;
  }

  udpBind(addr: HostInetAddr, _o: { reuseAddr: boolean; v6only: boolean }, ev: HostUdpEvents): HostUdpSocket {
    const u = { addr, ev, sent: [] as { data: string; to: HostInetAddr }[] };
    this.udp.push(u);
    return {
      address: () => ({ ...addr, port: addr.port || 41000 }),
      send: (d, to) => { u.sent.push({ data: new TextDecoder().decode(d), to }); },
      setBroadcast: () => {},
      close: () => {},
    };
  }
}

/** A host-backed socket. */
function sock(net: FakeNet, type: number): InetSocket {
  const s = new HostInetStack(net).create(AF_INET, type, 0, fakeEnv(), CRED);
  if (typeof s === 'number') throw new Error(`create: ${s}`);
  return s as InetSocket;
}

const LO: [number, number, number, number] = [127, 0, 0, 1];

test('bind waits for the host listener, is restarted transparently by a signal, and reports the port the host chose', () => {
  const { r } = fakeCaller();
  const net = new FakeNet();
  const s = sock(net, SOCK_STREAM);
  const b = first(r, () => s.bind(r, in4(LO, 0), noPaths()));
  assert.ok(b instanceof Blocked);
  assert.equal(b.restart, ERESTARTNOINTR);
  assert.equal(net.servers.length, 1);
  net.servers[0]!.ev.listening();
  assert.equal(first(r, () => s.bind(r, in4(LO, 0), noPaths())), 0, 'the restarted call finds the bind done');
  assert.equal(s.local?.port, 40000);
  assert.equal(net.servers.length, 1, 'one host listener');
});

test('a host listener that fails gives the bind its error (EADDRINUSE)', () => {
  const { r } = fakeCaller();
  const net = new FakeNet();
  const s = sock(net, SOCK_STREAM);
  const root = { ...noPaths(), cred: { ...CRED, euid: 0 } };
  assert.equal(first(r, () => s.bind(r, in4(LO, 80), noPaths())), -13, 'a port below 1024 needs privilege (EACCES)');
  first(r, () => s.bind(r, in4(LO, 80), root));
  net.servers[0]!.ev.error(EADDRINUSE);
  assert.equal(again(r, () => s.bind(r, in4(LO, 80), root)), -EADDRINUSE);
  assert.equal(s.local, null);
});

test('connect sleeps until the host connects; a refusal is reported once', () => {
  const { r } = fakeCaller();
  const net = new FakeNet();
  const c = sock(net, SOCK_STREAM);
  assert.ok(first(r, () => c.connect(r, in4(LO, 8080), noPaths())) instanceof Blocked);
  assert.deepEqual(net.conns[0]!.to, { family: 4, address: '127.0.0.1', port: 8080 });
  net.conns[0]!.ev.connected();
  assert.equal(again(r, () => c.connect(r, in4(LO, 8080), noPaths())), 0);
  assert.equal(c.local?.port, 50000);
  const d = sock(net, SOCK_STREAM);
  first(r, () => d.connect(r, in4(LO, 8081), noPaths()));
  net.conns[1]!.ev.error(ECONNREFUSED);
  assert.equal(again(r, () => d.connect(r, in4(LO, 8081), noPaths())), -ECONNREFUSED);
});

test('a socket bound first connects from its port (its host listener gives way)', () => {
  const { r } = fakeCaller();
  const net = new FakeNet();
  const c = sock(net, SOCK_STREAM);
  first(r, () => c.bind(r, in4(LO, 0), noPaths()));
  net.servers[0]!.ev.listening();
  again(r, () => c.bind(r, in4(LO, 0), noPaths()));
  first(r, () => c.connect(r, in4(LO, 9000), noPaths()));
  assert.equal(net.servers[0]!.closed, true);
  assert.deepEqual(net.conns[0]!.from, { family: 4, address: '127.0.0.1', port: 40000 });
});

test('host data wakes a sleeping reader; a full receive buffer pauses the host until the guest reads', () => {
  const { r } = fakeCaller();
  const net = new FakeNet();
  const c = sock(net, SOCK_STREAM) as TcpSocket;
  first(r, () => c.connect(r, in4(LO, 8080), noPaths()));
  const { ev, conn } = net.conns[0]!;
  ev.connected();
  const m = recvOf(64);
  const slept = first(r, () => c.recvmsg(r, m));
  assert.ok(slept instanceof Blocked);
  let woken = 0;
  c.wq.add({ wake: () => { woken++; } });
  c.rcvbuf = 8;
  ev.data(new TextEncoder().encode('0123456789'));
  assert.equal(woken, 1);
  assert.equal(conn.paused, true, 'the guest buffer is full');
  assert.equal(again(r, () => c.recvmsg(r, m)), 10);
  assert.equal(conn.paused, false);
  ev.end();
  assert.equal(recvText(c, r), '', 'EOF after the host reports the FIN');
});

test('a send sleeps while the host is not writable and continues after drain', () => {
  const { r } = fakeCaller();
  const net = new FakeNet();
  const c = sock(net, SOCK_STREAM);
  first(r, () => c.connect(r, in4(LO, 8080), noPaths()));
  const { ev, conn } = net.conns[0]!;
  ev.connected();
  conn.canWrite = false;
  const slept = first(r, () => c.sendmsg(r, sendOf('hello')));
  assert.ok(slept instanceof Blocked);
  assert.deepEqual(conn.written, []);
  conn.canWrite = true;
  ev.drain();
  assert.equal(again(r, () => c.sendmsg(r, sendOf('hello'))), 5);
  assert.deepEqual(conn.written, ['hello']);
});

test('a reset from the host: ECONNRESET, or EPIPE after the peer had sent its FIN; an interrupted send keeps its count', () => {
  const { r } = fakeCaller();
  const net = new FakeNet();
  const c = sock(net, SOCK_STREAM);
  first(r, () => c.connect(r, in4(LO, 8080), noPaths()));
  net.conns[0]!.ev.connected();
  net.conns[0]!.ev.error(ECONNRESET);
  assert.equal(recvText(c, r), -ECONNRESET);
  assert.equal(recvText(c, r), '');
  const d = sock(net, SOCK_STREAM);
  first(r, () => d.connect(r, in4(LO, 8080), noPaths()));
  const { ev } = net.conns[1]!;
  ev.connected();
  ev.end();
  ev.error(ECONNRESET);
  assert.equal(first(r, () => d.sendmsg(r, sendOf('x'))), -EPIPE);
  const e = sock(net, SOCK_STREAM);
  first(r, () => e.connect(r, in4(LO, 8080), noPaths()));
  net.conns[2]!.ev.connected();
  e.sndbuf = 4608;
  let calls = 0;
  net.conns[2]!.conn.writable = () => calls++ < 1;
  const slept = first(r, () => e.sendmsg(r, sendOf(new Uint8Array(200_000))));
  assert.ok(slept instanceof Blocked);
  assert.equal(interrupt(r, slept), 65536, 'the part the host took');
});

test('close resets the host connection when unread data is dropped, else closes it gracefully', () => {
  const { r } = fakeCaller();
  const net = new FakeNet();
  const a = sock(net, SOCK_STREAM), b = sock(net, SOCK_STREAM);
  first(r, () => a.connect(r, in4(LO, 1), noPaths()));
  first(r, () => b.connect(r, in4(LO, 2), noPaths()));
  net.conns[0]!.ev.connected();
  net.conns[1]!.ev.connected();
  net.conns[0]!.ev.data(new Uint8Array(3));
  a.release();
  b.release();
  assert.equal(net.conns[0]!.conn.wasReset, true);
  assert.equal(net.conns[1]!.conn.closed, true);
  assert.equal(net.conns[1]!.conn.wasReset, false);
});

test('a listener queues the connections the host hands it; accept returns them with their addresses', () => {
  const { r } = fakeCaller();
  const net = new FakeNet();
  const l = sock(net, SOCK_STREAM);
  first(r, () => l.listen(r, 5, noPaths()));
  net.servers[0]!.ev.listening();
  assert.equal(again(r, () => l.listen(r, 5, noPaths())), 0);
  const conn = new FakeConn({ family: 4, address: '127.0.0.1', port: 40000 }, { family: 4, address: '127.0.0.1', port: 55555 });
  const ev = net.servers[0]!.ev.connection(conn);
  const child = first(r, () => l.accept(r, noPaths())) as InetSocket;
  assert.equal((child.peerName() as { port: number }).port, 55555);
  ev.data(new TextEncoder().encode('hi'));
  assert.equal(recvText(child, r), 'hi');
});

test('an unbound UDP socket binds on the host before its first send, then sends; datagrams arrive with their source', () => {
  const { r } = fakeCaller();
  const net = new FakeNet();
  const u = sock(net, SOCK_DGRAM);
  const slept = first(r, () => u.sendmsg(r, sendOf('ping', { addr: in4(LO, 53) })));
  assert.ok(slept instanceof Blocked);
  assert.equal(net.udp[0]!.sent.length, 0, 'nothing sent while binding');
  net.udp[0]!.ev.bound();
  assert.equal(again(r, () => u.sendmsg(r, sendOf('ping', { addr: in4(LO, 53) }))), 4);
  assert.deepEqual(net.udp[0]!.sent, [{ data: 'ping', to: { family: 4, address: '127.0.0.1', port: 53 } }]);
  net.udp[0]!.ev.message(new TextEncoder().encode('pong'), { family: 4, address: '127.0.0.1', port: 53 });
  const m = recvOf(16);
  assert.equal(first(r, () => u.recvmsg(r, m)), 4);
  assert.equal((m.addr as { port: number }).port, 53);
});

test('IP_ORIGDSTADDR of a host datagram is the bound address; a wildcard binding gives the loopback address for a loopback sender, else the wildcard', () => {
  const { r } = fakeCaller();
  const net = new FakeNet();
  const u = sock(net, SOCK_DGRAM);
  assert.equal(u.setProtoOpt(SOL_IP, IP_RECVORIGDSTADDR, Uint8Array.of(1), false), 0);
  assert.ok(first(r, () => u.bind(r, in4([0, 0, 0, 0], 0), noPaths())) instanceof Blocked);
  net.udp[0]!.ev.bound();
  assert.equal(again(r, () => u.bind(r, in4([0, 0, 0, 0], 0), noPaths())), 0);
  const dest = (from: string): Uint8Array | undefined => {
    net.udp[0]!.ev.message(Uint8Array.of(1), { family: 4, address: from, port: 53 });
    const m = recvOf(16, MSG_DONTWAIT);
    assert.equal(first(r, () => u.recvmsg(r, m)), 1);
    assert.equal(m.control?.length, 1);
    assert.equal(m.control![0]!.type, IP_ORIGDSTADDR);
    return m.control![0]!.data;
  };
  assert.deepEqual(dest('127.0.0.1'), in4(LO, 41000).bytes);
  assert.deepEqual(dest('192.0.2.7'), in4([0, 0, 0, 0], 41000).bytes);
});
