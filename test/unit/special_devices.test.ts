import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EBADF, ENODEV, ENXIO } from '../../src/abi/errno.js';
import { O_RDONLY, O_RDWR, O_WRONLY, S_IFCHR, S_IFMT } from '../../src/kernel/vfs/constants.js';
import { openDevice } from '../../src/kernel/vfs/devices.js';
import type { OpenFile } from '../../src/kernel/vfs/file.js';
import { procCpuinfo, procMeminfo, procSelfStatus, procUptime } from '../../src/kernel/procfs/content.js';
import { Blocked } from '../../src/kernel/request.js';
import { fakeTask, pattern } from './special_helpers.js';

function open(name: Parameters<typeof openDevice>[0], flags: number, t = fakeTask()): OpenFile {
  const f = openDevice(name, flags, t.stdio);
  assert.equal(typeof f, 'object');
  return f as OpenFile;
}

test('/dev/null reads EOF and swallows writes of any size', () => {
  const { task } = fakeTask();
  const f = open('null', O_RDWR);
  assert.equal(f.read!(task.syscall, new Uint8Array(10)), 0);
  assert.equal(f.write!(task.syscall, pattern(100000)), 100000);
  assert.equal(f.lseek!(123, 0), 0);
});

test('/dev/zero fills the whole read buffer with zeros', () => {
  const { task } = fakeTask();
  const f = open('zero', O_RDONLY);
  const buf = new Uint8Array(5000).fill(7);
  assert.equal(f.read!(task.syscall, buf), 5000);
  assert.ok(buf.every((b) => b === 0));
});

test('/dev/zero is a zero mapping source; /dev/null cannot be mapped', () => {
  const src = open('zero', O_RDWR).mmapSource!();
  assert.equal(typeof src, 'object');
  const buf = new Uint8Array(4096).fill(1);
  assert.equal((src as { read(o: number, b: Uint8Array): number }).read(8192, buf), 4096);
  assert.ok(buf.every((b) => b === 0));
  assert.equal(open('null', O_RDWR).mmapSource!(), -ENODEV);
});

test('/dev/urandom and /dev/random read bytes from host.randomFill', () => {
  const t = fakeTask();
  t.host.randomByte = 0x5a;
  for (const name of ['urandom', 'random'] as const) {
    const buf = new Uint8Array(33);
    assert.equal(open(name, O_RDONLY, t).read!(t.task.syscall, buf), 33);
    assert.ok(buf.every((b) => b === 0x5a));
  }
});

test('device files honour the access mode they were opened with', () => {
  const { task } = fakeTask();
  assert.equal(open('zero', O_WRONLY).read!(task.syscall, new Uint8Array(1)), -EBADF);
  assert.equal(open('null', O_RDONLY).write!(task.syscall, pattern(1)), -EBADF);
});

test('devices stat as character devices with Linux numbers', () => {
  const expected = { null: 0x103, zero: 0x105, random: 0x108, urandom: 0x109 } as const;
  for (const [name, rdev] of Object.entries(expected)) {
    const st = open(name as keyof typeof expected, O_RDONLY).stat();
    assert.equal(st.mode & S_IFMT, S_IFCHR, name);
    assert.equal(st.rdev, rdev, name);
  }
});

test('/dev/tty is ENXIO without a host terminal, and the terminal (5:0) with one', () => {
  const t = fakeTask();
  assert.equal(openDevice('tty', O_RDWR, t.stdio), -ENXIO);
  t.host.ttys = new Set([0, 1]);
  const f = open('tty', O_RDWR, t);
  assert.equal(f.stat().rdev, 0x500);
  assert.equal(f.path, '/dev/tty');
  assert.equal(f.write!(t.task.syscall, new TextEncoder().encode('hi')), 2);
  assert.deepEqual(t.host.written, [{ fd: 1, text: 'hi' }]);
  assert.ok(f.read!(t.task.syscall, new Uint8Array(1)) instanceof Blocked);
});

test('/proc/cpuinfo lists each hart in the riscv format', () => {
  const text = procCpuinfo(2);
  assert.match(text, /^processor\t: 0\nhart\t\t: 0\nisa\t\t: rv64imafdc/);
  assert.match(text, /\nmmu\t\t: sv39\n/);
  assert.match(text, /\n\nprocessor\t: 1\n/);
  assert.ok(text.endsWith('\n\n'));
});

test('/proc/meminfo uses Linux column layout: MemTotal is the machine memory, MemFree its free frames', () => {
  const { task, mem } = fakeTask();
  const text = procMeminfo(task);
  const lines = text.split('\n');
  assert.equal(lines[0], 'MemTotal:        2097152 kB');
  assert.equal(lines[1], `MemFree:${String(mem.phys.freeFrames * 4).padStart(16)} kB`);
  assert.ok(mem.phys.freeFrames * 4 < 2097152);
  assert.ok(lines.some((l) => l === 'SwapTotal:             0 kB'));
  assert.ok(lines.every((l) => l === '' || /^[A-Za-z_()]+:\s+\d+( kB)?$/.test(l)));
});

test('/proc/self/status names the process by its truncated comm and lists its ids', () => {
  const { task } = fakeTask();
  const text = procSelfStatus(task);
  assert.match(text, /^Name:\ta-very-long-pro\n/);
  assert.match(text, /\nTgid:\t77\n/);
  assert.match(text, /\nUid:\t1000\t1000\t1000\t1000\n/);
  assert.match(text, /\nSigBlk:\t0000000000000000\n/);
});

test('/proc/uptime prints seconds with two decimals', () => {
  assert.equal(procUptime(fakeTask().task), '1.23 0.00\n');
});
