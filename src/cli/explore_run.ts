// One run of the schedule explorer: the program in deterministic mode under a given seed and
// schedule, with its stdout captured in memory (a SimHost over the Node host whose stdio writes
// land in a buffer), so the run depends on nothing but its inputs.
import { NodeHost } from '../host/node.js';
import { SimHost } from '../host/sim.js';
import { Kernel } from '../kernel/kernel.js';
import { parseSchedule } from '../kernel/schedule/policy.js';
import { parseInjection, RunWatch } from '../kernel/inject.js';
import { parseExtensions } from '../kernel/ext/extensions.js';
import type { RunResult, RunSpec, Target } from '../explore/types.js';

/** Most stdout bytes kept per run: outcomes are told apart by their beginning, and a run that
 *  prints without end must not fill the host's memory. */
export const MAX_CAPTURED_STDOUT = 1 << 20;

/** Runs target once under spec; resolves with its outcome (never rejects for guest behaviour). */
export async function runOnce(target: Target, spec: RunSpec): Promise<RunResult> {
  const schedule = parseSchedule(spec.schedule);
  if (typeof schedule === 'string') throw new Error(`bad schedule '${spec.schedule}': ${schedule}`);
  const chunks: Uint8Array[] = [];
  let kept = 0;
  const node = new NodeHost();
  const outer = {
    fs: node.fs, cwd: () => node.cwd(), yieldToHost: () => node.yieldToHost(), armTimer: node.armTimer.bind(node),
    isatty: () => false, winsize: () => null, stdioInfo: () => null,
    writeStdio: (fd: 1 | 2, data: Uint8Array): number => {
      if (fd === 1 && kept < MAX_CAPTURED_STDOUT) { chunks.push(data.slice(0, MAX_CAPTURED_STDOUT - kept)); kept += data.length; }
      return data.length;
    },
  };
  const seed = BigInt(spec.seed);
  const host = new SimHost(seed, { outer });
  const ext = parseExtensions(target.ext);
  if ('unknown' in ext) throw new Error(`bad extension '${ext.unknown}'`);
  const inject = spec.inject === undefined ? undefined : parseInjection(spec.inject);
  if (typeof inject === 'string') throw new Error(`bad injection '${spec.inject}': ${inject}`);
  const watched = inject !== undefined || spec.record === true || target.cancelProbe === true;
  const watch = watched ? new RunWatch({ inject, record: spec.record, cancelProbe: target.cancelProbe }) : undefined;
  const kernel = new Kernel({
    host, seed, schedule, watch, cpus: target.cpus, maxInstructions: target.maxInsns, extensions: ext, mounts: [], root: null,
  });
  const p = kernel.spawn(target.program, target.args, { env: target.env, cwd: target.cwd, stdio: 'inherit', forwardSignals: false });
  const st = await p.exited;
  await kernel.wait();
  const stdout = new TextDecoder().decode(concat(chunks));
  const res: RunResult = { code: st.code, stdout, instret: kernel.retiredInstructions, notice: kernel.endNotice };
  const w = watch?.report();
  if (w !== undefined && spec.record === true) res.syscalls = w.syscalls ?? [];
  if (w !== undefined && inject !== undefined) res.injected = w.injected;
  if (w !== undefined && target.cancelProbe === true) res.cancelLatency = w.cancelLatency;
  return res;
}

/** The chunks joined into one array. */
function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) { out.set(c, at); at += c.length; }
  return out;
}
