// HostTask: the API host code uses to act as a task of the kernel (Kernel.hostTask() makes one).
// Every method is one or more system calls of the syscall table, run by the task's HostThread
// (host_task.ts) through the same invoke() as a guest's ecall, at the kernel's event point. Every
// method returns a promise: it resolves with the call's result, or rejects with an ErrnoError
// (errno, code "ENOENT", syscall) when the call fails, with a KernelStateError once the kernel is
// shut down or the host task has exited. A call that blocks (a read of an empty pipe, a futex wait)
// leaves its promise pending while guests run on; a signal to the host task or an AbortSignal
// interrupts it by the restart rules of a guest's call. Buffers and strings are copied into
// scratch pages of the host task's own address space for the call and unmapped after it.
import { SYSCALL_NAMES } from './syscalls/names.js';
import { SyscallError } from '../abi/errno.js';
import { callName, ErrnoError, type HostCall, type HostSignalHandler, HostThread, type HostValue } from './host_task.js';
import { KernelStateError } from './host_events.js';
import type { SigInfo } from './signal.js';
import { SA_RESTART } from './signal_frame.js';

/** Options every call takes: an AbortSignal interrupts the call (EINTR, never restarted). */
export interface CallOptions {
  signal?: AbortSignal;
}

/** What fstat and stat report (struct stat of riscv64, times in nanoseconds since the epoch). */
export interface HostTaskStat {
  dev: bigint; ino: bigint; mode: number; nlink: number; uid: number; gid: number; rdev: bigint;
  size: number; blksize: number; blocks: number; atimeNs: bigint; mtimeNs: bigint; ctimeNs: bigint;
  isFile(): boolean; isDirectory(): boolean; isFIFO(): boolean; isSymbolicLink(): boolean;
}

/** What the kernel offers the API: whether its gate is closed. */
export interface HostGate {
  readonly closed: boolean;
}

// Syscall numbers (riscv64, asm-generic) of the typed wrappers.
const NR = {
  mknodat: 33, mkdirat: 34, unlinkat: 35, openat: 56, close: 57, pipe2: 59, lseek: 62, read: 63, write: 64,
  newfstatat: 79, fstat: 80, exit_group: 94, futex: 98, kill: 129, getpid: 172, getppid: 173, munmap: 215, mmap: 222,
} as const;
/** Names to numbers for syscall("name", ...). */
const NR_BY_NAME = new Map([...SYSCALL_NAMES].map(([nr, name]) => [name, nr]));

/** open(2) flags and friends (riscv64 values), for the wrappers' callers. */
export const O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2, O_CREAT = 0o100, O_EXCL = 0o200, O_TRUNC = 0o1000,
  O_APPEND = 0o2000, O_NONBLOCK = 0o4000, O_DIRECTORY = 0o200000, O_CLOEXEC = 0o2000000,
  O_TMPFILE = 0o20200000;
export const AT_FDCWD = -100, AT_REMOVEDIR = 0x200, AT_SYMLINK_NOFOLLOW = 0x100;
export const PROT_READ = 1, PROT_WRITE = 2, MAP_SHARED = 1, MAP_PRIVATE = 2, MAP_ANONYMOUS = 0x20;
const S_IFMT = 0o170000, S_IFREG = 0o100000, S_IFDIR = 0o40000, S_IFIFO = 0o10000, S_IFLNK = 0o120000;
const FUTEX_WAIT = 0, FUTEX_WAKE = 1, FUTEX_PRIVATE_FLAG = 128;
/** sizeof(struct stat) and struct timespec on riscv64. */
const STAT_SIZE = 128, TIMESPEC_SIZE = 16;
/** Bytes readFile asks for per read call: big enough for few calls, small enough for one scratch mapping. */
const READ_FILE_CHUNK = 65536;
/** Most bytes one read() wrapper call copies out (Linux's MAX_RW_COUNT: INT_MAX rounded down to a page). */
const MAX_RW_COUNT = 0x7fff_f000;
/** The name scratch mappings show in /proc/<pid>/maps. */
const SCRATCH_NAME = '[host-scratch]';

