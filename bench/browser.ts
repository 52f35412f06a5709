// Start-up of a kernel and a small guest in the browser build, in the page (Debian's chromium
// through playwright-core, the playground served with COOP/COEP), against the same runProgram in
// Node, and against the whole `ecall run` command in a fresh Node process. Each figure is the
// median of --runs runs after one untimed run (the page's first run is shown apart: it compiles
// the kernel's code). `npm run bench` runs this after its table; without chromium it says so.
//
//   node dist/bench/browser.js [--runs N]
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { BrowserHost, runProgram } from '../src/browser.js';
import { findChromium, startPlayground } from '../test/browser/chromium.js';
import { formatTable, median, spreadPct } from './stats.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Timed runs per figure by default (odd, so the median is a real run). */
const DEFAULT_RUNS = 9;
/** The guests timed: the smallest program, and one that prints through libc. */
const GUESTS = ['exit42', 'hello'];

/** Milliseconds of each of n runs of name through runProgram in this Node process. */
async function nodeRuns(name: string, n: number): Promise<number[]> {
  const program = readFileSync(join(ROOT, 'guest/bin', name));
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await runProgram({ program, name, host: new BrowserHost() }).exited;
    out.push(performance.now() - t0);
  }
  return out;
}

/** Milliseconds of each of n `node bin/ecall.js run` processes (Node's own start-up included). */
function cliRuns(name: string, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    spawnSync(process.execPath, [join(ROOT, 'bin/ecall.js'), 'run', '--clear-env', join(ROOT, 'guest/bin', name)], { stdio: 'ignore' });
    out.push(performance.now() - t0);
  }
  return out;
}

/** "12.3 ms ±4%" for a list of times. */
const fmt = (xs: number[]): string => `${median(xs).toFixed(1)} ms ±${spreadPct(xs).toFixed(0)}%`;

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { runs: { type: 'string', default: String(DEFAULT_RUNS) } } });
  const runs = Number(values.runs);
  const chrome = findChromium();
  if ('missing' in chrome) {
    process.stdout.write(`\nbrowser start-up: skipped, ${chrome.missing}\n`);
    return;
  }
  const pg = await startPlayground(chrome.path);
  const rows: string[][] = [];
  try {
    const page = await pg.open();
    const version = pg.browser.version();
    for (const name of GUESTS) {
      const inPage = await page.evaluate(([g, n]) => (globalThis as unknown as { ecallPlayground: { bench(g: string, n: number): Promise<number[]> } })
        .ecallPlayground.bench(g as string, n as number), [name, runs + 1] as const);
      const first = inPage.shift()!;
      await nodeRuns(name, 1);
      const inNode = await nodeRuns(name, runs);
      cliRuns(name, 1);
      const cli = cliRuns(name, runs);
      rows.push([name, `${first.toFixed(1)} ms`, fmt(inPage), fmt(inNode), (median(inPage) / median(inNode)).toFixed(2) + 'x', fmt(cli)]);
    }
    process.stdout.write(`\nbrowser start-up: kernel boot + guest to exit, runProgram with BrowserHost (chromium ${version}, ` +
      `${runs} runs, median ± spread)\n` + formatTable(['guest', 'page, first run', 'page', 'node', 'page/node', 'ecall run (new node process)'], rows) + '\n');
  } finally {
    await pg.close();
  }
}

await main(process.argv.slice(2));
