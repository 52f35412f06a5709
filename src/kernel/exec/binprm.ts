// The format-independent half of execve (Linux's linux_binprm and exec_binprm): open the file as
// an executable, bound the arguments, follow "#!" interpreters, and find an ELF program's PT_INTERP
// interpreter, all before the point of no return, so every failure leaves the caller untouched.
// createProcess (the first program) and execve both go through prepareBinprm.
import { EACCES, ELOOP, ENOENT, ENOEXEC, errnoName, strerror } from '../../abi/errno.js';
import { checkArgs, elfBytesNeeded, elfInterp, type ImageSource, isLoadError, type LoadError } from '../../loader/index.js';
import type { MmapFile } from '../../mem/mm.js';
import type { Cred } from '../cred.js';
import type { StatInfo } from '../vfs/file.js';
import type { Loc } from '../vfs/inode.js';
import { type PathCtx, readExecLoc, type Vfs } from '../vfs/vfs.js';
import { O_RDONLY, O_RDWR } from '../vfs/constants.js';
import type { WriteDeny } from '../vfs/write_deny.js';
import { fileKey } from '../vfs/open_files.js';
import { isScript, parseShebang } from './script.js';

/** "#!" rewrites allowed before ELOOP (Linux's exec_binprm stops past depth 5). */
export const MAX_INTERP_REWRITES = 5;
/** Bytes exec reads first: a page holds the "#!" line (BINPRM_BUF_SIZE) and a usual ELF's headers. */
export const EXEC_HEAD_BYTES = 4096;

/** An opened executable: where it is, its attributes, its size and its first bytes (the ELF
 *  headers and PT_INTERP path, or the "#!" line; the rest is mapped, not read). */
export interface ExecFile {
  loc: Loc;
  st: StatInfo;
  data: Uint8Array;
  size: number;
}

/** What the new image is made of, once every check has passed. */
export interface Binprm {
  /** The path execve was given (AT_EXECFN, and comm's source), a byte string. */
  filename: string;
  /** argv and envp after any "#!" rewrites (byte strings). */
  argv: string[];
  envp: string[];
  /** The ELF that runs (the last interpreter for a script): /proc/self/exe. */
  file: ExecFile;
  /** Its PT_INTERP interpreter, opened, or null for a static program. */
  interp: ExecFile | null;
}

/** Why an exec failed: the LoadError shape (a one-line reason, the shell's status and the errno). */
export type ExecError = LoadError;

/** Returns an ExecError for errno (with a shell status: 127 for "not found", else 126). */
export function execError(errno: number, why: string): ExecError {
  return { error: why, exitCode: errno === ENOENT ? 127 : 126, errno };
}

/**
 * Opens loc as an executable as cred (Linux's do_open_execat): EACCES unless it is a regular file
 * with execute permission; returns its attributes and contents or -errno.
 */
export function readExecFile(loc: Loc, cred: Cred, deny: WriteDeny | null = null): ExecFile | number {
  const f = readExecLoc(loc, cred, execHeadWanted);
  if (typeof f === 'number') return f;
  // A file open for writing cannot be executed (deny_write_access: ETXTBSY).
  const busy = deny?.checkExec(fileKey(f.st)) ?? 0;
  if (busy < 0) return busy;
  return { loc, st: f.st, data: f.data, size: f.size };
}

/** How many of a file's first bytes exec needs, given those read so far (readExecLoc's want). */
function execHeadWanted(head: Uint8Array, size: number): number {
  return head.length === 0 ? Math.min(size, EXEC_HEAD_BYTES) : elfBytesNeeded(head, size);
}

/**
 * Returns where the pages of file come from when exec maps it: mapping sources (each mapping's
 * own MmapFile, all keyed by the file's identity, so they share its page cache) over one I/O
 * handle that stays open while some mapping or the caller holds it; `done` drops the caller's
 * hold. The handle is read-write when the file allows it, so a shared writable mapping of the
 * same file made later can write back through it. -errno if the file cannot be opened.
 */
export function execSource(file: ExecFile): { source: ImageSource; done: () => void } | number {
  const inode = file.loc.inode;
  if (!inode.openIo) return -EACCES;
  let io = inode.openIo(O_RDWR);
  if (typeof io === 'number') io = inode.openIo(O_RDONLY);
  if (typeof io === 'number') return io;
  const h = io;
  let holds = 1;
  const drop = (): void => { if (--holds === 0) h.close(); };
  const { dev, ino } = file.st;
  const path = file.loc.path, key = fileKey(file.st);
  const source = (): MmapFile => {
    holds++;
    let held = true;
    return {
      path, dev, ino, key,
      read: (offset, buf) => h.pread(buf, offset),
      write: (offset, data) => h.pwrite(data, offset),
      size: () => h.size(),
      release: () => { if (held) { held = false; drop(); } },
    };
  };
  return { source, done: drop };
}

/** Resolves path (following symlinks) from ctx and opens it as an executable; -errno on failure. */
export function openExec(vfs: Vfs, ctx: PathCtx, path: string): ExecFile | number {
  const loc = vfs.resolve(ctx, path, true);
  return typeof loc === 'number' ? loc : readExecFile(loc, ctx.cred, vfs.writeDeny);
}

/**
 * Checks the arguments, then follows "#!" lines and PT_INTERP from the opened file first, in
 * Linux's order (E2BIG, then the format: ENOEXEC, ELOOP, or the interpreter's open errors).
 * filename: the path as given (AT_EXECFN); scriptName: what a "#!" interpreter gets as the
 * script's path (filename, or /dev/fd/N for an fd exec). ctx: where interpreter paths resolve.
 */
export function prepareBinprm(vfs: Vfs, ctx: PathCtx, first: ExecFile, filename: string, scriptName: string,
  argv: string[], envp: string[]): Binprm | ExecError {
  const tooBig = checkArgs(argv, envp, filename);
  if (tooBig !== null) return tooBig;
  let file = first;
  let args = argv;
  let name = scriptName;
  for (let depth = 0; isScript(file.data); depth++) {
    if (depth >= MAX_INTERP_REWRITES) return execError(ELOOP, 'too many levels of "#!" interpreters');
    const sb = parseShebang(file.data);
    if (sb === null) return execError(ENOEXEC, 'bad "#!" line (no interpreter, or longer than 255 bytes)');
    // The new argv: interpreter, its argument, the script's path, then argv[1..] (argv[0] is dropped).
    args = [sb.interp, ...(sb.arg !== null ? [sb.arg] : []), name, ...args.slice(1)];
    const big = checkArgs(args, envp, filename);
    if (big !== null) return big;
    const next = openExec(vfs, ctx, sb.interp);
    if (typeof next === 'number') return execError(-next, `${printable(sb.interp)}: bad interpreter (${errText(-next)})`);
    file = next;
    name = sb.interp;
  }
  const interpPath = elfInterp(file.data, file.size);
  if (isLoadError(interpPath)) return interpPath;
  let interp: ExecFile | null = null;
  if (interpPath !== null) {
    const i = openExec(vfs, ctx, interpPath);
    if (typeof i === 'number') return execError(-i, `needs the interpreter ${printable(interpPath)}: ${errText(-i)}`);
    interp = i;
  }
  return { filename, argv: args, envp, file, interp };
}

/** Returns the strerror text of errno (or its name). */
function errText(errno: number): string {
  return strerror(errno) ?? errnoName(errno);
}

/** Returns a byte string for a one-line message (control characters shown as "?"). */
function printable(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\x00-\x1f\x7f]/g, '?');
}
