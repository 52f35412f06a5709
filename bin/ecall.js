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
const { statSync, writeSync } = require('node:fs');
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
  // With nothing left pending (no handle, request or timer but idle stdio streams: every write is
  // done), exit now. Left to itself, Node would first run every optimization V8 still has queued
  // for its background threads, which a short run leaves behind (the interpreter loop, tens of
  // milliseconds of compiling each); process.exit waits only for the ones already running, and
  // exitWithoutJoin not even for those. What a run leaves behind itself (the scheduler's last
  // setImmediate, handles closing) settles in a turn of the event loop or two; anything longer
  // lived (a timer, a write to a slow pipe) gets the natural exit.
  for (let turn = 0; turn < SETTLE_TURNS && !settled(); turn++) {
    await new Promise((resolve) => setImmediate(resolve));
  }
  if (settled()) {
    if (argv[0] === 'run' && nothingWritesAtExit()) exitWithoutJoin(code);
    process.exit(code);
  }
  process.exitCode = code;
}

/** Kinds of handle process.stdout and process.stderr are when they are pipes or sockets, or terminals. */
const STDIO_HANDLES = new Set(['PipeWrap', 'TCPWrap', 'TTYWrap']);

/**
 * Returns whether nothing is pending: no handle, request or timer, except stdio streams (which
 * Node creates when the CLI writes to process.stderr, or destroys process.stdin after the guest
 * read it) that hold no unwritten bytes. Such a stream stays a handle, though it keeps no process alive.
 */
function settled() {
  const resources = process.getActiveResourcesInfo();
  if (resources.length === 0) return true;
  if (!resources.every((r) => STDIO_HANDLES.has(r))) return false;
  // Undocumented, but in every Node since 0.x; the objects behind the resources.
  if (typeof process._getActiveHandles !== 'function' || typeof process._getActiveRequests !== 'function') return false;
  if (process._getActiveRequests().length > 0) return false;
  const handles = process._getActiveHandles();
  return handles.length === resources.length && handles.every((h) => h._isStdio === true && h.writableLength === 0);
}

/**
 * Returns whether Node has nothing of its own to do at exit: no Node flags (--cpu-prof, --prof,
 * --heap-prof, trace events, a report, --inspect: each writes or flushes at exit), no NODE_OPTIONS
 * or NODE_V8_COVERAGE (the same through the environment), and no 'exit' listener.
 */
function nothingWritesAtExit() {
  return process.execArgv.length === 0 && !process.env.NODE_OPTIONS && process.env.NODE_V8_COVERAGE === undefined &&
    process.listenerCount('exit') === 0;
}

/** (module (memory (export "memory") 0)): the least a WASI instance needs (its memory). */
const WASI_MODULE = Uint8Array.from([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version 1
  0x05, 0x03, 0x01, 0x00, 0x00, // memory section: one memory, no maximum, 0 pages
  0x07, 0x0a, 0x01, 0x06, 0x6d, 0x65, 0x6d, 0x6f, 0x72, 0x79, 0x02, 0x00, // export "memory" = memory 0
]);

/**
 * Ends the process with status code at once, or returns if it cannot (then process.exit must).
 * process.exit joins V8's background threads, so it waits for a TurboFan compile still running
 * (that of the interpreter loop, which exit42's run starts: 50-200 ms); WASI's proc_exit calls C's
 * exit(), which does not. What it skips is what nothingWritesAtExit rules out: the 'exit' event,
 * Node's at-exit hooks (the profilers' writes) and the platform's shutdown (trace events' flush).
 * Nothing needs a flush: guest output is written synchronously, and settled() saw no unwritten
 * byte in a stdio stream.
 * Everything here is synchronous, so the warning that node:wasi is experimental (printed from
 * the next tick) never is.
 */
function exitWithoutJoin(code) {
  let procExit;
  try {
    const { WASI } = require('node:wasi');
    const wasi = new WASI({ version: 'preview1', returnOnExit: false });
    wasi.initialize(new WebAssembly.Instance(new WebAssembly.Module(WASI_MODULE), {}));
    procExit = wasi.wasiImport.proc_exit;
  } catch {
    return; // a Node without node:wasi, or one that changed it
  }
  // Written past process.stderr, whose writes to a full pipe could be left queued.
  if (process.env.ECALL_DEBUG) writeSync(2, 'ecall: exit without waiting for V8\'s background threads\n');
  procExit(code);
}

// An exception escaping the command ends the process as an unhandled rejection: reported, status 1.
run();
