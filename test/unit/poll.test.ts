// ppoll and pselect6: revents and fd_set layouts on pipes and eventfds, POLLNVAL and EBADF,
// timeouts (deadline kept across re-runs, remaining time written back), temporary masks, and
// the ERESTARTNOHAND / EINTR codes of an interrupted sleep.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BUF, fdFixture, type Fixture, RO, UNMAPPED } from './sys_proc_fixture.js';
import { defs as pollDefs } from '../../src/kernel/syscalls/poll.js';
import { defs as epollDefs } from '../../src/kernel/syscalls/epoll.js';
import { defs as eventfdDefs } from '../../src/kernel/syscalls/eventfd.js';
import { createPipe } from '../../src/kernel/vfs/pipe.js';
import type { EventFd } from '../../src/kernel/vfs/eventfd.js';
import { Blocked } from '../../src/kernel/request.js';
import { WaitQueue } from '../../src/kernel/wait.js';
import { EBADF, EFAULT, EINTR, EINVAL, ERESTARTNOHAND } from '../../src/abi/errno.js';
import { dl } from './request_helpers.js';

const POLLIN = 1, POLLPRI = 2, POLLOUT = 4, POLLERR = 8, POLLHUP = 0x10, POLLNVAL = 0x20, POLLRDNORM = 0x40;
const FDS = BUF, TS = BUF + 0x400, SIGSET = BUF + 0x420, PACK = BUF + 0x430;
const RSET = BUF + 0x500, WSET = BUF + 0x600, XSET = BUF + 0x700;
const MS = 1_000_000n, SEC = 1_000_000_000n;

/** Each test's fixture: a task with an fd table of its own. */
const setup = fdFixture;

type F = Fixture;

function pipe(f: F): [number, number] {
  const { reader, writer } = createPipe();
  return [f.t.files.install(reader), f.t.files.install(writer)];
}

function eventfd(f: F, init = 0): number {
  return f.call(eventfdDefs, 'eventfd2', init, 0x800) as number;
}

/** Writes through the file itself, as another task would (the polling task stays mid-call). */
function write(f: F, fd: number, bytes: number[]): unknown {
  return f.t.files.get(fd)!.write!(f.t.syscall, Uint8Array.from(bytes));
}

/** Writes a pollfd array at FDS; revents preset to 0xffff so that the write-back shows. */
function pollfds(f: F, entries: [number, number][]): void {
  entries.forEach(([fd, events], i) => {
    f.mem.writeI32(FDS + i * 8, fd);
    f.mem.writeU16(FDS + i * 8 + 4, events);
    f.mem.writeU16(FDS + i * 8 + 6, 0xffff);
  });
}

function revents(f: F, n: number): number[] {
  return Array.from({ length: n }, (_, i) => f.mem.readU16(FDS + i * 8 + 6));
}

function setTs(f: F, addr: number, ns: bigint): number {
  f.mem.writeBig64(addr, ns / SEC);
  f.mem.writeBig64(addr + 8, ns % SEC);
  return addr;
}

function readTs(f: F, addr: number): bigint {
  return f.mem.readBig64(addr) * SEC + f.mem.readBig64(addr + 8);
}

function ppoll(f: F, nfds: number, tsp = 0, sigmask = 0, size = 8): unknown {
  return f.call(pollDefs, 'ppoll', FDS, nfds, tsp, sigmask, size);
}

test('ppoll reports revents masked by events, with POLLHUP/POLLERR always and POLLNVAL for bad fds', () => {
  const f = setup();
  const [r, w] = pipe(f);
  const [r2, w2] = pipe(f);
  const efd = eventfd(f, 1);
  assert.equal(write(f, w, [1]), 1);
  assert.equal(f.t.files.close(w2), 0); // r2: writer gone
  pollfds(f, [[r, POLLIN | POLLOUT], [w, POLLOUT], [r2, POLLIN], [99, POLLIN], [-1, POLLIN], [efd, POLLPRI],
    [efd, POLLIN | POLLRDNORM]]);
  assert.equal(ppoll(f, 7), 5);
  assert.deepEqual(revents(f, 7), [POLLIN, POLLOUT, POLLHUP, POLLNVAL, 0, 0, POLLIN]);
  f.t.files.close(r2);
  pollfds(f, [[w, 0]]);
  f.t.files.close(r);
  assert.equal(ppoll(f, 1), 1);
  assert.deepEqual(revents(f, 1), [POLLERR]); // writer whose reader closed
});

