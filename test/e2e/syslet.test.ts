// Threadlets and syslets in real guests (guest/src/syslet.c, bench_syslet.c): the review points
// that need a CPU, each in a test named after it; the rest are in test/unit/syslet.test.ts.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { type GuestCase, loadExpected } from '../helpers/guest_cases.js';
import { ecallUnavailable, runUnderEcall, runUnderEcallWith } from '../helpers/run_guest.js';

const skip = ecallUnavailable() ?? false;

/** A case of guest/cases.json's shape for program with args. */
function guest(program: string, args: string[] = []): GuestCase {
  return { name: program, program, args, env: {}, stdin: '', compareStderr: true };
}

/** stdout of a run that must exit 0. */
async function output(c: GuestCase, options: string[] = []): Promise<string> {
  const r = options.length > 0 ? await runUnderEcallWith(c, options) : await runUnderEcall(c);
  assert.equal(r.status, 0, r.stderr.toString());
  return r.stdout.toString();
}

describe('syslets and threadlets in guests', { skip }, () => {
  it('threadlet return resumes the caller in its own context (every register and its stack), not a raw ip/sp pair', async () => {
    const out = await output(guest('syslet'));
    assert.match(out, /^blocking threadlet: returns THREADLET_ASYNC; the caller's registers and stack are intact$/m);
    assert.match(out, /^completion: threadlet th, result 3005, flags THREADLET yes, private 77; th\.result 3005$/m);
  });

  it('threadlet consumed stack: the return code says it (THREADLET_DONE: free at once; THREADLET_ASYNC: until the completion)', async () => {
    const out = await output(guest('syslet'));
    assert.match(out, /^inline threadlet: returns THREADLET_DONE, result 50$/m);
    assert.match(out, /^the stack is free at once: THREADLET_DONE again yes, result 51$/m);
    assert.match(out, /^after the completion the stack is free again: yes$/m);
    assert.match(out, /^threadlet_exec inside a threadlet: EBUSY$/m);
  });

  it('a SYSLET_SYNC atom that would block makes async_exec sleep and return the atom instead of going asynchronous', async () => {
    const out = await output(guest('syslet'));
    assert.match(out, /^nanosleep atom: async_exec returns 0 \(asynchronous\)$/m);
    assert.match(out, /^SYSLET_SYNC nanosleep atom: async_exec returns the atom, ret 0, ring pending 0$/m);
  });

  it('a syslet chain copies a file into a pipe asynchronously, byte for byte what read and write copy', async () => {
    const [chain, rw] = await Promise.all([output(guest('bench_syslet', ['syslet', '2'])), output(guest('bench_syslet', ['rw', '2']))]);
    const sum = (s: string): string => /checksum ([0-9a-f]{16})/.exec(s)?.[1] ?? 'none';
    assert.equal(sum(chain), sum(rw));
    assert.equal(sum(rw), '249c722116d81325', 'FNV-1a over the 64-bit words of the generated 2 MiB file (computed off-line)');
    assert.match(chain, /^syslet: async_exec went asynchronous;/m);
    assert.match(chain, /^completion: final atom read, result 0, flags 0$/m);
  });

  it('a threadlet that blocks on a pipe moves to a new thread every time, and its result comes through the ring', async () => {
    assert.equal(await output(guest('bench_syslet', ['threadlet', '20'])), loadExpected({ ...guest('bench_syslet'), name: 'bench_syslet_threadlet' }).stdout.toString());
  });

  it('deterministic mode: the same seed gives the same syslet and threadlet run, strace included', async () => {
    const c = guest('syslet');
    const a = await runUnderEcallWith(c, ['--seed', '9', '--strace']);
    const b = await runUnderEcallWith(c, ['--seed', '9', '--strace']);
    assert.equal(a.status, 0);
    assert.equal(a.stdout.toString(), b.stdout.toString());
    assert.equal(a.stderr.toString(), b.stderr.toString());
    assert.match(a.stderr.toString(), /--- threadlet 0x[0-9a-f]+ would block: it goes on as thread \d+ ---/);
  });
});
