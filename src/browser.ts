// ecall in a web page (the browser bundle's entry, `npm run build:browser`): everything in the
// host-neutral entry, plus BrowserHost and runProgram, which boots a kernel, puts a static
// riscv64 ELF given as bytes and the page's files into its in-memory tmpfs, and starts the program
// on the page's terminal. Nothing reachable from here imports Node (tools/bundle_browser.ts
// fails the build if something does).
import { Kernel } from './kernel/kernel.js';
import type { ExitStatus, GuestProcess } from './kernel/guest_process.js';
import type { KernelEventSink } from './kernel/events.js';
import { BrowserHost } from './host/browser.js';
import { SimHost } from './host/sim.js';
import { TmpfsDir, TmpfsFile, tmpfsMkdirP } from './kernel/vfs/tmpfs.js';
import { bytesToUtf8, utf8ToBytes } from './util/bytestr.js';
import { jitOf } from './cpu/jit/jit.js';

export * from './index.js';
export { BrowserHost, type BrowserHostOptions, type BrowserTerminal } from './host/browser.js';
export { BrowserTty, type LineSettings } from './host/browser_tty.js';
export type { KernelEvent, KernelEventSink, MarkEvent, SliceEvent } from './kernel/events.js';

/** The machine's memory in a page unless asked otherwise: a tab's share, not the CLI's 2 GiB. */
export const BROWSER_MEMORY_BYTES = 256 * 1024 ** 2;
/** The guest user's home: the page's files go here, and programs start in it. */
export const HOME = '/home/user';
/** Where the program itself is put (its argv[0] is BIN_DIR/name). */
export const BIN_DIR = '/bin';
/** Mode of the program file and of the page's files. */
const EXEC_MODE = 0o755, FILE_MODE = 0o644, DIR_MODE = 0o755;

export interface BrowserRunOptions {
  /** The static riscv64 ELF to run. */
  program: Uint8Array;
  /** Its file name in BIN_DIR (default "a.out"). */
  name?: string;
  args?: string[];
  /** KEY=VALUE pairs (default: empty, as `ecall run --clear-env`). */
  env?: string[];
  /** Files to create before the program starts: a path relative to HOME, or absolute. */
  files?: Record<string, Uint8Array | string>;
  /** The host (its terminal gets stdout and stderr, its keystrokes are stdin). */
  host: BrowserHost;
  /** Deterministic mode: time, randomness and scheduling from this seed; stdin is `stdin` whole. */
  seed?: number | bigint;
  /** Deterministic mode's standard input (default: empty). */
  stdin?: Uint8Array;
  strace?: (line: string) => void;
  events?: KernelEventSink;
  cpus?: number;
  /** Machine memory in bytes (default BROWSER_MEMORY_BYTES). */
  memory?: number;
  jit?: boolean;
  /** Arrivals at a branch target before the translator compiles its code (the CLI's --jit-threshold). */
  jitThreshold?: number;
  maxInstructions?: number;
}

/** A program running in a page. */
export interface BrowserRun {
  kernel: Kernel;
  process: GuestProcess;
  exited: Promise<ExitStatus>;
  /** False when the frame pool is an unshared memory (the page is not cross-origin isolated). */
  sharedMemory: boolean;
  /** Guest code regions translated to WebAssembly so far (0 with the translator off). */
  translatedRegions(): number;
}

/** Returns the tmpfs directory at absolute path p, made (owned by uid/gid) where missing. */
function mkdirs(root: TmpfsDir, p: string, uid: number, gid: number): TmpfsDir {
  let d = root;
  for (const c of p.split('/').filter((x) => x !== '')) {
    const name = utf8ToBytes(c);
    const e = d.entries.get(name);
    if (e instanceof TmpfsDir) { d = e; continue; }
    const r = d.mkdir(name, DIR_MODE, uid, gid);
    if (!(r instanceof TmpfsDir)) throw new Error(`cannot create directory ${p}`);
    d = r;
  }
  return d;
}

