// Benchmark harness: runs each benchmark guest N times under ecall and under qemu-riscv64 (and
// natively on a riscv64 host), and prints median wall times, the ecall/qemu ratio and ecall MIPS;
// for the futex ping-pong, thread creation, clock and per-CPU counter rows also operations per
// second (and for the counters the rseq abort rate), and for the map-touch-unmap row each
// engine's peak RSS. Rows that need what qemu-riscv64 7.2 lacks (a vDSO, rseq, ecall's
// extensions) run under ecall only.
//
//   npm run bench -- [--runs N] [--warmup N] [--only NAME]... [--json] [binary...]
//
// Machines are noisy: the table reports medians, their spread and ratios, never one run.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { BENCH_CASE, ESBUILD_PACKAGE, esbuildBinary, esbuildMountOptions } from '../test/fixtures/esbuild-app/cases.js';
import { formatTable, median, spreadPct } from './stats.js';

/** Repository root: this file runs as dist/bench/run.js. */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const ECALL_JS = join(ROOT, 'bin', 'ecall.js');
/** Default number of timed runs per engine (the median of an odd count is a real run). */
const DEFAULT_RUNS = 5;
/** Untimed runs first, so page cache and JIT warm-up do not land in the first sample. */
const DEFAULT_WARMUP = 1;
/** A single run taking longer than this is killed and reported as a timeout. */
const RUN_TIMEOUT_MS = 600_000;
/** Longest stdout/stderr kept from a run (benchmarks print one line; this bounds a runaway). */
const MAX_OUTPUT = 16 * 1024 * 1024;
/** The line `ecall run --stats` prints on stderr at exit: retired instructions and guest run time. */
const INSTRET_RE = /^ecall: instret=(\d+) ms=([\d.]+).*$/m;
/** The rseq abort count on that line (absent when nothing aborted). */
const ABORTS_RE = /^ecall: instret=.* rseq_aborts=(\d+)$/m;

interface Benchmark {
  name: string;
  /** Path relative to the repository root, or absolute. */
  path: string;
  args: string[];
  /** Fallback retired-instruction count when `ecall run --stats` is unavailable: an estimate from
   *  the hot loop's disassembly (shown with a "~"), or null if unknown. */
  instretEstimate: ((args: string[]) => number) | null;
  note: string;
  /** For a benchmark that repeats one operation: how many times (from its arguments) and what it
   *  is called; the notes then give operations per second for each engine, start-up subtracted. */
  rate?: { count: (args: string[]) => number; unit: string };
  /** What to do when the binary is missing (default: build the guests). */
  missingHint?: string;
  /** Extra `ecall run` options (such as a mount that makes the binary visible to the guest). */
  ecallOptions?: string[];
  /** Set when qemu-riscv64 cannot run the row (why): it then runs under ecall only. */
  ecallOnly?: string;
  /** Report the rseq abort rate (`--stats` rseq_aborts per operation of `rate`). */
  aborts?: boolean;
  /** Also report each engine's peak resident set size (one extra run each under GNU time). */
  peakRss?: boolean;
  /** A figure the guest measures itself and prints on stderr (first timed run of each engine). */
  printed?: { re: RegExp; what: string };
  /** Prepares input files before the row runs. */
  prepare?: () => void;
}

/** bench_compute's inner loop is 27 instructions (objdump of guest/bin/bench_compute) run 10^6
 *  times per round; startup and printf add well under 0.1%. */
const COMPUTE_INSNS_PER_ROUND = 27 * 1_000_000;
/** Rounds for bench_compute: small enough for an interpreter, large enough to dwarf startup. */
const COMPUTE_ROUNDS = '20';
/** Rounds for bench_fp: about 1.37 M instructions each (--stats), about as long as bench_compute's row. */
const FP_ROUNDS = '100';
/** getppid calls for bench_getppid. */
const GETPPID_CALLS = '200000';
/** Round trips for futex_pingpong: about a second under either engine, so start-up is small. */
const PINGPONG_ROUND_TRIPS = '100000';
/** Threads created and joined by thread_create: about a second under qemu-riscv64. */
const THREADS_CREATED = '2000';
/** clock_gettime calls for the vDSO and syscall rows: each about a second under ecall. */
const CLOCK_VDSO_CALLS = '1000000';
const CLOCK_SYSCALL_CALLS = '200000';
/** Per-CPU counter rows: twice as many threads as virtual CPUs, so that threads preempt each
 *  other inside their sections and the abort rate means something. */
