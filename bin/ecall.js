#!/usr/bin/env node
// The ecall command. It loads the CLI bundle, dist/cli/ecall.js: one module, which starts far
// faster than the ~115 modules tsc writes to dist/src. `npm run build` (run by `npm ci` through
// `prepare`) writes both. A bundle older than the tsc output (tsc was run alone after a change) is
// stale, and then the tsc output runs instead, so the command always runs the code just compiled.
import { statSync } from 'node:fs';
import * as nodeModule from 'node:module';

// Node 22.1 and later keep V8's compiled code of the bundle between runs (as tsc's own CLI does);
// Node 20 has no such cache, and the call is skipped.
nodeModule.enableCompileCache?.();

const BUNDLE = new URL('../dist/cli/ecall.js', import.meta.url);
const COMPILED = new URL('../dist/src/cli/main.js', import.meta.url);

/** Returns a file's modification time in ms, or -1 if it does not exist. */
function mtime(url) {
  return statSync(url, { throwIfNoEntry: false })?.mtimeMs ?? -1;
}

const bundled = mtime(BUNDLE);
const { main } = await import(bundled >= 0 && bundled >= mtime(COMPILED) ? BUNDLE.href : COMPILED.href);
process.exitCode = await main(process.argv.slice(2));
