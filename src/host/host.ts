// The host interface: everything nondeterministic (time, randomness, stdio, host files) and the
// host's event loop come through here, so the kernel itself uses no Node API: the same kernel runs
// on the Node host (node.ts), under the deterministic simulated host (sim.ts), and in a browser.
import type { HostFs } from './fs.js';

/** Host standard input as an event source: data arrives asynchronously and is buffered. */
export interface HostStdin {
  /** Takes up to max buffered bytes; returns null if none are buffered yet, empty at EOF. */
  take(max: number): Uint8Array | null;
  /** Bytes buffered now (for FIONREAD and poll). */
  available(): number;
  /** True once EOF was seen and the buffer is drained. */
  atEof(): boolean;
  /** Asks the host to start reading; onData runs (from the event loop) when data or EOF arrives. */
  request(onData: () => void): void;
  /** Stops reading, so the host process can exit. */
  close(): void;
}

/** What a host stdio fd refers to, for the guest's fstat and /proc/self/fd (see Host.stdioInfo). */
export interface HostStdioInfo {
  kind: 'tty' | 'pipe' | 'file' | 'chr' | 'socket';
  /** Host inode number (shown in "pipe:[N]"), or 0 if unknown. */
  ino: number;
  /** Size in bytes for a regular file, else 0. */
  size: number;
  /** Device number of a character device (encoded as new_encode_dev), else 0. */
  rdev: number;
  /** Host path of a file or device, if known. */
  path: string | null;
}

/**
 * An IPv4 or IPv6 endpoint as the host names it: an address in text form ("127.0.0.1", "::1",
 * "::ffff:10.0.0.1") and a port.
 */
export interface HostInetAddr {
  family: 4 | 6;
  address: string;
  port: number;
}

/**
 * What the host reports about one TCP connection. The host calls these from its event loop,
 * between kernel slices (never inside a kernel call), like host stdin's data callback; the kernel
 * updates the guest socket and wakes the requests sleeping on it.
 */
export interface HostTcpEvents {
  /** A connection started by tcpConnect is established. */
  connected(): void;
  /** Bytes arrived (the kernel keeps the array). */
  data(bytes: Uint8Array): void;
  /** The peer finished sending (a FIN): reads will see end of file after the data. */
  end(): void;
  /** The host's send buffer drained: writable() is true again. */
  drain(): void;
  /** The connection failed or was reset; errno is Linux's (ECONNREFUSED, ECONNRESET, ETIMEDOUT, EPIPE...). */
  error(errno: number): void;
  /** The host closed the connection for good; no more events follow. */
  closed(): void;
}

/** One host TCP connection, made by tcpConnect or handed over by a listener. */
export interface HostTcpConnection {
  /** Queues bytes to send (the host copies them, or keeps them until sent: the kernel does not reuse them). */
  write(data: Uint8Array): void;
  /** False while the host's send buffer is full: the kernel makes senders wait for drain(). */
  writable(): boolean;
  /** Bytes written and not yet sent by the host (SIOCOUTQ). */
  queued(): number;
  /** Sends a FIN after the queued bytes (shutdown SHUT_WR). */
  end(): void;
  /** Closes gracefully (FIN after the queued bytes) and lets the connection go. */
  close(): void;
  /** Closes with a reset (RST), dropping what is queued either way. */
  reset(): void;
  /** Stops delivering data() until resume() (the guest's receive buffer is full). */
  pause(): void;
  resume(): void;
  /** The local and remote endpoints, once known. */
  local(): HostInetAddr | null;
  remote(): HostInetAddr | null;
  /** TCP_NODELAY. */
  setNoDelay(on: boolean): void;
  /** SO_KEEPALIVE, with the idle time before the first probe. */
  setKeepAlive(on: boolean, idleSeconds: number): void;
}

/** What the host reports about a TCP listener. */
export interface HostTcpServerEvents {
  /** The listener is bound and listening: address() gives its port. */
  listening(): void;
  /** Binding or listening failed (EADDRINUSE, EACCES, EADDRNOTAVAIL...). */
  error(errno: number): void;
  /** A client connected: returns where that connection's events go. */
  connection(conn: HostTcpConnection): HostTcpEvents;
}

/** A host TCP listener. */
export interface HostTcpServer {
  /** The bound endpoint, once listening. */
  address(): HostInetAddr | null;
  /** Stops listening (connections already handed over stay open). */
  close(): void;
}

