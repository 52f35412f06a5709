// `npm run playground`: serves dist/playground on http://127.0.0.1:8080 (PORT or --port N to
// change; port 0 picks a free one) with the COOP and COEP headers that make the page
// cross-origin isolated, so the frame pool is a shared WebAssembly memory. --no-isolation
// leaves them out (to see the unshared fallback). Prints the URL when listening.
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The playground's files: this file runs as dist/web/server.js. */
const DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'playground');
/** Default port when neither PORT nor --port is given. */
const DEFAULT_PORT = 8080;
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.map': 'application/json', '.png': 'image/png',
};

/** Starts the server; resolves with it once listening. isolate: send COOP/COEP. */
export function servePlayground(port: number, isolate = true): Promise<Server> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const rel = normalize(decodeURIComponent(url.pathname)).replace(/^([/\\])+/, '');
    const path = join(DIR, rel === '' ? 'index.html' : rel);
    if (!path.startsWith(DIR)) { res.writeHead(403).end(); return; }
    readFile(path).then((body) => {
      const headers: Record<string, string> = { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream', 'cache-control': 'no-store' };
      if (isolate) {
        headers['cross-origin-opener-policy'] = 'same-origin';
        headers['cross-origin-embedder-policy'] = 'require-corp';
      }
      res.writeHead(200, headers).end(body);
    }, () => { res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n'); });
  });
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => ok(server));
  });
}

/** The command line: --port N, --no-isolation. */
async function main(argv: string[]): Promise<void> {
  const i = argv.indexOf('--port');
  const port = i >= 0 ? Number(argv[i + 1]) : Number(process.env.PORT ?? DEFAULT_PORT);
  const server = await servePlayground(port, !argv.includes('--no-isolation'));
  const addr = server.address();
  const p = typeof addr === 'object' && addr !== null ? addr.port : port;
  console.log(`ecall playground: http://127.0.0.1:${p}/ (serving ${DIR}; Ctrl-C stops)`);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main(process.argv.slice(2));
