// The Host operations the kernel's event loop uses (yieldToHost, armTimer, cwd, cpuCount) on the
// Node host, the simulated host's pass-through and stdin, and the host-neutral byte strings.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { NodeHost } from '../../src/host/node.js';
import { SIM_CPU_COUNT, SimHost, type SimOuterHost } from '../../src/host/sim.js';
import { bytesToStr, bytesToUtf8, strToBytes, utf8ToBytes } from '../../src/util/bytestr.js';

const NODE_JS = fileURLToPath(new URL('../../src/host/node.js', import.meta.url));
/** Hang guard for a child Node: far above its start-up time. */
const CHILD_TIMEOUT_MS = 10000;
/** A short host-timer delay: only its order against other timers matters, never its length. */
const SHORT_MS = 5;

test('byte strings round-trip every byte sequence and keep names that differ in one byte apart', () => {
  const all = new Uint8Array(256).map((_, i) => i);
  assert.deepEqual(strToBytes(bytesToStr(all)), all);
  const big = new Uint8Array(100_000).map((_, i) => (i * 7) & 0xff);
  assert.deepEqual(strToBytes(bytesToStr(big)), big, 'longer than one fromCharCode chunk');
  assert.notEqual(bytesToStr(new Uint8Array([0x6e, 0xff])), bytesToStr(new Uint8Array([0x6e, 0xfe])));
  const enc = new TextEncoder();
  for (const s of ['', 'abc', 'é', '€uro', '😀', '/tmp/日本']) {
    assert.deepEqual(strToBytes(utf8ToBytes(s)), enc.encode(s), JSON.stringify(s));
    assert.equal(bytesToUtf8(utf8ToBytes(s)), s);
    assert.equal(utf8ToBytes(s).length, enc.encode(s).length, 'length is the byte count');
  }
});

test('NodeHost reports the process working directory and the host processor count', () => {
  const h = new NodeHost();
  assert.equal(h.cwd(), process.cwd());
  assert.equal(h.cpuCount(), availableParallelism());
});

test('NodeHost.yieldToHost lets pending event-loop callbacks run before it resolves', async () => {
  let ran = false;
  setImmediate(() => { ran = true; });
  await new NodeHost().yieldToHost();
  assert.equal(ran, true);
});

test('NodeHost.armTimer fires once after its delay, and a cancelled timer never fires', async () => {
  const h = new NodeHost();
  const fired: string[] = [];
  h.armTimer(SHORT_MS, () => fired.push('armed'));
  h.armTimer(SHORT_MS, () => fired.push('cancelled')).cancel();
  let syncFired = false;
  h.armTimer(0, () => { syncFired = true; });
  assert.equal(syncFired, false, 'onFire never runs before armTimer returns');
  await new Promise((resolve) => setTimeout(resolve, SHORT_MS * 4));
  assert.deepEqual(fired, ['armed']);
});

test('a NodeHost timer with an infinite delay keeps the process alive until cancelled', () => {
  // The only other timer is unref'd: it runs only because the armed timer keeps Node alive.
  const script = `import { NodeHost } from ${JSON.stringify(NODE_JS)};
    const t = new NodeHost().armTimer(Infinity, () => process.stdout.write('fired'));
    setTimeout(() => { process.stdout.write('alive'); t.cancel(); }, ${SHORT_MS * 10}).unref();`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { timeout: CHILD_TIMEOUT_MS, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'alive');
});

test('readStdinSync reads host stdin to EOF', () => {
  const script = `import { readStdinSync } from ${JSON.stringify(NODE_JS)};
    process.stdout.write(String(readStdinSync().length));`;
  const input = 'x'.repeat(200_000);
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { input, timeout: CHILD_TIMEOUT_MS, encoding: 'utf8' });
  assert.equal(r.stdout, String(input.length));
});

/** An outer host that records what the simulated host passes through. */
function recordingOuter(): { outer: SimOuterHost; log: string[] } {
  const log: string[] = [];
  const node = new NodeHost();
  const outer: SimOuterHost = {
    fs: node.fs,
    writeStdio: (fd, d) => { log.push(`write ${fd} ${new TextDecoder().decode(d)}`); return d.length; },
    isatty: (fd) => { log.push(`isatty ${fd}`); return false; },
    winsize: () => null,
    stdioInfo: () => null,
    cwd: () => '/outer',
    yieldToHost: () => { log.push('yield'); return Promise.resolve(); },
    armTimer: (ms, onFire) => { log.push(`arm ${ms}`); return node.armTimer(ms, onFire); },
  };
  return { outer, log };
}

test('SimHost reads its stdin source once, when the guest first looks at stdin', () => {
  let calls = 0;
  const h = new SimHost(1n, { outer: recordingOuter().outer, stdin: () => { calls++; return new TextEncoder().encode('hello'); } });
  assert.equal(calls, 0, 'not read before the guest looks');
  assert.equal(h.stdin.available(), 5);
  assert.deepEqual([...h.stdin.take(3)!], [...new TextEncoder().encode('hel')]);
  assert.equal(new TextDecoder().decode(h.stdin.take(10)!), 'lo');
  assert.equal(h.stdin.atEof(), true);
  assert.equal(calls, 1);
});

test('SimHost passes output, the working directory and the event loop to its outer host, and fixes the rest', async () => {
  const { outer, log } = recordingOuter();
  const h = new SimHost(1n, { outer });
  assert.equal(h.writeStdio(1, new TextEncoder().encode('out')), 3);
  h.isatty(2);
  await h.yieldToHost();
  h.armTimer(Infinity, () => {}).cancel();
  assert.deepEqual(log, ['write 1 out', 'isatty 2', 'yield', 'arm Infinity']);
  assert.equal(h.cwd(), '/outer');
  assert.equal(h.cpuCount(), SIM_CPU_COUNT);
  assert.equal(h.stdin.take(1)!.length, 0, 'no stdin given: EOF at once');
});