const PERCPU_THREADS = '8';
const PERCPU_CPUS = '4';
const PERCPU_ITERS = '250000';
const NO_RSEQ_IN_QEMU = 'qemu-riscv64 7.2 has no rseq, no vDSO and none of ecall\'s extensions';
/** MiB bench_sock sends over a loopback TCP connection: about a second under either engine. */
const SOCK_STREAM_MIB = '128';
/** fork + _exit + waitpid round trips for bench_fork rt: about a second under either engine. */
const FORK_ROUND_TRIPS = '200';
/** bench_fork big: the touched size (the issue's 256 MiB) and the forks whose median it prints. */
const FORK_BIG_MIB = '256';
const FORK_BIG_SAMPLES = '5';
/** posix_spawn + waitpid round trips of hello: a dynamic start loads ld.so and libc, so fewer. */
const SPAWN_ROUND_TRIPS = { static: '50', dynamic: '20' } as const;
/** The Debian cross sysroot the dynamic hello's interpreter and libc come from. */
const SPAWN_SYSROOT = '/usr/riscv64-linux-gnu';
/** One-byte round trips over loopback TCP and over an AF_UNIX socketpair. */
const SOCK_TCP_RR = '20000';
const SOCK_UNIX_RR = '50000';
/** The row of the host-call round trip (bench/host_call.ts). */
const HOST_CALL_ROW = 'host_call';
/** The benchmark whose run is the fixed cost subtracted before computing a rate. */
const STARTUP_BENCHMARK = 'startup';
/** The warm-up curve rows: instructions after which bench_compute is stopped (issue 13's points). */
const WARMUP_ROW = 'warmup';
const WARMUP_POINTS = [10_000_000, 100_000_000, 1_000_000_000];
/** bench_compute rounds for the warm-up rows: more than the largest point retires (27 M a round). */
const WARMUP_ROUNDS = '100';
/** MiB mapped, touched page by page and unmapped by the mmap_touch row. */
const MMAP_TOUCH_MIB = '256';
/** MiB the copy rows move from a file into a pipe (issue 12: a 64 MiB file). */
const COPY_MIB = '64';
/** Threadlets the threadlet row starts, each blocking on a pipe until the main thread writes. */
const THREADLETS = '2000';
/** GNU time, which reports a child's peak RSS (%M, in KiB); the peak RSS notes need it. */
const GNU_TIME = '/usr/bin/time';

/** io_uring rows: NOPs per run (the same count as bench_getppid's calls), and the file the copy rows copy. */
const URING_NOPS = GETPPID_CALLS;
const URING_COPY_MIB = 64;
const URING_DATA = join(ROOT, 'dist', 'bench-data');
const URING_SRC = join(URING_DATA, `src${URING_COPY_MIB}`), URING_DST = join(URING_DATA, 'dst');
/** qemu-riscv64 7.2 returns ENOSYS for io_uring_setup. */
const QEMU_NO_URING = 'qemu-riscv64 7.2 has no io_uring';

/** Writes the copy rows' source file once (pseudo-random bytes, so no filesystem can elide them). */
function prepareCopySource(): void {
  if (existsSync(URING_SRC) && statSync(URING_SRC).size === URING_COPY_MIB << 20) return;
  mkdirSync(URING_DATA, { recursive: true });
  const buf = new Uint8Array(URING_COPY_MIB << 20);
  let x = 0x2545f491;
  for (let i = 0; i < buf.length; i++) { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; buf[i] = x & 0xff; }
  writeFileSync(URING_SRC, buf);
}

/** esbuild's riscv64 build, fetched from the npm registry into the test cache on first use. */
const esbuild = esbuildBinary(ROOT);

