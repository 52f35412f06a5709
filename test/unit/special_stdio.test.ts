import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EAGAIN, EBADF, ENOTTY, EPIPE, ESPIPE } from '../../src/abi/errno.js';
import { O_NONBLOCK, O_RDONLY, O_WRONLY, S_IFCHR, S_IFIFO, S_IFMT } from '../../src/kernel/vfs/constants.js';
import { createStdioFile, makeDev } from '../../src/kernel/vfs/stdio.js';
import {
  decodeTermios, defaultTermios, encodeTermios, ICANON, ECHO, NCCS, TERMIOS_SIZE, VMIN, WINSIZE_SIZE,
} from '../../src/kernel/vfs/termios.js';
import { Blocked } from '../../src/kernel/request.js';
import { fakeTask, SCRATCH } from './special_helpers.js';
import { acquireTerminal } from '../../src/kernel/process/jobctl.js';

const TCGETS = 0x5401, TCSETS = 0x5402, TIOCGPGRP = 0x540f, TIOCGWINSZ = 0x5413, FIONREAD = 0x541b,
  FIONBIO = 0x5421;
const enc = (s: string) => new TextEncoder().encode(s);

test('kernel struct termios is 36 bytes: four u32 flags, c_line, then 19 control characters', () => {
  assert.equal(NCCS, 19);
  assert.equal(TERMIOS_SIZE, 36);
  assert.equal(WINSIZE_SIZE, 8);
  const tio = defaultTermios();
  const bytes = encodeTermios(tio);
  assert.equal(bytes.length, 36);
  const dv = new DataView(bytes.buffer);
  assert.equal(dv.getUint32(12, true), tio.lflag);
  assert.equal(bytes[17 + VMIN], 1);
  assert.deepEqual(decodeTermios(bytes), tio);
});

test('the default termios is a cooked, echoing terminal (ICANON|ECHO, ^C interrupts)', () => {
  const tio = defaultTermios();
  assert.equal(tio.lflag & (ICANON | ECHO), ICANON | ECHO);
  assert.equal(tio.cc[0], 3);
});

test('fd 1 and fd 2 writes go to the matching host stream synchronously', () => {
  const { task, host, stdio } = fakeTask();
  const out = createStdioFile(stdio, 1), err = createStdioFile(stdio, 2);
  assert.equal(out.write!(task.syscall, enc('hello\n')), 6);
  assert.equal(err.write!(task.syscall, enc('oops')), 4);
  assert.deepEqual(host.written, [{ fd: 1, text: 'hello\n' }, { fd: 2, text: 'oops' }]);
});

test('fd 0 is read-only and fds 1 and 2 are write-only (EBADF otherwise)', () => {
  const { task, host, stdio } = fakeTask();
  const inp = createStdioFile(stdio, 0), out = createStdioFile(stdio, 1);
  assert.equal(inp.flags, O_RDONLY);
  assert.equal(out.flags, O_WRONLY);
  assert.equal(inp.write!(task.syscall, enc('x')), -EBADF);
  assert.equal(out.read!(task.syscall, new Uint8Array(1)), -EBADF);
  assert.equal(host.written.length, 0);
});

test('a write to a broken host stdout returns EPIPE and raises SIGPIPE', () => {
  const { task, host, signals, stdio } = fakeTask();
  host.stdoutBroken = true;
  assert.equal(createStdioFile(stdio, 1).write!(task.syscall, enc('x')), -EPIPE);
  assert.deepEqual(signals, [13]);
});

test('a read of stdin with nothing buffered asks the host once and sleeps until data arrives', () => {
  const { task, host, stdio } = fakeTask();
  const inp = createStdioFile(stdio, 0);
  const r = inp.read!(task.syscall, new Uint8Array(10));
  assert.ok(r instanceof Blocked);
  const again = inp.read!(task.syscall, new Uint8Array(10));
  assert.ok(again instanceof Blocked);
  assert.equal(host.stdin.requests.length, 1, 'a second sleeper does not re-request');
  let woken = 0;
  (r as Blocked).queues[0]!.add({ wake: () => { woken++; } });
  host.stdin.deliver(enc('abc'));
  assert.equal(woken, 1);
  const buf = new Uint8Array(2);
  assert.equal(inp.read!(task.syscall, buf), 2);
  assert.equal(new TextDecoder().decode(buf), 'ab');
  assert.equal(inp.read!(task.syscall, buf), 1);
});

test('stdin at EOF reads 0; a nonblocking read with nothing buffered is EAGAIN and asks the host for data', () => {
  const { task, host, stdio } = fakeTask();
  const inp = createStdioFile(stdio, 0);
  inp.flags |= O_NONBLOCK;
  assert.equal(inp.read!(task.syscall, new Uint8Array(4)), -EAGAIN);
  assert.equal(host.stdin.requests.length, 1, 'so that a poller (epoll, ppoll) sees the data arrive');
  host.stdin.deliver(null);
  assert.equal(inp.read!(task.syscall, new Uint8Array(4)), 0);
});

