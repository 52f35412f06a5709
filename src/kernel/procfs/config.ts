// /proc/config.gz: the kernel configuration programs and test suites read to decide what to
// test. Each feature option is set only when ecall implements it, judged by what the kernel
// registers (the syscall table's handlers), so the file cannot claim a feature that is missing.
import { gzipStored } from '../../util/gzip.js';
import { UTS_RELEASE } from '../syscalls/info.js';

/** Options that hold whenever the kernel runs at all: the architecture and the always-there parts. */
const ALWAYS: readonly string[] = [
  'CONFIG_RISCV=y', 'CONFIG_64BIT=y', 'CONFIG_MMU=y', 'CONFIG_SMP=y', 'CONFIG_RISCV_ISA_C=y',
  'CONFIG_FPU=y', 'CONFIG_BINFMT_ELF=y', 'CONFIG_PROC_FS=y', 'CONFIG_PROC_SYSCTL=y', 'CONFIG_TMPFS=y',
  'CONFIG_SHMEM=y', 'CONFIG_DEVTMPFS=y', 'CONFIG_IKCONFIG=y', 'CONFIG_IKCONFIG_PROC=y',
];

/** Feature options and the syscall (by riscv64 number) whose handler means the feature works. */
const BY_SYSCALL: readonly [string, number][] = [
  ['CONFIG_MULTIUSER', 147 /* setresuid */],
  ['CONFIG_FUTEX', 98 /* futex */],
  ['CONFIG_EPOLL', 20 /* epoll_create1 */],
  ['CONFIG_EVENTFD', 19 /* eventfd2 */],
  ['CONFIG_TIMERFD', 85 /* timerfd_create */],
  ['CONFIG_SIGNALFD', 74 /* signalfd4 */],
  ['CONFIG_POSIX_TIMERS', 107 /* timer_create */],
  ['CONFIG_MEMFD_CREATE', 279 /* memfd_create */],
  ['CONFIG_NET', 198 /* socket */],
  ['CONFIG_UNIX', 199 /* socketpair */],
  ['CONFIG_INET', 198 /* socket */],
  ['CONFIG_SYSVIPC', 194 /* shmget */],
  ['CONFIG_POSIX_MQUEUE', 180 /* mq_open */],
  ['CONFIG_IO_URING', 425 /* io_uring_setup */],
  ['CONFIG_RSEQ', 293 /* rseq */],
  ['CONFIG_MEMBARRIER', 283 /* membarrier */],
  ['CONFIG_AIO', 0 /* io_setup */],
  ['CONFIG_FILE_LOCKING', 32 /* flock */],
  ['CONFIG_FHANDLE', 264 /* name_to_handle_at */],
  ['CONFIG_INOTIFY_USER', 26 /* inotify_init1 */],
  ['CONFIG_FANOTIFY', 262 /* fanotify_init */],
  ['CONFIG_SECCOMP', 277 /* seccomp */],
  ['CONFIG_BPF_SYSCALL', 280 /* bpf */],
  ['CONFIG_PERF_EVENTS', 241 /* perf_event_open */],
  ['CONFIG_USERFAULTFD', 282 /* userfaultfd */],
  ['CONFIG_CROSS_MEMORY_ATTACH', 270 /* process_vm_readv */],
  ['CONFIG_KCMP', 272 /* kcmp */],
  ['CONFIG_ADVISE_SYSCALLS', 233 /* madvise */],
  ['CONFIG_CHECKPOINT_RESTORE', 272 /* kcmp */],
  ['CONFIG_MODULES', 105 /* init_module */],
];

/** Returns the .config text: a header, the fixed options, then each feature set or "is not set". */
export function kernelConfigText(handled: (nr: number) => boolean): string {
  let out = `#\n# Automatically generated file; DO NOT EDIT.\n# Linux/riscv ${UTS_RELEASE} Kernel Configuration (ecall)\n#\n`;
  for (const line of ALWAYS) out += line + '\n';
  for (const [name, nr] of BY_SYSCALL) out += handled(nr) ? `${name}=y\n` : `# ${name} is not set\n`;
  return out;
}

/** Returns /proc/config.gz's bytes. */
export function kernelConfigGz(handled: (nr: number) => boolean): Uint8Array {
  return gzipStored(new TextEncoder().encode(kernelConfigText(handled)));
}