const BENCHMARKS: Benchmark[] = [
  {
    name: 'startup', path: 'guest/bin/exit42', args: [], instretEstimate: null,
    note: 'process start and exit only: the fixed cost included in every other row',
  },
  {
    name: 'bench_compute', path: 'guest/bin/bench_compute', args: [COMPUTE_ROUNDS],
    instretEstimate: (a) => Number(a[0]) * COMPUTE_INSNS_PER_ROUND,
    note: `integer loop, ${COMPUTE_ROUNDS} rounds of 10^6 iterations`,
  },
  {
    name: 'bench_fp', path: 'guest/bin/bench_fp', args: [FP_ROUNDS], instretEstimate: null,
    note: `floating-point loops (Mandelbrot in D with fmadd, a single-precision polynomial, a gravity step), ${FP_ROUNDS} rounds`,
  },
  {
    name: 'bench_getppid', path: 'guest/bin/bench_getppid', args: [GETPPID_CALLS], instretEstimate: null,
    note: `${GETPPID_CALLS} getppid syscalls: the syscall path`,
  },
  {
    name: 'futex_pingpong', path: 'guest/bin/futex_pingpong', args: [PINGPONG_ROUND_TRIPS], instretEstimate: null,
    rate: { count: (a) => Number(a[0]), unit: 'round trips' },
    note: `two threads hand a futex word back and forth ${PINGPONG_ROUND_TRIPS} times (FUTEX_WAIT/FUTEX_WAKE)`,
  },
  {
    name: 'thread_create', path: 'guest/bin/thread_create', args: [THREADS_CREATED], instretEstimate: null,
    rate: { count: (a) => Number(a[0]), unit: 'threads' },
    note: `pthread_create + pthread_join of ${THREADS_CREATED} threads, one after another`,
  },
  {
    name: 'fork_rt', path: 'guest/bin/bench_fork', args: ['rt', FORK_ROUND_TRIPS], instretEstimate: null,
    rate: { count: (a) => Number(a[1]), unit: 'fork/exit/wait round trips' },
    note: `${FORK_ROUND_TRIPS} times fork, _exit in the child, waitpid in the parent (a static program)`,
  },
  {
    name: 'fork_256m', path: 'guest/bin/bench_fork', args: ['big', FORK_BIG_MIB, FORK_BIG_SAMPLES], instretEstimate: null,
    printed: { re: /^fork_to_child_us (\d+)$/m, what: 'µs from fork() to the child running (median of the guest\'s samples)' },
    note: `touch ${FORK_BIG_MIB} MiB, then fork ${FORK_BIG_SAMPLES} times; copy-on-write makes the fork independent of the size`,
  },
  ...(['static', 'dynamic'] as const).map((kind): Benchmark => ({
    name: `spawn_${kind}`, path: 'guest/bin/bench_spawn',
    args: [SPAWN_ROUND_TRIPS[kind], join(ROOT, 'guest', 'bin', kind === 'static' ? 'hello' : 'hello_dyn')], instretEstimate: null,
    rate: { count: (a) => Number(a[0]), unit: 'posix_spawn/wait round trips' },
    ecallOptions: kind === 'dynamic' ? ['--sysroot', SPAWN_SYSROOT] : [],
    ecallOnly: 'qemu-riscv64 without a binfmt handler cannot execve a riscv64 program',
    note: `${SPAWN_ROUND_TRIPS[kind]} times posix_spawn of ${kind === 'static' ? 'the static' : 'the dynamic (--sysroot)'} hello and waitpid`,
  })),
  {
    name: 'mmap_touch', path: 'guest/bin/mem_touch', args: [MMAP_TOUCH_MIB, MMAP_TOUCH_MIB], instretEstimate: null, peakRss: true,
    note: `map ${MMAP_TOUCH_MIB} MiB (16 MiB mappings), write one byte per page, read every page back, unmap: page faults and frame allocation`,
  },
  {
    name: 'tcp_stream', path: 'guest/bin/bench_sock', args: ['stream', SOCK_STREAM_MIB], instretEstimate: null,
    rate: { count: (a) => Number(a[1]), unit: 'MiB' },
    note: `${SOCK_STREAM_MIB} MiB one way over a loopback TCP connection between two threads (64 KiB writes)`,
  },
  {
    name: 'tcp_rr', path: 'guest/bin/bench_sock', args: ['rr', SOCK_TCP_RR], instretEstimate: null,
    rate: { count: (a) => Number(a[1]), unit: 'round trips' },
    note: `${SOCK_TCP_RR} one-byte round trips over loopback TCP (TCP_NODELAY), two threads`,
  },
  {
    name: 'unix_rr', path: 'guest/bin/bench_sock', args: ['unix-rr', SOCK_UNIX_RR], instretEstimate: null,
    rate: { count: (a) => Number(a[1]), unit: 'round trips' },
    note: `${SOCK_UNIX_RR} one-byte round trips over an AF_UNIX stream socketpair, two threads`,
  },
  ...[1, 8, 64].map((batch): Benchmark => ({
    name: `uring_nop_b${batch}`, path: 'guest/bin/bench_uring', args: ['nop', String(batch), URING_NOPS], instretEstimate: null,
    rate: { count: (a) => Number(a[2]), unit: 'NOPs' }, ecallOnly: QEMU_NO_URING,
    note: `${URING_NOPS} io_uring NOPs submitted and reaped ${batch} per io_uring_enter (compare bench_getppid: as many syscalls)`,
  })),
  {
    name: 'uring_copy', path: 'guest/bin/bench_uring', args: ['copy', URING_SRC, URING_DST], instretEstimate: null,
    rate: { count: () => URING_COPY_MIB, unit: 'MiB' }, ecallOnly: QEMU_NO_URING, prepare: prepareCopySource,
    note: `copies a ${URING_COPY_MIB} MiB file 1 MiB at a time with io_uring READ and WRITE`,
  },
  {
    name: 'rw_copy', path: 'guest/bin/bench_uring', args: ['rwcopy', URING_SRC, URING_DST], instretEstimate: null,
    rate: { count: () => URING_COPY_MIB, unit: 'MiB' }, prepare: prepareCopySource,
    note: `the same ${URING_COPY_MIB} MiB copy with read(2) and write(2)`,
  },
  {
    name: 'copy_rw', path: 'guest/bin/bench_syslet', args: ['rw', COPY_MIB], instretEstimate: null,
    rate: { count: (a) => Number(a[1]), unit: 'MiB' }, ecallOptions: ['--ext', 'syslet'],
    note: `a ${COPY_MIB} MiB file (a memfd, made first) into a pipe and out again with read and write, 64 KiB at a time`,
  },
  {
    name: 'copy_syslet', path: 'guest/bin/bench_syslet', args: ['syslet', COPY_MIB], instretEstimate: null,
    rate: { count: (a) => Number(a[1]), unit: 'MiB' }, ecallOnly: 'syslets are ecall\'s own ABI', ecallOptions: ['--ext', 'syslet'],
    note: `the same copy with one syslet chain (read, then write of what read returned, looping) while the main thread drains the pipe`,
  },
  {
    name: 'threadlet_pipe', path: 'guest/bin/bench_syslet', args: ['threadlet', THREADLETS], instretEstimate: null,
    rate: { count: (a) => Number(a[1]), unit: 'threadlets' }, ecallOnly: 'threadlets are ecall\'s own ABI', ecallOptions: ['--ext', 'syslet'],
    note: `${THREADLETS} threadlets that block reading an empty pipe (each moves to a new thread) until the main thread writes a byte`,
  },
  {
    name: 'clock_vdso', path: 'guest/bin/bench_clock', args: ['vdso', CLOCK_VDSO_CALLS], instretEstimate: null,
    rate: { count: (a) => Number(a[1]), unit: 'clock_gettime calls' }, ecallOnly: 'qemu-riscv64 7.2 maps no vDSO',
    note: `${CLOCK_VDSO_CALLS} glibc clock_gettime(CLOCK_MONOTONIC) calls, served by the vDSO (no system call)`,
  },
  {
    name: 'clock_syscall', path: 'guest/bin/bench_clock', args: ['syscall', CLOCK_SYSCALL_CALLS], instretEstimate: null,
    rate: { count: (a) => Number(a[1]), unit: 'clock_gettime calls' }, ecallOnly: 'compared with clock_vdso, which qemu-riscv64 7.2 cannot run',
    note: `${CLOCK_SYSCALL_CALLS} raw clock_gettime system calls, the path the vDSO saves`,
  },
  ...(['rseq', 'vdso', 'atomic'] as const).map((mode): Benchmark => ({
    name: `percpu_${mode}`, path: 'guest/bin/bench_percpu', args: [mode, PERCPU_THREADS, PERCPU_ITERS], instretEstimate: null,
    ecallOptions: ['--cpus', PERCPU_CPUS, ...(mode === 'vdso' ? ['--ext', 'percpu'] : [])],
    rate: { count: (a) => Number(a[1]) * Number(a[2]), unit: 'increments' }, ecallOnly: NO_RSEQ_IN_QEMU, aborts: mode !== 'atomic',
    note: `${PERCPU_THREADS} threads on ${PERCPU_CPUS} CPUs add 1 ${PERCPU_ITERS} times each: ${{
      rseq: 'a per-CPU counter on plain rseq', vdso: 'a per-CPU counter with the vDSO per-CPU operation (--ext percpu)',
      atomic: 'one shared counter with amoadd',
    }[mode]}`,
  })),
  {
    name: 'esbuild', path: 'error' in esbuild ? ESBUILD_PACKAGE : esbuild.path, args: BENCH_CASE.args, instretEstimate: null,
    ecallOptions: 'error' in esbuild ? [] : esbuildMountOptions(ROOT),
    missingHint: 'error' in esbuild ? `unavailable: ${esbuild.error}` : 'missing',
    note: `esbuild (Go, several threads) ${BENCH_CASE.args.join(' ')}: ${BENCH_CASE.what}`,
  },
];

