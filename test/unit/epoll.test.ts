// epoll: epoll_create1, epoll_ctl's errors, level-triggered, edge-triggered and one-shot
// reporting, ready-list order, HUP on a pipe, sleeping and timeouts in epoll_pwait/epoll_pwait2,
// EINTR on a signal, nesting, and removal of items on close.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BUF, fdFixture, type Fixture, RO, UNMAPPED } from './sys_proc_fixture.js';
import { call as vfsCall, makeTask, str, SCRATCH } from './vfs_helpers.js';
import { defs as epollDefs, EP_MAX_EVENTS } from '../../src/kernel/syscalls/epoll.js';
import { defs as eventfdDefs } from '../../src/kernel/syscalls/eventfd.js';
import { defs as rwDefs } from '../../src/kernel/syscalls/fs_rw.js';
import { defs as pathDefs } from '../../src/kernel/syscalls/fs_path.js';
import { createPipe } from '../../src/kernel/vfs/pipe.js';
import { openDevice } from '../../src/kernel/vfs/devices.js';
import { EventPoll, eventpollRelease } from '../../src/kernel/vfs/epoll.js';
import type { EventFd } from '../../src/kernel/vfs/eventfd.js';
import { Blocked } from '../../src/kernel/request.js';
import { WaitQueue } from '../../src/kernel/wait.js';
import { EBADF, EEXIST, EFAULT, EINTR, EINVAL, ELOOP, ENOENT, EPERM } from '../../src/abi/errno.js';
import { dl } from './request_helpers.js';

const ADD = 1, DEL = 2, MOD = 3;
const EPOLLIN = 1, EPOLLPRI = 2, EPOLLOUT = 4, EPOLLERR = 8, EPOLLHUP = 0x10;
const EPOLLEXCLUSIVE = 1 << 28, EPOLLONESHOT = 1 << 30, EPOLLET = 2 ** 31;
const EPOLL_CLOEXEC = 0x80000;
/** Where tests put the struct epoll_event for epoll_ctl, and the events array for waits. */
const EV = BUF, EVENTS = BUF + 0x100, SIGSET = BUF + 0x80, TS = BUF + 0x90;
const MS = 1_000_000n;

/** Each test's fixture: a task with an fd table of its own. */
const setup = fdFixture;

type F = Fixture;

function epollCreate(f: F): number {
  return f.call(epollDefs, 'epoll_create1', 0) as number;
}

/** A new pipe's [read fd, write fd]. */
function pipe(f: F): [number, number] {
  const { reader, writer } = createPipe();
  return [f.t.files.install(reader), f.t.files.install(writer)];
}

/** A new nonblocking eventfd's fd, with an initial count. */
function eventfd(f: F, init = 0): number {
  return f.call(eventfdDefs, 'eventfd2', init, 0x800) as number;
}

function ctl(f: F, ep: number, op: number, fd: number, events: number, data: bigint = BigInt(fd)) {
  f.mem.writeU32(EV, events >>> 0);
  f.mem.writeBig64(EV + 8, data);
  return f.call(epollDefs, 'epoll_ctl', ep, op, fd, EV);
}

function write(f: F, fd: number, bytes: number[]): unknown {
  f.mem.write(BUF + 0x800, Uint8Array.from(bytes));
  return f.call(rwDefs, 'write', fd, BUF + 0x800, bytes.length);
}

function read(f: F, fd: number, n: number): unknown {
  return f.call(rwDefs, 'read', fd, BUF + 0x900, n);
}

/** The events written by a wait that returned r: [events, data] pairs. */
function events(f: F, r: unknown): [number, bigint][] {
  const out: [number, bigint][] = [];
  for (let i = 0; typeof r === 'number' && i < r; i++) {
    out.push([f.mem.readU32(EVENTS + i * 16), f.mem.readBig64(EVENTS + i * 16 + 8)]);
  }
  return out;
}

/** epoll_pwait with no sigmask; returns the raw result. */
function pwait(f: F, ep: number, max = 8, timeoutMs = 0): unknown {
  return f.call(epollDefs, 'epoll_pwait', ep, EVENTS, max, timeoutMs, 0, 8);
}

