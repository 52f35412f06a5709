// The browser build (tools/bundle_browser.ts): it refuses Node built-ins and Node globals, and
// the library bundle it made (npm run build) runs a program through its runProgram.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BROWSER_BUNDLE, bundle, checkNoNodeGlobals } from '../../tools/bundle_browser.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

test('the browser build fails when a Node built-in is reachable (the Node entry imports node:fs)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ecall-bundle-'));
  try {
    await assert.rejects(bundle(join(ROOT, 'dist/src/node.js'), join(dir, 'out.js')), /is a Node built-in/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the browser build fails when a bundle uses process or Buffer', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ecall-bundle-'));
  try {
    for (const src of ['const a=process.env.HOME;', 'x=Buffer.from("a")']) {
      writeFileSync(join(dir, 'b.js'), src);
      assert.throws(() => checkNoNodeGlobals(join(dir, 'b.js')), /Node global/);
    }
    writeFileSync(join(dir, 'ok.js'), 'const s="the process."; t.process.x=1;');
    checkNoNodeGlobals(join(dir, 'ok.js'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the browser bundle runs a static program with BrowserHost', { skip: !existsSync(join(ROOT, BROWSER_BUNDLE)) && 'run npm run build first' }, async () => {
  const m = await import(pathToFileURL(join(ROOT, BROWSER_BUNDLE)).href) as typeof import('../../src/browser.js');
  const r = m.runProgram({ program: readFileSync(join(ROOT, 'guest/bin/exit42')), name: 'exit42', host: new m.BrowserHost() });
  assert.equal((await r.exited).code, 42);
});