/** What the host reports about a UDP socket. */
export interface HostUdpEvents {
  /** The socket is bound: address() gives its port. */
  bound(): void;
  /** Binding failed, or the socket failed later (a Linux errno). */
  error(errno: number): void;
  /** A datagram arrived from `from` (the kernel keeps the array). */
  message(data: Uint8Array, from: HostInetAddr): void;
}

/** A host UDP socket. */
export interface HostUdpSocket {
  /** The bound endpoint, once bound. */
  address(): HostInetAddr | null;
  /** Sends one datagram (failures, as for UDP, are not reported). */
  send(data: Uint8Array, to: HostInetAddr): void;
  /** SO_BROADCAST. */
  setBroadcast(on: boolean): void;
  close(): void;
}

/**
 * The host's network, for the guest's AF_INET and AF_INET6 sockets. Every operation starts
 * something and returns at once; its outcome arrives later as an event. The kernel calls
 * tcpListen when a guest TCP socket binds or listens (so that bind reports EADDRINUSE),
 * tcpConnect when it connects, and udpBind when a UDP socket binds, connects or first sends.
 * A host without a network (a browser, or the deterministic SimHost) leaves Host.net undefined
 * and the kernel simulates a loopback network instead.
 */
export interface HostNet {
  /** Binds and listens on addr (port 0: any free port); v6only for an IPv6 wildcard that must not take IPv4. */
  tcpListen(addr: HostInetAddr, v6only: boolean, ev: HostTcpServerEvents): HostTcpServer;
  /** Connects to `to`, from `from` when the guest bound the socket first. */
  tcpConnect(to: HostInetAddr, from: HostInetAddr | null, ev: HostTcpEvents): HostTcpConnection;
  /** Opens a UDP socket bound to addr (port 0: any free port). */
  udpBind(addr: HostInetAddr, opts: { reuseAddr: boolean; v6only: boolean }, ev: HostUdpEvents): HostUdpSocket;
}

/** A timer armed with Host.armTimer. */
export interface HostTimer {
  /** Disarms the timer: onFire will not run (a no-op once it has fired). */
  cancel(): void;
}

/**
 * The host operations: everything the kernel needs from the platform it runs on. NodeHost
 * (node.ts), SimHost (sim.ts, deterministic) and BrowserHost implement it; a test
 * (test/unit/host_boundary.test.ts) checks that the kernel reaches the platform only through it.
 * docs/host-api.md has the same reference as a table.
 *
 * Rules for every operation: the kernel calls them from JavaScript's one thread, from inside the
 * kernel (a syscall handler, the scheduler loop, the event point) unless an entry says otherwise;
 * so an operation must not call back into the kernel synchronously (no Kernel method, no HostTask
 * call awaited inside it). An operation that is "synchronous" must finish its work before it
 * returns. Operations that deliver something later (stdin data, timers, signals, network events)
 * call their callbacks from the host's event loop, never from inside the operation itself; the
 * kernel then queues the work as a host event (kernel/host_events.ts) and runs it at its event
 * point. Errors are returned as Linux errno values (negative numbers) where the signature says
 * so; an operation never throws for a guest's bad input.
 */
