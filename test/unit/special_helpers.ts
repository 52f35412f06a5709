// Test doubles for the special-file tests: a fake Task, a fake Host with scripted stdin, an fd table.
import { SigPending } from '../../src/kernel/signal_queue.js';
import { Cred } from '../../src/kernel/cred.js';
import { HostStdio } from '../../src/kernel/vfs/stdio.js';
import { terminalJobControl } from '../../src/kernel/process/jobctl.js';
import type { Host, HostStdin, HostStdioInfo, HostTimer } from '../../src/host/host.js';
import type { HostFs } from '../../src/host/fs.js';
import { GuestMemory, PAGE_SIZE, PROT_READ, PROT_WRITE } from '../../src/mem/guest_memory.js';
import { EBADF, EMFILE } from '../../src/abi/errno.js';
import type { Task } from '../../src/kernel/task.js';
import type { OpenFile } from '../../src/kernel/vfs/file.js';
import { Request } from '../../src/kernel/request.js';
import { argsOf } from './sys_proc_fixture.js';

/** Guest address of the one read-write page the fake task has mapped. */
export const SCRATCH = 0x10000;

/** Host stdin whose data and EOF the test delivers by hand. */
export class FakeStdin implements HostStdin {
  private buf: number[] = [];
  eof = false;
  requests: (() => void)[] = [];
  take(max: number): Uint8Array | null {
    if (this.buf.length === 0) return this.eof ? new Uint8Array(0) : null;
    return Uint8Array.from(this.buf.splice(0, max));
  }
  available(): number { return this.buf.length; }
  atEof(): boolean { return this.eof && this.buf.length === 0; }
  request(onData: () => void): void { this.requests.push(onData); }
  close(): void {}
  /** Makes bytes (or EOF) arrive and runs the pending callbacks, as the host event loop would. */
  deliver(bytes: Uint8Array | null): void {
    if (bytes === null) this.eof = true;
    else this.buf.push(...bytes);
    const r = this.requests;
    this.requests = [];
    for (const cb of r) cb();
  }
}

/** A Host that records stdio writes and reports the tty/pipe kinds the test sets. */
export class FakeHost implements Host {
  readonly stdin = new FakeStdin();
  readonly fs = {} as HostFs;
  written: { fd: number; text: string }[] = [];
  ttys = new Set<number>();
  stdoutBroken = false;
  randomByte = 0xab;
  realtimeNs(): bigint { return 1_700_000_000_000_000_000n; }
  monotonicNs(): bigint { return 5_000_000_000n; }
  randomFill(buf: Uint8Array): void { buf.fill(this.randomByte); }
  writeStdio(fd: 1 | 2, data: Uint8Array): number {
    if (this.stdoutBroken) return -32;
    this.written.push({ fd, text: new TextDecoder().decode(data) });
    return data.length;
  }
  isatty(fd: number): boolean { return this.ttys.has(fd); }
  winsize(fd: number): { rows: number; cols: number } | null { return this.ttys.has(fd) ? { rows: 50, cols: 132 } : null; }
  stdioInfo(fd: 0 | 1 | 2): HostStdioInfo | null {
    return this.ttys.has(fd) ? { kind: 'tty', ino: 0, size: 0, rdev: 0, path: null }
      : { kind: 'pipe', ino: 4242 + fd, size: 0, rdev: 0, path: null };
  }
  uid(): number { return 1000; }
  gid(): number { return 1000; }
  hostname(): string { return 'fake'; }
  cwd(): string | null { return null; }
  cpuCount(): number { return 1; }
  yieldToHost(): Promise<void> { return new Promise((resolve) => setImmediate(resolve)); }
  armTimer(delayMs: number, onFire: () => void): HostTimer {
    const h = setTimeout(onFire, Math.min(delayMs, 2 ** 31 - 1));
    return { cancel: () => clearTimeout(h) };
  }
}

/** An fd table with the install/close contract pipe2 relies on. */
export class FakeFiles {
  fds: (OpenFile | null)[] = [];
  cloexec: boolean[] = [];
  limit = 1024;
  install(file: OpenFile, cloexec: boolean, _minFd = 0, limit = Infinity): number {
    let fd = this.fds.indexOf(null);
    if (fd < 0) fd = this.fds.length;
    if (fd >= Math.min(this.limit, limit)) return -EMFILE;
    this.fds[fd] = file;
    this.cloexec[fd] = cloexec;
    return fd;
  }
  close(fd: number): number {
    const f = this.fds[fd];
    if (!f) return -EBADF;
    this.fds[fd] = null;
    f.release?.();
    return 0;
  }
  get open(): number {
    return this.fds.filter((f) => f !== null).length;
  }
}

export interface FakeTask {
  task: Task;
  host: FakeHost;
  mem: GuestMemory;
  files: FakeFiles;
  signals: number[];
  /** The kernel's side of the fake host's stdio (what kernel.vfs.stdio is for a real kernel). */
  stdio: HostStdio;
}

/** Returns a fake Task (cast through unknown) with one mapped scratch page and a raiseSignal spy. */
export function fakeTask(host = new FakeHost()): FakeTask {
  const mem = new GuestMemory();
  mem.setPages(SCRATCH / PAGE_SIZE, 1, PROT_READ | PROT_WRITE, true);
  const signals: number[] = [];
  const files = new FakeFiles();
  const stdio = new HostStdio(host, terminalJobControl);
  const kernel = {
    host,
    vfs: { stdio },
    raiseSignal: (_t: Task, sig: number) => { signals.push(sig); },
    realtimeNs: () => host.realtimeNs(),
    monotonicNs: () => 1_234_567_890n,
  };
  const tg = { pid: 77, ppid: 1, pgid: 77, sid: 77, node: { ctty: null as unknown }, exePath: '/bin/a-very-long-program-name', tasks: [] as unknown[], actions: [] as unknown[],
    shared: new SigPending(), rlimits: new Map(), mm: { mem, vmas: () => [{ start: 0x10000, end: 0x10000 + 8192 }], lockedBytes: () => 0 },
    cred: new Cred(host.uid(), host.gid()) };
  for (let i = 0; i <= 64; i++) tg.actions.push({ handler: 0n, flags: 0n, mask: 0n });
  const task = {
    kernel, tg, tid: 77, tgid: 77, files, sigmask: 0n, pending: new SigPending(),
    get mm() { return tg.mm; },
    raise: (sig: number) => { signals.push(sig); },
  } as unknown as Task;
  (task as { syscall: Request }).syscall = new Request(task, argsOf([]), { wakeRequest: () => {} });
  tg.tasks.push(task);
  return { task, host, mem, files, signals, stdio };
}

/** Returns bytes of the given length filled with a repeating pattern starting at seed. */
export function pattern(len: number, seed = 0): Uint8Array {
  const b = new Uint8Array(len);
  for (let i = 0; i < len; i++) b[i] = (seed + i * 7) & 0xff;
  return b;
}