interface RunOutcome {
  ms: number;
  status: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  error?: string;
}

/**
 * Environment variables that make Node itself do work at start-up that ecall never uses, removed
 * from the environment of the Node process that runs ecall (qemu's rows do not pay for them either).
 * NODE_EXTRA_CA_CERTS: Node reads and parses every certificate in the file before any JavaScript
 * runs (~40 ms of CPU for a 220 KB system bundle), for TLS connections ecall never opens.
 */
const NODE_STARTUP_ONLY_ENV = ['NODE_EXTRA_CA_CERTS'];
/** The names of NODE_STARTUP_ONLY_ENV that this environment sets (said in the bench's notes). */
const removedNodeEnv = NODE_STARTUP_ONLY_ENV.filter((k) => process.env[k] !== undefined);
/** The environment of the Node processes that run ecall. */
const ECALL_HOST_ENV: NodeJS.ProcessEnv = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !NODE_STARTUP_ONLY_ENV.includes(k)));
/** Returns the environment to run cmd in: ECALL_HOST_ENV for Node (ecall), else this one. */
const envFor = (cmd: string): NodeJS.ProcessEnv => (cmd === process.execPath ? ECALL_HOST_ENV : process.env);

/** Runs cmd once and returns its wall time and output (never throws). */
function runOnce(cmd: string, args: string[]): RunOutcome {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: RUN_TIMEOUT_MS, maxBuffer: MAX_OUTPUT, stdio: ['ignore', 'pipe', 'pipe'], env: envFor(cmd) });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const out: RunOutcome = { ms, status: r.status, signal: r.signal, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
  if (r.error) out.error = (r.error as NodeJS.ErrnoException).code ?? r.error.message;
  return out;
}

