// The embedding API (guest_process.ts, host_pipe.ts, node_spawn.ts): what child_process.spawn
// gives, for guests. Streams carry stdio both ways, kill() and an AbortSignal or a timeout end a
// guest, each process has its own exit status, and a process killed while every task sleeps still
// ends (kernel.wait() and exited resolve). Host signals reach a foreground process as host events.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Kernel, SpawnError } from '../../src/kernel/kernel.js';
import { NodeHost, createSimHost } from '../../src/host/node.js';
import { spawn } from '../../src/embed/node_spawn.js';
import type { Readable } from 'node:stream';

/** Reads a Node stream to its end as text. */
async function text(s: Readable | null): Promise<string> {
  let out = '';
  for await (const c of s!) out += c;
  return out;
}

/** Reads a WHATWG stream to its end as text. */
async function webText(s: ReadableStream<Uint8Array> | null): Promise<string> {
  return new Response(s).text();
}

test('spawn gives stdin, stdout and stderr as streams, and exited the status', async () => {
  const child = spawn('guest/bin/cat', [], { env: {} });
  child.stdin!.end('line one\nline two\n');
  const [out, err] = await Promise.all([text(child.stdout), text(child.stderr)]);
  assert.equal(out, 'line one\nline two\n');
  assert.equal(err, 'cat: 18 bytes\n');
  const st = await child.exited;
  assert.equal(st.code, 0);
  assert.equal(st.signal, 0);
  assert.equal(child.kill(), false, 'an ended process cannot be signalled');
});

test('kill() ends a guest that sleeps, and both exited and kernel.wait() resolve', async () => {
  const child = spawn('guest/bin/cat', [], { env: {} });
  child.stdin!.write('x\n');
  for await (const c of child.stdout!) { assert.equal(String(c), 'x\n'); break; }
  assert.equal(child.kill('SIGKILL'), true);
  const st = await child.exited;
  assert.deepEqual([st.code, st.signal], [137, 9]);
  assert.equal((await child.kernel.wait()).code, 137);
});

test('an AbortSignal and a timeout end the guest with killSignal', async () => {
  const ac = new AbortController();
  const a = spawn('guest/bin/cat', [], { env: {}, signal: ac.signal });
  ac.abort();
  assert.equal((await a.exited).code, 143, 'SIGTERM by default');
  const b = spawn('guest/bin/cat', [], { env: {}, timeout: 50, killSignal: 'SIGINT' });
  assert.equal((await b.exited).signal, 2);
  const c = spawn('guest/bin/cat', [], { env: {}, signal: AbortSignal.abort() });
  assert.equal((await c.exited).code, 143, 'an already aborted signal ends it at once');
});

test('processes in one kernel each report their own exit status', async () => {
  const first = spawn('guest/bin/exit42', [], { env: {}, stdio: 'ignore' });
  const second = spawn('guest/bin/hello', ['x'], { env: {}, kernel: first.kernel, stdio: ['ignore', 'pipe', 'ignore'] });
  assert.notEqual(first.pid, second.pid);
  const out = await text(second.stdout);
  assert.match(out, /^Hello from riscv64!\nargc = 2\n/);
  assert.equal((await first.exited).code, 42);
  assert.equal((await second.exited).code, 0);
  const third = spawn('guest/bin/exit42', [], { env: {}, kernel: first.kernel, stdio: 'ignore' });
  assert.equal((await third.exited).code, 42, 'the kernel runs again after every process had ended');
});

test('a program that cannot run throws a SpawnError with the shell\'s status', () => {
  assert.throws(() => spawn('guest/bin/no-such-program'), (e: unknown) => e instanceof SpawnError && e.exitCode === 127);
  assert.throws(() => spawn('guest/src/hello.c'), (e: unknown) => e instanceof SpawnError && e.exitCode === 126);
});

test('the host-neutral Kernel.spawn gives WHATWG streams, also on the deterministic host', async () => {
  for (const host of [new NodeHost(), createSimHost(7n)]) {
    const kernel = new Kernel({ host, seed: host instanceof NodeHost ? undefined : 7n });
    const proc = kernel.spawn('guest/bin/cat', [], { stdio: 'pipe' });
    const w = proc.stdin!.getWriter();
    await w.write(new TextEncoder().encode('web streams\n'));
    await w.close();
    assert.equal(await webText(proc.stdout), 'web streams\n');
    assert.equal(await webText(proc.stderr), 'cat: 12 bytes\n');
    assert.equal((await proc.exited).code, 0);
  }
});

/** A Node host whose stdout is a terminal of a size the test sets, that captures output and its signal subscription. */
class TtyHost extends NodeHost {
  size = { rows: 24, cols: 80 };
  out = '';
  deliver: ((sig: number) => void) | null = null;
  override isatty(fd: number): boolean { return fd === 1; }
  override winsize(): { rows: number; cols: number } { return this.size; }
  override writeStdio(_fd: 1 | 2, data: Uint8Array): number { this.out += new TextDecoder().decode(data); return data.length; }
  override onSignals(_signals: readonly number[], onSignal: (sig: number) => void): () => void {
    this.deliver = onSignal;
    return () => { this.deliver = null; };
  }
}

test('a host SIGWINCH reaches a foreground guest, and TIOCGWINSZ then reports the host\'s new size', async () => {
  const host = new TtyHost();
  const kernel = new Kernel({ host });
  const proc = kernel.spawn('guest/bin/sigfwd', [], { stdio: 'inherit' });
  while (!host.out.includes('ready\n')) await host.yieldToHost();
  assert.ok(host.deliver, 'a foreground process subscribes to the host\'s signals');
  kernel.vfs.stdio.terminal.winsize = { rows: 1, cols: 1 }; // as a guest's TIOCSWINSZ would have set it
  host.size = { rows: 50, cols: 132 };
  host.deliver(28);
  while (!host.out.includes('got SIGWINCH')) await host.yieldToHost();
  assert.match(host.out, /got SIGWINCH si_code 0 size 50x132\n/);
  proc.kill('SIGKILL');
  await proc.exited;
  assert.equal(host.deliver, null, 'the subscription ends with the last foreground process');
});
