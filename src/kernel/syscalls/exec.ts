// execve and execveat: read the path, the argument and environment vectors, open the program,
// prepare it (binprm.ts: "#!" scripts, PT_INTERP), build the new address space (image.ts), and
// only then, past every check, switch the caller to it (commit.ts). A failure returns -errno with
// the old image untouched; success does not return (the registers are the new program's).
import { E2BIG, EACCES, EBADF, EINVAL, ELOOP, ENOENT } from '../../abi/errno.js';
import { MAX_ARG_STRLEN } from '../../loader/layout.js';
import { STACK_SIZE, vdsoImageName } from '../../loader/index.js';
import { bytesToStr } from '../../util/bytestr.js';
import type { Task } from '../task.js';
import { type ExecFile, prepareBinprm, readExecFile } from '../exec/binprm.js';
import { buildImage } from '../exec/image.js';
import { commitExec } from '../exec/commit.js';
import { VfsFile } from '../vfs/open_files.js';
import { AT_EMPTY_PATH, AT_FDCWD, AT_SYMLINK_NOFOLLOW, S_IFLNK, S_IFMT } from '../vfs/constants.js';
import { ctxAt, readPath } from './fs_common.js';
import { REGS_SET, type SyscallDef, type SysArgs, type SysResult } from './types.js';

/** Bytes of all argument and environment strings plus their pointers that execve accepts (a
 *  quarter of the default stack limit, as Linux's bprm_stack_limits); more is E2BIG. */
const MAX_ARG_BYTES = STACK_SIZE / 4;

/**
 * Reads a NULL-terminated vector of string pointers at addr (addr 0: an empty vector) as byte
 * strings; returns them or -E2BIG once they exceed what execve accepts; a bad pointer throws EFAULT.
 */
function readVector(t: Task, addr: number, budget: { bytes: number }): string[] | number {
  const out: string[] = [];
  if (addr === 0) return out;
  const mem = t.mm.mem;
  for (let i = 0; ; i++) {
    const p = mem.readU64(addr + 8 * i);
    if (p === 0) return out;
    const s = mem.readCStringBytes(p, MAX_ARG_STRLEN - 1);
    if (s === null) return -E2BIG;
    budget.bytes -= s.length + 1 + 8;
    if (budget.bytes < 0) return -E2BIG;
    out.push(bytesToStr(s));
  }
}

/**
 * The common body of execve and execveat (Linux's do_execveat_common): dirfd and path name the
 * program as openat would; flags: AT_EMPTY_PATH (run dirfd itself), AT_SYMLINK_NOFOLLOW.
 */
function doExecveat(t: Task, dirfd: number, pathAddr: number, argvAddr: number, envpAddr: number, flags: number): SysResult {
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) return -EINVAL;
  const path = readPath(t, pathAddr);
  if (typeof path === 'number') return path;
  const cred = t.tg.cred;
  let file: ExecFile | number;
  // The name the new program sees (AT_EXECFN) and a "#!" interpreter gets for the script.
  let filename = path;
  let fdExec = false;
  if (path === '' && (flags & AT_EMPTY_PATH)) {
    const f = t.files.get(dirfd);
    if (f === undefined) return -EBADF;
    if (!(f instanceof VfsFile)) return -EACCES;
    file = readExecFile(f.loc, cred, t.kernel.vfs.writeDeny);
    filename = `/dev/fd/${dirfd}`;
    fdExec = true;
  } else {
    const ctx = ctxAt(t, dirfd, path);
    if (typeof ctx === 'number') return ctx;
    const follow = (flags & AT_SYMLINK_NOFOLLOW) === 0;
    const loc = t.kernel.vfs.resolve(ctx, path, follow);
    if (typeof loc === 'number') return loc;
    const st = loc.inode.getattr();
    if (!follow && typeof st !== 'number' && (st.mode & S_IFMT) === S_IFLNK) return -ELOOP;
    file = readExecFile(loc, cred, t.kernel.vfs.writeDeny);
    if (!path.startsWith('/') && dirfd !== AT_FDCWD) {
      filename = `/dev/fd/${dirfd}/${path}`;
      fdExec = true;
    }
  }
  if (typeof file === 'number') return file;
  const budget = { bytes: MAX_ARG_BYTES };
  const argv = readVector(t, argvAddr, budget);
  if (typeof argv === 'number') return argv;
  const envp = readVector(t, envpAddr, budget);
  if (typeof envp === 'number') return envp;
  // Linux runs a program given an empty argv with argv[0] = "" (since 5.18).
  if (argv.length === 0) argv.push('');
  // A script opened through a close-on-exec fd could not be read by its interpreter: ENOENT.
  if (fdExec && t.files.isCloexec(dirfd) && isScriptData(file.data)) return -ENOENT;
  const ctx = ctxAt(t, AT_FDCWD, '/');
  if (typeof ctx === 'number') return ctx;
  const b = prepareBinprm(t.kernel.vfs, ctx, file, filename, filename, argv, envp);
  if ('errno' in b) return -b.errno;
  const random = new Uint8Array(16);
  t.kernel.host.randomFill(random);
  const img = buildImage(t.mm.mem.phys, b, cred, t.noNewPrivs, random, t.kernel.execRandom, vdsoImageName(t.kernel.extensions));
  if ('errno' in img) return -img.errno;
  commitExec(t, b, img);
  return REGS_SET;
}

/** True if data starts with "#!". */
function isScriptData(data: Uint8Array): boolean {
  return data[0] === 0x23 && data[1] === 0x21;
}

/** execve(path, argv, envp). */
function sysExecve(t: Task, a: SysArgs): SysResult {
  return doExecveat(t, AT_FDCWD, a.addr(0), a.addr(1), a.addr(2), 0);
}

/** execveat(dirfd, path, argv, envp, flags). */
function sysExecveat(t: Task, a: SysArgs): SysResult {
  return doExecveat(t, a.int(0), a.addr(1), a.addr(2), a.addr(3), a.int(4));
}

export const defs: SyscallDef[] = [
  { nr: 221, name: 'execve', handler: sysExecve, status: 'full', note: 'ELF (static, PIE, PT_INTERP) and "#!" scripts; no ETXTBSY', args: ['path', 'ptr', 'ptr'] },
  { nr: 281, name: 'execveat', handler: sysExecveat, status: 'full', note: 'as execve, with AT_EMPTY_PATH and AT_SYMLINK_NOFOLLOW', args: ['dirfd', 'path', 'ptr', 'ptr', 'atflags'] },
];
