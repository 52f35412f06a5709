// SysV semaphores and message queues at the syscall layer (syscalls/ipc.ts over ipc/): keys,
// permissions by effective ids, IPC_STAT layouts, semop atomicity and sleeping, SEM_UNDO applied
// when the process ends, message selection by type, and the /proc/sysvipc listings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defs } from '../../src/kernel/syscalls/ipc.js';
import { ipcExit, ipcOf, sysvipcMsg, sysvipcSem } from '../../src/kernel/ipc/namespace.js';
import { EACCES, EAGAIN, EEXIST, EIDRM, EINVAL, ENOENT, ENOMSG, EPERM } from '../../src/abi/errno.js';
import { Blocked } from '../../src/kernel/request.js';
import { argsOf, BUF, fixture } from './sys_proc_fixture.js';
import { runAsDispatcher } from './request_helpers.js';

const IPC_CREAT = 0o1000, IPC_EXCL = 0o2000, IPC_NOWAIT = 0o4000, IPC_RMID = 0, IPC_SET = 1, IPC_STAT = 2;
const GETVAL = 12, SETVAL = 16, GETNCNT = 14, SEM_UNDO = 0x1000;

/** Writes struct sembuf entries at addr. */
function sembufs(f: ReturnType<typeof fixture>, addr: number, ops: [number, number, number][]): void {
  const b = new Uint8Array(ops.length * 6);
  const dv = new DataView(b.buffer);
  ops.forEach(([num, op, flg], i) => { dv.setUint16(i * 6, num, true); dv.setInt16(i * 6 + 2, op, true); dv.setInt16(i * 6 + 4, flg, true); });
  f.mem.write(addr, b);
}

test('semget: a key finds its set again, IPC_EXCL refuses it, a missing key without IPC_CREAT is ENOENT', () => {
  const f = fixture();
  const id = f.call(defs, 'semget', 0x1234, 2, IPC_CREAT | 0o600) as number;
  assert.ok(id >= 0);
  assert.equal(f.call(defs, 'semget', 0x1234, 2, 0), id);
  assert.equal(f.call(defs, 'semget', 0x1234, 2, IPC_CREAT | IPC_EXCL | 0o600), -EEXIST);
  assert.equal(f.call(defs, 'semget', 0x1235, 2, 0), -ENOENT);
  assert.equal(f.call(defs, 'semget', 0x1234, 3, 0), -EINVAL, 'more semaphores than the set has');
});

test('semop applies all operations or none, and IPC_NOWAIT gives EAGAIN', () => {
  const f = fixture();
  const id = f.call(defs, 'semget', 0, 2, 0o600) as number;
  sembufs(f, BUF, [[0, 1, 0], [1, -1, IPC_NOWAIT]]);
  assert.equal(f.call(defs, 'semop', id, BUF, 2), -EAGAIN);
  assert.equal(f.call(defs, 'semctl', id, 0, GETVAL), 0, 'the first operation was not applied');
});

test('a semop that must wait sleeps, counts in GETNCNT, and an IPC_RMID wakes it to EIDRM', () => {
  const f = fixture();
  const id = f.call(defs, 'semget', 0, 1, 0o600) as number;
  sembufs(f, BUF, [[0, -1, 0]]);
  const waiter = f.addThread(101);
  const semop = defs.find((d) => d.name === 'semop')!;
  const run = (): unknown => runAsDispatcher(waiter, semop.nr, () => semop.handler!(waiter, argsOf([id, BUF, 1]), waiter.syscall));
  assert.ok(run() instanceof Blocked);
  assert.equal(f.call(defs, 'semctl', id, 0, GETNCNT), 1);
  assert.equal(f.call(defs, 'semctl', id, 0, IPC_RMID), 0);
  assert.equal(run(), -EIDRM, 'the woken call finds its set gone');
});

test('SEM_UNDO adjustments are applied when the process ends', () => {
  const f = fixture();
  const id = f.call(defs, 'semget', 0, 1, 0o600) as number;
  assert.equal(f.call(defs, 'semctl', id, 0, SETVAL, 5), 0);
  sembufs(f, BUF, [[0, -2, SEM_UNDO]]);
  assert.equal(f.call(defs, 'semop', id, BUF, 1), 0);
  assert.equal(f.call(defs, 'semctl', id, 0, GETVAL), 3);
  ipcExit(f.t.kernel, f.t.tg, f.t.tg.pid);
  assert.equal(f.call(defs, 'semctl', id, 0, GETVAL), 5);
  assert.match(sysvipcSem(ipcOf(f.t.kernel)), /^ +key +semid perms +nsems/);
});

test('IPC permissions use the effective ids: other users need the mode bits, only the owner may IPC_SET', () => {
  const f = fixture({ uid: 1000, gid: 1000 });
  const id = f.call(defs, 'msgget', 0, 0o600) as number;
  const c = f.t.tg.cred;
  c.euid = 2000; c.egid = 2000;
  assert.equal(f.call(defs, 'msgctl', id, IPC_STAT, BUF), -EACCES);
  assert.equal(f.call(defs, 'msgctl', id, IPC_SET, BUF), -EPERM);
  assert.equal(f.call(defs, 'msgctl', id, IPC_RMID, 0), -EPERM);
  c.euid = 1000;
  assert.equal(f.call(defs, 'msgctl', id, IPC_STAT, BUF), 0);
  assert.equal(f.mem.readU32(BUF + 20) & 0o777, 0o600, 'ipc64_perm.mode');
  assert.equal(f.mem.readU32(BUF + 4), 1000, 'ipc64_perm.uid');
});

test('msgrcv picks by type (exact, MSG_EXCEPT, lowest up to |type|) and reports ENOMSG when empty', () => {
  const f = fixture();
  const id = f.call(defs, 'msgget', 0, 0o600) as number;
  for (const [type, text] of [[5n, 'five'], [2n, 'two'], [9n, 'nine']] as const) {
    f.mem.writeBig64(BUF, type);
    f.mem.write(BUF + 8, new TextEncoder().encode(text));
    assert.equal(f.call(defs, 'msgsnd', id, BUF, text.length, 0), 0);
  }
  assert.match(sysvipcMsg(ipcOf(f.t.kernel)), /\n +0 +\d+  +600 +11 +3 /);
  assert.equal(f.call(defs, 'msgrcv', id, BUF, 64, -6n, 0), 3);
  assert.equal(f.mem.readBig64(BUF), 2n);
  assert.equal(f.call(defs, 'msgrcv', id, BUF, 64, 5n, 0o20000 /* MSG_EXCEPT */), 4);
  assert.equal(f.mem.readBig64(BUF), 9n);
  assert.equal(f.call(defs, 'msgrcv', id, BUF, 64, 5n, 0), 4);
  assert.equal(f.call(defs, 'msgrcv', id, BUF, 64, 0n, IPC_NOWAIT), -ENOMSG);
});