test('FIONBIO sets and clears O_NONBLOCK on a stdio file', () => {
  const { task, host, mem, stdio } = fakeTask();
  const inp = createStdioFile(stdio, 0);
  mem.writeI32(SCRATCH, 1);
  assert.equal(inp.ioctl!(task.syscall, FIONBIO, SCRATCH), 0);
  assert.equal(inp.flags & O_NONBLOCK, O_NONBLOCK);
  mem.writeI32(SCRATCH, 0);
  inp.ioctl!(task.syscall, FIONBIO, SCRATCH);
  assert.equal(inp.flags & O_NONBLOCK, 0);
});

test('TCGETS and TIOCGWINSZ fail with ENOTTY when the host stream is not a terminal', () => {
  const { task, host, stdio } = fakeTask();
  const out = createStdioFile(stdio, 1);
  assert.equal(out.ioctl!(task.syscall, TCGETS, SCRATCH), -ENOTTY);
  assert.equal(out.ioctl!(task.syscall, TIOCGWINSZ, SCRATCH), -ENOTTY);
  assert.equal(out.ioctl!(task.syscall, TIOCGPGRP, SCRATCH), -ENOTTY);
});

test('on a terminal TCGETS returns the termios TCSETS stored, shared by every stdio fd', () => {
  const { task, host, mem, stdio } = fakeTask();
  host.ttys = new Set([0, 1, 2]);
  const inp = createStdioFile(stdio, 0), out = createStdioFile(stdio, 1);
  assert.equal(out.ioctl!(task.syscall, TCGETS, SCRATCH), 0);
  assert.deepEqual(decodeTermios(mem.read(SCRATCH, TERMIOS_SIZE)), defaultTermios());
  const raw = { ...defaultTermios(), lflag: 0 };
  mem.write(SCRATCH + 100, encodeTermios(raw));
  assert.equal(inp.ioctl!(task.syscall, TCSETS, SCRATCH + 100), 0);
  assert.equal(out.ioctl!(task.syscall, TCGETS, SCRATCH), 0);
  assert.equal(decodeTermios(mem.read(SCRATCH, TERMIOS_SIZE)).lflag, 0);
});

test('on a terminal TIOCGWINSZ reports the host size and TIOCGPGRP the foreground group of the caller\'s session', () => {
  const { task, host, mem, stdio } = fakeTask();
  host.ttys = new Set([1]);
  const out = createStdioFile(stdio, 1);
  assert.equal(out.ioctl!(task.syscall, TIOCGPGRP, SCRATCH), -ENOTTY, 'not the controlling terminal yet');
  acquireTerminal(task.tg, stdio.terminal);
  mem.write(SCRATCH, new Uint8Array(8).fill(0xff));
  assert.equal(out.ioctl!(task.syscall, TIOCGWINSZ, SCRATCH), 0);
  assert.deepEqual([mem.readU16(SCRATCH), mem.readU16(SCRATCH + 2), mem.readU16(SCRATCH + 4)], [50, 132, 0]);
  assert.equal(out.ioctl!(task.syscall, TIOCGPGRP, SCRATCH), 0);
  assert.equal(mem.readI32(SCRATCH), 77);
  assert.throws(() => out.ioctl!(task.syscall, TCGETS, 8), /EFAULT/);
});

test('FIONREAD on stdin reports the bytes the host has buffered', () => {
  const { task, host, mem, stdio } = fakeTask();
  host.stdin.deliver(enc('12345'));
  assert.equal(createStdioFile(stdio, 0).ioctl!(task.syscall, FIONREAD, SCRATCH), 0);
  assert.equal(mem.readI32(SCRATCH), 5);
});

test('stdio stats as a pty char device on a terminal and as a FIFO on a host pipe', () => {
  const { host, stdio } = fakeTask();
  host.ttys = new Set([1]);
  const tty = createStdioFile(stdio, 1), pipe = createStdioFile(stdio, 2);
  const st = tty.stat();
  assert.equal(st.mode & S_IFMT, S_IFCHR);
  assert.equal(st.rdev, makeDev(136, 0));
  assert.equal(tty.path, '/dev/pts/0');
  assert.equal(pipe.stat().mode & S_IFMT, S_IFIFO);
  assert.equal(pipe.path, 'pipe:[4244]');
  assert.equal(tty.lseek!(0, 0), -ESPIPE);
});

test('new_encode_dev packs major and minor like Linux (1:3 is 0x103, minor 256 spills above bit 19)', () => {
  assert.equal(makeDev(1, 3), 0x103);
  assert.equal(makeDev(136, 0), 0x8800);
  assert.equal(makeDev(136, 256), 0x100000 | 0x8800);
});

test('a terminal in canonical mode gives one line per read and keeps the rest for the next reads', () => {
  const { task, host, stdio } = fakeTask();
  host.ttys = new Set([0]);
  host.stdin.deliver(enc('first\nsecond\nthi'));
  const inp = createStdioFile(stdio, 0);
  const buf = new Uint8Array(64);
  const next = (): string => { const n = inp.read!(task.syscall, buf) as number; return new TextDecoder().decode(buf.subarray(0, n)); };
  assert.equal(next(), 'first\n');
  assert.equal(stdio.available(), 10, 'FIONREAD counts what the line read left');
  assert.equal(next(), 'second\n');
  assert.equal(next(), 'thi', 'a partial last line is returned as it is');
});
