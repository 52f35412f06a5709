// Chooses the network AF_INET and AF_INET6 sockets use: the host's (Host.net) when the kernel
// runs in real time on a host that has one, else the simulated loopback network, which is what
// deterministic mode always uses so that runs replay.
import type { Host } from '../../host/host.js';
import { HostInetStack } from './host_inet.js';
import type { InetStack } from './inet.js';
import { LoopbackNet } from './loopback.js';
import { queuedHostNet } from '../host_net_events.js';

/** Returns the IPv4/IPv6 stack for a kernel on host (deterministic: the simulated one); post
 *  queues the host network's events for the kernel's event point. */
export function createInetStack(host: Host, deterministic: boolean, post: (fn: () => void) => void): InetStack {
  const hn = host.net;
  return deterministic || hn === undefined ? new LoopbackNet() : new HostInetStack(queuedHostNet(hn, post));
}