/** epoll_pwait with a zero timeout: the reported [events, data] pairs. */
function poll(f: F, ep: number, max = 8): [number, bigint][] {
  const r = pwait(f, ep, max, 0);
  assert.equal(typeof r, 'number');
  return events(f, r);
}

test('epoll_create1 accepts only EPOLL_CLOEXEC and gives an anon_inode:[eventpoll] fd', () => {
  const f = setup();
  assert.equal(f.call(epollDefs, 'epoll_create1', 1), -EINVAL);
  assert.equal(f.call(epollDefs, 'epoll_create1', 0x800), -EINVAL);
  const ep = f.call(epollDefs, 'epoll_create1', EPOLL_CLOEXEC) as number;
  assert.equal(ep, 0);
  assert.equal(f.t.files.isCloexec(ep), true);
  assert.equal(f.t.files.get(ep)!.path, 'anon_inode:[eventpoll]');
  assert.equal(f.t.files.isCloexec(epollCreate(f)), false);
});

test('epoll_ctl errors follow Linux: EFAULT, EBADF, EINVAL, EEXIST, ENOENT', () => {
  const f = setup();
  const ep = epollCreate(f);
  const efd = eventfd(f);
  const [r] = pipe(f);
  f.mem.writeU32(EV, EPOLLIN);
  assert.equal(f.call(epollDefs, 'epoll_ctl', ep, ADD, efd, UNMAPPED), -EFAULT);
  assert.equal(f.call(epollDefs, 'epoll_ctl', ep, ADD, efd, 0), -EFAULT);
  assert.equal(ctl(f, 99, ADD, efd, EPOLLIN), -EBADF);
  assert.equal(ctl(f, ep, ADD, 99, EPOLLIN), -EBADF);
  assert.equal(ctl(f, ep, ADD, ep, EPOLLIN), -EINVAL); // epfd == fd
  assert.equal(ctl(f, r, ADD, efd, EPOLLIN), -EINVAL); // epfd is not an epoll instance
  assert.equal(ctl(f, ep, 4, efd, EPOLLIN), -EINVAL); // unknown op
  assert.equal(ctl(f, ep, MOD, efd, EPOLLIN), -ENOENT);
  assert.equal(f.call(epollDefs, 'epoll_ctl', ep, DEL, efd, 0), -ENOENT);
  assert.equal(ctl(f, ep, ADD, efd, EPOLLIN), 0);
  assert.equal(ctl(f, ep, ADD, efd, EPOLLOUT), -EEXIST);
  assert.equal(ctl(f, ep, MOD, efd, EPOLLOUT), 0);
  // DEL ignores the event pointer, so NULL is fine.
  assert.equal(f.call(epollDefs, 'epoll_ctl', ep, DEL, efd, 0), 0);
  assert.equal(f.call(epollDefs, 'epoll_ctl', ep, DEL, efd, 0), -ENOENT);
});

test('EPOLLEXCLUSIVE is refused with MOD, with other event bits, and on an item added with it', () => {
  const f = setup();
  const ep = epollCreate(f);
  const efd = eventfd(f);
  assert.equal(ctl(f, ep, ADD, efd, EPOLLIN | EPOLLPRI | EPOLLEXCLUSIVE), -EINVAL);
  assert.equal(ctl(f, ep, ADD, efd, EPOLLIN | EPOLLEXCLUSIVE), 0);
  assert.equal(ctl(f, ep, MOD, efd, EPOLLIN | EPOLLEXCLUSIVE), -EINVAL);
  assert.equal(ctl(f, ep, MOD, efd, EPOLLIN), -EINVAL);
  const inner = epollCreate(f);
  assert.equal(ctl(f, ep, ADD, inner, EPOLLIN | EPOLLEXCLUSIVE), -EINVAL);
});