/** Scratch memory of one call: mapped by prepare, unmapped by cleanup. */
class Scratch {
  private readonly maps: [number, number][] = [];

  constructor(private readonly t: HostThread) {}

  /** Maps len bytes (at least one page) and returns the address; throws an ErrnoError if memory is short. */
  alloc(len: number): number {
    const n = Math.max(1, len);
    const a = this.t.mm.mmap(0, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, null, 0, SCRATCH_NAME);
    if (a < 0) throw new ErrnoError(-a, 'mmap');
    this.maps.push([a, n]);
    return a;
  }

  /** Copies data into new scratch memory; returns its address. */
  put(data: Uint8Array): number {
    const a = this.alloc(data.length);
    if (data.length > 0) this.t.mm.mem.write(a, data);
    return a;
  }

  /** Copies s as a NUL-terminated UTF-8 string; returns its address. */
  cstr(s: string): number {
    const b = utf8(s);
    const z = new Uint8Array(b.length + 1);
    z.set(b);
    return this.put(z);
  }

  /** Unmaps everything. */
  free(): void {
    for (const [a, n] of this.maps) this.t.mm.munmap(a, n);
    this.maps.length = 0;
  }
}

/** Host code's task in the kernel: a process of its own (pid) with one thread that host code drives. */
export class HostTask {
  constructor(private readonly thread: HostThread, private readonly gate: HostGate) {}

  /** The host task's process id (and thread id): what guests see in si_pid, kill and /proc. */
  get pid(): number {
    return this.thread.tid;
  }

  /** True once the host task's process has ended (exit, a fatal signal, shutdown). */
  get exited(): boolean {
    return this.thread.tg.exitCode !== null;
  }

  /**
   * Any call of the syscall table by number or name, with raw argument values (addresses are in
   * this task's address space: see mmap, readMemory, writeMemory). Resolves with the raw result
   * (>= 0); rejects with an ErrnoError for -errno.
   */
  syscall(nr: number | string, args: readonly HostValue[] = [], opts: CallOptions = {}): Promise<number | bigint> {
    const n = typeof nr === 'number' ? nr : NR_BY_NAME.get(nr);
    if (n === undefined) return Promise.reject(new TypeError(`unknown syscall name ${String(nr)}`));
    return this.call(n, opts, () => [...args], (_s, r) => r);
  }

  /** openat(dirfd, path, flags, mode): the new fd. */
  openat(dirfd: number, path: string, flags = O_RDONLY, mode = 0o666, opts: CallOptions = {}): Promise<number> {
    // The mode argument only means something with O_CREAT or O_TMPFILE (libc passes 0 otherwise).
    const m = (flags & O_CREAT) !== 0 || (flags & O_TMPFILE) === O_TMPFILE ? mode : 0;
    return this.call(NR.openat, opts, (s) => [dirfd, s.cstr(path), flags, m], (_s, r) => Number(r));
  }

  /** open(path, flags, mode) (openat relative to the cwd): the new fd. */
  open(path: string, flags = O_RDONLY, mode = 0o666, opts: CallOptions = {}): Promise<number> {
    return this.openat(AT_FDCWD, path, flags, mode, opts);
  }

  /** read(fd, count): the bytes read (empty at end of file). */
  read(fd: number, count: number, opts: CallOptions = {}): Promise<Uint8Array> {
    const n = Math.min(Math.max(0, count), MAX_RW_COUNT);
    let buf = 0;
    return this.call(NR.read, opts, (s) => { buf = s.alloc(n); return [fd, buf, n]; },
      (_s, r) => this.thread.mm.mem.read(buf, Number(r)));
  }

  /** write(fd, data): the number of bytes written (a string is written as UTF-8). */
  write(fd: number, data: Uint8Array | string, opts: CallOptions = {}): Promise<number> {
    const b = typeof data === 'string' ? utf8(data) : data;
    return this.call(NR.write, opts, (s) => [fd, s.put(b), b.length], (_s, r) => Number(r));
  }

