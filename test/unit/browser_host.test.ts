// BrowserHost and the browser entry, run in Node (they use only Web APIs Node also has): the
// terminal line discipline, clocks and randomness, runProgram with the tmpfs the page fills, and
// the kernel's events hook that the playground's timeline draws.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BrowserHost, BrowserTty, HOME, readGuestFiles, runProgram, type KernelEvent } from '../../src/browser.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const guest = (name: string): Uint8Array => readFileSync(join(ROOT, 'guest/bin', name));
const text = (chunks: Uint8Array[]): string => new TextDecoder().decode(Buffer.concat(chunks));

/** A line discipline with recorded echo and signals, on the given termios (null: defaults). */
function tty(settings: { lflag: number; cc: number[] } | null = null): { t: BrowserTty; echo: Uint8Array[]; sigs: number[] } {
  const echo: Uint8Array[] = [], sigs: number[] = [];
  const t = new BrowserTty({ echo: (b) => echo.push(b), signal: (s) => sigs.push(s) }, () => settings);
  return { t, echo, sigs };
}

test('canonical mode holds a line until Enter, with backspace, Ctrl-U and Ctrl-W editing it', () => {
  const { t, echo } = tty();
  t.input('abc\x7fd');
  assert.equal(t.take(100), null, 'nothing before Enter');
  t.input('\r');
  assert.equal(new TextDecoder().decode(t.take(100)!), 'abd\n');
  t.input('junk\x15two words\x17last\r');
  assert.equal(new TextDecoder().decode(t.take(100)!), 'two last\n');
  assert.equal(text(echo).slice(0, 9), 'abc\b \bd\r\n', 'echo with the rub-out of the erased character');
});

test('Ctrl-C discards the line and raises SIGINT; Ctrl-\\ raises SIGQUIT', () => {
  const { t, echo, sigs } = tty();
  t.input('half\x03');
  t.input('\x1c');
  assert.deepEqual(sigs, [2, 3]);
  assert.equal(t.available(), 0);
  assert.match(text(echo), /\^C\r\n/);
});

test('Ctrl-D on an empty line makes one read return 0, then reads wait again; mid-line it delivers the line', () => {
  const { t } = tty();
  t.input('ab\x04');
  assert.equal(new TextDecoder().decode(t.take(100)!), 'ab');
  t.input('\x04');
  assert.equal(t.atEof(), true);
  assert.equal(t.take(100)!.length, 0);
  assert.equal(t.take(100), null, 'not a permanent end of file');
});

test('with ICANON and ISIG off (raw mode) every byte, Ctrl-C included, goes to the program at once', () => {
  const { t, echo, sigs } = tty({ lflag: 0, cc: new Array<number>(19).fill(0) });
  t.input('x\x03');
  assert.deepEqual([...t.take(100)!], [0x78, 0x03]);
  assert.deepEqual(sigs, []);
  assert.equal(echo.length, 0, 'ECHO off: no echo');
});

test('BrowserHost clocks follow performance.now and Date, and randomFill fills more than one Web Crypto call', () => {
  const h = new BrowserHost();
  const wall = BigInt(Date.now()) * 1_000_000n;
  const diff = h.realtimeNs() - wall;
  assert.ok(diff > -1_000_000_000n && diff < 1_000_000_000n, 'realtime within a second of Date.now');
  const a = h.monotonicNs(), b = h.monotonicNs();
  assert.ok(b >= a);
  const buf = new Uint8Array(200_000);
  h.randomFill(buf);
  assert.ok(buf.subarray(150_000).some((x) => x !== 0), 'the end of a long buffer is filled too');
  assert.equal(h.cwd(), null);
  assert.equal(typeof h.fs.lstat('/etc'), 'number', 'no host files');
});

test('runProgram runs a static ELF given as bytes, in /home/user, and the page reads back what it wrote', async () => {
  const out: Uint8Array[] = [];
  const host = new BrowserHost({ terminal: { write: (fd, d) => { if (fd === 1) out.push(d); } } });
  const r = runProgram({ program: guest('cwdwrite'), name: 'cwdwrite', args: ['note.txt'], host, files: { 'input.txt': 'from the page' } });
  const st = await r.exited;
  assert.equal(st.code, 0);
  assert.equal(text(out), `wrote ${HOME}/note.txt\n`);
  const files = readGuestFiles(r.kernel);
  assert.equal(new TextDecoder().decode(files.get(`${HOME}/note.txt`)), `written by the guest in ${HOME}\n`);
  assert.equal(new TextDecoder().decode(files.get(`${HOME}/input.txt`)), 'from the page');
});

test('Ctrl-C typed on the terminal reaches the foreground program as SIGINT', async () => {
  const host = new BrowserHost();
  const r = runProgram({ program: guest('cat'), name: 'cat', host });
  setTimeout(() => host.stdin.input('partial\x03'), 50);
  const st = await r.exited;
  assert.deepEqual([st.code, st.signal], [130, 2]);
});

test('a seeded run gives the same events twice; slices tile the instructions and marks show signals and restarts', async () => {
  const once = async (): Promise<{ events: KernelEvent[]; instret: number }> => {
    const events: KernelEvent[] = [];
    const r = runProgram({ program: guest('restart'), name: 'restart', host: new BrowserHost(), seed: 5, events: (e) => events.push(e) });
    return { events, instret: (await r.exited).instret };
  };
  const a = await once(), b = await once();
  assert.deepEqual(a.events, b.events);
  const slices = a.events.filter((e) => e.kind === 'slice');
  let at = 0;
  for (const s of slices) { assert.equal(s.start, at); at = s.end; }
  assert.equal(at, a.instret, 'slices cover every retired instruction of the run, back to back');
  const kinds = new Set(a.events.map((e) => e.kind));
  assert.ok(kinds.has('signal') && kinds.has('restart'), [...kinds].join());
});

test('rseq aborts are marked', async () => {
  const events: KernelEvent[] = [];
  const r = runProgram({ program: guest('rseq_abort'), name: 'rseq_abort', host: new BrowserHost(), seed: 1, events: (e) => events.push(e) });
  const st = await r.exited;
  assert.equal(events.filter((e) => e.kind === 'rseq-abort').length, st.rseqAborts);
  assert.ok(st.rseqAborts > 0);
});