test('ppoll validates nfds against RLIMIT_NOFILE, the timespec, sigsetsize and the pollfd pointer', () => {
  const f = setup();
  assert.equal(ppoll(f, 1025), -EINVAL);
  f.t.tg.rlimits.set(7, [4n, 4n]);
  assert.equal(ppoll(f, 5), -EINVAL);
  assert.equal(ppoll(f, 0, setTs(f, TS, 0n)), 0);
  f.mem.writeBig64(TS, 0n);
  f.mem.writeBig64(TS + 8, SEC);
  assert.equal(ppoll(f, 0, TS), -EINVAL);
  f.mem.writeBig64(TS, 2n ** 63n); // negative seconds
  f.mem.writeBig64(TS + 8, 0n);
  assert.equal(ppoll(f, 0, TS), -EINVAL);
  assert.equal(ppoll(f, 0, UNMAPPED), -EFAULT);
  const zero = setTs(f, TS, 0n);
  assert.equal(ppoll(f, 0, zero, SIGSET, 4), -EINVAL);
  assert.equal(ppoll(f, 0, zero, UNMAPPED, 8), -EFAULT);
  assert.equal(f.call(pollDefs, 'ppoll', UNMAPPED, 1, zero, 0, 8), -EFAULT);
});

test('ppoll installs its signal mask as a temporary mask', () => {
  const f = setup();
  f.t.sigmask = 4n;
  f.mem.writeBig64(SIGSET, 1n << 13n);
  assert.equal(ppoll(f, 0, setTs(f, TS, 0n), SIGSET, 8), 0);
  assert.equal(f.t.sigmask, 1n << 13n);
  assert.equal(f.t.savedSigmask, 4n);
});

test('ppoll with nothing ready sleeps on every file\'s queues with ERESTARTNOHAND', () => {
  const f = setup();
  const [r, w] = pipe(f);
  const efd = eventfd(f);
  pollfds(f, [[r, POLLIN], [efd, POLLIN], [w, POLLIN]]);
  const b = ppoll(f, 3);
  assert.ok(b instanceof Blocked);
  assert.equal(b.restart, ERESTARTNOHAND);
  assert.equal(dl(b), null);
  const queues = new Set(b.queues);
  for (const q of [...f.t.files.get(r)!.pollQueues!(), (f.t.files.get(efd) as EventFd).wq]) assert.ok(queues.has(q));
  let woken = 0;
  for (const q of b.queues) (q as WaitQueue).add({ wake: () => { woken++; } });
  assert.equal(write(f, w, [7]), 1);
  assert.ok(woken >= 1);
  assert.equal(ppoll(f, 3), 1);
  assert.deepEqual(revents(f, 3), [POLLIN, 0, 0]);
});

test('ppoll keeps its deadline across re-runs and writes the remaining time back', () => {
  const f = setup();
  const [r, w] = pipe(f);
  pollfds(f, [[r, POLLIN]]);
  const start = f.clock.mono;
  const b1 = ppoll(f, 1, setTs(f, TS, SEC)) as Blocked;
  assert.equal(dl(b1), start + SEC);
  f.clock.mono += 400n * MS;
  const b2 = ppoll(f, 1, TS) as Blocked; // a spurious wake-up: same deadline
  assert.equal(dl(b2), start + SEC);
  assert.equal(write(f, w, [1]), 1);
  assert.equal(ppoll(f, 1, TS), 1);
  assert.equal(readTs(f, TS), 600n * MS);
});

test('ppoll returns 0 at its deadline with revents cleared and *tsp zeroed', () => {
  const f = setup();
  const [r] = pipe(f);
  pollfds(f, [[r, POLLIN]]);
  const b = ppoll(f, 1, setTs(f, TS, 5n * MS)) as Blocked;
  f.clock.mono = dl(b)! + 1n;
  assert.equal(ppoll(f, 1, TS), 0);
  assert.deepEqual(revents(f, 1), [0]);
  assert.equal(readTs(f, TS), 0n);
});