  /** lseek(fd, offset, whence): the new offset. */
  lseek(fd: number, offset: number, whence: number, opts: CallOptions = {}): Promise<number> {
    return this.call(NR.lseek, opts, () => [fd, offset, whence], (_s, r) => Number(r));
  }

  /** close(fd). */
  close(fd: number, opts: CallOptions = {}): Promise<void> {
    return this.call(NR.close, opts, () => [fd], () => undefined);
  }

  /** stat(path) (newfstatat; lstat with { follow: false }). */
  stat(path: string, opts: CallOptions & { follow?: boolean } = {}): Promise<HostTaskStat> {
    let buf = 0;
    const flags = opts.follow === false ? AT_SYMLINK_NOFOLLOW : 0;
    return this.call(NR.newfstatat, opts, (s) => { buf = s.alloc(STAT_SIZE); return [AT_FDCWD, s.cstr(path), buf, flags]; },
      () => decodeStat(this.thread.mm.mem.read(buf, STAT_SIZE)));
  }

  /** fstat(fd). */
  fstat(fd: number, opts: CallOptions = {}): Promise<HostTaskStat> {
    let buf = 0;
    return this.call(NR.fstat, opts, (s) => { buf = s.alloc(STAT_SIZE); return [fd, buf]; },
      () => decodeStat(this.thread.mm.mem.read(buf, STAT_SIZE)));
  }

  /** mkdir(path, mode). */
  mkdir(path: string, mode = 0o777, opts: CallOptions = {}): Promise<void> {
    return this.call(NR.mkdirat, opts, (s) => [AT_FDCWD, s.cstr(path), mode], () => undefined);
  }

  /** mkfifo(path, mode): a named pipe (mknodat with S_IFIFO). */
  mkfifo(path: string, mode = 0o666, opts: CallOptions = {}): Promise<void> {
    return this.call(NR.mknodat, opts, (s) => [AT_FDCWD, s.cstr(path), S_IFIFO | (mode & 0o7777), 0], () => undefined);
  }

  /** unlink(path). */
  unlink(path: string, opts: CallOptions = {}): Promise<void> {
    return this.call(NR.unlinkat, opts, (s) => [AT_FDCWD, s.cstr(path), 0], () => undefined);
  }

  /** rmdir(path). */
  rmdir(path: string, opts: CallOptions = {}): Promise<void> {
    return this.call(NR.unlinkat, opts, (s) => [AT_FDCWD, s.cstr(path), AT_REMOVEDIR], () => undefined);
  }

  /** pipe2(flags): [read end, write end]. */
  pipe2(flags = 0, opts: CallOptions = {}): Promise<[number, number]> {
    let buf = 0;
    return this.call(NR.pipe2, opts, (s) => { buf = s.alloc(8); return [buf, flags]; }, () => {
      const b = new DataView(this.thread.mm.mem.read(buf, 8).buffer);
      return [b.getInt32(0, true), b.getInt32(4, true)] as [number, number];
    });
  }

  /** kill(pid, sig): sends a signal as this task (si_pid is this task's pid). */
  kill(pid: number, sig: number, opts: CallOptions = {}): Promise<void> {
    return this.call(NR.kill, opts, () => [pid, sig], () => undefined);
  }

  /** getpid(). */
  getpid(opts: CallOptions = {}): Promise<number> {
    return this.call(NR.getpid, opts, () => [], (_s, r) => Number(r));
  }

  /** getppid(): 0, the host task's parent is outside the guest's pid namespace. */
  getppid(opts: CallOptions = {}): Promise<number> {
    return this.call(NR.getppid, opts, () => [], (_s, r) => Number(r));
  }

  /**
   * mmap(len, prot, flags, fd, offset) in this task's address space: the address. Map a tmpfs file
   * with MAP_SHARED to share memory (and futex words) with a guest that maps the same file.
   */
  mmap(len: number, prot = PROT_READ | PROT_WRITE, flags = MAP_PRIVATE | MAP_ANONYMOUS, fd = -1, offset = 0, opts: CallOptions = {}): Promise<number> {
    return this.call(NR.mmap, opts, () => [0, len, prot, flags, fd, offset], (_s, r) => Number(r));
  }