test('regular files, directories and /dev/null cannot be added (EPERM)', () => {
  const { t, mem } = makeTask();
  const ep = vfsCall(epollDefs, 'epoll_create1', t, 0);
  const file = vfsCall(pathDefs, 'openat', t, -100, str(mem, '/tmp/f'), 0x42, 0o600);
  const dir = vfsCall(pathDefs, 'openat', t, -100, str(mem, '/tmp'), 0x10000, 0);
  assert.ok(file >= 0 && dir >= 0);
  mem.writeU32(SCRATCH + 0x400, EPOLLIN);
  assert.equal(vfsCall(epollDefs, 'epoll_ctl', t, ep, ADD, file, SCRATCH + 0x400), -EPERM);
  assert.equal(vfsCall(epollDefs, 'epoll_ctl', t, ep, ADD, dir, SCRATCH + 0x400), -EPERM);
  const devnull = openDevice('null', 0, t.kernel.vfs.stdio);
  assert.ok(typeof devnull !== 'number');
  const nullFd = t.files.install(devnull);
  assert.equal(vfsCall(epollDefs, 'epoll_ctl', t, ep, ADD, nullFd, SCRATCH + 0x400), -EPERM);
  // EPERM comes before the check that epfd is an epoll instance.
  assert.equal(vfsCall(epollDefs, 'epoll_ctl', t, file, ADD, dir, SCRATCH + 0x400), -EPERM);
});

test('level-triggered: a readable pipe is reported on every wait until drained', () => {
  const f = setup();
  const ep = epollCreate(f);
  const [r, w] = pipe(f);
  assert.equal(ctl(f, ep, ADD, r, EPOLLIN, 0x1122334455667788n), 0);
  assert.deepEqual(poll(f, ep), []);
  assert.equal(write(f, w, [1, 2, 3]), 3);
  assert.deepEqual(poll(f, ep), [[EPOLLIN, 0x1122334455667788n]]);
  assert.deepEqual(poll(f, ep), [[EPOLLIN, 0x1122334455667788n]]);
  assert.equal(read(f, r, 2), 2);
  assert.deepEqual(poll(f, ep), [[EPOLLIN, 0x1122334455667788n]]);
  assert.equal(read(f, r, 2), 1);
  assert.deepEqual(poll(f, ep), []);
});

test('edge-triggered: reported once per new readiness, again after new data arrives', () => {
  const f = setup();
  const ep = epollCreate(f);
  const [r, w] = pipe(f);
  assert.equal(ctl(f, ep, ADD, r, EPOLLIN | EPOLLET), 0);
  assert.equal(write(f, w, [1]), 1);
  assert.deepEqual(poll(f, ep), [[EPOLLIN, BigInt(r)]]);
  assert.deepEqual(poll(f, ep), []); // still readable, but no new edge
  assert.equal(write(f, w, [2]), 1); // a write is a new event, as on Linux (pipe poll_usage)
  assert.deepEqual(poll(f, ep), [[EPOLLIN, BigInt(r)]]);
  assert.equal(read(f, r, 8), 2); // drained
  assert.deepEqual(poll(f, ep), []);
  assert.equal(write(f, w, [3]), 1);
  assert.deepEqual(poll(f, ep), [[EPOLLIN, BigInt(r)]]);
  assert.deepEqual(poll(f, ep), []);
});

test('edge-triggered EPOLLOUT on an eventfd fires when a read makes it writable again', () => {
  const f = setup();
  const ep = epollCreate(f);
  const efd = eventfd(f);
  assert.equal(ctl(f, ep, ADD, efd, EPOLLOUT | EPOLLIN | EPOLLET), 0);
  assert.deepEqual(poll(f, ep), [[EPOLLOUT, BigInt(efd)]]);
  assert.deepEqual(poll(f, ep), []);
  f.mem.writeBig64(BUF + 0x800, 0xfffffffffffffffen);
  assert.equal(f.call(rwDefs, 'write', efd, BUF + 0x800, 8), 8); // full: readable, not writable
  assert.deepEqual(poll(f, ep), [[EPOLLIN, BigInt(efd)]]);
  assert.equal(read(f, efd, 8), 8);
  assert.deepEqual(poll(f, ep), [[EPOLLOUT, BigInt(efd)]]);
});

