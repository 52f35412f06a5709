// Builds the new address space for a prepared exec (Linux's load_elf_binary half of exec): a fresh
// Mm with the program, its interpreter, the stack and the vdso page. Shared by createProcess and
// execve; the caller commits it (or, on failure, nothing has changed).
import { ENOMEM, errnoName } from '../../abi/errno.js';
import { isLoadError, loadElf, type LoadResult } from '../../loader/index.js';
import { Mm } from '../../mem/mm.js';
import type { PhysMem } from '../../mem/phys.js';
import { strToBytes as bin } from '../../util/bytestr.js';
import type { Cred } from '../cred.js';
import { isHostAllocationFailure } from '../host_alloc.js';
import type { ExecRandom } from './aslr.js';
import { type Binprm, type ExecError, execError, execSource } from './binprm.js';

/** The set-user-ID and set-group-ID mode bits, and group execute. */
const S_ISUID = 0o4000, S_ISGID = 0o2000, S_IXGRP = 0o010;

/** A built image: its Mm, where it starts, and the effective ids it runs with. */
export interface NewImage {
  mm: Mm;
  load: LoadResult;
  euid: number;
  egid: number;
}

/**
 * Returns the effective ids the exec gives (Linux's bprm_fill_uid): the file's owner for a
 * set-user-ID file, its group for a set-group-ID one with group execute, unless noNewPrivs.
 */
export function execIds(b: Binprm, cred: Cred, noNewPrivs: boolean): { euid: number; egid: number } {
  const st = b.file.st;
  let euid = cred.euid, egid = cred.egid;
  if (!noNewPrivs) {
    if (st.mode & S_ISUID) euid = st.uid;
    if ((st.mode & (S_ISGID | S_IXGRP)) === (S_ISGID | S_IXGRP)) egid = st.gid;
  }
  return { euid, egid };
}

/** Builds b's image in a fresh Mm over phys, with the named vDSO image; returns it or an ExecError
 *  (the Mm then released). */
export function buildImage(phys: PhysMem, b: Binprm, cred: Cred, noNewPrivs: boolean, random: Uint8Array,
  aslr: ExecRandom, vdso: string): NewImage | ExecError {
  const { euid, egid } = execIds(b, cred, noNewPrivs);
  const prog = execSource(b.file);
  if (typeof prog === 'number') return execError(-prog, errnoName(-prog));
  const interp = b.interp === null ? null : execSource(b.interp);
  if (typeof interp === 'number') {
    prog.done();
    return execError(-interp, errnoName(-interp));
  }
  const mm = new Mm(phys);
  let r: ReturnType<typeof loadElf>;
  try {
    r = loadElf(mm, b.file.data, {
      fileSize: b.file.size, source: prog.source,
      argv: b.argv.map(bin), envp: b.envp.map(bin), execfn: bin(b.filename), random,
      uid: cred.ruid, gid: cred.rgid, euid, egid, secure: euid !== cred.ruid || egid !== cred.rgid,
      exePath: b.file.loc.path, dev: b.file.st.dev, ino: b.file.st.ino,
      interp: b.interp === null ? undefined : {
        image: b.interp.data, size: b.interp.size, source: interp?.source,
        path: b.interp.loc.path, dev: b.interp.st.dev, ino: b.interp.st.ino,
      },
      randomOffset: aslr.pageOffset(), vdso,
    });
  } catch (e) {
    if (!isHostAllocationFailure(e)) throw e;
    mm.release();
    return execError(ENOMEM, 'Cannot allocate memory');
  } finally {
    // The mappings hold the files open now (or the failed image's release closed them).
    prog.done();
    interp?.done();
  }
  if (isLoadError(r)) {
    mm.release();
    return r;
  }
  return { mm, load: r, euid, egid };
}