interface EngineResult {
  times: number[];
  first: RunOutcome;
  /** Guest run times from `--stats` lines (ecall only), one per timed run. */
  guestMs: number[];
}

/**
 * The warm-up curve (issue 13): bench_compute stopped by `--max-insns` after each of
 * WARMUP_POINTS instructions; its `--stats` line gives MIPS over the guest's run so far, so the
 * rows show how fast ecall gets going (interpreter first, translated code once it is hot).
 * Adds one row per point to rows, and notes and JSON.
 */
function warmupCurve(runs: number, warmup: number, rows: string[][], notes: string[], json: object[], native: boolean): void {
  const bin = resolve(ROOT, 'guest/bin/bench_compute');
  if (!existsSync(bin)) { notes.push(`${WARMUP_ROW}: skipped, guest/bin/bench_compute not built (make -C guest)`); return; }
  const points: { insns: number; mips: number | null }[] = [];
  const count = (n: number): string => (n >= 1e9 ? `${n / 1e9}G` : `${n / 1e6}M`);
  for (const n of WARMUP_POINTS) {
    const name = `${WARMUP_ROW} ${count(n)}`;
    process.stderr.write(`bench: ${name} ...\n`);
    const r = measure(process.execPath, [ECALL_JS, 'run', '--stats', '--max-insns', String(n), bin, WARMUP_ROUNDS], runs, warmup);
    const m = INSTRET_RE.exec(r.first.stderr);
    const ms = r.guestMs.length > 0 ? median(r.guestMs) : NaN;
    const mips = m && Number.isFinite(ms) ? Number(m[1]) / ms / 1000 : NaN;
    rows.push([name, fmtMs(median(r.times)), `${spreadPct(r.times).toFixed(0)}%`, '-', '-', '-', ...(native ? ['-'] : []),
      Number.isFinite(mips) ? mips.toFixed(1) : '-']);
    points.push({ insns: n, mips: Number.isFinite(mips) ? mips : null });
  }
  notes.push(`${WARMUP_ROW}: MIPS over the first N instructions of bench_compute ${WARMUP_ROUNDS} (stopped by --max-insns N, ` +
    `guest time from --stats): ${points.map((p) => `${count(p.insns)}: ${p.mips === null ? '-' : p.mips.toFixed(0)}`).join(', ')}`);
  json.push({ name: WARMUP_ROW, points });
}

/** Runs cmd warmup+runs times; returns the timed samples and the first outcome (for checks). */
function measure(cmd: string, args: string[], runs: number, warmup: number): EngineResult {
  const first = runOnce(cmd, args);
  const times: number[] = [];
  const guestMs: number[] = [];
  for (let i = 1; i < warmup; i++) runOnce(cmd, args);
  const record = (r: RunOutcome): void => {
    times.push(r.ms);
    const m = INSTRET_RE.exec(r.stderr);
    if (m) guestMs.push(Number(m[2]));
  };
  if (warmup === 0) record(first);
  while (times.length < runs) {
    const r = runOnce(cmd, args);
    record(r);
    if (r.error || r.signal) break;
  }
  return { times, first, guestMs };
}

