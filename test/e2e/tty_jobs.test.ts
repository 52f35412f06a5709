// Terminal job control (guest/src/tty_jobs.c) on a simulated terminal in deterministic mode,
// compared with qemu-riscv64 on a pseudo-terminal (its job control is the host kernel's, a valid
// reference), and the cases qemu is no reference for against what Linux does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { testCacheDir } from '../helpers/npm_fetch.js';
import { Kernel } from '../../src/kernel/kernel.js';
import { NodeHost } from '../../src/host/node.js';
import type { HostStdioInfo } from '../../src/host/host.js';
import { qemuTerminalUnavailable, runOnSimulatedTerminal, runQemuOnTerminal } from '../helpers/sim_tty.js';

const PROGRAM = 'guest/bin/tty_jobs';

test('background reads, writes and terminal changes stop with SIGTTIN and SIGTTOU, and orphaned groups get EIO and SIGHUP+SIGCONT, as under qemu-riscv64', { skip: qemuTerminalUnavailable() ?? false }, async () => {
  const ours = await runOnSimulatedTerminal(PROGRAM, []);
  assert.equal(ours.code, 0);
  assert.equal(ours.out, runQemuOnTerminal(PROGRAM, []));
  assert.match(ours.out, /^background read: stopped by SIGTTIN$/m, 'the comparison covers the stop');
});

test('a blocked SIGTTIN makes a background read EIO and a blocked SIGTTOU lets a TOSTOP write through, and TIOCGSID and /proc/self/stat give the session\'s terminal', async () => {
  const ours = await runOnSimulatedTerminal(PROGRAM, ['linux']);
  assert.equal(ours.code, 0);
  assert.equal(ours.out, [
    'foreground: tcgetpgrp is our group 1',
    'TIOCGPGRP on stdout 0, same group 1',
    'TIOCSCTTY again as the leader that has it: 0',
    'tcgetsid is our session 1',
    '/proc/self/stat: tty_nr set 1, tpgid is our group 1',
    'background read, SIGTTIN blocked: failed with Input/output error',
    'background write',
    'background write with TOSTOP, SIGTTOU blocked: succeeded',
    '',
  ].join('\n'));
});

const DASH = join(testCacheDir(), 'dash', 'dash');
const noDash = existsSync(DASH) ? false : `${DASH} is missing: run bash tools/third_party/dash.sh (needs network for apt-get source)`;

test('interactive dash on the terminal: a background job that reads is stopped by SIGTTIN, bg continues it, fg gives it the terminal', { skip: noDash }, async () => {
  const script = 'guest/bin/cat &\nguest/bin/exit42\nguest/bin/exit42\njobs\nbg %1\nguest/bin/exit42\njobs\nfg %1\nhello from fg\n';
  const r = await runOnSimulatedTerminal(DASH, ['-i'], script);
  assert.equal(r.code, 0);
  // "# " is the prompt (uid 0 in deterministic mode); a canonical terminal read gives dash one line at a time.
  assert.equal(r.out, '# # exiting with 42\n# exiting with 42\n# [1] + Running                    guest/bin/cat\n' +
    '# [1] guest/bin/cat\n# exiting with 42\n# [1] + Stopped (tty input)        guest/bin/cat\n' +
    '# guest/bin/cat\nhello from fg\ncat: 14 bytes\n# \n');
});

test('dash -c with set -m puts a job in its own background group, where its terminal read stops it', { skip: noDash }, async () => {
  const r = await runOnSimulatedTerminal(DASH, ['-c', 'set -m; guest/bin/cat & guest/bin/exit42; guest/bin/exit42; jobs; kill %1; wait']);
  assert.equal(r.out, 'exiting with 42\nexiting with 42\n[1] + Stopped (tty input)        guest/bin/cat\n');
});

/** A real-time host whose stdio is a terminal, that captures output and its signal subscription. */
class SignalTerminal extends NodeHost {
  out = '';
  deliver: ((sig: number) => void) | null = null;
  override isatty(fd: number): boolean { return fd <= 2; }
  override stdioInfo(): HostStdioInfo { return { kind: 'tty', ino: 0, size: 0, rdev: 0, path: null }; }
  override writeStdio(_fd: 1 | 2, data: Uint8Array): number { this.out += new TextDecoder().decode(data); return data.length; }
  override onSignals(_signals: readonly number[], onSignal: (sig: number) => void): () => void {
    this.deliver = onSignal;
    return () => { this.deliver = null; };
  }
}

test('a ^C from the host terminal goes to the terminal\'s foreground group, not to the shell that started it', { skip: noDash, timeout: 120_000 }, async () => {
  const host = new SignalTerminal();
  const kernel = new Kernel({ host });
  const proc = kernel.spawn(DASH, ['-c', 'set -m; guest/bin/sigfwd; echo "after $?"'], { stdio: 'inherit', env: {} });
  while (!host.out.includes('ready\n')) await host.yieldToHost();
  host.deliver!(2); // SIGINT
  while (!host.out.includes('got SIGINT')) await host.yieldToHost();
  let ended = false;
  void proc.exited.then(() => { ended = true; });
  await host.yieldToHost();
  assert.equal(ended, false, 'dash, in the background group, did not get the SIGINT');
  proc.kill('SIGKILL');
  await proc.exited;
});
