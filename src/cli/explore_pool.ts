// Runs the explorer's batches on worker threads (node:worker_threads): each worker loads the CLI
// module again and runs one spec at a time as the pool hands them out. Results come back in spec
// order, so nothing downstream sees how many workers there were.
import type * as WorkerThreads from 'node:worker_threads';
import { lazyBuiltin } from '../host/node_builtin.js';
import type { RunBatch, RunResult, RunSpec, Target } from '../explore/types.js';
import { runOnce } from './explore_run.js';

/** node:worker_threads, loaded by the explorer only (a plain run never needs it). */
export const workerThreads = lazyBuiltin<typeof WorkerThreads>('node:worker_threads');
type Worker = WorkerThreads.Worker;

/** The argument a worker gets in process.argv, so main.ts knows it is one without loading node:worker_threads. */
export const EXPLORE_WORKER_ARG = '--ecall-explore-worker';

/** The workerData that makes a loaded CLI module an explorer worker (main.ts checks it). */
export interface ExploreWorkerData {
  ecallExplore: true;
  target: Target;
}

/** A message from the pool to a worker, and its answer. */
interface Job { index: number; spec: RunSpec }
type Answer = { index: number; result: RunResult } | { index: number; error: string };

/** A way to run batches, and to stop its workers. */
export interface Pool {
  run: RunBatch;
  close(): Promise<void>;
}

/** Runs every batch in this thread, one spec after another. */
export function inlinePool(target: Target): Pool {
  return {
    run: async (specs, onDone) => {
      const out: RunResult[] = [];
      for (const s of specs) { out.push(await runOnce(target, s)); onDone?.(); }
      return out;
    },
    close: async () => {},
  };
}

/** Starts `jobs` workers that load moduleUrl (the CLI's main module) with explorer workerData. */
export function workerPool(target: Target, jobs: number, moduleUrl: URL): Pool {
  const data: ExploreWorkerData = { ecallExplore: true, target };
  const workers = Array.from({ length: jobs }, () => new (workerThreads().Worker)(moduleUrl, { workerData: data, argv: [EXPLORE_WORKER_ARG] }));
  const run: RunBatch = (specs, onDone) => new Promise((resolve, reject) => {
    const results: RunResult[] = new Array(specs.length);
    let next = 0, done = 0, failed = false;
    const feed = (w: Worker): void => {
      if (next < specs.length) { const job: Job = { index: next, spec: specs[next]! }; next++; w.postMessage(job); }
    };
    const cleanups = workers.map((w) => {
      const onMessage = (a: Answer): void => {
        if (failed) return;
        if ('error' in a) { failed = true; cleanup(); reject(new Error(a.error)); return; }
        results[a.index] = a.result;
        done++;
        onDone?.();
        if (done === specs.length) { cleanup(); resolve(results); } else feed(w);
      };
      const onError = (e: Error): void => { if (!failed) { failed = true; cleanup(); reject(e); } };
      w.on('message', onMessage);
      w.on('error', onError);
      return () => { w.off('message', onMessage); w.off('error', onError); };
    });
    const cleanup = (): void => { for (const c of cleanups) c(); };
    if (specs.length === 0) { cleanup(); resolve([]); return; }
    for (const w of workers) feed(w);
  });
  return { run, close: async () => { await Promise.all(workers.map((w) => w.terminate())); } };
}

/** The worker side: answers each job with runOnce's result (or the error's message). */
export function serveExploreWorker(data: ExploreWorkerData): void {
  const parentPort = workerThreads().parentPort;
  parentPort!.on('message', (job: Job) => {
    runOnce(data.target, job.spec).then(
      (result) => parentPort!.postMessage({ index: job.index, result } satisfies Answer),
      (e: unknown) => parentPort!.postMessage({ index: job.index, error: (e as Error).message } satisfies Answer),
    );
  });
}
