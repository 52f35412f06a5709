// The first program of a process that the host starts (Kernel.createProcess, `ecall run`, the
// embedding API's spawn): the same preparation and image building as execve, plus what only the
// host side does: a program the guest cannot see is read from its host path (as qemu-riscv64
// runs any host file), and a dynamic program with no --sysroot gets the Debian cross sysroot when
// the host has one, or a one-line error naming the flag.
import { ENOENT, ENOTDIR, errnoName, strerror } from '../../abi/errno.js';
import type { Host } from '../../host/host.js';
import { elfInterp } from '../../loader/index.js';
import type { PhysMem } from '../../mem/phys.js';
import { utf8ToBytes } from '../../util/bytestr.js';
import type { Cred } from '../cred.js';
import type { FsContext } from '../vfs/fs_context.js';
import { isDir } from '../vfs/path_walk.js';
import type { PathCtx, Vfs } from '../vfs/vfs.js';
import type { ExecRandom } from './aslr.js';
import { type Binprm, type ExecFile, openExec, prepareBinprm } from './binprm.js';
import { buildImage, type NewImage } from './image.js';
import { isScript } from './script.js';

/** Where Debian's libc6-dev-riscv64-cross (and Ubuntu's) installs the riscv64 sysroot: the
 *  default --sysroot for a dynamic program when none is given. */
export const DEFAULT_SYSROOT = '/usr/riscv64-linux-gnu';

/** What the first program's start needs from the kernel. */
export interface FirstProgramEnv {
  vfs: Vfs;
  host: Host;
  phys: PhysMem;
  aslr: ExecRandom;
  /** The vDSO image the process gets (vdsoImageName of the kernel's extensions). */
  vdso: string;
}

/** A program ready to run, or why not: a one-line message and the shell's exit status. */
export type FirstProgram = { b: Binprm; img: NewImage } | { error: string; exitCode: number };

/**
 * Prepares and builds the image of the program at path (Unicode text, resolved from fs's cwd) with
 * argv and envp (Unicode text), as cred.
 */
export function prepareFirstProgram(env: FirstProgramEnv, fs: FsContext, cred: Cred, path: string, argv: string[],
  envp: string[]): FirstProgram {
  const { vfs, host } = env;
  const p = utf8ToBytes(path);
  const ctx: PathCtx = { fs, caller: null, start: fs.cwd, cred };
  let file: ExecFile | number = openExec(vfs, ctx, p);
  if (file === -ENOENT || file === -ENOTDIR) {
    // Not in the guest's view: like qemu-riscv64, run it from the host path (relative to the
    // host's cwd); the guest then sees it, read-only, at its host real path.
    const hostCwd = host.cwd();
    const hostPath = path.startsWith('/') ? path : hostCwd !== null ? `${hostCwd}/${path}` : null;
    const seen = hostPath === null ? -ENOENT : vfs.exposeHostFile(utf8ToBytes(hostPath));
    if (typeof seen === 'string') file = openExec(vfs, ctx, seen);
  }
  if (typeof file === 'number') {
    const why = strerror(-file) ?? `cannot open (${errnoName(-file)})`;
    // A shell says 127 for "not found" and 126 for "found but cannot execute".
    return { error: `${path}: ${why}`, exitCode: file === -ENOENT || file === -ENOTDIR ? 127 : 126 };
  }
  const args = argv.map(utf8ToBytes), envs = envp.map(utf8ToBytes);
  let b = prepareBinprm(vfs, ctx, file, p, p, args, envs);
  if ('errno' in b && b.errno === ENOENT && needsInterpreter(file) && !vfs.hasSysroot) {
    if (!isDir(host.fs.lstat(DEFAULT_SYSROOT))) {
      return { error: `${path}: ${b.error}; pass --sysroot DIR, a riscv64 root file system such as ${DEFAULT_SYSROOT}`, exitCode: 127 };
    }
    vfs.setSysroot(DEFAULT_SYSROOT);
    b = prepareBinprm(vfs, ctx, file, p, p, args, envs);
  }
  if ('errno' in b) return { error: `${path}: ${b.error}`, exitCode: b.exitCode };
  const random = new Uint8Array(16);
  host.randomFill(random);
  const img = buildImage(env.phys, b, cred, false, random, env.aslr, env.vdso);
  if ('errno' in img) return { error: `${path}: ${img.error}`, exitCode: img.exitCode };
  return { b, img };
}

/** True if running file needs another file first: a "#!" interpreter or an ELF PT_INTERP. */
function needsInterpreter(file: ExecFile): boolean {
  if (isScript(file.data)) return true;
  const i = elfInterp(file.data, file.size);
  return typeof i === 'string';
}