/** Returns cmd's peak resident set size in MiB from one run under GNU time, or NaN if unavailable. */
function peakRssMiB(cmd: string, args: string[]): number {
  if (!existsSync(GNU_TIME)) return NaN;
  const r = spawnSync(GNU_TIME, ['-f', '%M', cmd, ...args], { encoding: 'utf8', timeout: RUN_TIMEOUT_MS, maxBuffer: MAX_OUTPUT, stdio: ['ignore', 'ignore', 'pipe'], env: envFor(cmd) });
  const last = (r.stderr ?? '').trim().split('\n').pop() ?? '';
  return /^\d+$/.test(last) ? Number(last) / 1024 : NaN;
}

/** Returns true if a program called `name` can be started from PATH. */
function haveCommand(name: string): boolean {
  const r = spawnSync(name, ['--version'], { stdio: 'ignore' });
  return !r.error;
}

const fmtMs = (ms: number): string => (Number.isFinite(ms) ? `${ms.toFixed(ms < 100 ? 1 : 0)} ms` : '-');
/** Returns a rate with thousands separators, or "-" when the run was too short to measure one. */
const fmtRate = (perSec: number): string => (Number.isFinite(perSec) && perSec > 0 ? Math.round(perSec).toLocaleString('en-US') : '-');
/** Returns count / (ms - startupMs) per second: NaN when the run was not longer than start-up. */
const ratePerSec = (count: number, ms: number, startupMs: number): number =>
  ms > startupMs ? count / ((ms - startupMs) / 1000) : NaN;
const outcomeText = (o: RunOutcome): string =>
  o.error ? o.error : o.signal ? `killed by ${o.signal}` : `exit ${o.status}`;
/** Returns the most telling line of an error output: the first naming an error, else the first. */
const keyLine = (s: string): string => {
  const lines = s.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  return lines.find((l) => /error|ecall:/i.test(l)) ?? lines[0] ?? '';
};

let startupCache: { ecall: number; qemu: number } | null = null;

/** Returns the median start-up wall time (the startup benchmark) of each engine, measured once. */
function startupMedians(runs: number, warmup: number, qemu: string, haveQemu: boolean): { ecall: number; qemu: number } {
  if (startupCache) return startupCache;
  const b = BENCHMARKS.find((x) => x.name === STARTUP_BENCHMARK)!;
  const bin = resolve(ROOT, b.path);
  startupCache = {
    ecall: median(measure(process.execPath, [ECALL_JS, 'run', bin, ...b.args], runs, warmup).times),
    qemu: haveQemu ? median(measure(qemu, [bin, ...b.args], runs, warmup).times) : NaN,
  };
  return startupCache;
}