test('one-shot: reported once, then disabled until EPOLL_CTL_MOD re-arms it', () => {
  const f = setup();
  const ep = epollCreate(f);
  const [r, w] = pipe(f);
  assert.equal(ctl(f, ep, ADD, r, EPOLLIN | EPOLLONESHOT, 7n), 0);
  assert.equal(write(f, w, [1]), 1);
  assert.deepEqual(poll(f, ep), [[EPOLLIN, 7n]]);
  assert.deepEqual(poll(f, ep), []);
  assert.equal(write(f, w, [2]), 1);
  assert.deepEqual(poll(f, ep), []);
  assert.equal(ctl(f, ep, ADD, r, EPOLLIN), -EEXIST); // still registered
  assert.equal(ctl(f, ep, MOD, r, EPOLLIN | EPOLLONESHOT, 8n), 0);
  assert.deepEqual(poll(f, ep), [[EPOLLIN, 8n]]);
  assert.deepEqual(poll(f, ep), []);
});

test('EPOLLHUP is reported for a pipe whose writer closed, even when not asked for', () => {
  const f = setup();
  const ep = epollCreate(f);
  const [r, w] = pipe(f);
  assert.equal(ctl(f, ep, ADD, r, 0), 0);
  assert.deepEqual(poll(f, ep), []);
  assert.equal(f.t.files.close(w), 0);
  assert.deepEqual(poll(f, ep), [[EPOLLHUP, BigInt(r)]]);
  assert.equal(ctl(f, ep, MOD, r, EPOLLIN | EPOLLET), 0);
  assert.deepEqual(poll(f, ep), [[EPOLLHUP, BigInt(r)]]);
  assert.deepEqual(poll(f, ep), []);
});

test('EPOLLERR is reported for a pipe writer whose reader closed', () => {
  const f = setup();
  const ep = epollCreate(f);
  const [r, w] = pipe(f);
  assert.equal(ctl(f, ep, ADD, w, EPOLLOUT), 0);
  assert.deepEqual(poll(f, ep), [[EPOLLOUT, BigInt(w)]]);
  assert.equal(f.t.files.close(r), 0);
  assert.deepEqual(poll(f, ep), [[EPOLLOUT | EPOLLERR, BigInt(w)]]);
});

test('ready items are reported in the order they became ready, round-robin under maxevents', () => {
  const f = setup();
  const ep = epollCreate(f);
  const [a, b, c] = [eventfd(f, 1), eventfd(f, 1), eventfd(f, 1)];
  for (const fd of [a, b, c]) assert.equal(ctl(f, ep, ADD, fd, EPOLLIN), 0);
  const fds = (evs: [number, bigint][]) => evs.map(([, d]) => Number(d));
  assert.deepEqual(fds(poll(f, ep, 2)), [a, b]);
  assert.deepEqual(fds(poll(f, ep, 2)), [c, a]);
  assert.deepEqual(fds(poll(f, ep, 8)), [b, c, a]);
});

test('epoll_pwait validates maxevents and sigsetsize', () => {
  const f = setup();
  const ep = epollCreate(f);
  assert.equal(pwait(f, ep, 0), -EINVAL);
  assert.equal(pwait(f, ep, -1), -EINVAL);
  assert.equal(pwait(f, ep, EP_MAX_EVENTS + 1), -EINVAL);
  assert.equal(pwait(f, ep, EP_MAX_EVENTS), 0);
  assert.equal(pwait(f, 99, 1), -EBADF);
  const efd = eventfd(f);
  assert.equal(pwait(f, efd, 1), -EINVAL); // not an epoll fd
  f.mem.writeBig64(SIGSET, 1n << 9n);
  assert.equal(f.call(epollDefs, 'epoll_pwait', ep, EVENTS, 1, 0, SIGSET, 16), -EINVAL);
  assert.equal(f.call(epollDefs, 'epoll_pwait', ep, EVENTS, 1, 0, UNMAPPED, 8), -EFAULT);
});