test('a zero timeout polls once without sleeping', () => {
  const f = setup();
  const [r] = pipe(f);
  pollfds(f, [[r, POLLIN]]);
  assert.equal(ppoll(f, 1, setTs(f, TS, 0n)), 0);
  assert.deepEqual(revents(f, 1), [0]);
});

test('a signal gives ERESTARTNOHAND with the remaining time in *tsp, or the fds that became ready', () => {
  const f = setup();
  const [r, w] = pipe(f);
  pollfds(f, [[r, POLLIN]]);
  const b = ppoll(f, 1, setTs(f, TS, 2n * SEC)) as Blocked;
  f.clock.mono += 500n * MS;
  assert.equal(b.onInterrupt!(f.t.syscall), -ERESTARTNOHAND);
  assert.equal(readTs(f, TS), 1500n * MS);
  assert.deepEqual(revents(f, 1), [0]);
  // Data that arrived with the signal is returned instead (Linux's last pass over the fds).
  assert.equal(write(f, w, [1]), 1);
  assert.equal(b.onInterrupt!(f.t.syscall), 1);
  assert.deepEqual(revents(f, 1), [POLLIN]);
});

test('an unwritable *tsp turns ERESTARTNOHAND into EINTR', () => {
  const f = setup();
  const [r] = pipe(f);
  pollfds(f, [[r, POLLIN]]);
  // A timespec straddling the end of the writable area into the read-only page: readable, not writable.
  const straddle = RO - 8;
  f.mem.writeBig64(straddle, 1n); // tv_sec = 1 in the writable part; tv_nsec = 0 in RO
  const b = f.call(pollDefs, 'ppoll', FDS, 1, straddle, 0, 8) as Blocked;
  assert.ok(b instanceof Blocked);
  assert.equal(b.onInterrupt!(f.t.syscall), -EINTR);
});

test('ppoll on an epoll fd reports POLLIN once an item is ready', () => {
  const f = setup();
  const ep = f.call(epollDefs, 'epoll_create1', 0) as number;
  const efd = eventfd(f);
  f.mem.writeU32(BUF + 0xf00, POLLIN);
  f.mem.writeBig64(BUF + 0xf08, 0n);
  assert.equal(f.call(epollDefs, 'epoll_ctl', ep, 1, efd, BUF + 0xf00), 0);
  pollfds(f, [[ep, POLLIN]]);
  const b = ppoll(f, 1) as Blocked;
  assert.ok(b instanceof Blocked);
  let woken = 0;
  for (const q of b.queues) (q as WaitQueue).add({ wake: () => { woken++; } });
  assert.equal(write(f, efd, [1, 0, 0, 0, 0, 0, 0, 0]), 8);
  assert.equal(woken, 1);
  assert.equal(ppoll(f, 1), 1);
  assert.deepEqual(revents(f, 1), [POLLIN]);
});

// --- pselect6 -------------------------------------------------------------------------------

function setBits(f: F, addr: number, fds: number[], bytes = 16): number {
  f.mem.write(addr, new Uint8Array(bytes));
  for (const fd of fds) f.mem.writeU8(addr + (fd >> 3), f.mem.readU8(addr + (fd >> 3)) | (1 << (fd & 7)));
  return addr;
}

function bits(f: F, addr: number, bytes = 16): number[] {
  const out: number[] = [];
  const b = f.mem.read(addr, bytes);
  for (let i = 0; i < bytes * 8; i++) if (b[i >> 3]! & (1 << (i & 7))) out.push(i);
  return out;
}

function pselect(f: F, n: number, r: number, w: number, x: number, tsp = 0, pack = 0): unknown {
  return f.call(pollDefs, 'pselect6', n, r, w, x, tsp, pack);
}

test('pselect6 reports readable, writable and exceptional fds in 64-bit-word fd_sets', () => {
  const f = setup();
  const [r, w] = pipe(f);
  const efd = eventfd(f, 1);
  assert.equal(write(f, w, [1]), 1);
  setBits(f, RSET, [r, w, efd]);
  setBits(f, WSET, [w, efd]);
  setBits(f, XSET, [r]);
  // efd is both readable and writable: it counts twice.
  assert.equal(pselect(f, efd + 1, RSET, WSET, XSET), 4);
  assert.deepEqual(bits(f, RSET), [r, efd]);
  assert.deepEqual(bits(f, WSET), [w, efd]);
  assert.deepEqual(bits(f, XSET), []);
});

