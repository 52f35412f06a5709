// Test doubles for the VFS tests: a Node-backed host, a minimal task with one scratch page, and SysArgs.
import { argsOf } from './sys_proc_fixture.js';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Host, HostStdin } from '../../src/host/host.js';
import { NodeHostFs } from '../../src/host/node_fs.js';
import { GuestMemory, PAGE_SIZE, PROT_READ, PROT_WRITE } from '../../src/mem/guest_memory.js';
import type { Task } from '../../src/kernel/task.js';
import type { SysArgs, SyscallDef } from '../../src/kernel/syscalls/types.js';
import { Vfs, type VfsOptions } from '../../src/kernel/vfs/vfs.js';
import { FdTable } from '../../src/kernel/vfs/fdtable.js';
import { Cred } from '../../src/kernel/cred.js';
import { createProcfs } from '../../src/kernel/procfs/procfs.js';
import { Request } from '../../src/kernel/request.js';

/** Guest address of the scratch pages (16 pages, read-write). */
export const SCRATCH = 0x10000;
export const SCRATCH_PAGES = 16;

const noStdin: HostStdin = {
  take: () => new Uint8Array(0), available: () => 0, atEof: () => true, request: () => {}, close: () => {},
};

/** A host on node:fs with a fixed uid/gid and a clock. */
export function makeHost(uid = 1000, gid = 1000): Host {
  return {
    realtimeNs: () => 1_700_000_000_000_000_000n,
    monotonicNs: () => 1n,
    randomFill: (b) => b.fill(7),
    writeStdio: (_fd, d) => d.length,
    stdin: noStdin,
    isatty: () => false,
    winsize: () => null,
    fs: new NodeHostFs(),
    uid: () => uid,
    gid: () => gid,
    hostname: () => 'test',
    cwd: () => process.cwd(),
    cpuCount: () => 1,
    yieldToHost: () => new Promise<void>((resolve) => setImmediate(resolve)),
    armTimer: (ms: number, onFire: () => void) => {
      const h = setTimeout(onFire, Math.min(ms, 2 ** 31 - 1));
      return { cancel: () => clearTimeout(h) };
    },
  } as Host;
}

/** A fresh host temp directory. */
export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'ecall-vfs-'));
}

/** A minimal task with its own fd table, fs context at cwd, and scratch memory. */
export function makeTask(opts: Partial<VfsOptions> = {}, cwd = '/', uid = 1000): { t: Task; vfs: Vfs; mem: GuestMemory } {
  const host = makeHost(uid, uid);
  const vfs = new Vfs({ mounts: opts.mounts ?? [], root: opts.root ?? null, sysroot: opts.sysroot }, host);
  const mem = new GuestMemory();
  mem.setPages(SCRATCH / PAGE_SIZE, SCRATCH_PAGES, PROT_READ | PROT_WRITE, true);
  const kernel = { host, vfs, realtimeNs: () => host.realtimeNs(), monotonicNs: () => 1n };
  const tg = { pid: 42, tasks: [] as unknown[], rlimits: new Map(), exePath: '/bin/x', exitCode: null,
    mm: { mem, mapsText: () => '' }, cred: new Cred(uid, uid) };
  const t = { kernel, tg, tid: 42, tgid: 42, state: 0, fs: vfs.initialFsContext(cwd, tg.cred), files: new FdTable(),
    get mm() { return tg.mm; } } as unknown as Task;
  tg.tasks.push(t);
  // The request record a handler gets (a call that would sleep returns its Blocked marker).
  (t as unknown as { syscall: Request }).syscall = new Request(t, argsOf([]), { wakeRequest: () => {} });
  // The kernel mounts /proc over its task table; here the table holds this one task.
  vfs.mount('/proc', createProcfs(() => host.realtimeNs(), uid, uid, new Map([[42, t]]), () => undefined));
  return { t, vfs, mem };
}

/** SysArgs over fixed values (numbers are taken as 64-bit two's complement). */
export function args(...vals: (number | bigint)[]): SysArgs {
  return argsOf(vals);
}

/** Writes a NUL-terminated string into scratch memory at offset; returns its address. */
export function str(mem: GuestMemory, s: string, offset = 0): number {
  const addr = SCRATCH + offset;
  mem.write(addr, new TextEncoder().encode(s + '\0'));
  return addr;
}

/** Calls syscall `name` from the defs list. */
export function call(defs: SyscallDef[], name: string, t: Task, ...vals: (number | bigint)[]): number {
  const d = defs.find((x) => x.name === name);
  if (!d?.handler) throw new Error(`no handler ${name}`);
  const r = d.handler(t, args(...vals), t.syscall);
  if (typeof r !== 'number') throw new Error(`${name} did not return a number`);
  return r;
}
