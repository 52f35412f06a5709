// The ecall command: `ecall run [options] PROGRAM [ARGS...]` and `ecall syscalls` (args.ts parses them).
import { readFileSync } from 'node:fs';
import { createSimHost, NodeHost } from '../host/node.js';
import { MAX_CPUS } from '../kernel/sched.js';
import { Kernel, SpawnError } from '../kernel/kernel.js';
import type { GuestProcess } from '../kernel/guest_process.js';
import { MountError, normalizeGuestPath } from '../kernel/vfs/vfs.js';
import { MAX_MEMORY_BYTES, MIN_MEMORY_BYTES, parseMemorySize } from '../mem/phys.js';
import { EXTENSION_NAMES, parseExtensions } from '../kernel/ext/extensions.js';
import { jitOf } from '../cpu/jit/jit.js';
import { coverageMarkdown, coverageText } from '../kernel/syscalls/coverage.js';
import { syscallTable } from '../kernel/syscalls/table.js';
import { parseCommandLine, USAGE, UsageError, type RunOptions } from './args.js';
import { signalDescription } from './signal_text.js';
import { exploreCommand } from './explore_cmd.js';
import { EXPLORE_WORKER_ARG, type ExploreWorkerData, serveExploreWorker, workerThreads } from './explore_pool.js';
import { parseSchedule } from '../kernel/schedule/policy.js';
import { parseInjection, RunWatch } from '../kernel/inject.js';

// Loaded as an explorer worker (explore_pool.ts): serve runs instead of parsing a command line.
if (process.argv.includes(EXPLORE_WORKER_ARG) && !workerThreads().isMainThread) {
  const data = workerThreads().workerData as ExploreWorkerData | null;
  if (data?.ecallExplore === true) serveExploreWorker(data);
}

/** Parses HOST:GUEST[:ro] into a mount; throws a one-line message on bad syntax. */
export function parseMount(spec: string): { host: string; guest: string; readonly: boolean } {
  const parts = spec.split(':');
  const ro = parts.length === 3 && parts[2] === 'ro';
  if (parts.length < 2 || parts.length > 3 || (parts.length === 3 && !ro) || !parts[0] || !parts[1]?.startsWith('/')) {
    throw new UsageError(`bad --mount '${spec}': expected HOST:GUEST[:ro] with an absolute GUEST path`);
  }
  if (normalizeGuestPath(parts[1]) === '/') throw new UsageError(`bad --mount '${spec}': GUEST is /; use --root ${parts[0]}`);
  return { host: parts[0], guest: parts[1], readonly: ro };
}

/** Parses a decimal integer option within [min, max]; a one-line usage error otherwise. */
function parseIntOption(name: string, v: string, min: number, max: number): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < min || n > max) throw new UsageError(`bad ${name} '${v}': expected an integer from ${min} to ${max}`);
  return n;
}

/** Smallest --tmpfs-size: one page, the unit tmpfs allocates. */
const MIN_TMPFS_SIZE = 4096;

/** Parses --tmpfs-size: bytes with an optional k, m or g suffix (powers of 1024, as mount(8)'s size=), at least one page. */
export function parseSize(v: string): number {
  const n = parseMemorySize(v);
  if (n === null || !(n >= MIN_TMPFS_SIZE && n <= Number.MAX_SAFE_INTEGER)) {
    throw new UsageError(`bad --tmpfs-size '${v}': expected bytes (at least ${MIN_TMPFS_SIZE}) with an optional k, m or g suffix`);
  }
  return n;
}

/** Bytes per WebAssembly page: --memory is rounded up to a multiple of it. */
const WASM_PAGE = 65536;

/** Parses --memory SIZE ("64m", "2g", "1073741824"): bytes between 16 MiB and 4 GiB, rounded up to 64 KiB. */
function parseMemory(v: string): number {
  const n = parseMemorySize(v);
  if (n === null || n < MIN_MEMORY_BYTES || n > MAX_MEMORY_BYTES) {
    throw new UsageError(`bad --memory '${v}': expected a size from 16m to 4g (a number with an optional k, m or g)`);
  }
  return Math.ceil(n / WASM_PAGE) * WASM_PAGE;
}

