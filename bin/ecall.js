#!/usr/bin/env node
// The ecall command. It loads the CLI bundle, dist/cli/ecall.cjs: one script, which starts far
// faster than the ~115 modules tsc writes to dist/src, and whose compiled code V8 keeps between
// runs in a cache directory (dist/cli/loader.cjs, built from src/cli/code_cache.ts;
// ECALL_NO_CODE_CACHE=1 turns it off). `npm run build` (run by `npm ci` through `prepare`) writes
// both. A bundle older than the tsc output (tsc was run alone after a change) is stale, and then
// the tsc output runs instead, so the command always runs the code just compiled.
//
// This file is CommonJS (bin/package.json says so): a start that loads no ES module never sets
// up Node's ES module loader, which costs more than loading the whole CLI from the code cache.
'use strict';
const { statSync } = require('node:fs');
const { join } = require('node:path');
const { pathToFileURL } = require('node:url');

const BUNDLE = join(__dirname, '..', 'dist', 'cli', 'ecall.cjs');
const LOADER = join(__dirname, '..', 'dist', 'cli', 'loader.cjs');
const COMPILED = join(__dirname, '..', 'dist', 'src', 'cli', 'main.js');
/** Event-loop turns to wait after the command for what it left pending to settle (one suffices for a run). */
const SETTLE_TURNS = 4;

/** Returns a file's modification time in ms, or -1 if it does not exist. */
function mtime(path) {
  return statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? -1;
}

/** Runs the command line through the bundle (or the tsc output) and exits with its status. */
async function run() {
  const bundled = mtime(BUNDLE);
  let main;
  let saveCache = () => {};
  if (bundled >= 0 && bundled >= mtime(COMPILED) && mtime(LOADER) >= 0) {
    const { codeCacheDir, loadBundle } = require(LOADER);
    const loaded = loadBundle(BUNDLE, codeCacheDir(process.env));
    main = loaded.exports.main;
    saveCache = loaded.save;
    if (process.env.ECALL_DEBUG) process.stderr.write(`ecall: code cache ${loaded.status}${loaded.file ? ` (${loaded.file})` : ''}\n`);
  } else {
    ({ main } = await import(pathToFileURL(COMPILED).href));
  }
  const argv = process.argv.slice(2);
  const code = await main(argv);
  // Only a command that runs a program writes the cache: one written by --version or --help would
  // hold little of the kernel's code, and a hit is never written again.
  if (argv[0] === 'run' || argv[0] === 'explore') saveCache();
  // With nothing left pending (no handle, request or timer: every write is done), exit now. Left to
  // itself, Node would first run every optimization V8 still has queued for its background threads,
  // which a short run leaves behind (the interpreter loop, tens of milliseconds of compiling each);
  // process.exit waits only for the ones already running. What a run
  // leaves behind itself (the scheduler's last setImmediate, handles closing) settles in a turn of
  // the event loop or two; anything longer lived (a timer, a write to a slow pipe) gets the natural exit.
  for (let turn = 0; turn < SETTLE_TURNS && process.getActiveResourcesInfo().length > 0; turn++) {
    await new Promise((resolve) => setImmediate(resolve));
  }
  if (process.getActiveResourcesInfo().length === 0) process.exit(code);
  process.exitCode = code;
}

// An exception escaping the command ends the process as an unhandled rejection: reported, status 1.
run();
