// File access follows the calling process's credentials (fsuid, fsgid, supplementary groups),
// so the identity syscalls change what the VFS allows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SCRATCH, call, makeTask, str } from './vfs_helpers.js';
import { defs as pathDefs } from '../../src/kernel/syscalls/fs_path.js';
import { defs as fdDefs } from '../../src/kernel/syscalls/fs_fd.js';
import { defs as statDefs } from '../../src/kernel/syscalls/fs_stat.js';
import { defs as procDefs } from '../../src/kernel/syscalls/proc.js';
import { defs as pipeDefs } from '../../src/kernel/syscalls/pipe.js';
import { Cred } from '../../src/kernel/cred.js';
import { permission } from '../../src/kernel/vfs/perm.js';
import type { StatInfo } from '../../src/kernel/vfs/file.js';
import type { Task } from '../../src/kernel/task.js';
import type { GuestMemory } from '../../src/mem/guest_memory.js';
import { EACCES, EPERM } from '../../src/abi/errno.js';
import { AT_EACCESS, AT_FDCWD, O_CREAT, O_RDONLY, O_WRONLY, R_OK, W_OK } from '../../src/kernel/vfs/constants.js';

const defs = [...pathDefs, ...fdDefs, ...statDefs, ...procDefs, ...pipeDefs];
const NO = 0xffffffff;
const STATBUF = SCRATCH + 0x2000;
const GROUPS = SCRATCH + 0x3000;

/** A root process with cwd /tmp and a root-owned file `name` of the given mode; returns the task and memory. */
function rootWithFile(name: string, mode: number) {
  const { t, mem } = makeTask({}, '/tmp', 0);
  const fd = call(defs, 'openat', t, AT_FDCWD, str(mem, name), O_CREAT | O_WRONLY, mode);
  assert.ok(fd >= 0);
  assert.equal(call(defs, 'close', t, fd), 0);
  return { t, mem };
}

/** Opens name with flags: the fd (closed again) as 'ok', or the -errno. */
function tryOpen(t: Task, mem: GuestMemory, name: string, flags: number): 'ok' | number {
  const fd = call(defs, 'openat', t, AT_FDCWD, str(mem, name), flags, 0);
  if (fd < 0) return fd;
  call(defs, 'close', t, fd);
  return 'ok';
}

/** Returns [st_uid, st_gid] of name. */
function owner(t: Task, mem: GuestMemory, name: string): [number, number] {
  assert.equal(call(defs, 'newfstatat', t, AT_FDCWD, str(mem, name), STATBUF, 0), 0);
  return [mem.readU32(STATBUF + 24), mem.readU32(STATBUF + 28)];
}

test('after setfsuid(65534) a mode-0600 root file cannot be opened', () => {
  const { t, mem } = rootWithFile('secret', 0o600);
  assert.equal(tryOpen(t, mem, 'secret', O_RDONLY), 'ok');
  assert.equal(call(defs, 'setfsuid', t, 65534), 0);
  assert.equal(tryOpen(t, mem, 'secret', O_RDONLY), -EACCES);
  // The real and effective uids are still 0, so the process may switch back.
  assert.equal(call(defs, 'setfsuid', t, 0), 65534);
  assert.equal(tryOpen(t, mem, 'secret', O_RDONLY), 'ok');
});

test('after setuid(1000) a root process can no longer write or chmod a root-owned 0644 file', () => {
  const { t, mem } = rootWithFile('f', 0o644);
  assert.equal(call(defs, 'setuid', t, 1000), 0);
  assert.equal(tryOpen(t, mem, 'f', O_WRONLY), -EACCES);
  assert.equal(tryOpen(t, mem, 'f', O_RDONLY), 'ok');
  assert.equal(call(defs, 'fchmodat', t, AT_FDCWD, str(mem, 'f'), 0o666, 0), -EPERM);
  assert.equal(call(defs, 'faccessat', t, AT_FDCWD, str(mem, 'f'), W_OK), -EACCES);
  assert.equal(call(defs, 'truncate', t, str(mem, 'f'), 0), -EACCES);
});

test('a 0700 root directory cannot be searched after setfsuid to an unprivileged user', () => {
  const { t, mem } = makeTask({}, '/tmp', 0);
  assert.equal(call(defs, 'mkdirat', t, AT_FDCWD, str(mem, 'd'), 0o700), 0);
  const fd = call(defs, 'openat', t, AT_FDCWD, str(mem, 'd/x'), O_CREAT | O_WRONLY, 0o644);
  assert.ok(fd >= 0);
  call(defs, 'setfsuid', t, 1000);
  assert.equal(tryOpen(t, mem, 'd/x', O_RDONLY), -EACCES);
  assert.equal(call(defs, 'chdir', t, str(mem, 'd')), -EACCES);
});

test('files and directories created after setfsuid and setfsgid belong to the new fsuid and fsgid', () => {
  const { t, mem } = makeTask({}, '/tmp', 0);
  call(defs, 'setfsgid', t, 77);
  call(defs, 'setfsuid', t, 1234);
  const fd = call(defs, 'openat', t, AT_FDCWD, str(mem, 'mine'), O_CREAT | O_WRONLY, 0o600);
  assert.ok(fd >= 0);
  assert.deepEqual(owner(t, mem, 'mine'), [1234, 77]);
  assert.equal(call(defs, 'mkdirat', t, AT_FDCWD, str(mem, 'dir'), 0o755), 0);
  assert.deepEqual(owner(t, mem, 'dir'), [1234, 77]);
  // The ids the process reports are unchanged: only file access uses the fs ids.
  assert.equal(call(defs, 'geteuid', t), 0);
  assert.equal(call(defs, 'getegid', t), 0);
});

