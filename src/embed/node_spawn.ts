// spawn() for Node programs (the "ecall/node" entry): child_process.spawn's shape over a Kernel on
// the Node host. It takes the program, its arguments and options (the core's SpawnOptions, the
// kernel's options, and Node's defaults: process.env, process.cwd()), and returns a handle whose
// stdin, stdout and stderr are Node streams (converted from the core handle's WHATWG streams).
import { Readable, Writable } from 'node:stream';
import type { ReadableStream as NodeReadableStream, WritableStream as NodeWritableStream } from 'node:stream/web';
import { Kernel, type KernelOptions } from '../kernel/kernel.js';
import type { ExitStatus, GuestProcess, SpawnOptions } from '../kernel/guest_process.js';
import { createSimHost, NodeHost } from '../host/node.js';

/** Options of spawn(): where the program runs (a kernel, or how to make one) and how. */
export interface NodeSpawnOptions extends Omit<SpawnOptions, 'env'>, Omit<Partial<KernelOptions>, 'host'> {
  /** Run in this kernel (its other options are then ignored); default: a new Kernel on a NodeHost
   *  (or, with seed, on the deterministic host). */
  kernel?: Kernel;
  /** The guest's environment (default: process.env). */
  env?: Record<string, string | undefined> | string[];
}

/** A guest process started by spawn(), with Node streams. */
export interface EcallChildProcess {
  readonly pid: number;
  /** Writable stdin, readable stdout and stderr for stdio "pipe"; null where inherited or ignored. */
  readonly stdin: Writable | null;
  readonly stdout: Readable | null;
  readonly stderr: Readable | null;
  /** Resolves with the exit status ({ code, signal, coreDumped, instret }) once the process has ended. */
  readonly exited: Promise<ExitStatus>;
  /** Sends a signal (number or name; default the killSignal option, SIGTERM); false once it has ended. */
  kill(sig?: number | string): boolean;
  /** The kernel it runs in (spawn more processes into it with { kernel }). */
  readonly kernel: Kernel;
  /** The host-neutral handle underneath (WHATWG streams). */
  readonly process: GuestProcess;
}

/**
 * Starts program (a guest path, or a host path as qemu-riscv64 takes it) with args, as
 * child_process.spawn starts a host program. Throws a SpawnError when it cannot run (127: not
 * found; 126: not a static riscv64 ELF file or not executable).
 */
export function spawn(program: string, args: string[] = [], options: NodeSpawnOptions = {}): EcallChildProcess {
  const { kernel: given, env, ...rest } = options;
  const kernel = given ?? new Kernel({
    ...rest, host: rest.seed === undefined ? new NodeHost() : createSimHost(rest.seed),
  });
  const envList = Array.isArray(env) ? env
    : Object.entries(env ?? process.env).flatMap(([k, v]) => (v === undefined ? [] : [`${k}=${v}`]));
  const proc = kernel.spawn(program, args, { ...rest, env: envList, cwd: rest.cwd ?? process.cwd() });
  return {
    pid: proc.pid,
    stdin: proc.stdin ? Writable.fromWeb(proc.stdin as unknown as NodeWritableStream) : null,
    stdout: proc.stdout ? Readable.fromWeb(proc.stdout as unknown as NodeReadableStream) : null,
    stderr: proc.stderr ? Readable.fromWeb(proc.stderr as unknown as NodeReadableStream) : null,
    exited: proc.exited,
    kill: (sig) => proc.kill(sig),
    kernel,
    process: proc,
  };
}