  /** munmap(addr, len). */
  munmap(addr: number, len: number, opts: CallOptions = {}): Promise<void> {
    return this.call(NR.munmap, opts, () => [addr, len], () => undefined);
  }

  /**
   * futex(FUTEX_WAIT): sleeps while the 32-bit word at addr (in this task's address space) holds
   * `expected`, until a FUTEX_WAKE, the relative timeout, a signal or an abort. Rejects with EAGAIN
   * if the word differs, ETIMEDOUT, or EINTR. private: FUTEX_PRIVATE_FLAG (default false, so a
   * word in a shared file mapping meets a guest's waiters and wakers).
   */
  futexWait(addr: number, expected: number, opts: CallOptions & { timeoutNs?: bigint; private?: boolean } = {}): Promise<void> {
    const op = FUTEX_WAIT | (opts.private ? FUTEX_PRIVATE_FLAG : 0);
    return this.call(NR.futex, opts, (s) => {
      let ts = 0;
      if (opts.timeoutNs !== undefined) {
        const b = new DataView(new ArrayBuffer(TIMESPEC_SIZE));
        b.setBigInt64(0, opts.timeoutNs / 1_000_000_000n, true);
        b.setBigInt64(8, opts.timeoutNs % 1_000_000_000n, true);
        ts = s.put(new Uint8Array(b.buffer));
      }
      return [addr, op, expected >>> 0, ts, 0, 0];
    }, () => undefined);
  }

  /** futex(FUTEX_WAKE): wakes up to count waiters on the word at addr; the number woken. */
  futexWake(addr: number, count = 1, opts: CallOptions & { private?: boolean } = {}): Promise<number> {
    const op = FUTEX_WAKE | (opts.private ? FUTEX_PRIVATE_FLAG : 0);
    return this.call(NR.futex, opts, () => [addr, op, count, 0, 0, 0], (_s, r) => Number(r));
  }

  /** Copies len bytes out of this task's address space (EFAULT if unmapped). Not a syscall: not traced. */
  readMemory(addr: number, len: number): Promise<Uint8Array> {
    return this.call(-1, {}, () => [], () => this.thread.mm.mem.read(addr, len));
  }

  /** Copies data into this task's address space (EFAULT if not writable). Not a syscall: not traced. */
  writeMemory(addr: number, data: Uint8Array): Promise<void> {
    return this.call(-1, {}, () => { this.thread.mm.mem.write(addr, data); return []; }, () => undefined);
  }

  /** The whole content of the file at path (open, read until end of file, close). */
  async readFile(path: string, opts: CallOptions = {}): Promise<Uint8Array> {
    const fd = await this.open(path, O_RDONLY | O_CLOEXEC, 0, opts);
    const parts: Uint8Array[] = [];
    let total = 0;
    try {
      for (;;) {
        const b = await this.read(fd, READ_FILE_CHUNK, opts);
        if (b.length === 0) break;
        parts.push(b);
        total += b.length;
      }
    } finally {
      await this.close(fd).catch(() => undefined);
    }
    const out = new Uint8Array(total);
    let o = 0;
    for (const p of parts) { out.set(p, o); o += p.length; }
    return out;
  }

  /** The file at path as UTF-8 text. */
  async readTextFile(path: string, opts: CallOptions = {}): Promise<string> {
    return new TextDecoder().decode(await this.readFile(path, opts));
  }

