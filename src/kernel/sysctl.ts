// The kernel's tunables that /proc/sys shows (Linux's sysctl table): the values other parts of
// the kernel read (pipe-max-size for F_SETPIPE_SZ, lease-break-time for leases, the SysV IPC
// limits) live here, one instance per Kernel; procfs/sys.ts turns them into files.
import { PIPE_MAX_SIZE } from './vfs/pipe.js';

/** Default of fs.pipe-user-pages-soft: pages of pipe buffers one user may hold before new pipes shrink (Linux's 16384). */
export const PIPE_USER_PAGES_SOFT = 16384;
/** Default of fs.lease-break-time: seconds a lease holder has to give up a lease (Linux's 45). */
export const LEASE_BREAK_TIME = 45;
/** SysV IPC defaults (include/uapi/linux/shm.h, sem.h, msg.h in Linux 6.1). */
export const SHMMAX_DEFAULT = 0xffffffffffffffffn - (1n << 24n);
export const SHMALL_DEFAULT = 0xffffffffffffffffn - (1n << 24n);
export const SHMMNI_DEFAULT = 4096;
/** kernel.sem: SEMMSL (semaphores per set), SEMMNS (in all), SEMOPM (ops per semop), SEMMNI (sets). */
export const SEM_DEFAULT: readonly [number, number, number, number] = [32000, 1024000000, 500, 32000];
export const MSGMAX_DEFAULT = 8192;
export const MSGMNB_DEFAULT = 16384;
export const MSGMNI_DEFAULT = 32000;

/** vm.overcommit_memory values: heuristic, always, never. */
export const OVERCOMMIT_GUESS = 0, OVERCOMMIT_NEVER = 2;

export class Sysctl {
  /** fs.pipe-max-size: largest F_SETPIPE_SZ an unprivileged caller may ask for. */
  pipeMaxSize = PIPE_MAX_SIZE;
  pipeUserPagesSoft = PIPE_USER_PAGES_SOFT;
  /** fs.lease-break-time, in seconds. */
  leaseBreakTime = LEASE_BREAK_TIME;
  /** kernel.core_pattern (ecall writes no core files; the value is kept for programs that read it back). */
  corePattern = 'core';
  /** vm.overcommit_memory (recorded; the memory layer's overcommit heuristic is fixed). */
  overcommitMemory = OVERCOMMIT_GUESS;
  shmmax = SHMMAX_DEFAULT;
  shmall = SHMALL_DEFAULT;
  shmmni = SHMMNI_DEFAULT;
  sem: [number, number, number, number] = [...SEM_DEFAULT];
  msgmax = MSGMAX_DEFAULT;
  msgmnb = MSGMNB_DEFAULT;
  msgmni = MSGMNI_DEFAULT;
  /** kernel.random.boot_id: a random UUID chosen once per kernel (boot). */
  readonly bootId: string;

  /** random: fills a buffer with random bytes (the host's, or the seeded ones in deterministic mode). */
  constructor(private readonly random: (buf: Uint8Array) => void) {
    this.bootId = this.uuid();
  }

  /** Returns a fresh random (version 4) UUID as kernel/random/uuid prints it. */
  uuid(): string {
    const b = new Uint8Array(16);
    this.random(b);
    b[6] = (b[6]! & 0x0f) | 0x40;
    b[8] = (b[8]! & 0x3f) | 0x80;
    const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }
}

/** Returns fs.lease-break-time in seconds (what a lease break waits before it takes the lease). */
export function leaseBreakTime(s: Sysctl): number {
  return s.leaseBreakTime;
}
