import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defs } from '../../src/kernel/syscalls/proc.js';
import { inheritProcess, inheritTask } from '../../src/kernel/inherit.js';
import { EFAULT, EINVAL, EPERM, ESRCH } from '../../src/abi/errno.js';
import { BUF, fixture, RO, UNMAPPED } from './sys_proc_fixture.js';
import { Task, ThreadGroup } from '../../src/kernel/task.js';
import { fill } from './mem_helpers.js';

const NO = 0xffffffff;

test('getpid, getppid and gettid report the group id, parent and thread id', () => {
  const f = fixture();
  assert.equal(f.call(defs, 'getpid'), 100);
  assert.equal(f.call(defs, 'getppid'), 1);
  const t2 = f.addThread(101);
  assert.equal(defs.find((d) => d.name === 'gettid')!.handler!(t2, null as never, t2.syscall), 101);
  assert.equal(defs.find((d) => d.name === 'getpid')!.handler!(t2, null as never, t2.syscall), 100);
});

test('uid and gid calls report the host user', () => {
  const f = fixture({ uid: 1234, gid: 55 });
  assert.equal(f.call(defs, 'getuid'), 1234);
  assert.equal(f.call(defs, 'geteuid'), 1234);
  assert.equal(f.call(defs, 'getgid'), 55);
  assert.equal(f.call(defs, 'getegid'), 55);
  assert.equal(f.call(defs, 'getresuid', BUF, BUF + 4, BUF + 8), 0);
  assert.deepEqual([f.mem.readU32(BUF), f.mem.readU32(BUF + 4), f.mem.readU32(BUF + 8)], [1234, 1234, 1234]);
  assert.equal(f.call(defs, 'getresgid', BUF, BUF + 4, UNMAPPED), -EFAULT);
});

test('an unprivileged user may set its uids to current values only', () => {
  const f = fixture({ uid: 1000 });
  assert.equal(f.call(defs, 'setuid', 1000), 0);
  assert.equal(f.call(defs, 'setuid', 0), -EPERM);
  assert.equal(f.call(defs, 'setuid', NO), -EINVAL);
  assert.equal(f.call(defs, 'setresuid', NO, 1000, NO), 0);
  assert.equal(f.call(defs, 'setresuid', 1000, 1001, 1000), -EPERM);
  assert.equal(f.call(defs, 'setgid', 1000), 0);
  assert.equal(f.call(defs, 'setresgid', 0, NO, NO), -EPERM);
  assert.equal(f.call(defs, 'setreuid', 1000, 1000), 0);
  assert.equal(f.call(defs, 'geteuid'), 1000);
});

test('root may drop to another uid, after which it can no longer regain 0', () => {
  const f = fixture({ uid: 0 });
  assert.equal(f.call(defs, 'setresuid', 500, 500, 0), 0);
  assert.equal(f.call(defs, 'getuid'), 500);
  // suid is still 0, so euid 0 may come back through setresuid.
  assert.equal(f.call(defs, 'setresuid', NO, 0, NO), 0);
  assert.equal(f.call(defs, 'setuid', 700), 0);
  assert.deepEqual([f.call(defs, 'getuid'), f.call(defs, 'geteuid')], [700, 700]);
  assert.equal(f.call(defs, 'setuid', 0), -EPERM);
});

test('setfsuid returns the previous fsuid and ignores forbidden values', () => {
  const f = fixture({ uid: 1000 });
  assert.equal(f.call(defs, 'setfsuid', 0), 1000);
  assert.equal(f.call(defs, 'setfsuid', 1000), 1000);
});

test('getgroups reports no groups; setgroups needs root', () => {
  const f = fixture({ uid: 1000 });
  assert.equal(f.call(defs, 'getgroups', 0, 0), 0);
  assert.equal(f.call(defs, 'getgroups', -1, 0), -EINVAL);
  assert.equal(f.call(defs, 'setgroups', 0, 0), -EPERM);
  const r = fixture({ uid: 0 });
  r.mem.writeU32(BUF, 20); r.mem.writeU32(BUF + 4, 10);
  assert.equal(r.call(defs, 'setgroups', 2, BUF), 0);
  assert.equal(r.call(defs, 'getgroups', 0, 0), 2);
  assert.equal(r.call(defs, 'getgroups', 1, BUF + 64), -EINVAL);
  assert.equal(r.call(defs, 'getgroups', 8, BUF + 64), 2);
  assert.deepEqual([r.mem.readU32(BUF + 64), r.mem.readU32(BUF + 68)], [10, 20]);
});

test('the first process leads its own group and session, so setsid and setpgid give EPERM', () => {
  const f = fixture();
  assert.equal(f.call(defs, 'getpgid', 0), 100);
  assert.equal(f.call(defs, 'getsid', 0), 100);
  assert.equal(f.call(defs, 'getpgid', 100), 100);
  assert.equal(f.call(defs, 'getpgid', 4242), -ESRCH);
  assert.equal(f.call(defs, 'setsid'), -EPERM);
  assert.equal(f.call(defs, 'setpgid', 0, 0), -EPERM);
  assert.equal(f.call(defs, 'setpgid', 0, -1), -EINVAL);
  assert.equal(f.call(defs, 'setpgid', 4242, 0), -ESRCH);
});

