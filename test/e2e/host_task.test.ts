// Host code as a task of the kernel (Kernel.hostTask): host calls through the syscall table beside
// guests (guest/bin/hostpeer is the guest side), blocking calls as promises, signals and aborts with
// the guests' restart rules, who holds the kernel, and the shutdown gate.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import {
  ErrnoError, Kernel, KernelStateError, MAP_SHARED, O_RDONLY, O_RDWR, O_WRONLY, PROT_READ, PROT_WRITE, SimHost, type HostTask,
} from '../../src/index.js';
import { NodeHost } from '../../src/host/node.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const HOSTPEER = join(root, 'guest/bin/hostpeer');
const SIGUSR1 = 10, SIGTERM = 15, SIGKILL = 9, SIGSTOP = 19;
/** Hang guard for the README example's process, far above its normal second. */
const EXAMPLE_TIMEOUT_MS = 120_000;
/** The waiters bit of a robust futex word (linux/futex.h). */
const FUTEX_WAITERS = 0x8000_0000;

/** A deterministic kernel (seeded SimHost over this process) with an optional strace sink. */
function simKernel(seed = 1n, strace?: (l: string) => void): Kernel {
  return new Kernel({ host: new SimHost(seed, { outer: new NodeHost() }), seed, cpus: 2, mounts: [], strace });
}

/** A real-time kernel on the Node host. */
function nodeKernel(strace?: (l: string) => void): Kernel {
  return new Kernel({ host: new NodeHost(), mounts: [], strace });
}

/** All of a guest's piped stdout as text. */
function text(s: ReadableStream<Uint8Array> | null): Promise<string> {
  return new Response(s).text();
}

/** Rejects-with check: the promise fails with an ErrnoError of this code. */
async function rejectsErrno(p: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => e instanceof ErrnoError && e.code === code);
}

test('host code writes into a FIFO that a guest reads, and reads the guest reply', async () => {
  await using k = nodeKernel();
  const h = k.hostTask();
  await h.mkfifo('/tmp/in');
  await h.mkfifo('/tmp/out');
  const g = k.spawn(HOSTPEER, ['pipe', '/tmp/in', '/tmp/out'], { stdio: 'pipe' });
  const out = text(g.stdout);
  const w = await h.open('/tmp/in', O_WRONLY); // blocks until the guest opens its end
  const r = await h.open('/tmp/out', O_RDONLY);
  assert.equal(await h.write(w, 'ping'), 4);
  assert.equal(new TextDecoder().decode(await h.read(r, 100)), 'guest got: ping');
  await h.close(w);
  assert.equal((await h.read(r, 100)).length, 0, 'end of file once the guest closed its end');
  assert.equal((await g.exited).code, 0);
  assert.equal(await out, 'pipe: end of input\n');
});

test('host code creates files in the guest tmpfs before a guest starts and reads what it wrote after', async () => {
  await using k = simKernel();
  const h = k.hostTask();
  await h.mkdir('/tmp/work', 0o755);
  await h.writeFile('/tmp/work/input.txt', 'hello from the host\n');
  assert.equal((await h.stat('/tmp/work/input.txt')).size, 20);
  const g = k.spawn(HOSTPEER, ['files', '/tmp/work'], { stdio: 'pipe' });
  const out = text(g.stdout);
  assert.equal((await g.exited).code, 0);
  assert.equal(await out, 'files: wrote /tmp/work/output.txt\n');
  assert.equal(await h.readTextFile('/tmp/work/output.txt'), '20 bytes\nHELLO FROM THE HOST\n');
  await h.unlink('/tmp/work/output.txt');
  await rejectsErrno(h.stat('/tmp/work/output.txt'), 'ENOENT');
});

