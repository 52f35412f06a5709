// Signals from the host reach the guest as on qemu-riscv64: the ecall command forwards SIGINT,
// SIGTERM, SIGHUP, SIGQUIT, SIGUSR1/2, SIGWINCH, SIGTSTP and SIGCONT to the guest, whose handlers
// run (si_code SI_USER); its exit status is the guest's; SIGTSTP stops the guest and ecall with
// it, and SIGCONT continues both. Signals are sent only after the guest said it is waiting, and
// each next one only after the guest reported the last, so no timing is assumed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../helpers/guest_cases.js';
import { ecallUnavailable, GUEST_TIMEOUT_MS } from '../helpers/run_guest.js';

const root = repoRoot();
const skip = ecallUnavailable() ?? false;
/** Poll interval while waiting for the stopped ecall to show state T in /proc. */
const POLL_MS = 20;

/** An ecall command whose stdout is read line by line as it comes. */
class Running {
  readonly child: ChildProcess;
  private out = '';
  private waiters: (() => void)[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(args: string[]) {
    this.child = spawn(process.execPath, [join(root, 'bin', 'ecall.js'), 'run', '--clear-env', ...args],
      { cwd: root, stdio: ['pipe', 'pipe', 'inherit'] });
    this.child.stdout!.setEncoding('utf8');
    this.child.stdout!.on('data', (s: string) => { this.out += s; for (const w of this.waiters.splice(0)) w(); });
    const guard = setTimeout(() => this.child.kill('SIGKILL'), GUEST_TIMEOUT_MS);
    this.exited = new Promise((resolve) => this.child.on('exit', (code, signal) => { clearTimeout(guard); resolve({ code, signal }); }));
  }

  /** Resolves once stdout holds line (or rejects if the child exits first). */
  async line(line: string): Promise<void> {
    while (!this.out.split('\n').includes(line)) {
      if (this.child.exitCode !== null || this.child.signalCode !== null) throw new Error(`exited before "${line}"; output: ${this.out}`);
      await new Promise<void>((resolve) => { this.waiters.push(resolve); this.child.once('exit', () => resolve()); });
    }
  }

  /** Everything printed so far. */
  get output(): string {
    return this.out;
  }
}

/** The process state letter of pid in /proc (T when stopped). */
function procState(pid: number): string {
  return readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '')[0]!;
}

test('host SIGINT, SIGHUP, SIGQUIT, SIGUSR1/2 and SIGWINCH run the guest\'s handlers, and SIGTERM ends it with 143', { skip }, async () => {
  const r = new Running(['guest/bin/sigfwd']);
  await r.line('ready');
  for (const [sig, reply] of [['SIGINT', 'got SIGINT si_code 0'], ['SIGHUP', 'got SIGHUP si_code 0'], ['SIGQUIT', 'got SIGQUIT si_code 0'],
    ['SIGUSR1', 'got SIGUSR1 si_code 0'], ['SIGUSR2', 'got SIGUSR2 si_code 0'],
    ['SIGWINCH', 'got SIGWINCH si_code 0 (not a terminal)']] as const) {
    r.child.kill(sig);
    await r.line(reply);
  }
  r.child.kill('SIGTERM');
  assert.deepEqual(await r.exited, { code: 143, signal: null });
});

test('host SIGTSTP stops the guest and ecall, and SIGCONT continues both', { skip }, async () => {
  const r = new Running(['guest/bin/sigfwd']);
  await r.line('ready');
  r.child.kill('SIGTSTP');
  const pid = r.child.pid!;
  while (procState(pid) !== 'T') await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  r.child.kill('SIGCONT');
  await r.line('got SIGCONT si_code 0');
  r.child.kill('SIGINT');
  await r.line('got SIGINT si_code 0');
  r.child.kill('SIGTERM');
  assert.deepEqual(await r.exited, { code: 143, signal: null });
});

test('a guest without a handler dies of a forwarded SIGINT, and ecall exits with its status 130', { skip }, async () => {
  const r = new Running(['guest/bin/cat']);
  r.child.stdin!.write('one\n');
  await r.line('one');
  r.child.kill('SIGINT');
  assert.deepEqual(await r.exited, { code: 130, signal: null });
});