test('pselect6 covers fds beyond the first word and only as many bytes as the fd table holds', () => {
  const f = setup();
  const efd = eventfd(f, 1);
  assert.equal(f.t.files.installAt(70, f.t.files.get(efd)!), 70);
  setBits(f, RSET, [70], 32);
  f.mem.writeU8(RSET + 24, 0xaa); // bits past the table (fd 192+) are neither checked nor written
  assert.equal(pselect(f, 1024, RSET, 0, 0), 1);
  assert.deepEqual(bits(f, RSET, 16), [70]);
  assert.equal(f.mem.readU8(RSET + 24), 0xaa);
});

test('pselect6 gives EBADF for a closed fd in any set and EINVAL for a negative n', () => {
  const f = setup();
  const [r] = pipe(f);
  setBits(f, RSET, [r]);
  setBits(f, XSET, [5]);
  assert.equal(pselect(f, 6, RSET, 0, XSET), -EBADF);
  assert.equal(pselect(f, -1, RSET, 0, XSET), -EINVAL);
  // fd 5 lies beyond n = 5, so it is not looked at; r is not ready and the zero timeout ends the call.
  assert.equal(pselect(f, 5, RSET, 0, XSET, setTs(f, TS, 0n)), 0);
});

test('pselect6 with nothing ready sleeps with ERESTARTNOHAND, and on a signal leaves the sets alone', () => {
  const f = setup();
  const [r, w] = pipe(f);
  setBits(f, RSET, [r]);
  const b = pselect(f, r + 1, RSET, 0, 0, setTs(f, TS, 3n * SEC)) as Blocked;
  assert.ok(b instanceof Blocked);
  assert.equal(b.restart, ERESTARTNOHAND);
  assert.equal(dl(b), f.clock.mono + 3n * SEC);
  f.clock.mono += SEC;
  assert.equal(b.onInterrupt!(f.t.syscall), -ERESTARTNOHAND);
  assert.deepEqual(bits(f, RSET), [r]);
  assert.equal(readTs(f, TS), 2n * SEC);
  // Woken by data: re-run reports it and the remaining time.
  assert.equal(write(f, w, [1]), 1);
  assert.equal(pselect(f, r + 1, RSET, 0, 0, TS), 1);
  assert.deepEqual(bits(f, RSET), [r]);
});

test('pselect6 at its deadline returns 0 with the sets cleared', () => {
  const f = setup();
  const [r] = pipe(f);
  setBits(f, RSET, [r]);
  const b = pselect(f, r + 1, RSET, 0, 0, setTs(f, TS, 10n * MS)) as Blocked;
  f.clock.mono = dl(b)!;
  assert.equal(pselect(f, r + 1, RSET, 0, 0, TS), 0);
  assert.deepEqual(bits(f, RSET), []);
  assert.equal(readTs(f, TS), 0n);
});

test('pselect6 reads its sigmask through the {sigset*, size} pack', () => {
  const f = setup();
  f.t.sigmask = 0n;
  f.mem.writeBig64(SIGSET, 1n << 1n);
  f.mem.writeBig64(PACK, BigInt(SIGSET));
  f.mem.writeBig64(PACK + 8, 16n);
  assert.equal(pselect(f, 0, 0, 0, 0, 0, PACK), -EINVAL);
  f.mem.writeBig64(PACK + 8, 8n);
  assert.equal(pselect(f, 0, 0, 0, 0, setTs(f, TS, 0n), PACK), 0);
  assert.equal(f.t.sigmask, 2n);
  assert.equal(pselect(f, 0, 0, 0, 0, 0, UNMAPPED), -EFAULT);
  f.mem.writeBig64(PACK, 0n); // NULL sigset: no mask change, size ignored
  f.mem.writeBig64(PACK + 8, 3n);
  assert.equal(pselect(f, 0, 0, 0, 0, setTs(f, TS, 0n), PACK), 0);
});
