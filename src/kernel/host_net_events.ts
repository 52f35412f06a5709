// The host network's events as host events: a HostNet whose event callbacks (connected, data,
// a new connection, a datagram, ...) do not run kernel code when the host calls them, but queue
// it for the kernel's event point (host_events.ts), in the order the host delivered them. The
// kernel hands this wrapper to its IP stack instead of Host.net itself.
import type {
  HostInetAddr, HostNet, HostTcpConnection, HostTcpEvents, HostTcpServer, HostTcpServerEvents, HostUdpEvents, HostUdpSocket,
} from '../host/host.js';

/** Queues fn for the event point. */
type Post = (fn: () => void) => void;

/** Returns net with every event callback queued through post. */
export function queuedHostNet(net: HostNet, post: Post): HostNet {
  return {
    tcpListen(addr: HostInetAddr, v6only: boolean, ev: HostTcpServerEvents): HostTcpServer {
      return net.tcpListen(addr, v6only, queuedServerEvents(ev, post));
    },
    tcpConnect(to: HostInetAddr, from: HostInetAddr | null, ev: HostTcpEvents): HostTcpConnection {
      return net.tcpConnect(to, from, queuedTcpEvents(() => ev, post));
    },
    udpBind(addr: HostInetAddr, opts: { reuseAddr: boolean; v6only: boolean }, ev: HostUdpEvents): HostUdpSocket {
      return net.udpBind(addr, opts, {
        bound: () => post(() => ev.bound()),
        error: (errno) => post(() => ev.error(errno)),
        message: (data, from) => post(() => ev.message(data, from)),
      });
    },
  };
}

/** A connection's events, queued; target() gives the kernel's events once they exist. */
function queuedTcpEvents(target: () => HostTcpEvents, post: Post): HostTcpEvents {
  return {
    connected: () => post(() => target().connected()),
    data: (bytes) => post(() => target().data(bytes)),
    end: () => post(() => target().end()),
    drain: () => post(() => target().drain()),
    error: (errno) => post(() => target().error(errno)),
    closed: () => post(() => target().closed()),
  };
}

/**
 * A listener's events, queued. A new connection must get its events object at once, but the
 * kernel's comes from running kernel code: the host gets a queued proxy, and the connection
 * itself is handed over at the event point, before any of its queued events run (same queue).
 */
function queuedServerEvents(ev: HostTcpServerEvents, post: Post): HostTcpServerEvents {
  return {
    listening: () => post(() => ev.listening()),
    error: (errno) => post(() => ev.error(errno)),
    connection: (conn) => {
      let real: HostTcpEvents | null = null;
      post(() => { real = ev.connection(conn); });
      return queuedTcpEvents(() => real!, post);
    },
  };
}