export interface Host {
  /**
   * Wall-clock time in nanoseconds since the Unix epoch (CLOCK_REALTIME, file times). Called on clock_gettime(CLOCK_REALTIME), gettimeofday, every file time stamp
   * and a few /proc reads, so it must be cheap. May jump (the kernel assumes nothing of its
   * monotonicity). A deterministic host returns virtual time.
   */
  realtimeNs(): bigint;
  /**
   * Monotonic time in nanoseconds since an arbitrary start: never decreases. The kernel reads it
   * once at construction (its boot time), then for CLOCK_MONOTONIC, rdtime, every timer deadline,
   * and (real-time mode) the pacing of its yields to the host. Must be cheap (called on every
   * timer check between slices). With virtualClock it must return the virtual clock's now().
   */
  monotonicNs(): bigint;
  /**
   * Fills buf with random bytes, synchronously: getrandom, /dev/urandom, AT_RANDOM, ASLR offsets,
   * and in deterministic mode every seeded choice that needs fresh bytes. A deterministic host
   * must return the same bytes for the same seed and call order; the kernel assumes nothing of
   * their quality beyond that (a browser uses crypto.getRandomValues, Node crypto.randomFillSync).
   */
  randomFill(buf: Uint8Array): void;
  /**
   * Writes bytes to host fd 1 or 2, synchronously (a guest's write to inherited stdout returns
   * what this returns): bytes written (may be fewer, the guest writes the rest) or -errno (-EPIPE,
   * -EAGAIN). Called from inside the guest's write; the kernel does not keep `data` afterwards.
   */
  writeStdio(fd: 1 | 2, data: Uint8Array): number;
  /**
   * Host standard input (HostStdin): the kernel takes buffered bytes synchronously and asks for
   * more with request(onData), whose callback the host calls later from its event loop. Closed by
   * the kernel when the last process ends or at shutdown.
   */
  readonly stdin: HostStdin;
  /** Whether host fd 0, 1 or 2 is a terminal (isatty, TCGETS, the tty line discipline); synchronous and cheap. */
  isatty(fd: number): boolean;
  /**
   * Terminal size of host fd (TIOCGWINSZ), or null if not a terminal. Read when a guest asks
   * and after a host SIGWINCH; the kernel caches it until the next SIGWINCH.
   */
  winsize(fd: number): { rows: number; cols: number } | null;
  /**
   * Host file access (HostFs, fs.ts), for directory mounts (--mount, --root, the host working
   * directory) and --sysroot. Every operation is synchronous and returns -errno on failure; the
   * kernel calls them from inside guest syscalls. A host without files (a browser) returns -ENOENT.
   */
  readonly fs: HostFs;
  /**
   * The user and group ids the guest runs as by default (the host user's); read at construction
   * and at process creation, and for host file ownership. Must stay the same for the kernel's life.
   */
  uid(): number;
  gid(): number;
  /** What host fd 0, 1 or 2 is (fstat, /proc/self/fd); optional: without it stdio is a tty when isatty, else a pipe. */
  stdioInfo?(fd: 0 | 1 | 2): HostStdioInfo | null;
  /**
   * Present on deterministic hosts: time is virtual and moves only when the kernel advances it
   * (by retired instructions, and to the next timer when every task sleeps). Its presence tells the
   * kernel not to wait for host time; monotonicNs and realtimeNs must follow it.
   */
  readonly virtualClock?: { advance(ns: bigint): void; now(): bigint };
  /** Host identity for uname(2)'s nodename and /proc/sys/kernel/hostname; read at construction. */
  hostname(): string;
  /**
   * The host's network for IP sockets (HostNet); absent: the kernel simulates a loopback network
   * (a browser, the deterministic SimHost).
   */
  readonly net?: HostNet;
  /**
   * Login name and home directory of uid() on the host, if the host knows them; optional. They
   * name the guest's own entry in the synthetic /etc/passwd (default: "user" and "/").
   */
  user?(): { name: string; home: string } | null;
  /**
   * The host's working directory as an absolute host path, or null when the host has none (a
   * browser). Without a root option the VFS mounts it at the same guest path, and spawn starts the
   * first process there, so relative program paths mean what they mean to the host user.
   */
  cwd(): string | null;
  /** Number of processors the host offers: the default count of virtual CPUs in real-time mode; read at construction. */
  cpuCount(): number;
  /**
   * Resolves once the host's event loop has had a turn (pending I/O callbacks, timers, other host
   * code, and every queued microtask). While guests compute, the kernel awaits it every few
   * milliseconds of host time (every DET_YIELD_INSNS retired instructions in deterministic mode),
   * and in deterministic mode after each event point at which a host call settled, so that host
   * code runs beside the kernel at points the seed fixes. Must not resolve synchronously.
   */
  yieldToHost(): Promise<void>;
  /**
   * Calls onFire once, from the host's event loop, after delayMs milliseconds of host time
   * (Infinity: never), unless cancelled first; never calls it before returning. In real-time mode
   * the kernel arms one when every task sleeps, for its earliest timer, and cancels it when a host
   * event wakes a task first. While a timer is armed the host must keep running (a Node process
   * must not exit), so a guest that waits forever hangs, as on Linux. Shutdown cancels it.
   */
  armTimer(delayMs: number, onFire: () => void): HostTimer;
  /**
   * Subscribes to signals the host process receives: from then on, each of `signals` (Linux
   * numbers) that arrives calls onSignal from the host's event loop instead of the host's own
   * handling (a Node process no longer exits on SIGINT). Returns the function that ends the
   * subscription. The kernel subscribes while a foreground process lives (one started with the
   * host's stdio, such as the ecall command's) and posts each signal as a host event; it
   * unsubscribes when the last one ends and at shutdown. Optional: a host without signals (a
   * browser, the simulated host) leaves it out.
   */
  onSignals?(signals: readonly number[], onSignal: (signo: number) => void): () => void;
  /**
   * Stops the host process as a terminal's Ctrl-Z stops a job (SIGSTOP to itself) and returns when
   * it is continued; the kernel calls it when a forwarded SIGTSTP stops the guest. Optional.
   */
  suspend?(): void;
}
