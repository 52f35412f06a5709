// Starts Debian's chromium (no browser download) through playwright-core on the playground, for
// `npm run test:browser` and the browser rows of `npm run bench`. CHROMIUM names another binary.
import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import { chromium, type Browser, type Page } from 'playwright-core';
import { servePlayground } from '../../web/server.js';

/** Where Debian's chromium package puts the browser, in the order tried. */
const CHROMIUM_PATHS = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];
/** Page size of the playground in tests and in the committed screenshot. */
export const VIEWPORT = { width: 1400, height: 980 };
/** How long the page may take to load its script and set window.ecallPlayground (a hang guard). */
const READY_TIMEOUT_MS = 60_000;

/** The chromium binary to use, or null with the reason there is none. */
export function findChromium(): { path: string } | { missing: string } {
  const env = process.env.CHROMIUM;
  if (env !== undefined && env !== '') return existsSync(env) ? { path: env } : { missing: `CHROMIUM=${env} does not exist` };
  const p = CHROMIUM_PATHS.find((c) => existsSync(c));
  return p !== undefined ? { path: p } : { missing: `no chromium at ${CHROMIUM_PATHS.join(' or ')} (apt-get install chromium)` };
}

/** A browser on a playground server. */
export interface Playground {
  browser: Browser;
  server: Server;
  url: string;
  /** Opens the playground in a new page and waits until its script is ready. */
  open(): Promise<Page>;
  close(): Promise<void>;
}

/** Starts the server (isolate: with COOP/COEP) and headless chromium at path. */
export async function startPlayground(path: string, isolate = true): Promise<Playground> {
  const server = await servePlayground(0, isolate);
  const addr = server.address();
  const url = `http://127.0.0.1:${typeof addr === 'object' && addr !== null ? addr.port : 0}/`;
  // --no-sandbox: CI runs as root, where chromium's sandbox refuses to start.
  const browser = await chromium.launch({ executablePath: path, headless: true, args: ['--no-sandbox'] });
  return {
    browser, server, url,
    async open(): Promise<Page> {
      const page = await browser.newPage({ viewport: VIEWPORT });
      await page.goto(url);
      await page.waitForFunction(() => (globalThis as { ecallPlayground?: { ready: boolean } }).ecallPlayground?.ready === true,
        undefined, { timeout: READY_TIMEOUT_MS });
      return page;
    },
    async close(): Promise<void> {
      await browser.close();
      await new Promise<void>((ok) => server.close(() => ok()));
    },
  };
}
