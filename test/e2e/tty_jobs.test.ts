// Terminal job control (guest/src/tty_jobs.c) on a simulated terminal in deterministic mode,
// compared with qemu-riscv64 on a pseudo-terminal (its job control is the host kernel's, a valid
// reference), and the cases qemu is no reference for against what Linux does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { qemuTerminalUnavailable, runOnSimulatedTerminal, runQemuOnTerminal } from '../helpers/sim_tty.js';

const PROGRAM = 'guest/bin/tty_jobs';

test('background reads, writes and terminal changes stop with SIGTTIN and SIGTTOU, and orphaned groups get EIO and SIGHUP+SIGCONT, as under qemu-riscv64', { skip: qemuTerminalUnavailable() ?? false }, async () => {
  const ours = await runOnSimulatedTerminal(PROGRAM, []);
  assert.equal(ours.code, 0);
  assert.equal(ours.out, runQemuOnTerminal(PROGRAM, []));
  assert.match(ours.out, /^background read: stopped by SIGTTIN$/m, 'the comparison covers the stop');
});

test('a blocked SIGTTIN makes a background read EIO and a blocked SIGTTOU lets a TOSTOP write through, and TIOCGSID gives the session', async () => {
  const ours = await runOnSimulatedTerminal(PROGRAM, ['linux']);
  assert.equal(ours.code, 0);
  assert.equal(ours.out, [
    'foreground: tcgetpgrp is our group 1',
    'TIOCGPGRP on stdout 0, same group 1',
    'TIOCSCTTY again as the leader that has it: 0',
    'tcgetsid is our session 1',
    'background read, SIGTTIN blocked: failed with Input/output error',
    'background write',
    'background write with TOSTOP, SIGTTOU blocked: succeeded',
    '',
  ].join('\n'));
});
