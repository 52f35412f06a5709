// The host network for NodeHost: guest TCP sockets on node:net, guest UDP sockets on node:dgram.
// Every operation returns at once; Node's events become the HostNet events the kernel handles
// between slices. Connections are half-open capable (allowHalfOpen), so a guest's shutdown of
// one direction does not close the other, as with Linux TCP.
import type * as Dgram from 'node:dgram';
import type * as Net from 'node:net';
import { lazyBuiltin } from './node_builtin.js';
import { EIO, errnoByName } from '../abi/errno.js';
import type {
  HostInetAddr, HostNet, HostTcpConnection, HostTcpEvents, HostTcpServer, HostTcpServerEvents, HostUdpEvents,
  HostUdpSocket,
} from './host.js';

/**
 * Bytes a connection buffers in the host before the guest's writes wait for 'drain' (Node's
 * default, 16 KiB, costs an event-loop turn per 16 KiB; this is Linux's default TCP send buffer
 * autotuned for a fast local peer).
 */
const HOST_SEND_BUFFER = 256 * 1024;

/** node:net and node:dgram, loaded at the first socket (a run without sockets never loads them). */
const net = lazyBuiltin<typeof Net>('node:net');
const dgram = lazyBuiltin<typeof Dgram>('node:dgram');

/** The Linux errno of a Node system error (its code is the host's errno name); EIO if unknown. */
function errnoOf(e: unknown): number {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  return (code !== undefined ? errnoByName(code) : undefined) ?? EIO;
}

/** A Node address triple as a HostInetAddr (null while unknown). */
function hostAddr(address: string | undefined, port: number | undefined, family?: string | number): HostInetAddr | null {
  if (address === undefined || port === undefined) return null;
  const v6 = family === 'IPv6' || family === 6 || address.includes(':');
  return { family: v6 ? 6 : 4, address, port };
}

/** One connection on a node:net socket. */
class NodeTcpConnection implements HostTcpConnection {
  constructor(private readonly sock: Net.Socket) {}

  write(data: Uint8Array): void {
    this.sock.write(data);
  }

  writable(): boolean {
    return !this.sock.writableNeedDrain;
  }

  queued(): number {
    return this.sock.writableLength;
  }

  end(): void {
    this.sock.end();
  }

  close(): void {
    this.sock.end();
    this.sock.destroySoon();
  }

  reset(): void {
    if (typeof this.sock.resetAndDestroy === 'function' && this.sock.readyState !== 'opening') this.sock.resetAndDestroy();
    else this.sock.destroy();
  }

  pause(): void {
    this.sock.pause();
  }

  resume(): void {
    this.sock.resume();
  }

  local(): HostInetAddr | null {
    return hostAddr(this.sock.localAddress, this.sock.localPort, this.sock.localFamily);
  }

  remote(): HostInetAddr | null {
    return hostAddr(this.sock.remoteAddress, this.sock.remotePort, this.sock.remoteFamily);
  }

  setNoDelay(on: boolean): void {
    this.sock.setNoDelay(on);
  }

  setKeepAlive(on: boolean, idleSeconds: number): void {
    this.sock.setKeepAlive(on, idleSeconds * 1000);
  }

  /** Routes the socket's events to ev. */
  attach(ev: HostTcpEvents): void {
    const s = this.sock;
    s.on('connect', () => ev.connected());
    s.on('data', (b: Buffer) => ev.data(b));
    s.on('end', () => ev.end());
    s.on('drain', () => ev.drain());
    s.on('error', (e) => ev.error(errnoOf(e)));
    s.on('close', () => ev.closed());
  }
}

/** The HostNet of NodeHost. */
export class NodeHostNet implements HostNet {
  tcpListen(addr: HostInetAddr, v6only: boolean, ev: HostTcpServerEvents): HostTcpServer {
    const server = net().createServer({ allowHalfOpen: true, pauseOnConnect: false, highWaterMark: HOST_SEND_BUFFER });
    server.on('connection', (s: Net.Socket) => {
      const c = new NodeTcpConnection(s);
      c.attach(ev.connection(c));
    });
    server.on('listening', () => ev.listening());
    server.on('error', (e) => ev.error(errnoOf(e)));
    server.listen({ host: addr.address, port: addr.port, ipv6Only: v6only, exclusive: true });
    return {
      address: () => {
        const a = server.address();
        return a === null || typeof a === 'string' ? null : hostAddr(a.address, a.port, a.family);
      },
      close: () => { server.close(); },
    };
  }

  tcpConnect(to: HostInetAddr, from: HostInetAddr | null, ev: HostTcpEvents): HostTcpConnection {
    const s = new (net().Socket)({ allowHalfOpen: true, writableHighWaterMark: HOST_SEND_BUFFER } as Net.SocketConstructorOpts);
    const c = new NodeTcpConnection(s);
    c.attach(ev);
    const opts: Net.TcpSocketConnectOpts = { host: to.address, port: to.port, family: to.family };
    if (from !== null) {
      opts.localAddress = from.address;
      opts.localPort = from.port;
    }
    s.connect(opts);
    return c;
  }

  udpBind(addr: HostInetAddr, o: { reuseAddr: boolean; v6only: boolean }, ev: HostUdpEvents): HostUdpSocket {
    const s = dgram().createSocket({ type: addr.family === 6 ? 'udp6' : 'udp4', reuseAddr: o.reuseAddr, ipv6Only: o.v6only });
    s.on('listening', () => ev.bound());
    s.on('error', (e) => ev.error(errnoOf(e)));
    s.on('message', (msg: Buffer, rinfo: Dgram.RemoteInfo) => {
      const from = hostAddr(rinfo.address, rinfo.port, rinfo.family);
      if (from !== null) ev.message(msg, from);
    });
    s.bind({ address: addr.address, port: addr.port });
    let closed = false;
    /** Sends handed to Node and not yet done. */
    let pending = 0;
    return {
      address: () => {
        try {
          const a = s.address();
          return hostAddr(a.address, a.port, a.family);
        } catch {
          return null; // not bound yet
        }
      },
      send: (data, to) => {
        if (closed) return;
        // Node sends after an address lookup (a later turn): a close before then would drop the
        // datagram that Linux had already sent, so the close waits for the sends in flight.
        pending++;
        s.send(data, to.port, to.address, () => { /* UDP: a failed send is not reported */
          if (--pending === 0 && closed) s.close();
        });
      },
      setBroadcast: (on) => {
        try { s.setBroadcast(on); } catch { /* not bound yet: applies to nothing */ }
      },
      close: () => {
        if (closed) return;
        closed = true;
        if (pending === 0) s.close();
      },
    };
  }
}