test('host code waits on a shared futex word that a guest wakes', async () => {
  await using k = simKernel();
  const h = k.hostTask();
  await h.writeFile('/tmp/word', new Uint8Array(4096));
  const fd = await h.open('/tmp/word', O_RDWR);
  const addr = await h.mmap(4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  const waiting = h.futexWait(addr, 0);
  let woken = false;
  void waiting.then(() => { woken = true; });
  await new Promise((r) => setImmediate(r));
  assert.equal(woken, false, 'the wait sleeps while the word is 0');
  const g = k.spawn(HOSTPEER, ['futex', '/tmp/word'], { stdio: 'pipe' });
  const out = text(g.stdout);
  await waiting;
  assert.equal((await g.exited).code, 0);
  assert.equal(await out, 'futex: woke 1\n', 'the guest woke the host task');
  assert.deepEqual([...await h.readMemory(addr, 4)], [1, 0, 0, 0]);
  await rejectsErrno(h.futexWait(addr, 0), 'EAGAIN');
});

test('host code sends a guest a signal, and the guest sees the host task as its sender', async () => {
  await using k = nodeKernel();
  const h = k.hostTask();
  await h.mkfifo('/tmp/ready');
  const g = k.spawn(HOSTPEER, ['signal', '/tmp/ready'], { stdio: 'pipe' });
  const out = text(g.stdout);
  const r = await h.open('/tmp/ready', O_RDONLY);
  assert.equal(new TextDecoder().decode(await h.read(r, 16)), 'ready');
  await h.kill(g.pid, SIGUSR1);
  assert.equal((await g.exited).code, 0);
  assert.equal(await out, `signal: SIGUSR1 from pid ${h.pid}, si_code 0\n`);
  await rejectsErrno(h.kill(99999, SIGUSR1), 'ESRCH');
});

/** A host task asleep in a read of an empty FIFO (opened read-write, so the open does not wait). */
async function sleepingReader(k: Kernel, path: string): Promise<{ h: HostTask; fd: number }> {
  const h = k.hostTask();
  await h.mkfifo(path).catch(() => undefined);
  return { h, fd: await h.open(path, O_RDWR) };
}

test('a signal interrupts a host task read: EINTR with a handler, a restart with SA_RESTART, death by default', async () => {
  await using k = simKernel();
  const other = k.hostTask();
  // A handler without SA_RESTART: the read fails with EINTR after the handler ran.
  const a = await sleepingReader(k, '/tmp/f');
  const seen: number[] = [];
  a.h.onSignal(SIGUSR1, (info) => seen.push(info.pid ?? -1));
  const readA = a.h.read(a.fd, 10);
  await other.kill(a.h.pid, SIGUSR1);
  await rejectsErrno(readA, 'EINTR');
  assert.deepEqual(seen, [other.pid], 'the handler saw the sender');
  // SA_RESTART: the read goes on and returns what comes later.
  a.h.onSignal(SIGUSR1, () => seen.push(0), { restart: true });
  const readB = a.h.read(a.fd, 10);
  await other.kill(a.h.pid, SIGUSR1);
  const w = await other.open('/tmp/f', O_WRONLY);
  await other.write(w, 'late');
  assert.equal(new TextDecoder().decode(await readB), 'late');
  assert.deepEqual(seen, [other.pid, 0]);
  // An AbortSignal interrupts like a handler without SA_RESTART.
  const ac = new AbortController();
  const readC = a.h.read(a.fd, 10, { signal: ac.signal });
  ac.abort();
  await rejectsErrno(readC, 'EINTR');
  // SIGTERM with the default action ends the host task's process; its call fails.
  const readD = a.h.read(a.fd, 10);
  await other.kill(a.h.pid, SIGTERM);
  await assert.rejects(readD, (e: unknown) => e instanceof KernelStateError && e.code === 'ERR_HOST_TASK_EXITED');
  assert.equal(a.h.exited, true);
  await assert.rejects(a.h.getpid(), (e: unknown) => e instanceof KernelStateError && e.code === 'ERR_HOST_TASK_EXITED');
});

test('a host call with a deadline times out with no guest running, and a stop signal restarts a host nanosleep', async () => {
  const lines: string[] = [];
  await using k = simKernel(1n, (l) => lines.push(l));
  const a = k.hostTask();
  const b = k.hostTask();
  const word = await a.mmap(4096);
  await rejectsErrno(a.futexWait(word, 0, { timeoutNs: 1_000_000n }), 'ETIMEDOUT');
  // nanosleep(1 s) interrupted by SIGSTOP restarts through restart_syscall. (Not SIGTSTP: a host
  // task's process group has no parent in its session, so it is orphaned, and Linux discards the
  // terminal stop signals sent to an orphaned group.)
  const ts = new Uint8Array(16);
  new DataView(ts.buffer).setBigInt64(0, 1n, true);
  await a.writeMemory(word, ts);
  const sleeping = a.syscall('nanosleep', [word, 0]);
  await b.kill(a.pid, SIGSTOP);
  assert.equal(await sleeping, 0);
  const mine = lines.filter((l) => l.startsWith(`[host ${a.pid}]`)).map((l) => l.replace(/0x[0-9a-f]+/g, 'ADDR'));
  assert.deepEqual(mine.slice(-4), [
    `[host ${a.pid}] nanosleep(ADDR, NULL) = ? ERESTART_RESTARTBLOCK (Interrupted by signal)`,
    `[host ${a.pid}] --- SIGSTOP {si_signo=SIGSTOP, si_code=SI_USER, si_pid=${b.pid}, si_uid=0} ---`,
    `[host ${a.pid}] --- stopped by SIGSTOP ---`,
    `[host ${a.pid}] restart_syscall(<... resuming interrupted nanosleep ...>) = 0`,
  ]);
});

test('strace shows host calls marked with the host task pid, beside the guest calls', async () => {
  const lines: string[] = [];
  await using k = simKernel(1n, (l) => lines.push(l));
  const h = k.hostTask();
  await h.getppid();
  await rejectsErrno(h.open('/nonexistent'), 'ENOENT');
  assert.deepEqual(lines, [`[host ${h.pid}] getppid() = 0`,
    `[host ${h.pid}] openat(AT_FDCWD, "/nonexistent", O_RDONLY, 00) = -1 ENOENT (No such file or directory)`]);
});

/** Runs `calls` host getppid calls beside a guest making 3000 and returns the strace. */
async function interleaved(seed: bigint, calls: number): Promise<string[]> {
  const lines: string[] = [];
  const k = simKernel(seed, (l) => lines.push(l));
  const h = k.hostTask();
  const hostCalls = (async () => { for (let i = 0; i < calls; i++) await h.getppid(); })();
  const g = k.spawn(HOSTPEER, ['calls', '3000'], { stdio: 'pipe' });
  const out = text(g.stdout);
  await hostCalls;
  assert.equal((await g.exited).code, 0);
  assert.equal(await out, 'calls: done\n');
  await k.shutdown();
  return lines;
}

test('1,000 host calls interleaved with a guest in deterministic mode come in the same order on every run', async () => {
  const first = await interleaved(7n, 1000);
  const second = await interleaved(7n, 1000);
  assert.deepEqual(second, first);
  const host = first.map((l, i) => (l.startsWith('[host ') ? i : -1)).filter((i) => i >= 0);
  assert.equal(host.length, 1000);
  const guestBetween = first.slice(host[0], host[host.length - 1]).filter((l) => l.startsWith('getppid')).length;
  assert.ok(guestBetween > 0, 'guest calls run between the host calls, not only before or after them');
});

test('a host callback that throws leaves the kernel usable: the call fails with the error', async () => {
  let boom = true;
  await using k = simKernel(1n, (l) => { if (boom && l.includes('getpid()')) throw new Error('sink failed'); });
  const h = k.hostTask();
  await assert.rejects(h.getpid(), /sink failed/);
  boom = false;
  assert.equal(await h.getpid(), h.pid, 'the same task calls on');
  // A signal handler that throws: the call it interrupted fails with the handler's error.
  const r = await sleepingReader(k, '/tmp/t');
  r.h.onSignal(SIGUSR1, () => { throw new Error('handler failed'); });
  const reading = r.h.read(r.fd, 1);
  await h.kill(r.h.pid, SIGUSR1);
  await assert.rejects(reading, /handler failed/);
  const g = k.spawn(HOSTPEER, ['calls', '10'], { stdio: 'pipe' });
  assert.equal((await g.exited).code, 0, 'guests run as before');
});

test('recursion: a kernel callback may queue host calls but may not enter the kernel synchronously', async () => {
  let k: Kernel | null = null;
  const fromCallback: { spawnError?: unknown; call?: Promise<number> } = {};
  k = simKernel(1n, (l) => {
    if (!l.includes('getppid') || fromCallback.call !== undefined) return;
    try {
      k!.spawn(HOSTPEER, ['calls', '1']);
    } catch (e) {
      fromCallback.spawnError = e;
    }
    fromCallback.call = h.getpid(); // queued: runs at the next event point
  });
  const h = k.hostTask();
  assert.equal(k.heldBy, null, 'nobody holds the kernel between calls');
  await h.getppid();
  assert.ok(fromCallback.spawnError instanceof KernelStateError);
  assert.equal(fromCallback.spawnError.code, 'ERR_KERNEL_HELD');
  assert.match(fromCallback.spawnError.message, /Kernel\.spawn called while .* holds the kernel/);
  assert.equal(await fromCallback.call, h.pid);
  await k.shutdown();
});

test('shutdown kills guests blocked in a futex wait and a pipe read, wakes robust-futex waiters, and fails a pending host call', async () => {
  const k = nodeKernel();
  const h = k.hostTask();
  await h.writeFile('/tmp/mutex', new Uint8Array(4096));
  await h.mkfifo('/tmp/locked');
  const g = k.spawn(HOSTPEER, ['block', '/tmp/mutex', '/tmp/locked'], { stdio: 'pipe' });
  const out = text(g.stdout);
  const r = await h.open('/tmp/locked', O_RDONLY);
  assert.equal(new TextDecoder().decode(await h.read(r, 16)), 'locked');
  const fd = await h.open('/tmp/mutex', O_RDWR);
  const addr = await h.mmap(4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  const owner = new DataView((await h.readMemory(addr, 4)).buffer).getUint32(0, true);
  assert.equal(owner, g.pid, 'the guest holds the robust mutex');
  // The host waits for the mutex as pthread_mutex_lock would: it sets FUTEX_WAITERS, then sleeps
  // while the word holds owner|WAITERS (the robust-list walk at the guest's death changes and wakes it).
  const locked = (owner | FUTEX_WAITERS) >>> 0;
  const word = new Uint8Array(4);
  new DataView(word.buffer).setUint32(0, locked, true);
  await h.writeMemory(addr, word);
  const robustWait = h.futexWait(addr, locked).then(() => 'woken', (e: unknown) => e);
  // A second host task is asleep in a read that nothing will satisfy.
  const stuck = await sleepingReader(k, '/tmp/never');
  const pending = stuck.h.read(stuck.fd, 1).then(() => 'read', (e: unknown) => e);
  await new Promise((res) => setImmediate(res));
  const done = k.shutdown();
  await assert.rejects(h.getpid(), (e: unknown) => e instanceof KernelStateError && e.code === 'ERR_KERNEL_SHUTDOWN',
    'the gate is closed at once');
  assert.throws(() => k.hostTask(), /shut down/);
  await done;
  assert.equal(await robustWait, 'woken', 'woken by the robust-list walk, not refused');
  const refused = await pending;
  assert.ok(refused instanceof KernelStateError && refused.code === 'ERR_KERNEL_SHUTDOWN', String(refused));
  const st = await g.exited;
  assert.equal(st.signal, SIGKILL);
  assert.equal(h.exited, true);
  assert.throws(() => k.spawn(HOSTPEER, ['calls', '1']), /shut down/);
  assert.equal(await out, '', 'the killed guest\'s stdout ends after shutdown');
  await k.shutdown(); // idempotent
});

test('await using shuts the kernel down and exits host tasks at the end of the scope', async () => {
  let saved: Kernel | null = null;
  let task: HostTask | null = null;
  {
    await using k = simKernel();
    await using h = k.hostTask();
    saved = k;
    task = h;
    assert.equal(await h.getppid(), 0);
  }
  assert.equal(task.exited, true);
  await assert.rejects(task.getpid(), KernelStateError);
  assert.throws(() => saved.hostTask(), KernelStateError);
});

test('the README library example runs as printed', () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### Using ecall as a library'));
  const code = /```js\n([\s\S]*?)```/.exec(section)![1]!
    .replace("from 'ecall';", `from '${join(root, 'dist/src/index.js')}';`)
    .replace("from 'ecall/node';", `from '${join(root, 'dist/src/node.js')}';`);
  const dir = mkdtempSync(join(tmpdir(), 'ecall-readme-'));
  try {
    writeFileSync(join(dir, 'example.mjs'), code);
    const r = spawnSync(process.execPath, [join(dir, 'example.mjs')], { cwd: root, encoding: 'utf8', timeout: EXAMPLE_TIMEOUT_MS });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, '20 bytes\nHELLO FROM THE HOST\n\nguest got: ping\n0\n');
    assert.match(r.stderr, /^\[host 1\] write\(0, "ping", 4\) = 4$/m, 'strace marks host calls');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
