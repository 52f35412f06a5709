// Builds ecall for the browser (npm run build:browser, after tsc): the library bundle
// dist/browser/ecall.js (an ES module of src/browser.ts: the kernel, BrowserHost, runProgram) and
// the playground in dist/playground (web/: the page, its script bundled with xterm.js, the example
// guests from guest/bin). The build fails if a Node built-in is imported by anything the bundles
// reach, or if `process.` or `Buffer` is used in them: the browser has neither.
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtinModules } from 'node:module';
import { build, type Plugin } from 'esbuild';

/** Repository root: this file runs as dist/tools/bundle_browser.js. */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The library bundle, relative to the root. */
export const BROWSER_BUNDLE = 'dist/browser/ecall.js';
/** The playground's directory, which `npm run playground` serves. */
export const PLAYGROUND_DIR = 'dist/playground';
/** Browsers the bundles target: ones with BigInt64Array, WebAssembly threads and top-level await. */
const TARGET = ['chrome100', 'firefox100', 'safari16'];
/** Guest programs the playground offers as examples (guest/bin), copied beside the page. */
export const EXAMPLES = ['hello', 'threads', 'signals', 'restart', 'rseq_abort', 'cat', 'timers', 'fork_wait', 'pipes', 'exit42', 'printf', 'uring'];
/** The page's static files in web/. */
const PAGE_FILES = ['index.html', 'style.css'];

/** Fails the build on an import of a Node built-in (node:fs, or a bare "fs"). */
export const noNodeBuiltins: Plugin = {
  name: 'no-node-builtins',
  setup(b) {
    const bare = new Set(builtinModules);
    b.onResolve({ filter: /.*/ }, (args) => {
      if (args.path.startsWith('node:') || bare.has(args.path)) {
        return { errors: [{ text: `${args.path} is a Node built-in, imported by ${args.importer}: the browser build cannot use it` }] };
      }
      return undefined;
    });
  },
};

/** Node globals a browser lacks: `process.x` and `Buffer` (as an identifier, outside strings is not told apart). */
const NODE_GLOBALS = /(?<![\w$.'"`])(process\.[A-Za-z_$]|Buffer\s*[.(])/;

/** Throws if the bundle at path uses a Node global. */
export function checkNoNodeGlobals(path: string): void {
  const text = readFileSync(path, 'utf8');
  const m = NODE_GLOBALS.exec(text);
  if (m) {
    const at = text.slice(Math.max(0, m.index - 80), m.index + 40).replace(/\s+/g, ' ');
    throw new Error(`${path} uses the Node global ${m[1]} (near: ${at})`);
  }
}

/** Bundles one ES module for the browser (paths relative to the root, or absolute); rejects on a build error or a Node global. */
export async function bundle(entry: string, outfile: string): Promise<void> {
  await build({
    entryPoints: [resolve(ROOT, entry)],
    outfile: resolve(ROOT, outfile),
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: TARGET,
    minifyWhitespace: true,
    minifySyntax: true,
    sourcemap: true,
    plugins: [noNodeBuiltins],
    logLevel: 'warning',
  });
  checkNoNodeGlobals(resolve(ROOT, outfile));
}

/** Builds the library bundle and the playground. */
async function bundleBrowser(): Promise<void> {
  await bundle('dist/src/browser.js', BROWSER_BUNDLE);
  const dir = join(ROOT, PLAYGROUND_DIR);
  await bundle('dist/web/main.js', join(PLAYGROUND_DIR, 'app.js'));
  mkdirSync(join(dir, 'examples'), { recursive: true });
  for (const f of PAGE_FILES) copyFileSync(join(ROOT, 'web', f), join(dir, f));
  copyFileSync(join(ROOT, 'node_modules/@xterm/xterm/css/xterm.css'), join(dir, 'xterm.css'));
  for (const e of EXAMPLES) copyFileSync(join(ROOT, 'guest/bin', e), join(dir, 'examples', e));
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await bundleBrowser();
