// Runs a guest in deterministic mode with a simulated terminal as its stdio: the host's fds 0-2
// report a terminal (so the first process gets it as its controlling terminal, as under `script`
// or `docker run -t`), stdin is given whole, and output is captured instead of written.
import { spawnSync } from 'node:child_process';
import { Kernel } from '../../src/kernel/kernel.js';
import { NodeHost } from '../../src/host/node.js';
import { SimHost } from '../../src/host/sim.js';
import type { HostStdioInfo } from '../../src/host/host.js';
import { findQemu } from './run_guest.js';

/** The outer host of the simulated terminal: every stdio fd is a tty; output goes to `out`. */
class TerminalOuter extends NodeHost {
  out = '';
  override isatty(fd: number): boolean { return fd <= 2; }
  override winsize(): { rows: number; cols: number } { return { rows: 24, cols: 80 }; }
  override stdioInfo(): HostStdioInfo { return { kind: 'tty', ino: 0, size: 0, rdev: 0, path: null }; }
  override writeStdio(_fd: 1 | 2, data: Uint8Array): number { this.out += new TextDecoder().decode(data); return data.length; }
}

/** Runs program under ecall (--seed) on a simulated terminal; returns its output (stdout and stderr interleaved) and exit code. */
export async function runOnSimulatedTerminal(program: string, args: string[], stdin = '', seed = 1n,
  mounts: { host: string; guest: string; readonly: boolean }[] = []): Promise<{ out: string; code: number }> {
  const outer = new TerminalOuter();
  const host = new SimHost(seed, { outer, stdin: new TextEncoder().encode(stdin) });
  const kernel = new Kernel({ host, seed, mounts });
  const proc = kernel.spawn(program, args, { stdio: 'inherit', env: {} });
  const st = await proc.exited;
  return { out: outer.out, code: st.code };
}

/** Returns why a program cannot be run under qemu-riscv64 on a pseudo-terminal (util-linux `script`), or null. */
export function qemuTerminalUnavailable(): string | null {
  if (findQemu() === null) return 'qemu-riscv64 is not installed';
  if (spawnSync('script', ['--version']).status !== 0) return 'util-linux script (a pseudo-terminal for qemu) is not installed';
  return null;
}

/** Runs program under qemu-riscv64 as the session leader of a new pseudo-terminal; returns its output with CRLF made LF. */
export function runQemuOnTerminal(program: string, args: string[]): string {
  const cmd = ['exec', findQemu()!, program, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ').replace(/^'exec'/, 'exec');
  const r = spawnSync('script', ['-qec', cmd, '/dev/null'], { input: '', encoding: 'utf8', env: {}, timeout: 600_000 });
  return r.stdout.replace(/\r\n/g, '\n');
}