test('access() asks with the real uid, lookup included; AT_EACCESS asks with the effective one', () => {
  const { t, mem } = rootWithFile('secret', 0o600);
  assert.equal(call(defs, 'mkdirat', t, AT_FDCWD, str(mem, 'd'), 0o700), 0);
  call(defs, 'close', t, call(defs, 'openat', t, AT_FDCWD, str(mem, 'd/x'), O_CREAT | O_WRONLY, 0o644));
  assert.equal(call(defs, 'setresuid', t, 1000, NO, NO), 0); // real 1000, effective and saved 0
  assert.equal(call(defs, 'faccessat', t, AT_FDCWD, str(mem, 'secret'), R_OK), -EACCES);
  assert.equal(call(defs, 'faccessat2', t, AT_FDCWD, str(mem, 'secret'), R_OK, AT_EACCESS), 0);
  assert.equal(call(defs, 'faccessat', t, AT_FDCWD, str(mem, 'd/x'), 0), -EACCES);
  assert.equal(call(defs, 'faccessat2', t, AT_FDCWD, str(mem, 'd/x'), 0, AT_EACCESS), 0);
  assert.equal(tryOpen(t, mem, 'secret', O_RDONLY), 'ok', 'open itself uses the fs ids');
});

test('a pipe created after setfsuid and setfsgid is owned by the new fs ids', () => {
  const { t, mem } = makeTask({}, '/tmp', 0);
  call(defs, 'setfsgid', t, 77);
  call(defs, 'setfsuid', t, 1234);
  assert.equal(call(defs, 'pipe2', t, SCRATCH + 0x100, 0), 0);
  const st = t.files.get(mem.readI32(SCRATCH + 0x100))!.stat();
  assert.deepEqual([st.uid, st.gid], [1234, 77]);
});

test('supplementary groups grant group access', () => {
  const { t, mem } = rootWithFile('g500', 0o640);
  const fd = call(defs, 'openat', t, AT_FDCWD, str(mem, 'g600'), O_CREAT | O_WRONLY, 0o640);
  call(defs, 'close', t, fd);
  assert.equal(call(defs, 'fchownat', t, AT_FDCWD, str(mem, 'g500'), NO, 500, 0), 0);
  assert.equal(call(defs, 'fchownat', t, AT_FDCWD, str(mem, 'g600'), NO, 600, 0), 0);
  mem.writeU32(GROUPS, 500);
  assert.equal(call(defs, 'setgroups', t, 1, GROUPS), 0);
  assert.equal(call(defs, 'setresgid', t, 1000, 1000, 1000), 0);
  assert.equal(call(defs, 'setresuid', t, 1000, 1000, 1000), 0);
  assert.equal(tryOpen(t, mem, 'g500', O_RDONLY), 'ok');
  assert.equal(tryOpen(t, mem, 'g500', O_WRONLY), -EACCES);
  assert.equal(tryOpen(t, mem, 'g600', O_RDONLY), -EACCES);
});

test('the owner may chown a file to one of its supplementary groups, not to another group', () => {
  const { t, mem } = makeTask({}, '/tmp', 0);
  mem.writeU32(GROUPS, 500);
  call(defs, 'setgroups', t, 1, GROUPS);
  call(defs, 'setresgid', t, 1000, 1000, 1000);
  call(defs, 'setresuid', t, 1000, 1000, 1000);
  const fd = call(defs, 'openat', t, AT_FDCWD, str(mem, 'f'), O_CREAT | O_WRONLY, 0o644);
  assert.ok(fd >= 0);
  assert.equal(call(defs, 'fchownat', t, AT_FDCWD, str(mem, 'f'), NO, 500, 0), 0);
  assert.deepEqual(owner(t, mem, 'f'), [1000, 500]);
  assert.equal(call(defs, 'fchownat', t, AT_FDCWD, str(mem, 'f'), NO, 600, 0), -EPERM);
});

test('the owner class decides even when the group or other bits would grant access', () => {
  const st = { mode: 0o100077, uid: 1000, gid: 1000 } as StatInfo;
  assert.equal(permission(st, R_OK, new Cred(1000, 1000)), -EACCES);
  assert.equal(permission(st, R_OK, new Cred(2000, 1000)), 0);
  assert.equal(permission(st, R_OK, new Cred(2000, 3000, [1000])), 0);
  assert.equal(permission(st, R_OK, new Cred(0, 0)), 0);
});

test('a cloned Cred is independent of the original', () => {
  const a = new Cred(1000, 100, [5]);
  const b = a.clone();
  b.fsuid = 0;
  b.groups.push(6);
  assert.equal(a.fsuid, 1000);
  assert.deepEqual(a.groups, [5]);
  assert.deepEqual([b.ruid, b.euid, b.suid, b.rgid, b.egid, b.sgid, b.fsgid], [1000, 1000, 1000, 100, 100, 100, 100]);
});
