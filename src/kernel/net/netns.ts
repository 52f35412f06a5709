// A kernel's network namespace: the AF_UNIX names, and the IPv4/IPv6 stack (the host's network,
// or in deterministic mode a simulated loopback network inside the kernel).
import type { Caller } from '../request.js';
import type { KernelClock } from '../time/deadline.js';
import type { InetStack } from './inet.js';
import type { SockCred, SockEnv } from './socket.js';
import { UnixNamespace } from './unix.js';

export class NetNs implements SockEnv {
  readonly unix = new UnixNamespace();

  constructor(
    readonly clock: KernelClock,
    private readonly creds: (c: Caller) => SockCred,
    /** AF_INET and AF_INET6 sockets. */
    readonly inet: InetStack,
  ) {}

  credOf(c: Caller): SockCred {
    return this.creds(c);
  }
}