/** Writes a file into the kernel's in-memory root (before any guest runs); throws if it cannot. */
export function writeGuestFile(kernel: Kernel, path: string, data: Uint8Array | string, mode = FILE_MODE): void {
  const root = kernel.vfs.rootInode;
  if (!(root instanceof TmpfsDir)) throw new Error('the guest root is not the in-memory tmpfs');
  const abs = path.startsWith('/') ? path : `${HOME}/${path}`;
  const comps = abs.split('/').filter((c) => c !== '');
  const name = comps.pop();
  if (name === undefined) throw new Error(`bad file name ${path}`);
  const uid = kernel.host.uid(), gid = kernel.host.gid();
  const dir = abs.startsWith(HOME + '/') ? mkdirs(root, comps.join('/'), uid, gid) : tmpfsMkdirP(root, comps.map(utf8ToBytes));
  const key = utf8ToBytes(name);
  const old = dir.entries.get(key);
  const f = old instanceof TmpfsFile ? old : dir.create(key, mode, uid, gid);
  if (!(f instanceof TmpfsFile)) throw new Error(`cannot create ${abs}`);
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  const io = f.openIo();
  try {
    io.truncate(0);
    if (io.pwrite(bytes, 0) !== bytes.length) throw new Error(`${abs}: the tmpfs is full`);
  } finally {
    io.close();
  }
}

/** The regular files under an absolute guest directory of the in-memory root, with their contents. */
export function readGuestFiles(kernel: Kernel, dir = HOME): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  let d: unknown = kernel.vfs.rootInode;
  for (const c of dir.split('/').filter((x) => x !== '')) {
    d = d instanceof TmpfsDir ? d.entries.get(utf8ToBytes(c)) : undefined;
  }
  const walk = (t: TmpfsDir, prefix: string): void => {
    for (const [name, n] of t.entries) {
      const p = `${prefix}/${bytesToUtf8(name)}`;
      if (n instanceof TmpfsFile) out.set(p, n.contents());
      else if (n instanceof TmpfsDir) walk(n, p);
    }
  };
  if (d instanceof TmpfsDir) walk(d, dir === '/' ? '' : dir);
  return out;
}

/**
 * Boots a kernel on `host` (or, with a seed, on a SimHost over it), writes the program to
 * BIN_DIR/name and the files into the tmpfs, and starts the program in HOME on the terminal.
 * Throws a SpawnError when the program cannot run (not an ELF, not riscv64).
 */
export function runProgram(o: BrowserRunOptions): BrowserRun {
  const host = o.seed === undefined ? o.host : new SimHost(o.seed, { outer: o.host, stdin: o.stdin ?? new Uint8Array(0) });
  const kernel = new Kernel({
    host, seed: o.seed, strace: o.strace, events: o.events, cpus: o.cpus, memory: o.memory ?? BROWSER_MEMORY_BYTES,
    jit: o.jit, jitThreshold: o.jitThreshold, maxInstructions: o.maxInstructions,
  });
  o.host.lineSettings = () => kernel.vfs.stdio.terminal.termios;
  o.host.stdin.reset();
  mkdirs(kernel.vfs.rootInode as TmpfsDir, HOME, host.uid(), host.gid());
  const name = o.name ?? 'a.out';
  const path = `${BIN_DIR}/${name}`;
  writeGuestFile(kernel, path, o.program, EXEC_MODE);
  for (const [p, data] of Object.entries(o.files ?? {})) writeGuestFile(kernel, p, data);
  const proc = kernel.spawn(path, o.args ?? [], { stdio: 'inherit', env: o.env ?? [], cwd: HOME });
  return { kernel, process: proc, exited: proc.exited, sharedMemory: kernel.phys.shared, translatedRegions: () => jitOf(kernel.phys)?.stats.regions ?? 0 };
}
