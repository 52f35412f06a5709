// Host-call round trips (issue 14): host code calling getppid through a HostTask, awaited one by
// one, on an idle kernel and beside a guest that computes (its calls then wait for the event point
// between two slices). Prints calls per second for each; `--json` prints them for bench/run.ts.
// There is no qemu counterpart: qemu-riscv64 has no library API.
//
//   node dist/bench/host_call.js [--calls N] [--runs N] [--json]
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Kernel } from '../src/index.js';
import { NodeHost } from '../src/host/node.js';
import { median } from './stats.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Round trips per timed run: enough that a run takes well over the timer's resolution. */
const DEFAULT_CALLS = 100_000;
/** Timed runs per case (the median is reported). */
const DEFAULT_RUNS = 5;
/** The computing guest of the second case: bench_compute rounds, far more than the calls need (it is killed). */
const BUSY_GUEST = join(ROOT, 'guest/bin/bench_compute');
const BUSY_ROUNDS = '100000';

/** Milliseconds that `calls` awaited getppid calls take on a fresh kernel (with a computing guest when busy). */
async function timeCalls(calls: number, busy: boolean): Promise<number> {
  const k = new Kernel({ host: new NodeHost(), mounts: [] });
  const h = k.hostTask();
  if (busy) k.spawn(BUSY_GUEST, [BUSY_ROUNDS], { stdio: 'ignore' });
  await h.getppid(); // warm: the first call builds what later calls reuse
  const t0 = performance.now();
  for (let i = 0; i < calls; i++) await h.getppid();
  const ms = performance.now() - t0;
  await k.shutdown();
  return ms;
}

/** Median calls per second of each case. */
export async function hostCallRates(calls: number, runs: number): Promise<{ idle: number; busy: number; idleMs: number[]; busyMs: number[] }> {
  const idleMs: number[] = [], busyMs: number[] = [];
  for (let r = 0; r < runs; r++) idleMs.push(await timeCalls(calls, false));
  // Beside a guest each round trip waits for a slice: fewer calls keep the run short.
  const busyCalls = Math.max(1, Math.floor(calls / 10));
  for (let r = 0; r < runs; r++) busyMs.push(await timeCalls(busyCalls, true));
  return { idle: calls / (median(idleMs) / 1000), busy: busyCalls / (median(busyMs) / 1000), idleMs, busyMs };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { calls: { type: 'string' }, runs: { type: 'string' }, json: { type: 'boolean', default: false } } });
  const calls = Number(values.calls ?? DEFAULT_CALLS), runs = Number(values.runs ?? DEFAULT_RUNS);
  const r = await hostCallRates(calls, runs);
  if (values.json) process.stdout.write(JSON.stringify({ calls, runs, ...r }) + '\n');
  else {
    process.stdout.write(`host call round trip (getppid through HostTask, awaited one by one), median of ${runs} runs:\n`);
    process.stdout.write(`  idle kernel:            ${Math.round(r.idle).toLocaleString('en')} calls/s (${(1e6 / r.idle).toFixed(2)} us per call)\n`);
    process.stdout.write(`  beside a computing guest: ${Math.round(r.busy).toLocaleString('en')} calls/s (${(1e6 / r.busy).toFixed(2)} us per call)\n`);
  }
}