test('epoll_pwait installs its signal mask as a temporary mask', () => {
  const f = setup();
  const ep = epollCreate(f);
  f.t.sigmask = 1n;
  f.mem.writeBig64(SIGSET, (1n << 9n) | (1n << 1n) | (1n << 8n)); // SIGUSR1, SIGINT, SIGKILL
  assert.equal(f.call(epollDefs, 'epoll_pwait', ep, EVENTS, 1, 0, SIGSET, 8), 0);
  assert.equal(f.t.sigmask, (1n << 9n) | (1n << 1n)); // SIGKILL cannot be blocked
  assert.equal(f.t.savedSigmask, 1n);
});

test('a wait with nothing ready sleeps on the instance with restart code EINTR and wakes on readiness', () => {
  const f = setup();
  const ep = epollCreate(f);
  const efd = eventfd(f);
  assert.equal(ctl(f, ep, ADD, efd, EPOLLIN), 0);
  const b = pwait(f, ep, 4, -1);
  assert.ok(b instanceof Blocked);
  assert.equal(b.restart, EINTR);
  assert.equal(dl(b), null);
  // Stand in for the kernel parking the task on the queues.
  let woken = 0;
  for (const q of b.queues) (q as WaitQueue).add({ wake: () => { woken++; } });
  assert.equal(woken, 0);
  f.mem.writeBig64(BUF + 0x800, 5n);
  assert.equal(f.call(rwDefs, 'write', efd, BUF + 0x800, 8), 8);
  assert.equal(woken, 1);
  assert.deepEqual(events(f, pwait(f, ep, 4, -1)), [[EPOLLIN, BigInt(efd)]]);
});

test('a signal ends the wait with EINTR, or with the events that arrived before it', () => {
  const f = setup();
  const ep = epollCreate(f);
  const efd = eventfd(f);
  assert.equal(ctl(f, ep, ADD, efd, EPOLLIN), 0);
  const b = pwait(f, ep, 4, 1000) as Blocked;
  assert.ok(b.onInterrupt);
  assert.equal(b.onInterrupt(f.t.syscall), -EINTR);
  f.mem.writeBig64(BUF + 0x800, 1n);
  assert.equal(f.call(rwDefs, 'write', efd, BUF + 0x800, 8), 8);
  assert.equal(b.onInterrupt(f.t.syscall), 1);
  assert.deepEqual(events(f, 1), [[EPOLLIN, BigInt(efd)]]);
});

test('the timeout is a deadline fixed at the first run: re-runs keep it, and the wait returns 0 after it', () => {
  const f = setup();
  const ep = epollCreate(f);
  const start = f.clock.mono;
  const b1 = pwait(f, ep, 1, 50) as Blocked;
  assert.equal(dl(b1), start + 50n * MS);
  f.clock.mono += 20n * MS;
  const b2 = pwait(f, ep, 1, 50) as Blocked; // woken early (resumed): same deadline
  assert.equal(dl(b2), start + 50n * MS);
  f.clock.mono += 30n * MS;
  assert.equal(pwait(f, ep, 1, 50), 0);
  // A new call computes a new deadline.
  const b3 = pwait(f, ep, 1, 50) as Blocked;
  assert.equal(dl(b3), f.clock.mono + 50n * MS);
});

test('epoll_pwait2 takes a timespec: NULL waits forever, zero polls, bad nanoseconds are EINVAL', () => {
  const f = setup();
  const ep = epollCreate(f);
  const pw2 = (ts: number) => f.call(epollDefs, 'epoll_pwait2', ep, EVENTS, 1, ts, 0, 8);
  const forever = pw2(0);
  assert.ok(forever instanceof Blocked);
  assert.equal(dl(forever), null);
  f.t.inSyscall = false; // the next call is a new one
  f.mem.writeBig64(TS, 0n);
  f.mem.writeBig64(TS + 8, 0n);
  assert.equal(pw2(TS), 0);
  f.mem.writeBig64(TS, 1n);
  f.mem.writeBig64(TS + 8, 500n);
  const b = pw2(TS) as Blocked;
  assert.equal(dl(b), f.clock.mono + 1_000_000_500n);
  f.t.inSyscall = false;
  f.mem.writeBig64(TS + 8, 1_000_000_000n);
  assert.equal(pw2(TS), -EINVAL);
  assert.equal(pw2(UNMAPPED), -EFAULT);
});

