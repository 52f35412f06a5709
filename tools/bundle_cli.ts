// Builds the CLI bundle (npm run build, after tsc): the tsc output from dist/src/cli/main.js and
// everything it imports in one CommonJS script, dist/cli/ecall.cjs, which bin/ecall.js loads. Loading one
// file instead of ~115 modules is most of the CLI's start-up time; a script (not an ES module) is
// what V8's code cache can be given on Node 20 (src/cli/code_cache.ts).
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/** Repository root: this file runs as dist/tools/bundle_cli.js. */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The bundle's path, relative to the repository root (bin/ecall.js loads it). */
export const CLI_BUNDLE = 'dist/cli/ecall.cjs';
/** Node version the bundle targets: package.json "engines". */
const TARGET = 'node20';

/** Bundles the CLI; resolves when dist/cli/ecall.cjs is written, rejects on a build error. */
async function bundleCli(): Promise<void> {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  await build({
    entryPoints: [join(ROOT, 'dist/src/cli/main.js')],
    outfile: join(ROOT, CLI_BUNDLE),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: TARGET,
    // Whitespace and syntax only: names stay readable in stack traces (ECALL_DEBUG=1).
    minifyWhitespace: true,
    minifySyntax: true,
    // The CLI reads its version from package.json only when it runs unbundled.
    // import.meta.url (main.ts hands it to explorer workers) is the bundle's own file URL.
    define: { ECALL_BUNDLED_VERSION: JSON.stringify(pkg.version), 'import.meta.url': 'ecallBundleUrl' },
    banner: { js: 'const ecallBundleUrl = require("node:url").pathToFileURL(__filename).href;' },
    logLevel: 'warning',
  });
}

await bundleCli();
