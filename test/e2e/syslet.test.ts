// Threadlets and syslets in real guests (guest/src/syslet.c, bench_syslet.c; "harnessed" in
// guest/cases.json): the review points that need a CPU, each in a test named after it; the rest
// are in test/unit/syslet.test.ts. No kernel but ecall has these calls, so what the programs must
// print is written here from the design's rules (README "Syslets and threadlets").
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { harnessedCase } from '../helpers/guest_cases.js';
import { ecallUnavailable, runUnderEcallWith } from '../helpers/run_guest.js';

const skip = ecallUnavailable() ?? false;
/** The option that turns the extension on. */
const EXT = ['--ext', 'syslet'];

/** What guest/bin/syslet prints: each line is a rule of the design. */
const SYSLET_OUT = `nanosleep atom: async_exec returns 0 (asynchronous)
completion: atom a, result 0, private 1
SYSLET_SYNC nanosleep atom: async_exec returns the atom, ret 0, ring pending 0
umem_add loop: returns the atom, counter 0
unknown atom flag: Invalid argument
two stop flags: Invalid argument
unknown syscall 1000: returns the atom, ret Function not implemented
detection: async_wait(0, 0, NULL): Bad address
inline threadlet: returns THREADLET_DONE, result 50
the stack is free at once: THREADLET_DONE again yes, result 51
blocking threadlet: returns THREADLET_ASYNC; the caller's registers and stack are intact
completion: threadlet th, result 3005, flags THREADLET yes, private 77; th.result 3005
after the completion the stack is free again: yes
threadlet_exec inside a threadlet: EBUSY
threadlet flags 1: Invalid argument
threadlet stack of 4095 bytes: Invalid argument
threadlet NULL: Bad address
`;
/** FNV-1a over the 64-bit words of bench_syslet's 2 MiB file, computed off-line (Python). */
const CHECKSUM_2MIB = '249c722116d81325';

/** stdout of program args under ecall with options; the run must exit 0 with nothing on stderr. */
async function output(program: string, args: string[] = [], options: string[] = EXT): Promise<string> {
  const r = await runUnderEcallWith(harnessedCase(program, args), options);
  assert.equal(r.status, 0, r.stderr.toString());
  assert.equal(r.stderr.toString(), '');
  return r.stdout.toString();
}

describe('syslets and threadlets in guests', { skip }, () => {
  it('syslet prints what the design says, line by line', async () => {
    assert.equal(await output('syslet'), SYSLET_OUT);
  });

  it('threadlet return resumes the caller in its own context (every register and its stack), not a raw ip/sp pair', async () => {
    const out = await output('syslet');
    assert.match(out, /^blocking threadlet: returns THREADLET_ASYNC; the caller's registers and stack are intact$/m);
    assert.match(out, /^completion: threadlet th, result 3005, flags THREADLET yes, private 77; th\.result 3005$/m);
  });

  it('threadlet consumed stack: the return code says it (THREADLET_DONE: free at once; THREADLET_ASYNC: until the completion)', async () => {
    const out = await output('syslet');
    assert.match(out, /^inline threadlet: returns THREADLET_DONE, result 50$/m);
    assert.match(out, /^the stack is free at once: THREADLET_DONE again yes, result 51$/m);
    assert.match(out, /^after the completion the stack is free again: yes$/m);
    assert.match(out, /^threadlet_exec inside a threadlet: EBUSY$/m);
  });

  it('a SYSLET_SYNC atom that would block makes async_exec sleep and return the atom instead of going asynchronous', async () => {
    const out = await output('syslet');
    assert.match(out, /^nanosleep atom: async_exec returns 0 \(asynchronous\)$/m);
    assert.match(out, /^SYSLET_SYNC nanosleep atom: async_exec returns the atom, ret 0, ring pending 0$/m);
  });

  it('a syslet chain copies a file into a pipe asynchronously, byte for byte what read and write copy', async () => {
    const [chain, rw] = await Promise.all([output('bench_syslet', ['syslet', '2']), output('bench_syslet', ['rw', '2'])]);
    assert.equal(rw, `rw: 2097152 bytes through the pipe, checksum ${CHECKSUM_2MIB}\n`);
    assert.equal(chain, `syslet: async_exec went asynchronous; 2097152 bytes through the pipe, checksum ${CHECKSUM_2MIB}\n`
      + 'completion: final atom read, result 0, flags 0\n');
  });

  it('a threadlet that blocks on a pipe moves to a new thread every time, and its result comes through the ring', async () => {
    // Threadlet i reads byte i & 0xff and returns it + 1000: 20 * 1000 + (0 + ... + 19).
    assert.equal(await output('bench_syslet', ['threadlet', '20']), 'threadlet: 20 moved to a new thread, 0 ran inline, result sum 20190\n');
  });

  it('without --ext syslet the calls are absent: ENOSYS, as on Linux', async () => {
    const r = await runUnderEcallWith(harnessedCase('syslet'), []);
    assert.match(r.stdout.toString(), /^nanosleep atom: async_exec returns \?$/m);
    assert.match(r.stdout.toString(), /^detection: async_wait\(0, 0, NULL\): Function not implemented$/m);
  });

  it('deterministic mode: the same seed gives the same syslet and threadlet run, strace included', async () => {
    const c = harnessedCase('syslet');
    const a = await runUnderEcallWith(c, [...EXT, '--seed', '9', '--strace']);
    const b = await runUnderEcallWith(c, [...EXT, '--seed', '9', '--strace']);
    assert.equal(a.status, 0);
    assert.equal(a.stdout.toString(), SYSLET_OUT);
    assert.equal(a.stdout.toString(), b.stdout.toString());
    assert.equal(a.stderr.toString(), b.stderr.toString());
    assert.match(a.stderr.toString(), /--- threadlet 0x[0-9a-f]+ would block: it goes on as thread \d+ ---/);
    assert.match(a.stderr.toString(), /async_exec\(0x[0-9a-f]+, 0x[0-9a-f]+\) = 0x0/);
  });
});
