import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { NodeHost } from '../../src/host/node.js';

const NODE_JS = fileURLToPath(new URL('../../src/host/node.js', import.meta.url));
/** Hang guard for a child Node (stdin keeping it alive): a child starts and exits in well under a
 *  second, a few seconds on a loaded machine; this is far above that. */
const CHILD_TIMEOUT_MS = 120_000;

/** Runs a child Node with a script that has `NodeHost` in scope, stdin fed from input; returns its result. */
function child(script: string, input: string) {
  const code = `import { NodeHost } from ${JSON.stringify(NODE_JS)};\n${script}`;
  return spawnSync(process.execPath, ['--input-type=module', '-e', code],
    { input, timeout: CHILD_TIMEOUT_MS, encoding: 'utf8' });
}

/** Like child, but stdin is a pipe we hold open (EOF never comes); resolves to stdout, or 'timeout'. */
function childOpenStdin(script: string): Promise<string> {
  const code = `import { NodeHost } from ${JSON.stringify(NODE_JS)};\n${script}`;
  const c = spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  c.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  return new Promise((resolve) => {
    const timer = setTimeout(() => { c.kill(); resolve('timeout'); }, CHILD_TIMEOUT_MS);
    c.on('close', () => { clearTimeout(timer); c.stdin.destroy(); resolve(out); });
  });
}

test('NodeHost clocks: realtime lies between Date.now before and after, and both clocks move forward', () => {
  const h = new NodeHost();
  // Bracketing the reading with Date.now on both sides holds however long the process is
  // descheduled in between; the slack covers Date.now's millisecond steps and the resync drift.
  const slack = 60_000_000n;
  const before = BigInt(Date.now()) * 1_000_000n;
  const r1 = h.realtimeNs(), m1 = h.monotonicNs();
  const after = BigInt(Date.now() + 1) * 1_000_000n;
  assert.ok(r1 >= before - slack && r1 <= after + slack, `${r1} not within [${before}, ${after}]`);
  const r2 = h.realtimeNs(), m2 = h.monotonicNs();
  assert.ok(r2 >= r1 && m2 >= m1);
});

test('NodeHost randomFill fills the buffer with host randomness', () => {
  const buf = new Uint8Array(64);
  new NodeHost().randomFill(buf);
  assert.ok(buf.some((b) => b !== 0));
});

test('NodeHost stdin delivers piped input on request, then EOF, and writeStdio reaches fd 1 and 2', () => {
  const r = child(`
    const h = new NodeHost();
    const dec = new TextDecoder();
    let got = '';
    const pump = () => {
      for (;;) {
        const d = h.stdin.take(3);
        if (d === null) return h.stdin.request(pump);
        if (d.length === 0) {
          h.writeStdio(1, new TextEncoder().encode('[' + got + ']'));
          h.writeStdio(2, new TextEncoder().encode('eof'));
          return h.stdin.close();
        }
        got += dec.decode(d);
      }
    };
    pump();
  `, 'hello stdin');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, '[hello stdin]');
  assert.equal(r.stderr, 'eof');
});

test('an unread NodeHost stdin does not keep the Node process alive', async () => {
  assert.equal(await childOpenStdin(`new NodeHost(); process.stdout.write('done');`), 'done');
});

test('NodeHost stdin close() lets the process exit while a read is pending', async () => {
  assert.equal(await childOpenStdin(`
    const h = new NodeHost();
    h.stdin.request(() => {});
    setTimeout(() => { h.stdin.close(); process.stdout.write('closed'); }, 50);
  `), 'closed');
});

test('NodeHost writeStdio to a closed host pipe returns -EPIPE', () => {
  const r = spawnSync('sh', ['-c', `${JSON.stringify(process.execPath)} --input-type=module -e "$0" | true`,
    `import { NodeHost } from ${JSON.stringify(NODE_JS)};
     const h = new NodeHost(); let r = 0;
     for (let i = 0; i < 200 && r >= 0; i++) { r = h.writeStdio(1, new Uint8Array(65536)); await new Promise((f) => setTimeout(f, 5)); }
     h.writeStdio(2, new TextEncoder().encode(String(r)));`], { timeout: CHILD_TIMEOUT_MS, encoding: 'utf8' });
  assert.equal(r.stderr, '-32');
});