test('a forked child inherits pgid and sid, and can start its own session', () => {
  const f = fixture();
  const k = f.t.kernel;
  const tg = new ThreadGroup(k, 200, 100, f.t.tg.mm, f.t.tg.cred.clone());
  const child = new Task(k, 200, tg, null as never, null as never);
  k.tasks.set(200, child);
  k.procs.add(tg);
  tg.node.parent = f.t.tg;
  f.t.tg.node.children.push(tg);
  inheritProcess(f.t.tg, tg);
  inheritTask(f.t, child, false);
  const setsid = defs.find((d) => d.name === 'setsid')!.handler!;
  assert.equal(tg.pgid, 100);
  // The parent moves the child into a new group 200, then the child cannot setsid (group leader).
  assert.equal(f.call(defs, 'setpgid', 200, 200), 0);
  assert.equal(tg.pgid, 200);
  assert.equal(setsid(child, null as never, child.syscall), -EPERM);
  // Back into the parent's group: now setsid makes it a session leader.
  assert.equal(f.call(defs, 'setpgid', 200, 100), 0);
  assert.equal(f.call(defs, 'setpgid', 200, 777), -EPERM);
  assert.equal(setsid(child, null as never, child.syscall), 200);
  assert.equal(f.call(defs, 'getsid', 200), 200);
});

test('set_tid_address records clear_child_tid and returns the tid', () => {
  const f = fixture();
  assert.equal(f.call(defs, 'set_tid_address', BUF + 16), 100);
  assert.equal(f.t.clearChildTid, BUF + 16);
});

test('set_robust_list requires a 24-byte head; get_robust_list reads it back', () => {
  const f = fixture();
  assert.equal(f.call(defs, 'set_robust_list', BUF + 32, 16), -EINVAL);
  assert.equal(f.call(defs, 'set_robust_list', BUF + 32, 24), 0);
  assert.equal(f.t.robustList, BUF + 32);
  assert.equal(f.call(defs, 'get_robust_list', 0, BUF, BUF + 8), 0);
  assert.equal(f.mem.readU64(BUF), BUF + 32);
  assert.equal(f.mem.readU64(BUF + 8), 24);
  assert.equal(f.call(defs, 'get_robust_list', 999, BUF, BUF + 8), -ESRCH);
  assert.equal(f.call(defs, 'get_robust_list', 0, RO, BUF + 8), -EFAULT);
});

test('prctl PR_GET_NAME defaults to the exe basename truncated to 15 bytes', () => {
  const f = fixture();
  fill(f.mem, BUF, BUF + 16, 0xff);
  assert.equal(f.call(defs, 'prctl', 16, BUF), 0);
  assert.equal(Buffer.from(f.mem.read(BUF, 16)).toString('latin1'), 'a-rather-long-p\0');
});

test('prctl PR_SET_NAME copies at most 15 bytes and stops at NUL', () => {
  const f = fixture();
  f.mem.write(BUF, new TextEncoder().encode('worker-thread-number-7\0'));
  assert.equal(f.call(defs, 'prctl', 15, BUF), 0);
  assert.equal(f.call(defs, 'prctl', 16, BUF + 64), 0);
  assert.equal(Buffer.from(f.mem.read(BUF + 64, 16)).toString('latin1'), 'worker-thread-n\0');
  f.mem.write(BUF, new TextEncoder().encode('ab\0'));
  assert.equal(f.call(defs, 'prctl', 15, BUF), 0);
  assert.equal(f.call(defs, 'prctl', 16, BUF + 64), 0);
  assert.deepEqual([...f.mem.read(BUF + 64, 4)], [0x61, 0x62, 0, 0]);
  assert.equal(f.call(defs, 'prctl', 15, UNMAPPED), -EFAULT);
  assert.equal(f.call(defs, 'prctl', 16, RO), -EFAULT);
});

test('prctl dumpable, pdeathsig, no_new_privs and capbset follow Linux', () => {
  const f = fixture();
  assert.equal(f.call(defs, 'prctl', 3), 1);
  assert.equal(f.call(defs, 'prctl', 4, 0), 0);
  assert.equal(f.call(defs, 'prctl', 3), 0);
  assert.equal(f.call(defs, 'prctl', 4, 2), -EINVAL);
  assert.equal(f.call(defs, 'prctl', 1, 9), 0);
  assert.equal(f.call(defs, 'prctl', 2, BUF), 0);
  assert.equal(f.mem.readI32(BUF), 9);
  assert.equal(f.call(defs, 'prctl', 1, 65), -EINVAL);
  assert.equal(f.call(defs, 'prctl', 39, 0, 0, 0, 0), 0);
  assert.equal(f.call(defs, 'prctl', 38, 1, 0, 0, 1), -EINVAL);
  assert.equal(f.call(defs, 'prctl', 38, 1, 0, 0, 0), 0);
  assert.equal(f.call(defs, 'prctl', 39, 0, 0, 0, 0), 1);
  assert.equal(f.call(defs, 'prctl', 39, 1, 0, 0, 0), -EINVAL);
  assert.equal(f.call(defs, 'prctl', 23, 0), 1);
  assert.equal(f.call(defs, 'prctl', 23, 41), -EINVAL);
  assert.equal(f.call(defs, 'prctl', 12345), -EINVAL);
});