  /** Creates or truncates the file at path and writes data (a string as UTF-8). */
  async writeFile(path: string, data: Uint8Array | string, mode = 0o644, opts: CallOptions = {}): Promise<void> {
    const b = typeof data === 'string' ? utf8(data) : data;
    const fd = await this.open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode, opts);
    try {
      for (let off = 0; off < b.length;) off += await this.write(fd, b.subarray(off), opts);
    } finally {
      await this.close(fd).catch(() => undefined);
    }
  }

  /**
   * Installs (or with null removes) a JavaScript handler for signal sig: from then on sig does not
   * take its default action on this task; the handler runs at the event point with the siginfo.
   * restart: SA_RESTART (an interrupted ERESTARTSYS call restarts instead of failing with EINTR).
   */
  onSignal(sig: number, handler: HostSignalHandler | null, opts: { restart?: boolean } = {}): void {
    if (!(sig >= 1 && sig <= 64) || sig === 9 || sig === 19) throw new RangeError(`cannot handle signal ${sig}`);
    if (handler === null) {
      this.thread.handlers.delete(sig);
      this.thread.tg.actions[sig] = { handler: 0n, flags: 0n, mask: 0n };
      return;
    }
    this.thread.handlers.set(sig, handler);
    this.thread.tg.actions[sig] = { handler: HOST_HANDLER, flags: opts.restart ? SA_RESTART : 0n, mask: 0n };
  }

  /** Ends the host task's process (exit_group(code)): its files close; later calls fail. */
  async exit(code = 0): Promise<void> {
    if (this.exited || this.gate.closed) return;
    await this.call(NR.exit_group, {}, () => [code], () => undefined).catch((e: unknown) => {
      if (!(e instanceof KernelStateError && e.code === 'ERR_HOST_TASK_EXITED')) throw e;
    });
  }

  /** `await using task = kernel.hostTask()`: exits the task at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.exit();
  }

  /** Submits one call: prepare copies inputs into scratch memory, finish reads the results out. */
  private call<T>(nr: number, opts: CallOptions, prepare: (s: Scratch) => HostValue[], finish: (s: Scratch, res: number | bigint) => T): Promise<T> {
    if (this.gate.closed) {
      return Promise.reject(new KernelStateError('ERR_KERNEL_SHUTDOWN', 'the kernel is shut down: host calls are refused'));
    }
    return new Promise<T>((resolve, reject) => {
      let scratch: Scratch | null = null;
      const c: HostCall = {
        nr,
        signal: opts.signal ?? null,
        prepare: (t) => { scratch = new Scratch(t); return errnoOf(nr, () => prepare(scratch!)); },
        finish: (_t, res) => errnoOf(nr, () => finish(scratch!, res)),
        cleanup: () => { scratch?.free(); scratch = null; },
        resolve: resolve as (v: unknown) => void,
        reject,
      };
      this.thread.submit(c);
    });
  }
}

/** Runs fn; a checked copy's SyscallError (EFAULT, ENOMEM) becomes an ErrnoError naming the call. */
function errnoOf<T>(nr: number, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof SyscallError) throw new ErrnoError(e.errno, callName(nr));
    throw e;
  }
}

/** s as UTF-8 bytes. */
function utf8(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

/** The sa_handler value that marks a JavaScript handler (any value but SIG_DFL 0 and SIG_IGN 1). */
const HOST_HANDLER = 2n;

/** Decodes riscv64's struct stat. */
function decodeStat(b: Uint8Array): HostTaskStat {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const ts = (o: number): bigint => v.getBigInt64(o, true) * 1_000_000_000n + v.getBigInt64(o + 8, true);
  const mode = v.getUint32(16, true);
  return {
    dev: v.getBigUint64(0, true), ino: v.getBigUint64(8, true), mode, nlink: v.getUint32(20, true),
    uid: v.getUint32(24, true), gid: v.getUint32(28, true), rdev: v.getBigUint64(32, true),
    size: Number(v.getBigInt64(48, true)), blksize: v.getInt32(56, true), blocks: Number(v.getBigInt64(64, true)),
    atimeNs: ts(72), mtimeNs: ts(88), ctimeNs: ts(104),
    isFile: () => (mode & S_IFMT) === S_IFREG, isDirectory: () => (mode & S_IFMT) === S_IFDIR,
    isFIFO: () => (mode & S_IFMT) === S_IFIFO, isSymbolicLink: () => (mode & S_IFMT) === S_IFLNK,
  };
}

export type { SigInfo };
export { ErrnoError };
