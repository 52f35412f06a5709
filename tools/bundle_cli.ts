// Builds the CLI bundle (npm run build, after tsc): the tsc output from dist/src/cli/main.js and
// everything it imports in one CommonJS script, dist/cli/ecall.cjs, which bin/ecall.js loads. Loading one
// file instead of ~115 modules is most of the CLI's start-up time; a script (not an ES module) is
// what V8's code cache can be given on Node 20 (src/cli/code_cache.ts). Its first line is a stamp,
// the hash of the rest, which code_cache.ts keys the cache by instead of hashing the file at each
// start. The code cache loader itself becomes dist/cli/loader.cjs, CommonJS like bin/ecall.js, so
// that a start builds no ES module.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { stampLine } from '../src/cli/code_cache.js';

/** Repository root: this file runs as dist/tools/bundle_cli.js. */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The bundle's path, relative to the repository root (bin/ecall.js loads it). */
export const CLI_BUNDLE = 'dist/cli/ecall.cjs';
/** The code cache loader's bundle, relative to the repository root (bin/ecall.js requires it). */
export const CLI_LOADER = 'dist/cli/loader.cjs';
/** Node version the bundle targets: package.json "engines". */
const TARGET = 'node20';

/** Writes bytes to path through a temporary file and a rename: a start that reads it sees all of one build. */
function writeAtomic(path: string, bytes: Uint8Array | string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, path);
}

/** Returns the one output file of an esbuild build with write: false. */
function onlyOutput(r: { outputFiles?: { contents: Uint8Array }[] }): Uint8Array {
  if (r.outputFiles?.length !== 1) throw new Error(`expected one output file, got ${r.outputFiles?.length ?? 0}`);
  return r.outputFiles[0]!.contents;
}

/** What both outputs are: one CommonJS script for Node, bundled, returned in memory (not written by esbuild). */
const NODE_SCRIPT = { write: false, bundle: true, platform: 'node', format: 'cjs', target: TARGET, logLevel: 'warning' } as const;

/** Bundles the CLI; resolves when dist/cli/ecall.cjs (stamped) and dist/cli/loader.cjs are written, rejects on a build error. */
async function bundleCli(): Promise<void> {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  const cli = onlyOutput(await build({
    entryPoints: [join(ROOT, 'dist/src/cli/main.js')],
    outfile: join(ROOT, CLI_BUNDLE),
    ...NODE_SCRIPT,
    // Whitespace and syntax only: names stay readable in stack traces (ECALL_DEBUG=1).
    minifyWhitespace: true,
    minifySyntax: true,
    // The CLI reads its version from package.json only when it runs unbundled.
    // import.meta.url (main.ts hands it to explorer workers) is the bundle's own file URL.
    define: { ECALL_BUNDLED_VERSION: JSON.stringify(pkg.version), 'import.meta.url': 'ecallBundleUrl' },
    banner: { js: 'const ecallBundleUrl = require("node:url").pathToFileURL(__filename).href;' },
  }));
  const loader = onlyOutput(await build({
    entryPoints: [join(ROOT, 'dist/src/cli/code_cache.js')],
    outfile: join(ROOT, CLI_LOADER),
    ...NODE_SCRIPT,
    // code_cache.ts requires Node's built-ins through createRequire(import.meta.url).
    define: { 'import.meta.url': 'ecallLoaderUrl' },
    banner: { js: 'const ecallLoaderUrl = require("node:url").pathToFileURL(__filename).href;' },
  }));
  // The loader first: bin/ecall.js takes the bundle when it is not older than the tsc output.
  writeAtomic(join(ROOT, CLI_LOADER), loader);
  writeAtomic(join(ROOT, CLI_BUNDLE), Buffer.concat([Buffer.from(stampLine(cli), 'latin1'), cli]));
}

await bundleCli();
