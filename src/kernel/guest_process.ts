// The embedding API's process handle: what child_process.spawn gives a Node program, host-neutral.
// Kernel.spawn starts a program and returns a GuestProcess: its pid, stdin/stdout/stderr as WHATWG
// streams (or the host's own stdio), an `exited` promise with the exit status, kill(), an
// AbortSignal and a timeout. Everything a handle does to the kernel is a host event.
import type { HostTimer } from '../host/host.js';
import { SIGNAL_NAMES } from './strace.js';
import { SIGTERM } from './signal.js';
import { type HostEnds, pipeReadable, pipeWritable } from './host_pipe.js';
import type { ThreadGroup } from './task.js';
import { openDevice } from './vfs/devices.js';
import { FdTable } from './vfs/fdtable.js';
import type { OpenFile } from './vfs/file.js';
import { O_RDONLY, O_RDWR, O_WRONLY } from './vfs/constants.js';
import { Pipe } from './vfs/pipe.js';
import { createStdioFile, type HostStdio } from './vfs/stdio.js';

/** How one of fds 0, 1 and 2 is set up: a pipe to the handle's stream, the host's own fd, or /dev/null. */
export type StdioChoice = 'pipe' | 'inherit' | 'ignore';

/** How the program's exit looks (a shell's view): code 128+N for a fatal signal N. */
export interface ExitStatus {
  /** 0..255 for exit(), 128+N for a fatal signal N. */
  code: number;
  /** The fatal signal's number, or 0. */
  signal: number;
  coreDumped: boolean;
  /** Instructions retired by all of the process's tasks. */
  instret: number;
  /** Restartable sequences its tasks aborted (rseq and the vDSO's per-CPU operation). */
  rseqAborts: number;
}

/** Options of Kernel.spawn (child_process.spawn's, where they apply). */
export interface SpawnOptions {
  /** argv[0] (default: the program as given). */
  argv0?: string;
  /** The whole environment, as KEY=VALUE pairs (default: empty; the Node entry's spawn passes process.env). */
  env?: Record<string, string> | string[];
  /** Working directory in the guest's view (default: the host's cwd, else "/"). */
  cwd?: string;
  /** fds 0, 1 and 2: one choice for all three or one each (default "pipe"). */
  stdio?: StdioChoice | [StdioChoice, StdioChoice, StdioChoice];
  /** Aborting it sends killSignal (as child_process does). */
  signal?: AbortSignal;
  /** Milliseconds of host time after which killSignal is sent (0 or absent: none). */
  timeout?: number;
  /** The signal kill() sends without an argument, and the timeout and abort send (default SIGTERM). */
  killSignal?: number | string;
  /**
   * Forward the signals the host process gets (SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1/2,
   * SIGWINCH, SIGTSTP, SIGCONT) to this process, as a terminal does to its foreground job
   * (default: true when all three fds are inherited from the host, as for the ecall command).
   */
  forwardSignals?: boolean;
}

/** Why a program could not start, with the exit status a shell would use (126 cannot execute, 127 not found). */
export class SpawnError extends Error {
  constructor(readonly error: string, readonly exitCode: number) {
    super(error);
  }
}

/** Returns the signal number of a name ("SIGINT" or "INT") or number, or throws a RangeError. */
export function signalNumber(sig: number | string): number {
  if (typeof sig === 'number') {
    if (Number.isInteger(sig) && sig >= 0 && sig <= 64) return sig;
  } else {
    const i = SIGNAL_NAMES.indexOf(sig.startsWith('SIG') ? sig : `SIG${sig}`);
    if (i > 0) return i;
  }
  throw new RangeError(`unknown signal ${String(sig)}`);
}

/** The three stdio choices of options (default "pipe" for each). */
export function stdioChoices(o: SpawnOptions): [StdioChoice, StdioChoice, StdioChoice] {
  const s = o.stdio ?? 'pipe';
  return typeof s === 'string' ? [s, s, s] : s;
}

/** What the kernel offers a process handle. */
export interface ProcessHost extends HostEnds {
  readonly stdio: HostStdio;
  /** Sends signal sig to tg from outside (SI_USER, pid 0: a sender outside the guest's pid namespace). */
  signalFromHost(tg: ThreadGroup, sig: number): void;
  /** Calls onExit once tg has ended (at once if it has). */
  whenExited(tg: ThreadGroup, onExit: (st: ExitStatus) => void): void;
  armTimer(ms: number, onFire: () => void): HostTimer;
}