/** Runs the benchmarks and prints the table; returns the process exit code. */
function main(argv: string[]): number {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv, allowPositionals: true,
      options: {
        runs: { type: 'string', default: String(DEFAULT_RUNS) },
        warmup: { type: 'string', default: String(DEFAULT_WARMUP) },
        only: { type: 'string', multiple: true },
        qemu: { type: 'string', default: 'qemu-riscv64' },
        json: { type: 'boolean', default: false },
        'ecall-option': { type: 'string', multiple: true },
      },
    });
  } catch (e) {
    process.stderr.write(`bench: ${(e as Error).message}\nusage: npm run bench -- [--runs N] [--warmup N] [--only NAME]... [--qemu PATH] [--json] [--ecall-option=OPT]... [binary...]\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  const runs = Number(values.runs), warmup = Number(values.warmup);
  if (!Number.isInteger(runs) || runs < 1 || !Number.isInteger(warmup) || warmup < 0) {
    process.stderr.write('bench: --runs must be a positive integer and --warmup a non-negative integer\n');
    return 2;
  }
  let list: Benchmark[] = positionals.length > 0
    ? positionals.map((p) => ({ name: p, path: p, args: [], instretEstimate: null, note: 'given on the command line' }))
    : BENCHMARKS;
  if (values.only) list = list.filter((b) => values.only!.includes(b.name));

  const qemu = values.qemu!;
  const haveQemu = haveCommand(qemu);
  const native = process.arch === 'riscv64';
  const notes: string[] = [];
  if (!haveQemu) notes.push(`qemu columns skipped: ${qemu} not found`);
  if (!native) notes.push(`native runs skipped: the guests are riscv64 binaries and this host is ${process.arch}`);
  if (values['ecall-option']) notes.push(`ecall options: ${values['ecall-option'].join(' ')}`);
  notes.push(`wall time per run includes process start-up (node + kernel boot for ecall); ${runs} runs, ${warmup} warm-up`);
  if (removedNodeEnv.length > 0) notes.push(`removed from the environment of ecall's Node process (start-up work ecall never uses): ${removedNodeEnv.join(', ')}`);
  let statsFlag = true;

  const header = ['benchmark', 'ecall median', 'spread', 'qemu median', 'spread', 'ecall/qemu', ...(native ? ['native median'] : []), 'ecall MIPS'];
  const rows: string[][] = [];
  const json: object[] = [];
  for (const b of list) {
    const bin = resolve(ROOT, b.path);
    if (!existsSync(bin)) {
      notes.push(`${b.name}: skipped, ${b.path} ${b.missingHint ?? 'not built (make -C guest)'}`);
      continue;
    }
    process.stderr.write(`bench: ${b.name} ...\n`);
    b.prepare?.();
    const opts = [...(values['ecall-option'] ?? []), ...(b.ecallOptions ?? [])];
    let ecall = measure(process.execPath, [ECALL_JS, 'run', ...opts, ...(statsFlag ? ['--stats'] : []), bin, ...b.args], runs, warmup);
    if (statsFlag && ecall.first.status !== 0 && /stats/.test(ecall.first.stderr)) {
      statsFlag = false; // this ecall does not know --stats yet
      notes.push('ecall run has no --stats: MIPS uses the estimates marked "~"');
      ecall = measure(process.execPath, [ECALL_JS, 'run', ...opts, bin, ...b.args], runs, warmup);
    }
    const q = haveQemu && !b.ecallOnly ? measure(qemu, [bin, ...b.args], runs, warmup) : null;
    const n = native && !b.ecallOnly ? measure(bin, b.args, runs, warmup) : null;
    if (b.ecallOnly) notes.push(`${b.name}: ecall only (${b.ecallOnly})`);

    const eMed = median(ecall.times), qMed = q ? median(q.times) : NaN;
    if (b.name === STARTUP_BENCHMARK && b.path === BENCHMARKS[0]!.path) startupCache = { ecall: eMed, qemu: qMed };
    const counted = INSTRET_RE.exec(ecall.first.stderr);
    let instret: number | null = counted ? Number(counted[1]) : null;
    let mark = '';
    if (instret === null && b.instretEstimate) { instret = b.instretEstimate(b.args); mark = '~'; }
    // MIPS over the guest's own run time (reported by --stats) when known, so that Node's start-up
    // does not count; otherwise over the whole wall time.
    const runMs = ecall.guestMs.length > 0 ? median(ecall.guestMs) : eMed;
    const mips = instret !== null ? instret / (runMs / 1000) / 1e6 : NaN;

    let comparable = true;
    if (q) {
      const eo = ecall.first, qo = q.first;
      if (eo.stdout !== qo.stdout || eo.status !== qo.status || eo.signal !== qo.signal) {
        const why = eo.status !== qo.status || eo.signal !== qo.signal
          ? `ecall ${outcomeText(eo)}, qemu ${outcomeText(qo)}`
          : 'stdout differs';
        const err = keyLine(eo.stderr.replace(INSTRET_RE, ''));
        comparable = false;
        notes.push(`${b.name}: ecall DIFFERS from qemu (${why})${err ? `: ${err}` : ''}; its times are not comparable`);
      }
    }
    rows.push([
      b.name, fmtMs(eMed), `${spreadPct(ecall.times).toFixed(0)}%`,
      q ? fmtMs(qMed) : '-', q ? `${spreadPct(q.times).toFixed(0)}%` : '-',
      !q ? '-' : comparable ? `${(eMed / qMed).toFixed(2)}x` : 'differs',
      ...(n ? [fmtMs(median(n.times))] : []),
      Number.isFinite(mips) && comparable ? `${mark}${mips.toFixed(1)}` : '-',
    ]);
    notes.push(`${b.name}: ${b.note}`);
    if (b.printed) {
      const got = (out: string | undefined): string => b.printed!.re.exec(out ?? '')?.[1] ?? '-';
      notes.push(`${b.name}: ${b.printed.what}: ecall ${got(ecall.first.stderr)}, qemu ${got(q?.first.stderr)}`);
    }
    let peak: { ecallMiB: number | null; qemuMiB: number | null } | null = null;
    if (b.peakRss) {
      const e = peakRssMiB(process.execPath, [ECALL_JS, 'run', ...opts, bin, ...b.args]);
      const qm = haveQemu ? peakRssMiB(qemu, [bin, ...b.args]) : NaN;
      const fmt = (v: number): string => (Number.isFinite(v) ? `${v.toFixed(0)} MiB` : '-');
      notes.push(Number.isFinite(e) || Number.isFinite(qm)
        ? `${b.name}: peak RSS: ecall ${fmt(e)}, qemu ${fmt(qm)}`
        : `${b.name}: peak RSS not measured (${GNU_TIME} not found)`);
      peak = { ecallMiB: Number.isFinite(e) ? e : null, qemuMiB: Number.isFinite(qm) ? qm : null };
    }
    let rates: { unit: string; ecallPerSec: number | null; qemuPerSec: number | null } | null = null;
    if (b.rate && comparable) {
      const count = b.rate.count(b.args);
      const startup = startupMedians(runs, warmup, qemu, haveQemu);
      const eRate = ratePerSec(count, eMed, startup.ecall);
      const qRate = q ? ratePerSec(count, qMed, startup.qemu) : NaN;
      notes.push(`${b.name}: ${b.rate.unit}/s (median, start-up subtracted): ecall ${fmtRate(eRate)}, qemu ${fmtRate(qRate)}`
        + (Number.isFinite(eRate) && Number.isFinite(qRate) ? `, ecall/qemu ${(eRate / qRate).toFixed(2)}x` : ''));
      rates = { unit: b.rate.unit, ecallPerSec: Number.isFinite(eRate) ? eRate : null, qemuPerSec: Number.isFinite(qRate) ? qRate : null };
      if (b.aborts) {
        const m = ABORTS_RE.exec(ecall.first.stderr);
        const aborted = m ? Number(m[1]) : 0;
        notes.push(`${b.name}: ${aborted} sections aborted, ${(aborted / count * 1e6).toFixed(1)} per million increments`);
      }
    }
    json.push({ name: b.name, args: b.args, ecallMs: ecall.times, qemuMs: q?.times ?? null, nativeMs: n?.times ?? null, instret, instretEstimated: mark === '~', matchesQemu: q ? comparable : null, rates, peakRss: peak });
  }
  if (positionals.length === 0 && (!values.only || values.only.includes(HOST_CALL_ROW))) {
    // The library API's host-call round trip (bench/host_call.ts), in its own process.
    process.stderr.write(`bench: ${HOST_CALL_ROW} ...\n`);
    const r = spawnSync(process.execPath, [join(ROOT, 'dist', 'bench', 'host_call.js'), '--runs', String(runs), '--json'], { encoding: 'utf8', timeout: RUN_TIMEOUT_MS });
    const hc = r.status === 0 ? JSON.parse(r.stdout) as { calls: number; idle: number; busy: number; idleMs: number[] } : null;
    if (hc) {
      rows.push([HOST_CALL_ROW, fmtMs(median(hc.idleMs)), `${spreadPct(hc.idleMs).toFixed(0)}%`, '-', '-', '-', ...(native ? ['-'] : []), '-']);
      notes.push(`${HOST_CALL_ROW}: ${hc.calls} getppid calls by host code through Kernel.hostTask(), awaited one by one (no qemu counterpart: ` +
        `qemu-riscv64 has no library API): ${fmtRate(hc.idle)} calls/s on an idle kernel, ${fmtRate(hc.busy)} calls/s beside a computing guest`);
      json.push({ name: HOST_CALL_ROW, ecallMs: hc.idleMs, rates: { unit: 'host calls', ecallPerSec: hc.idle, besideGuestPerSec: hc.busy } });
    } else notes.push(`${HOST_CALL_ROW}: failed (${keyLine(r.stderr ?? '') || `status ${r.status}`})`);
  }
  if (positionals.length === 0 && (!values.only || values.only.includes(WARMUP_ROW))) warmupCurve(runs, warmup, rows, notes, json, native);
  if (values.json) {
    process.stdout.write(JSON.stringify({ runs, warmup, results: json, notes }, null, 2) + '\n');
  } else {
    process.stdout.write(formatTable(header, rows) + '\n\n' + notes.map((s) => `* ${s}`).join('\n') + '\n');
    // Browser start-up (bench/browser.ts) in its own process: it drives chromium asynchronously.
    if ((values.only ?? []).length === 0 && positionals.length === 0) {
      spawnSync(process.execPath, [join(ROOT, 'dist/bench/browser.js'), '--runs', String(runs)], { stdio: 'inherit' });
    }
  }
  return 0;
}

process.exitCode = main(process.argv.slice(2));
