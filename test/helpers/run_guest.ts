// Runs a guest case under ecall (node bin/ecall.js run) or under qemu-riscv64 and collects its output.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';
import { guestBinary, guestSource, repoRoot, type GuestCase, type GuestResult } from './guest_cases.js';

/** Hang guard for one guest run, not a time limit: a run still going after this long is hung. The
 *  slowest runs (qsort, threads with --cpus 8, an esbuild bundle with --strace) take up to about
 *  60 s on a 2-core machine at load average 15 with a second test suite beside them; this is ten
 *  times that. Deterministic runs also have the kernel's own guards (deadlock notice, --max-insns). */
export const GUEST_TIMEOUT_MS = 600_000;

/** Shell exit status for death by signal N (what bash reports and what ecall's CLI exits with). */
const SIGNAL_STATUS_BASE = 128;

/** Returns the exit status a shell would report for a child's exit code or fatal signal. */
export function shellStatus(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  if (signal !== null) return SIGNAL_STATUS_BASE + constants.signals[signal];
  return -1;
}

/** Returns the command line that runs a case under ecall (empty environment plus the case's env). */
export function ecallCommand(c: GuestCase, root = repoRoot()): { file: string; args: string[] } {
  const envArgs = Object.entries(c.env).flatMap(([k, v]) => ['--env', `${k}=${v}`]);
  return { file: process.execPath, args: [join(root, 'bin', 'ecall.js'), 'run', '--clear-env', ...envArgs, guestBinary(c), ...c.args] };
}

/** Returns the command line that runs a case under qemu-riscv64 with exactly the case's environment
 * (env -i; qemu passes its environment to the guest unchanged) and core dumps disabled. */
export function qemuCommand(c: GuestCase, qemuPath = findQemu() ?? 'qemu-riscv64'): { file: string; args: string[] } {
  const assignments = Object.entries(c.env).map(([k, v]) => `${k}=${v}`);
  return {
    file: '/bin/sh',
    args: ['-c', 'ulimit -c 0; exec env -i "$@"', 'sh', ...assignments, qemuPath, guestBinary(c), ...c.args],
  };
}

/** Returns the absolute path of qemu-riscv64 on PATH, or null when it is not installed. */
export function findQemu(): string | null {
  if (qemuPathCache !== undefined) return qemuPathCache;
  const r = spawnSync('/bin/sh', ['-c', 'command -v qemu-riscv64'], { encoding: 'utf8' });
  const path = r.status === 0 ? r.stdout.trim() : '';
  qemuPathCache = path.startsWith('/') ? path : null;
  return qemuPathCache;
}
let qemuPathCache: string | null | undefined;

/** Returns why ecall cannot run guests yet (its CLI is not built), or null when it can. */
export function ecallUnavailable(root = repoRoot()): string | null {
  const cli = join(root, 'dist', 'src', 'cli', 'main.js');
  return existsSync(cli) ? null : `ecall CLI not built (${cli} missing)`;
}

/** Runs a command with the case's stdin and environment in the repository root; rejects on timeout. */
export function runCommand(cmd: { file: string; args: string[] }, c: Pick<GuestCase, 'name' | 'stdin'>, env: Record<string, string>,
  timeoutMs = GUEST_TIMEOUT_MS, root = repoRoot()): Promise<GuestResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd.file, cmd.args, { cwd: root, env, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (timedOut) {
        reject(new Error(`${c.name}: timed out after ${timeoutMs} ms`));
        return;
      }
      resolve({ stdout: Buffer.concat(out), stderr: Buffer.concat(err), status: shellStatus(code, signal) });
    });
    // The guest may exit without reading its input; a closed pipe is not an error here.
    child.stdin.on('error', () => {});
    child.stdin.end(c.stdin);
  });
}

/** Runs a case under ecall; the guest sees only the case's environment. */
export function runUnderEcall(c: GuestCase, timeoutMs = GUEST_TIMEOUT_MS): Promise<GuestResult> {
  // --clear-env keeps the CLI's own environment away from the guest.
  return runCommand(ecallCommand(c), c, { ...process.env } as Record<string, string>, timeoutMs);
}

/** Runs a case under qemu-riscv64; assumes findQemu() found it. */
export function runUnderQemu(c: GuestCase, timeoutMs = GUEST_TIMEOUT_MS): Promise<GuestResult> {
  return runCommand(qemuCommand(c), c, { ...process.env } as Record<string, string>, timeoutMs);
}

/** Host C compiler for cases whose reference is a native build ("reference": "native"). */
const NATIVE_CC = 'cc';
/** Flags of the native reference build: the guest Makefile's, for the host. */
const NATIVE_CFLAGS = ['-O2', '-Wall', '-Wno-format-truncation'];
const nativeBuilds = new Map<string, string>();

/** Builds guest/src/PROGRAM.c for the host once per process and returns the executable's path;
 * throws with the compiler's message when it fails. */
export function buildNative(c: GuestCase, root = repoRoot()): string {
  const done = nativeBuilds.get(c.program);
  if (done !== undefined) return done;
  const out = join(mkdtempSync(join(tmpdir(), 'ecall-native-')), c.program);
  const r = spawnSync(NATIVE_CC, [...NATIVE_CFLAGS, '-o', out, guestSource(c), '-lm'], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${c.name}: native build failed: ${r.error?.message ?? r.stderr}`);
  nativeBuilds.set(c.program, out);
  return out;
}

/** Runs a case as a native host program (the reference for cases qemu-riscv64 gets wrong), with
 * exactly the case's environment and core dumps disabled, like runUnderQemu. */
export function runNative(c: GuestCase, timeoutMs = GUEST_TIMEOUT_MS): Promise<GuestResult> {
  const exe = buildNative(c);
  const assignments = Object.entries(c.env).map(([k, v]) => `${k}=${v}`);
  const cmd = { file: '/bin/sh', args: ['-c', 'ulimit -c 0; exec env -i "$@"', 'sh', ...assignments, exe, ...c.args] };
  return runCommand(cmd, c, { ...process.env } as Record<string, string>, timeoutMs);
}

/** Returns the ecall command line of a case with extra `run` options (--seed, --cpus, --strace)
 * placed before the program, where they belong to ecall rather than to the guest. */
export function ecallCommandWith(c: GuestCase, options: string[], root = repoRoot()): { file: string; args: string[] } {
  const cmd = ecallCommand(c, root);
  const at = cmd.args.indexOf('run') + 1;
  return { file: cmd.file, args: [...cmd.args.slice(0, at), ...options, ...cmd.args.slice(at)] };
}

/** Runs a case under ecall with extra `run` options. */
export function runUnderEcallWith(c: GuestCase, options: string[], timeoutMs = GUEST_TIMEOUT_MS): Promise<GuestResult> {
  return runCommand(ecallCommandWith(c, options), c, { ...process.env } as Record<string, string>, timeoutMs);
}

/** Returns null when the host C compiler for native references is installed, else why not. */
export function nativeCompilerMissing(): string | null {
  const r = spawnSync('/bin/sh', ['-c', `command -v ${NATIVE_CC}`], { encoding: 'utf8' });
  return r.status === 0 ? null : `no host C compiler (${NATIVE_CC}) for the native reference builds`;
}