/** The largest --jit-threshold: arrival counts are int32 slots counting down from 0. */
const MAX_JIT_THRESHOLD = 2 ** 30;

/** Parses --seed: a non-negative integer below 2^64. */
function parseSeed(v: string): bigint {
  if (!/^\d+$/.test(v) || BigInt(v) >= 1n << 64n) throw new UsageError(`bad --seed '${v}': expected an integer from 0 to 2^64-1`);
  return BigInt(v);
}

/** Parses --rseq-stress: a probability in (0, 1]. */
function parseProbability(v: string): number {
  const p = Number(v);
  if (!/^(0|1)?(\.\d+)?$/.test(v) || !(p > 0 && p <= 1)) throw new UsageError(`bad --rseq-stress '${v}': expected a probability above 0, at most 1`);
  return p;
}

/** The package version: inlined by the CLI bundle (tools/bundle_cli.ts); undefined when running unbundled. */
declare const ECALL_BUNDLED_VERSION: string | undefined;

/** Returns the package version (package.json's, read from the repository when unbundled). */
function version(): string {
  if (typeof ECALL_BUNDLED_VERSION === 'string') return ECALL_BUNDLED_VERSION;
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** Runs the program and returns the exit status to forward. */
async function runCommand(program: string, args: string[], o: RunOptions): Promise<number> {
  const env: string[] = o.clearEnv ? [] : Object.entries(process.env).map(([k, v]) => `${k}=${v ?? ''}`);
  for (const kv of o.env) {
    if (!kv.includes('=')) throw new UsageError(`bad --env '${kv}': expected KEY=VALUE`);
    const key = kv.slice(0, kv.indexOf('='));
    const i = env.findIndex((e) => e.startsWith(key + '='));
    if (i >= 0) env[i] = kv; else env.push(kv);
  }
  const mounts = o.mount.map(parseMount);
  const cpus = o.cpus === undefined ? undefined : parseIntOption('--cpus', o.cpus, 1, MAX_CPUS);
  const seed = o.seed === undefined ? undefined : parseSeed(o.seed);
  const schedule = o.schedule === undefined ? undefined : parseSchedule(o.schedule);
  if (typeof schedule === 'string') throw new UsageError(`bad --schedule '${o.schedule}': ${schedule}`);
  if (schedule !== undefined && seed === undefined) throw new UsageError('--schedule needs --seed (deterministic mode)');
  const injection = o.inject === undefined ? undefined : parseInjection(o.inject);
  if (typeof injection === 'string') throw new UsageError(`bad --inject '${o.inject}': ${injection}`);
  if (injection !== undefined && seed === undefined) throw new UsageError('--inject needs --seed (deterministic mode)');
  const watch = injection === undefined ? undefined : new RunWatch({ inject: injection });
  const maxInstructions = o.maxInsns === undefined ? undefined : parseIntOption('--max-insns', o.maxInsns, 1, Number.MAX_SAFE_INTEGER);
  const extensions = parseExtensions(o.ext);
  if ('unknown' in extensions) throw new UsageError(`bad --ext '${extensions.unknown}': expected ${EXTENSION_NAMES.join(', ')} or all`);
  const rseqStress = o.rseqStress === undefined ? undefined : parseProbability(o.rseqStress);
  const tmpfsSize = o.tmpfsSize === undefined ? undefined : parseSize(o.tmpfsSize);
  const host = seed === undefined ? new NodeHost() : createSimHost(seed);
  const strace = o.strace ? (line: string) => { process.stderr.write(line + '\n'); } : undefined;
  const memory = o.memory === undefined ? undefined : parseMemory(o.memory);
  let kernel: Kernel;
  try {
    kernel = new Kernel({ host, mounts, root: o.root ?? null, sysroot: o.sysroot, strace, cpus, seed, schedule, watch, maxInstructions, extensions, rseqStress, tmpfsSize, memory, jit: o.jit,
      jitThreshold: o.jitThreshold === undefined ? undefined : parseIntOption('--jit-threshold', o.jitThreshold, 1, MAX_JIT_THRESHOLD),
      jitAsync: o.jitSync === true ? false : undefined });
  } catch (e) {
    if (e instanceof MountError) throw new UsageError(`bad --${e.option}: ${e.message}`);
    throw e;
  }
  const cwd = o.root !== undefined ? '/' : process.cwd();
  const started = o.stats ? performance.now() : 0; // (Node loads perf_hooks for the first performance.now())
  let p: GuestProcess;
  try {
    // The host's own stdio, and with it the host's signals: the guest is the terminal's foreground job.
    p = kernel.spawn(program, args, { env, cwd, stdio: 'inherit' });
  } catch (e) {
    if (!(e instanceof SpawnError)) throw e;
    process.stderr.write(`ecall: ${e.error}\n`);
    return e.exitCode;
  }
  const st = await p.exited;
  await kernel.wait();
  if (kernel.endNotice !== null) process.stderr.write(`ecall: ${kernel.endNotice}\n`);
  if (strace) strace(st.signal ? `+++ killed by ${signalDescription(st.signal).name}${st.coreDumped ? ' (core dumped)' : ''} +++` : `+++ exited with ${st.code} +++`);
  // Like qemu-riscv64, announce only deaths that dump core; a SIGPIPE or SIGTERM death is silent.
  if (st.signal && st.coreDumped) {
    process.stderr.write(`ecall: uncaught target signal ${st.signal} (${signalDescription(st.signal).text}) - core dumped\n`);
  }
  if (o.stats) {
    const ms = performance.now() - started;
    const aborts = st.rseqAborts > 0 ? ` rseq_aborts=${st.rseqAborts}` : '';
    process.stderr.write(`ecall: instret=${st.instret} ms=${ms.toFixed(1)} mips=${(st.instret / ms / 1000).toFixed(1)}${aborts}\n`);
    const j = jitOf(kernel.phys)?.stats;
    if (j) {
      process.stderr.write(`ecall: jit regions=${j.regions} insns=${j.instructions} compile_ms=${j.compileMs.toFixed(1)} ` +
        `entries=${j.entries} calls=${j.calls} translated_insns=${j.retired} interp_runs=${j.interpRuns} exits: interp=${j.exits.interp} ` +
        `budget=${j.exits.budget} ecall=${j.exits.ecall} miss=${j.exits.miss} dropped=${j.dropped} evicted=${j.evicted} demoted=${j.demoted} ` +
        `helpers: fp=${j.helpers.fp} csr=${j.helpers.csr}\n`);
    }
  }
  return st.code;
}

/** Prints the syscall coverage table (plain, or markdown for the README). */
function listSyscalls(markdown: boolean): void {
  console.log(markdown ? coverageMarkdown(syscallTable) : coverageText(syscallTable));
}

/** Entry point: returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  try {
    const cmd = parseCommandLine(argv);
    switch (cmd.kind) {
      case 'help':
        process.stdout.write(`${USAGE}\n`);
        return 0;
      case 'version':
        process.stdout.write(`${version()}\n`);
        return 0;
      case 'syscalls':
        listSyscalls(cmd.markdown);
        return 0;
      case 'run':
        return await runCommand(cmd.program, cmd.args, cmd.options);
      case 'explore':
        return await exploreCommand(cmd.program, cmd.args, cmd.options, new URL(import.meta.url));
    }
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`ecall: ${e.message}\n`);
      return 2;
    }
    const err = e as Error;
    process.stderr.write(`ecall: internal error: ${err.message}${process.env.ECALL_DEBUG ? '\n' + err.stack : ' (set ECALL_DEBUG=1 for details)'}\n`);
    return 70;
  }
}