/** The fd table of a new process and the host ends of its pipes, for the stdio choices. */
export function stdioTable(choices: [StdioChoice, StdioChoice, StdioChoice], k: ProcessHost): {
  files: FdTable; stdin: WritableStream<Uint8Array> | null; stdout: ReadableStream<Uint8Array> | null;
  stderr: ReadableStream<Uint8Array> | null;
} {
  const files = new FdTable();
  const streams: (ReadableStream<Uint8Array> | WritableStream<Uint8Array> | null)[] = [null, null, null];
  for (const fd of [0, 1, 2] as const) {
    let file: OpenFile;
    switch (choices[fd]) {
      case 'inherit':
        file = createStdioFile(k.stdio, fd);
        break;
      case 'ignore':
        file = openDevice('null', O_RDWR, k.stdio) as OpenFile;
        break;
      case 'pipe': {
        const pipe = new Pipe();
        file = pipe.open(fd === 0 ? O_RDONLY : O_WRONLY);
        streams[fd] = fd === 0 ? pipeWritable(pipe, k) : pipeReadable(pipe, k);
        break;
      }
    }
    files.installAt(fd, file);
  }
  return {
    files, stdin: streams[0] as WritableStream<Uint8Array> | null, stdout: streams[1] as ReadableStream<Uint8Array> | null,
    stderr: streams[2] as ReadableStream<Uint8Array> | null,
  };
}

/** A running (or ended) guest process, as an embedder holds it. */
export class GuestProcess {
  /** The process id (the guest's getpid()). */
  readonly pid: number;
  /** The guest's stdin, when its stdio is "pipe": closing it is the guest's EOF. */
  readonly stdin: WritableStream<Uint8Array> | null;
  /** The guest's stdout and stderr, when their stdio is "pipe". */
  readonly stdout: ReadableStream<Uint8Array> | null;
  readonly stderr: ReadableStream<Uint8Array> | null;
  /** Resolves with the exit status once every task of the process has ended (never rejects). */
  readonly exited: Promise<ExitStatus>;
  private status: ExitStatus | null = null;
  private readonly killSignal: number;

  constructor(private readonly k: ProcessHost, private readonly tg: ThreadGroup, options: SpawnOptions,
    streams: { stdin: WritableStream<Uint8Array> | null; stdout: ReadableStream<Uint8Array> | null; stderr: ReadableStream<Uint8Array> | null }) {
    this.pid = tg.pid;
    this.stdin = streams.stdin;
    this.stdout = streams.stdout;
    this.stderr = streams.stderr;
    this.killSignal = signalNumber(options.killSignal ?? SIGTERM);
    const timer = options.timeout ? k.armTimer(options.timeout, () => this.kill()) : null;
    const abort = (): void => { this.kill(); };
    options.signal?.addEventListener('abort', abort, { once: true });
    if (options.signal?.aborted) this.kill();
    this.exited = new Promise<ExitStatus>((resolve) => {
      k.whenExited(tg, (st) => {
        this.status = st;
        timer?.cancel();
        options.signal?.removeEventListener('abort', abort);
        resolve(st);
      });
    });
  }

  /** The exit status once the process has ended, else null. */
  get exitStatus(): ExitStatus | null {
    return this.status;
  }

  /**
   * Sends the process a signal (by number or name; default the killSignal option, SIGTERM) as a
   * sender outside the guest; returns false if the process has already ended. Signal 0 only asks
   * whether it is alive.
   */
  kill(sig: number | string = this.killSignal): boolean {
    const n = signalNumber(sig);
    if (this.tg.exitCode !== null) return false;
    if (n !== 0) this.k.post(() => this.k.signalFromHost(this.tg, n));
    return true;
  }
}

/** Returns the environment as KEY=VALUE strings. */
export function envList(env: SpawnOptions['env']): string[] {
  if (env === undefined) return [];
  return Array.isArray(env) ? env : Object.entries(env).map(([k, v]) => `${k}=${v}`);
}