test('events that cannot be written give EFAULT and stay ready', () => {
  const f = setup();
  const ep = epollCreate(f);
  const efd = eventfd(f, 1);
  assert.equal(ctl(f, ep, ADD, efd, EPOLLIN | EPOLLET), 0);
  assert.equal(f.call(epollDefs, 'epoll_pwait', ep, RO, 1, 0, 0, 8), -EFAULT);
  assert.deepEqual(poll(f, ep), [[EPOLLIN, BigInt(efd)]]);
});

test('an epoll fd inside another reports readiness through it; loops and deep nesting are ELOOP', () => {
  const f = setup();
  const outer = epollCreate(f);
  const inner = epollCreate(f);
  const efd = eventfd(f);
  assert.equal(ctl(f, inner, ADD, efd, EPOLLIN), 0);
  assert.equal(ctl(f, outer, ADD, inner, EPOLLIN), 0);
  assert.deepEqual(poll(f, outer), []);
  f.mem.writeBig64(BUF + 0x800, 1n);
  assert.equal(f.call(rwDefs, 'write', efd, BUF + 0x800, 8), 8);
  assert.deepEqual(poll(f, outer), [[EPOLLIN, BigInt(inner)]]);
  assert.equal(ctl(f, inner, ADD, outer, EPOLLIN), -ELOOP);
  // A chain e0 <- e1 <- ... : at most EP_MAX_NESTS (4) levels of nesting.
  const chain = [epollCreate(f)];
  let r = 0;
  for (let i = 1; i < 8 && r === 0; i++) {
    chain.push(epollCreate(f));
    r = ctl(f, chain[i]!, ADD, chain[i - 1]!, EPOLLIN) as number;
  }
  assert.equal(r, -ELOOP);
  assert.equal(chain.length, 6); // five instances linked (4 levels), the sixth refused
});

test('closing the epoll fd takes its items off the watched files\' queues', () => {
  const f = setup();
  const ep = epollCreate(f);
  const efd = eventfd(f);
  const q = (f.t.files.get(efd) as EventFd).wq;
  assert.equal(ctl(f, ep, ADD, efd, EPOLLIN), 0);
  assert.equal(q.length, 1);
  assert.equal(f.t.files.close(ep), 0);
  assert.equal(q.length, 0);
});

test('eventpollRelease (the last close of a watched file) removes it from every instance', () => {
  const f = setup();
  const ep1 = epollCreate(f), ep2 = epollCreate(f);
  const [r, w] = pipe(f);
  const reader = f.t.files.get(r)!;
  assert.equal(ctl(f, ep1, ADD, r, EPOLLIN), 0);
  assert.equal(ctl(f, ep2, ADD, r, EPOLLIN), 0);
  assert.equal(write(f, w, [1]), 1);
  assert.equal(f.t.files.close(r), 0);
  eventpollRelease(reader);
  const inst = f.t.files.get(ep1) as EventPoll;
  assert.equal(inst.size, 0);
  assert.equal((f.t.files.get(ep2) as EventPoll).size, 0);
  assert.deepEqual(poll(f, ep1), []);
  assert.equal(inst.eventsAvailable, false);
});

test('the same file under two fds is two items', () => {
  const f = setup();
  const ep = epollCreate(f);
  const efd = eventfd(f, 1);
  const dup = f.t.files.install(f.t.files.get(efd)!);
  assert.equal(ctl(f, ep, ADD, efd, EPOLLIN), 0);
  assert.equal(ctl(f, ep, ADD, dup, EPOLLIN), 0);
  assert.deepEqual(poll(f, ep).map(([, d]) => Number(d)), [efd, dup]);
});
