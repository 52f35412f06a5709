// Runs one ELF image through the whole kernel in this process (spawn, load, run, exit), in
// deterministic mode with an instruction budget, and collects what a user would see. Shared by
// the ELF mutation fuzzer and the kernel-limit tests.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HostStdin } from '../../src/host/host.js';
import { SimHost } from '../../src/host/sim.js';
import { Kernel } from '../../src/kernel/kernel.js';
import { NodeHost } from '../../src/host/node.js';

/** Guest output kept per stream; a mutant that prints without end must not fill host memory. */
const OUTPUT_KEEP = 64 * 1024;

/** Stdin that is always at EOF: fuzzed programs read nothing from the fuzzer's own stdin. */
class EmptyStdin implements HostStdin {
  take(): Uint8Array { return new Uint8Array(0); }
  available(): number { return 0; }
  atEof(): boolean { return true; }
  request(): void {}
  close(): void {}
}

/** A deterministic host whose stdout and stderr are captured instead of reaching ours. */
class CapturingHost extends SimHost {
  override readonly stdin: HostStdin = new EmptyStdin();
  readonly out: string[] = ['', '', ''];

  override writeStdio(fd: 1 | 2, data: Uint8Array): number {
    if (this.out[fd]!.length < OUTPUT_KEEP) this.out[fd] += new TextDecoder().decode(data.subarray(0, OUTPUT_KEEP));
    return data.length;
  }
}

/** What one run produced: a spawn error (the one-line message and the shell status), or the
 *  exit status of the process, the kernel's own end notice and the captured output. */
export type ImageRun =
  | { kind: 'refused'; error: string; exitCode: number }
  | { kind: 'ran'; code: number; signal: number; notice: string | null; instret: number; stdout: string; stderr: string };

export interface RunImageOptions {
  /** Deterministic-mode seed (scheduling, time, AT_RANDOM). */
  seed: number;
  /** Instructions after which the kernel ends the run with SIGKILL (a hang guard). */
  maxInstructions: number;
  argv?: string[];
  cpus?: number;
}

/** A host directory that serves as the guest's / for image runs; created on first use. */
let rootDir: string | null = null;

/** Returns the sandbox root, creating it (and its removal at exit) once per process. */
function sandboxRoot(): string {
  if (rootDir === null) {
    const dir = mkdtempSync(join(tmpdir(), 'ecall-image-'));
    rootDir = dir;
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return rootDir;
}

/** Returns what running image as /prog gives. Exceptions from the kernel propagate: to a
 *  caller they are host exceptions, which is what the fuzzers look for. */
export async function runImage(image: Uint8Array, o: RunImageOptions): Promise<ImageRun> {
  const root = sandboxRoot();
  writeFileSync(join(root, 'prog'), image, { mode: 0o755 });
  const host = new CapturingHost(o.seed, { outer: new NodeHost() });
  const kernel = new Kernel({ host, root, mounts: [], seed: o.seed, cpus: o.cpus ?? 1, maxInstructions: o.maxInstructions });
  const argv = o.argv ?? ['prog'];
  const p = kernel.createProcess('/prog', argv, [], '/');
  if ('error' in p) return { kind: 'refused', error: p.error, exitCode: p.exitCode };
  const st = await kernel.wait();
  return { kind: 'ran', code: st.code, signal: st.signal, notice: kernel.endNotice, instret: st.instret, stdout: host.out[1]!, stderr: host.out[2]! };
}
