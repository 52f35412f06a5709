#define _GNU_SOURCE
/* sysfuzz SEED COUNT [WORKDIR [THREADS [-v]]]: makes COUNT seeded random system calls with
 * hostile arguments (bad, unaligned and kernel-looking pointers, pointers that run into unmapped
 * pages, huge and negative sizes, random flags, random fds and fds it opened, nested pointers to
 * unmapped memory), shared by THREADS threads (default 1) that fuzz at the same time, and prints
 * a summary line (with -v, also calls made and succeeded per syscall) on the fd it saved at
 * start. It is meant to run under ecall (`ecall run --seed SEED`), never natively or under qemu:
 * the calls are real, and it refuses to start elsewhere.
 *
 * It keeps itself alive so that one run covers COUNT calls: calls that would end the run are
 * skipped (exit, exit_group, rt_sigreturn, clone, execve, seccomp, rseq, io_uring, SIGKILL and
 * SIGSTOP sent to itself, unmapping or re-protecting its own memory, closing its output fd),
 * every other signal has a handler, and a POSIX timer per thread sends that thread SIGALRM every
 * WATCHDOG_NS so that any call that blocks is interrupted (signal masks it passes never block
 * SIGALRM, and the SIGALRM action never gets SA_RESTART). Memory calls may only touch the
 * "victim" region and the mappings the fuzzer itself created. Paths use a small vocabulary of
 * names (fz0..fz5), so even a sandbox bug could only touch files with those names. */
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

typedef uint64_t u64;

/* Geometry of the regions the fuzzer owns. */
#define PAGE 4096UL
#define SCRATCH_PAGES 16                 /* argument buffers (kernel reads and writes them) */
#define SCRATCH_SIZE (SCRATCH_PAGES * PAGE)
#define VICTIM_PAGES 64                  /* the only memory mm calls may unmap or re-protect */
#define OUT_FD 1000                      /* the saved stdout, never touched by fuzzed calls */
#define FD_POOL 32                       /* fds the fuzzer opened, reused as arguments */
#define MAP_POOL 16                      /* mappings the fuzzer created, reused as targets */
#define MAP_POOL_MAX_LEN (1UL << 20)     /* larger successful mappings are unmapped at once */
#define MAX_PROTECTED 64                 /* ranges read from /proc/self/maps at start */
#define WATCHDOG_NS 1000000L             /* SIGALRM period: 1 ms (of virtual time under --seed) */
#define NSIG_KERNEL 64
#define MAX_THREADS 8                    /* fuzzing threads (argument THREADS) */
#define SIGSET_BYTES 8
#define PATH_LONG 5000                   /* longer than PATH_MAX (4096) */
#define NAME_LONG 300                    /* longer than NAME_MAX (255) */

/* Syscall numbers (asm-generic, riscv64) used by name below. */
enum {
	NR_dup3 = 24, NR_fcntl = 25, NR_ioctl = 29, NR_openat = 56, NR_close = 57, NR_pipe2 = 59,
	NR_read = 63, NR_ppoll = 73, NR_pselect6 = 72, NR_epoll_pwait = 22, NR_signalfd4 = 74,
	NR_exit = 93, NR_exit_group = 94, NR_futex = 98, NR_timer_create = 107, NR_timer_settime = 110,
	NR_timer_delete = 111, NR_kill = 129, NR_tkill = 130, NR_tgkill = 131, NR_rt_sigsuspend = 133,
	NR_rt_sigaction = 134, NR_rt_sigprocmask = 135, NR_rt_sigtimedwait = 137, NR_rt_sigqueueinfo = 138,
	NR_rt_sigreturn = 139, NR_reboot = 142, NR_setrlimit = 164, NR_prctl = 167, NR_getpid = 172,
	NR_gettid = 178, NR_shmat = 196, NR_brk = 214, NR_munmap = 215, NR_mremap = 216, NR_clone = 220,
	NR_execve = 221, NR_mmap = 222, NR_mprotect = 226, NR_madvise = 233, NR_remap_file_pages = 234,
	NR_rt_tgsigqueueinfo = 240, NR_prlimit64 = 261, NR_process_vm_writev = 271, NR_seccomp = 277,
	NR_execveat = 281, NR_pkey_mprotect = 288, NR_rseq = 293, NR_pidfd_send_signal = 424,
	NR_io_uring_setup = 425, NR_io_uring_enter = 426, NR_io_uring_register = 427, NR_clone3 = 435,
	NR_close_range = 436, NR_epoll_pwait2 = 441, NR_mseal = 462,
};

/* What an argument is, so that hostile values can still be the right kind of hostile. */
enum kind {
	A_ANY, A_FD, A_DIRFD, A_PATH, A_IN, A_OUT, A_LEN, A_FLAGS, A_MODE, A_OFF, A_INT, A_PID, A_SIG,
	A_UID, A_SIGSET, A_SSZ, A_TS, A_ITS, A_IOV, A_IOVCNT, A_STRUCT, A_ADDR, A_MMLEN, A_PROT, A_CLOCK,
	A_WHICH, A_FUTEXOP, A_FCNTL, A_IOCTL, A_SIGACT, A_SIGEV, A_PSELSIG, A_RES, A_PRCTL, A_UADDR,
	A_POLLFDS, A_OFLAGS, A_MMAPFL, A_MREMAPFL, A_MMOFF,
};

/* Per-call properties. */
#define F_RETFD   0x01   /* the result is a new fd */
#define F_MMRANGE 0x02   /* args 0 and 1 are an address range the call may unmap or change */
#define F_SKIP    0x04   /* never made: it would end the run (see the header comment) */
#define F_PIPEFDS 0x08   /* on success the int[2] at arg 0 (arg 3 for socketpair) holds new fds */

struct call {
	int nr;
	unsigned char flags;
	unsigned char a[6];
};

#define C(nr, fl, a0, a1, a2, a3, a4, a5) { nr, fl, { a0, a1, a2, a3, a4, a5 } }
#define X A_ANY
static const struct call calls[] = {
	C(0, 0, A_INT, A_OUT, X, X, X, X), C(1, 0, X, X, X, X, X, X), C(2, 0, X, A_INT, A_STRUCT, X, X, X),
	C(3, 0, X, A_STRUCT, A_OUT, X, X, X), C(4, 0, X, A_INT, A_INT, A_OUT, A_TS, X),
	C(5, 0, A_PATH, A_PATH, A_IN, A_LEN, A_FLAGS, X), C(6, 0, A_PATH, A_PATH, A_IN, A_LEN, A_FLAGS, X),
	C(7, 0, A_FD, A_PATH, A_IN, A_LEN, A_FLAGS, X), C(8, 0, A_PATH, A_PATH, A_OUT, A_LEN, X, X),
	C(9, 0, A_PATH, A_PATH, A_OUT, A_LEN, X, X), C(10, 0, A_FD, A_PATH, A_OUT, A_LEN, X, X),
	C(11, 0, A_PATH, A_OUT, A_LEN, X, X, X), C(12, 0, A_PATH, A_OUT, A_LEN, X, X, X), C(13, 0, A_FD, A_OUT, A_LEN, X, X, X),
	C(14, 0, A_PATH, A_PATH, X, X, X, X), C(15, 0, A_PATH, A_PATH, X, X, X, X), C(16, 0, A_FD, A_PATH, X, X, X, X),
	C(17, 0, A_OUT, A_LEN, X, X, X, X), C(19, F_RETFD, A_INT, A_FLAGS, X, X, X, X), C(20, F_RETFD, A_FLAGS, X, X, X, X, X),
	C(21, 0, A_FD, A_WHICH, A_FD, A_STRUCT, X, X), C(22, 0, A_FD, A_OUT, A_INT, A_INT, A_SIGSET, A_SSZ),
	C(23, F_RETFD, A_FD, X, X, X, X, X), C(24, F_RETFD, A_FD, A_FD, A_FLAGS, X, X, X), C(25, F_RETFD, A_FD, A_FCNTL, A_ANY, X, X, X),
	C(26, F_RETFD, A_FLAGS, X, X, X, X, X), C(27, 0, A_FD, A_PATH, A_FLAGS, X, X, X), C(28, 0, A_FD, A_INT, X, X, X, X),
	C(29, 0, A_FD, A_IOCTL, A_ANY, X, X, X), C(30, 0, A_WHICH, A_PID, A_INT, X, X, X), C(31, 0, A_WHICH, A_PID, X, X, X, X),
	C(32, 0, A_FD, A_FLAGS, X, X, X, X), C(33, 0, A_DIRFD, A_PATH, A_MODE, A_ANY, X, X), C(34, 0, A_DIRFD, A_PATH, A_MODE, X, X, X),
	C(35, 0, A_DIRFD, A_PATH, A_FLAGS, X, X, X), C(36, 0, A_PATH, A_DIRFD, A_PATH, X, X, X),
	C(37, 0, A_DIRFD, A_PATH, A_DIRFD, A_PATH, A_FLAGS, X), C(38, 0, A_DIRFD, A_PATH, A_DIRFD, A_PATH, X, X),
	C(39, 0, A_PATH, A_FLAGS, X, X, X, X), C(40, 0, A_PATH, A_PATH, A_PATH, A_FLAGS, A_IN, X), C(41, 0, A_PATH, A_PATH, X, X, X, X),
	C(43, 0, A_PATH, A_OUT, X, X, X, X), C(44, 0, A_FD, A_OUT, X, X, X, X), C(45, 0, A_PATH, A_OFF, X, X, X, X),
	C(46, 0, A_FD, A_OFF, X, X, X, X), C(47, 0, A_FD, A_FLAGS, A_OFF, A_OFF, X, X), C(48, 0, A_DIRFD, A_PATH, A_MODE, X, X, X),
	C(49, 0, A_PATH, X, X, X, X, X), C(50, 0, A_FD, X, X, X, X, X), C(51, 0, A_PATH, X, X, X, X, X), C(52, 0, A_FD, A_MODE, X, X, X, X),
	C(53, 0, A_DIRFD, A_PATH, A_MODE, X, X, X), C(54, 0, A_DIRFD, A_PATH, A_UID, A_UID, A_FLAGS, X), C(55, 0, A_FD, A_UID, A_UID, X, X, X),
	C(56, F_RETFD, A_DIRFD, A_PATH, A_OFLAGS, A_MODE, X, X), C(57, 0, A_FD, X, X, X, X, X), C(58, 0, X, X, X, X, X, X),
	C(59, F_PIPEFDS, A_OUT, A_FLAGS, X, X, X, X), C(61, 0, A_FD, A_OUT, A_LEN, X, X, X), C(62, 0, A_FD, A_OFF, A_WHICH, X, X, X),
	C(63, 0, A_FD, A_OUT, A_LEN, X, X, X), C(64, 0, A_FD, A_IN, A_LEN, X, X, X), C(65, 0, A_FD, A_IOV, A_IOVCNT, X, X, X),
	C(66, 0, A_FD, A_IOV, A_IOVCNT, X, X, X), C(67, 0, A_FD, A_OUT, A_LEN, A_OFF, X, X), C(68, 0, A_FD, A_IN, A_LEN, A_OFF, X, X),
	C(69, 0, A_FD, A_IOV, A_IOVCNT, A_OFF, A_OFF, X), C(70, 0, A_FD, A_IOV, A_IOVCNT, A_OFF, A_OFF, X),
	C(71, 0, A_FD, A_FD, A_UADDR, A_LEN, X, X), C(72, 0, A_INT, A_OUT, A_OUT, A_OUT, A_TS, A_PSELSIG),
	C(73, 0, A_POLLFDS, A_INT, A_TS, A_SIGSET, A_SSZ, X), C(74, F_RETFD, A_FD, A_SIGSET, A_SSZ, A_FLAGS, X, X),
	C(75, 0, A_FD, A_IOV, A_IOVCNT, A_FLAGS, X, X), C(76, 0, A_FD, A_UADDR, A_FD, A_UADDR, A_LEN, A_FLAGS),
	C(77, 0, A_FD, A_FD, A_LEN, A_FLAGS, X, X), C(78, 0, A_DIRFD, A_PATH, A_OUT, A_LEN, X, X),
	C(79, 0, A_DIRFD, A_PATH, A_OUT, A_FLAGS, X, X), C(80, 0, A_FD, A_OUT, X, X, X, X), C(81, 0, X, X, X, X, X, X),
	C(82, 0, A_FD, X, X, X, X, X), C(83, 0, A_FD, X, X, X, X, X), C(84, 0, A_FD, A_OFF, A_OFF, A_FLAGS, X, X),
	C(85, F_RETFD, A_CLOCK, A_FLAGS, X, X, X, X), C(86, 0, A_FD, A_FLAGS, A_ITS, A_OUT, X, X), C(87, 0, A_FD, A_OUT, X, X, X, X),
	C(88, 0, A_DIRFD, A_PATH, A_TS, A_FLAGS, X, X), C(89, 0, A_PATH, X, X, X, X, X), C(90, 0, A_STRUCT, A_OUT, X, X, X, X),
	C(91, 0, A_STRUCT, A_STRUCT, X, X, X, X), C(92, 0, A_FLAGS, X, X, X, X, X), C(93, F_SKIP, X, X, X, X, X, X),
	C(94, F_SKIP, X, X, X, X, X, X), C(95, 0, A_WHICH, A_PID, A_OUT, A_FLAGS, A_OUT, X), C(96, 0, A_UADDR, X, X, X, X, X),
	C(97, 0, A_FLAGS, X, X, X, X, X), C(98, 0, A_UADDR, A_FUTEXOP, A_INT, A_TS, A_UADDR, A_INT),
	C(99, 0, A_STRUCT, A_LEN, X, X, X, X), C(100, 0, A_PID, A_OUT, A_OUT, X, X, X), C(101, 0, A_TS, A_OUT, X, X, X, X),
	C(102, 0, A_WHICH, A_OUT, X, X, X, X), C(103, 0, A_WHICH, A_ITS, A_OUT, X, X, X), C(104, 0, A_ANY, A_INT, A_STRUCT, A_FLAGS, X, X),
	C(105, 0, A_IN, A_LEN, A_PATH, X, X, X), C(106, 0, A_PATH, A_FLAGS, X, X, X, X), C(107, 0, A_CLOCK, A_SIGEV, A_OUT, X, X, X),
	C(108, 0, A_INT, A_OUT, X, X, X, X), C(109, 0, A_INT, X, X, X, X, X), C(110, 0, A_INT, A_FLAGS, A_ITS, A_OUT, X, X),
	C(111, 0, A_INT, X, X, X, X, X), C(112, 0, A_CLOCK, A_TS, X, X, X, X), C(113, 0, A_CLOCK, A_OUT, X, X, X, X),
	C(114, 0, A_CLOCK, A_OUT, X, X, X, X), C(115, 0, A_CLOCK, A_FLAGS, A_TS, A_OUT, X, X), C(116, 0, A_INT, A_OUT, A_LEN, X, X, X),
	C(117, 0, A_INT, A_PID, A_UADDR, A_UADDR, X, X), C(118, 0, A_PID, A_STRUCT, X, X, X, X), C(119, 0, A_PID, A_WHICH, A_STRUCT, X, X, X),
	C(120, 0, A_PID, X, X, X, X, X), C(121, 0, A_PID, A_OUT, X, X, X, X), C(122, 0, A_PID, A_LEN, A_IN, X, X, X),
	C(123, 0, A_PID, A_LEN, A_OUT, X, X, X), C(124, 0, X, X, X, X, X, X), C(125, 0, A_WHICH, X, X, X, X, X), C(126, 0, A_WHICH, X, X, X, X, X),
	C(127, 0, A_PID, A_OUT, X, X, X, X), C(128, 0, X, X, X, X, X, X), C(129, 0, A_PID, A_SIG, X, X, X, X), C(130, 0, A_PID, A_SIG, X, X, X, X),
	C(131, 0, A_PID, A_PID, A_SIG, X, X, X), C(132, 0, A_STRUCT, A_OUT, X, X, X, X), C(133, 0, A_SIGSET, A_SSZ, X, X, X, X),
	C(134, 0, A_SIG, A_SIGACT, A_OUT, A_SSZ, X, X), C(135, 0, A_WHICH, A_SIGSET, A_OUT, A_SSZ, X, X), C(136, 0, A_OUT, A_SSZ, X, X, X, X),
	C(137, 0, A_SIGSET, A_OUT, A_TS, A_SSZ, X, X), C(138, 0, A_PID, A_SIG, A_STRUCT, X, X, X), C(139, F_SKIP, X, X, X, X, X, X),
	C(140, 0, A_WHICH, A_PID, A_INT, X, X, X), C(141, 0, A_WHICH, A_PID, X, X, X, X), C(142, F_SKIP, X, X, X, X, X, X),
	C(143, 0, A_UID, A_UID, X, X, X, X), C(144, 0, A_UID, X, X, X, X, X), C(145, 0, A_UID, A_UID, X, X, X, X), C(146, 0, A_UID, X, X, X, X, X),
	C(147, 0, A_UID, A_UID, A_UID, X, X, X), C(148, 0, A_OUT, A_OUT, A_OUT, X, X, X), C(149, 0, A_UID, A_UID, A_UID, X, X, X),
	C(150, 0, A_OUT, A_OUT, A_OUT, X, X, X), C(151, 0, A_UID, X, X, X, X, X), C(152, 0, A_UID, X, X, X, X, X), C(153, 0, A_OUT, X, X, X, X, X),
	C(154, 0, A_PID, A_PID, X, X, X, X), C(155, 0, A_PID, X, X, X, X, X), C(156, 0, A_PID, X, X, X, X, X), C(157, 0, X, X, X, X, X, X),
	C(158, 0, A_INT, A_OUT, X, X, X, X), C(159, 0, A_INT, A_IN, X, X, X, X), C(160, 0, A_OUT, X, X, X, X, X), C(161, 0, A_IN, A_LEN, X, X, X, X),
	C(162, 0, A_IN, A_LEN, X, X, X, X), C(163, 0, A_RES, A_OUT, X, X, X, X), C(164, 0, A_RES, A_STRUCT, X, X, X, X),
	C(165, 0, A_WHICH, A_OUT, X, X, X, X), C(166, 0, A_MODE, X, X, X, X, X), C(167, 0, A_PRCTL, A_ANY, A_ANY, A_ANY, A_ANY, X),
	C(168, 0, A_OUT, A_OUT, A_OUT, X, X, X), C(169, 0, A_OUT, A_OUT, X, X, X, X), C(170, 0, A_STRUCT, A_STRUCT, X, X, X, X),
	C(171, 0, A_STRUCT, X, X, X, X, X), C(172, 0, X, X, X, X, X, X), C(173, 0, X, X, X, X, X, X), C(174, 0, X, X, X, X, X, X),
	C(175, 0, X, X, X, X, X, X), C(176, 0, X, X, X, X, X, X), C(177, 0, X, X, X, X, X, X), C(178, 0, X, X, X, X, X, X),
	C(179, 0, A_OUT, X, X, X, X, X), C(180, F_RETFD, A_PATH, A_OFLAGS, A_MODE, A_STRUCT, X, X), C(181, 0, A_PATH, X, X, X, X, X),
	C(182, 0, A_FD, A_IN, A_LEN, A_INT, A_TS, X), C(183, 0, A_FD, A_OUT, A_LEN, A_OUT, A_TS, X), C(184, 0, A_FD, A_SIGEV, X, X, X, X),
	C(185, 0, A_FD, A_STRUCT, A_OUT, X, X, X), C(186, 0, A_ANY, A_FLAGS, X, X, X, X), C(187, 0, A_INT, A_INT, A_STRUCT, X, X, X),
	C(188, 0, A_INT, A_OUT, A_LEN, A_ANY, A_FLAGS, X), C(189, 0, A_INT, A_IN, A_LEN, A_FLAGS, X, X), C(190, 0, A_ANY, A_INT, A_FLAGS, X, X, X),
	C(191, 0, A_INT, A_INT, A_INT, A_STRUCT, X, X), C(192, 0, A_INT, A_STRUCT, A_INT, A_TS, X, X), C(193, 0, A_INT, A_STRUCT, A_INT, X, X, X),
	C(194, 0, A_ANY, A_MMLEN, A_FLAGS, X, X, X), C(195, 0, A_INT, A_INT, A_STRUCT, X, X, X), C(196, 0, A_INT, A_ADDR, A_FLAGS, X, X, X),
	C(197, 0, A_ADDR, X, X, X, X, X), C(198, F_RETFD, A_INT, A_FLAGS, A_INT, X, X, X), C(199, 0, A_INT, A_FLAGS, A_INT, A_OUT, X, X),
	C(200, 0, A_FD, A_STRUCT, A_LEN, X, X, X), C(201, 0, A_FD, A_INT, X, X, X, X), C(202, F_RETFD, A_FD, A_OUT, A_OUT, X, X, X),
	C(203, 0, A_FD, A_STRUCT, A_LEN, X, X, X), C(204, 0, A_FD, A_OUT, A_OUT, X, X, X), C(205, 0, A_FD, A_OUT, A_OUT, X, X, X),
	C(206, 0, A_FD, A_IN, A_LEN, A_FLAGS, A_STRUCT, A_LEN), C(207, 0, A_FD, A_OUT, A_LEN, A_FLAGS, A_OUT, A_OUT),
	C(208, 0, A_FD, A_INT, A_INT, A_IN, A_LEN, X), C(209, 0, A_FD, A_INT, A_INT, A_OUT, A_OUT, X), C(210, 0, A_FD, A_WHICH, X, X, X, X),
	C(211, 0, A_FD, A_STRUCT, A_FLAGS, X, X, X), C(212, 0, A_FD, A_STRUCT, A_FLAGS, X, X, X), C(213, 0, A_FD, A_OFF, A_LEN, X, X, X),
	C(214, 0, A_ADDR, X, X, X, X, X), C(215, F_MMRANGE, A_ADDR, A_MMLEN, X, X, X, X),
	C(216, F_MMRANGE, A_ADDR, A_MMLEN, A_MMLEN, A_MREMAPFL, A_ADDR, X), C(217, 0, A_PATH, A_PATH, A_IN, A_LEN, A_INT, X),
	C(218, 0, A_PATH, A_PATH, A_PATH, A_INT, X, X), C(219, 0, A_INT, A_ANY, A_ANY, A_ANY, A_ANY, X), C(220, F_SKIP, X, X, X, X, X, X),
	C(221, F_SKIP, X, X, X, X, X, X), C(222, 0, A_ADDR, A_MMLEN, A_PROT, A_MMAPFL, A_FD, A_MMOFF), C(223, 0, A_FD, A_OFF, A_OFF, A_WHICH, X, X),
	C(224, 0, A_PATH, A_FLAGS, X, X, X, X), C(225, 0, A_PATH, X, X, X, X, X), C(226, F_MMRANGE, A_ADDR, A_MMLEN, A_PROT, X, X, X),
	C(227, 0, A_ADDR, A_MMLEN, A_FLAGS, X, X, X), C(228, 0, A_ADDR, A_MMLEN, X, X, X, X), C(229, 0, A_ADDR, A_MMLEN, X, X, X, X),
	C(230, 0, A_FLAGS, X, X, X, X, X), C(231, 0, X, X, X, X, X, X), C(232, 0, A_ADDR, A_MMLEN, A_OUT, X, X, X),
	C(233, F_MMRANGE, A_ADDR, A_MMLEN, A_WHICH, X, X, X), C(234, F_MMRANGE, A_ADDR, A_MMLEN, A_PROT, A_OFF, A_FLAGS, X),
	C(235, 0, A_ADDR, A_MMLEN, A_WHICH, A_IN, A_INT, A_FLAGS), C(236, 0, A_OUT, A_OUT, A_INT, A_ADDR, A_FLAGS, X),
	C(237, 0, A_WHICH, A_IN, A_INT, X, X, X), C(238, 0, A_PID, A_INT, A_IN, A_IN, X, X), C(239, 0, A_PID, A_INT, A_IN, A_IN, A_OUT, A_FLAGS),
	C(240, 0, A_PID, A_PID, A_SIG, A_STRUCT, X, X), C(241, F_RETFD, A_STRUCT, A_PID, A_INT, A_FD, A_FLAGS, X),
	C(242, F_RETFD, A_FD, A_OUT, A_OUT, A_FLAGS, X, X), C(243, 0, A_FD, A_STRUCT, A_INT, A_FLAGS, A_TS, X),
	C(258, 0, A_OUT, A_INT, A_LEN, A_IN, A_FLAGS, X), C(259, 0, A_ADDR, A_ADDR, A_FLAGS, X, X, X),
	C(260, 0, A_PID, A_OUT, A_FLAGS, A_OUT, X, X), C(261, 0, A_PID, A_RES, A_STRUCT, A_OUT, X, X), C(262, F_RETFD, A_FLAGS, A_FLAGS, X, X, X, X),
	C(263, 0, A_FD, A_FLAGS, A_FLAGS, A_DIRFD, A_PATH, X), C(264, 0, A_DIRFD, A_PATH, A_STRUCT, A_OUT, A_FLAGS, X),
	C(265, F_RETFD, A_FD, A_STRUCT, A_FLAGS, X, X, X), C(266, 0, A_CLOCK, A_STRUCT, X, X, X, X), C(267, 0, A_FD, X, X, X, X, X),
	C(268, 0, A_FD, A_FLAGS, X, X, X, X), C(269, 0, A_FD, A_STRUCT, A_INT, A_FLAGS, X, X), C(270, 0, A_PID, A_IOV, A_IOVCNT, A_IOV, A_IOVCNT, A_FLAGS),
	C(271, 0, A_PID, A_IOV, A_IOVCNT, A_IOV, A_IOVCNT, A_FLAGS), C(272, 0, A_PID, A_PID, A_INT, A_ANY, A_ANY, X), C(273, 0, A_FD, A_PATH, A_FLAGS, X, X, X),
	C(274, 0, A_PID, A_STRUCT, A_FLAGS, X, X, X), C(275, 0, A_PID, A_OUT, A_LEN, A_FLAGS, X, X),
	C(276, 0, A_DIRFD, A_PATH, A_DIRFD, A_PATH, A_FLAGS, X), C(277, F_SKIP, X, X, X, X, X, X), C(278, 0, A_OUT, A_LEN, A_FLAGS, X, X, X),
	C(279, F_RETFD, A_PATH, A_FLAGS, X, X, X, X), C(280, 0, A_INT, A_STRUCT, A_LEN, X, X, X), C(281, F_SKIP, X, X, X, X, X, X),
	C(282, F_RETFD, A_FLAGS, X, X, X, X, X), C(283, 0, A_FLAGS, A_FLAGS, A_INT, X, X, X), C(284, 0, A_ADDR, A_MMLEN, A_FLAGS, X, X, X),
	C(285, 0, A_FD, A_UADDR, A_FD, A_UADDR, A_LEN, A_FLAGS), C(286, 0, A_FD, A_IOV, A_IOVCNT, A_OFF, A_OFF, A_FLAGS),
	C(287, 0, A_FD, A_IOV, A_IOVCNT, A_OFF, A_OFF, A_FLAGS), C(288, F_MMRANGE, A_ADDR, A_MMLEN, A_PROT, A_INT, X, X),
	C(289, 0, A_FLAGS, A_FLAGS, X, X, X, X), C(290, 0, A_INT, X, X, X, X, X), C(291, 0, A_DIRFD, A_PATH, A_FLAGS, A_FLAGS, A_OUT, X),
	C(292, 0, X, A_INT, A_INT, A_OUT, A_TS, A_STRUCT), C(293, F_SKIP, X, X, X, X, X, X), C(294, 0, A_FD, A_FD, A_LEN, A_PATH, A_FLAGS, X),
	C(424, 0, A_FD, A_SIG, A_STRUCT, A_FLAGS, X, X), C(425, F_SKIP, X, X, X, X, X, X), C(426, F_SKIP, X, X, X, X, X, X),
	C(427, F_SKIP, X, X, X, X, X, X), C(428, F_RETFD, A_DIRFD, A_PATH, A_FLAGS, X, X, X), C(429, 0, A_DIRFD, A_PATH, A_DIRFD, A_PATH, A_FLAGS, X),
	C(430, F_RETFD, A_PATH, A_FLAGS, X, X, X, X), C(431, 0, A_FD, A_INT, A_PATH, A_IN, A_INT, X), C(432, F_RETFD, A_FD, A_FLAGS, A_FLAGS, X, X, X),
	C(433, F_RETFD, A_DIRFD, A_PATH, A_FLAGS, X, X, X), C(434, F_RETFD, A_PID, A_FLAGS, X, X, X, X), C(435, F_SKIP, X, X, X, X, X, X),
	C(436, 0, A_FD, A_FD, A_FLAGS, X, X, X), C(437, F_RETFD, A_DIRFD, A_PATH, A_STRUCT, A_LEN, X, X), C(438, F_RETFD, A_FD, A_FD, A_FLAGS, X, X, X),
	C(439, 0, A_DIRFD, A_PATH, A_MODE, A_FLAGS, X, X), C(440, 0, A_FD, A_IOV, A_IOVCNT, A_WHICH, A_FLAGS, X),
	C(441, 0, A_FD, A_OUT, A_INT, A_TS, A_SIGSET, A_SSZ), C(442, 0, A_DIRFD, A_PATH, A_FLAGS, A_STRUCT, A_LEN, X),
	C(443, 0, A_FD, A_INT, A_INT, A_UADDR, X, X), C(444, F_RETFD, A_STRUCT, A_LEN, A_FLAGS, X, X, X), C(445, 0, A_FD, A_INT, A_STRUCT, A_FLAGS, X, X),
	C(446, 0, A_FD, A_FLAGS, X, X, X, X), C(447, F_RETFD, A_FLAGS, X, X, X, X, X), C(448, 0, A_FD, A_FLAGS, X, X, X, X),
	C(449, 0, A_STRUCT, A_INT, A_FLAGS, A_TS, A_CLOCK, X), C(450, 0, A_ADDR, A_MMLEN, A_INT, A_FLAGS, X, X),
	C(451, 0, A_FD, A_STRUCT, A_OUT, A_FLAGS, X, X), C(452, 0, A_DIRFD, A_PATH, A_MODE, A_FLAGS, X, X),
	C(453, 0, A_ADDR, A_MMLEN, A_FLAGS, X, X, X), C(454, 0, A_UADDR, A_ANY, A_INT, A_FLAGS, X, X),
	C(455, 0, A_UADDR, A_ANY, A_ANY, A_FLAGS, A_TS, A_CLOCK), C(456, 0, A_STRUCT, A_FLAGS, A_INT, A_INT, X, X),
	C(462, F_MMRANGE, A_ADDR, A_MMLEN, A_FLAGS, X, X, X),
};
#define NCALLS (sizeof calls / sizeof calls[0])

/* ---- the generator: xorshift128 on 32-bit words, seeded from SEED (32-bit operations only:
 * they are the cheap ones for an interpreter that keeps registers as 32-bit halves) ---- */
static __thread uint32_t rs[4]; /* per thread: each has its own stream */

/* Returns the calling thread's next 32 random bits. */
static uint32_t rnd32(void)
{
	uint32_t t = rs[3], s = rs[0];
	rs[3] = rs[2]; rs[2] = rs[1]; rs[1] = s;
	t ^= t << 11;
	t ^= t >> 8;
	return rs[0] = t ^ s ^ (s >> 19);
}

/* Returns 64 random bits. */
static u64 rnd(void) { return (u64)rnd32() << 32 | rnd32(); }
/* Uniform in [0, n) for 0 < n < 2^32 (0 for n = 0). */
static u64 below(u64 n) { return n ? rnd32() % (uint32_t)n : 0; }
/* Returns 1 with probability pct percent. */
static int chance(unsigned pct) { return rnd32() % 100 < pct; }
#define PICK(arr) ((arr)[below(sizeof(arr) / sizeof((arr)[0]))])

/* ---- the fuzzer's own state ---- */
static unsigned char *victim, *ro_page, *none_page;
static __thread unsigned char *scratch;  /* each thread's own argument buffers */
static __thread size_t scratch_used;
static struct { u64 lo, hi; } protected[MAX_PROTECTED];
static int nprotected;
static long fds[FD_POOL];
static int nfds;
static __thread struct { u64 addr, len; } maps[MAP_POOL];
static __thread int nmaps;
static u64 initial_brk;
static long self_pid;
static int nthreads = 1;
static long tids[MAX_THREADS];
static int watchdogs[MAX_THREADS];
static volatile unsigned long signals_seen;
static const char *workdir = "/tmp";
static unsigned char answered_enosys[sizeof calls / sizeof calls[0]]; /* tried less often */
static unsigned long per_made[sizeof calls / sizeof calls[0]], per_ok[sizeof calls / sizeof calls[0]];
/* Totals over all threads (updated with atomic adds). */
static unsigned long made, skipped, failed, succeeded, enosys, efault, einval, eintr;
static u64 seed;
static unsigned long count;
static pthread_barrier_t ready, go;
static int finished;

/* The handler of every catchable signal: counts it (the count is only reported). */
static void handler(int sig) { (void)sig; signals_seen++; }

/* Makes system call nr with six arguments; returns a0 (-errno on failure), bypassing libc. */
static inline long raw6(long nr, u64 a0, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5)
{
	register u64 r_a0 __asm__("a0") = a0;
	register u64 r_a1 __asm__("a1") = a1;
	register u64 r_a2 __asm__("a2") = a2;
	register u64 r_a3 __asm__("a3") = a3;
	register u64 r_a4 __asm__("a4") = a4;
	register u64 r_a5 __asm__("a5") = a5;
	register long r_a7 __asm__("a7") = nr;
	__asm__ volatile("ecall" : "+r"(r_a0) : "r"(r_a1), "r"(r_a2), "r"(r_a3), "r"(r_a4), "r"(r_a5), "r"(r_a7) : "memory");
	return (long)r_a0;
}

/* Returns n bytes of scratch (bump allocation, reset per call), aligned to 8. */
static unsigned char *salloc(size_t n)
{
	scratch_used = (scratch_used + 7) & ~7UL;
	if (scratch_used + n > SCRATCH_SIZE) scratch_used = 0;
	unsigned char *p = scratch + scratch_used;
	scratch_used += n;
	return p;
}

/* Fills n bytes at p with random bytes. */
static void fill_random(unsigned char *p, size_t n)
{
	size_t i = 0;
	for (; i + 4 <= n; i += 4) { uint32_t v = rnd32(); memcpy(p + i, &v, 4); }
	for (; i < n; i++) p[i] = (unsigned char)rnd32();
}

/* Appends the NUL-terminated s at p + n (p holds cap bytes); returns the new length. */
static size_t append(char *p, size_t n, size_t cap, const char *s)
{
	while (*s && n + 1 < cap) p[n++] = *s++;
	p[n] = 0;
	return n;
}

/* A length: boundaries around pages and the scratch size, 2^31 and 2^32, negative, random. */
static u64 gen_len(void)
{
	static const u64 lens[] = {0, 1, 2, 4, 7, 8, 16, 64, 128, 255, 256, 4095, 4096, 4097, 65536, SCRATCH_SIZE,
		SCRATCH_SIZE + 1, 0x7ffff000, 0x7fffffff, 0x80000000, 0xffffffff, 0x100000000, 1ULL << 62, 1ULL << 63,
		(u64)-1, (u64)-4096};
	if (chance(30)) return below(512);
	if (chance(5)) return rnd();
	return PICK(lens);
}

/* An address with no mapping or no access, of every flavour the kernel must survive. */
static u64 bad_addr(void)
{
	static const u64 addrs[] = {0, 1, 8, 0xfff, 0x1000, 0x10000 - 8, 0x100000000ULL, 0x3fffffff000ULL,
		0x4000000000ULL, 0x7ffffffff000ULL, 0x800000000000ULL, 0xffffffc000000000ULL, 0xfffffffffffff000ULL,
		(u64)-1, (u64)-8};
	switch (below(6)) {
	case 0: return (u64)none_page + below(PAGE);
	case 1: return (u64)scratch + SCRATCH_SIZE + below(PAGE); /* the guard page after scratch */
	case 2: return (u64)scratch - 1 - below(PAGE);            /* the guard page before it */
	case 3: return rnd();
	default: return PICK(addrs);
	}
}

/* A pointer to memory the kernel may write: scratch (aligned, odd, or ending in the guard page),
 * the victim region, a fuzz mapping, read-only pages, the program text, or a bad address. */
static u64 gen_ptr(int writable_only)
{
	unsigned r = below(100);
	if (r < 35) return (u64)scratch + (below(SCRATCH_SIZE) & ~7UL);
	if (r < 45) return (u64)scratch + below(SCRATCH_SIZE);
	if (r < 52) return (u64)scratch + SCRATCH_SIZE - 1 - below(64);
	if (r < 58) return (u64)victim + below(VICTIM_PAGES * PAGE);
	if (r < 63 && nmaps > 0) { int i = below(nmaps); return maps[i].addr + below(maps[i].len); }
	if (!writable_only && r < 70) return (u64)ro_page + below(PAGE);
	if (!writable_only && r < 74) return (u64)(uintptr_t)&handler;
	return bad_addr();
}

/* A pointer to a structure the fuzzer filled itself (or a bad address): never memory whose
 * contents it does not control, so sanitized fields stay sanitized. */
static u64 own_ptr(unsigned char *filled)
{
	return chance(80) ? (u64)filled : bad_addr();
}

/* A qword for nested structures: small numbers, flags, pointers good and bad. */
static u64 gen_qword(void)
{
	switch (below(5)) {
	case 0: return below(16);
	case 1: return gen_ptr(1);
	case 2: return bad_addr();
	case 3: return gen_len();
	default: return rnd();
	}
}

/* An fd: mostly one the fuzzer opened, else -1, AT_FDCWD, stdio, or past the table's end. */
static u64 gen_fd(void)
{
	static const long odd[] = {-1, -100, 0, 1, 2, 3, 1023, 1024, 65535, 0x7fffffff, -2147483648L};
	if (nfds > 0 && chance(70)) return (u64)fds[below(nfds)];
	return (u64)PICK(odd);
}

/* A path from a small vocabulary (so even a sandbox bug could only reach names fz0..fz5),
 * or a hostile one: empty, too long, a component too long, unterminated at the guard page. */
static u64 gen_path(void)
{
	static const char *starts[] = {"", "/", "./", "../", "../../../../", "/tmp/", "/proc/self/", "/proc/self/fd/",
		"/proc/self/root/", "/proc/self/cwd/", "/dev/", "/proc/", "fz0/", "fz1/../", "/proc/self/root/../../"};
	static const char *parts[] = {"fz0", "fz1", "fz2", "fz3", "fz4", "fz5", ".", "..", "fz0/fz1", "3", "4", "exe",
		"null", "zero", "urandom", "self", "maps", "fd", "root", "cwd", "status"};
	unsigned r = below(100);
	if (r < 4) return bad_addr();
	if (r < 7) { /* unterminated: runs into the guard page */
		unsigned char *p = scratch + SCRATCH_SIZE - 64;
		memset(p, 'a', 64);
		return (u64)p;
	}
	if (r < 9) { char *p = (char *)salloc(PATH_LONG + 1); memset(p, 'a', PATH_LONG); p[PATH_LONG] = 0; return (u64)p; }
	if (r < 11) { char *p = (char *)salloc(NAME_LONG + 8); memcpy(p, "fz0/", 4); memset(p + 4, 'b', NAME_LONG); p[NAME_LONG + 4] = 0; return (u64)p; }
	if (r < 13) { char *p = (char *)salloc(1); p[0] = 0; return (u64)p; }
	char *p = (char *)salloc(256);
	size_t n = append(p, 0, 256, r < 25 ? workdir : PICK(starts));
	if (r < 25) n = append(p, n, 256, "/");
	int k = 1 + below(3);
	for (int i = 0; i < k; i++) {
		if (i) n = append(p, n, 256, "/");
		n = append(p, n, 256, PICK(parts));
	}
	if (chance(10)) n = append(p, n, 256, "/");
	return (u64)p;
}

/* A signal set that never blocks SIGALRM (the watchdog), or a bad pointer. */
static u64 gen_sigset(void)
{
	if (chance(20)) return 0;
	u64 *set = (u64 *)salloc(SIGSET_BYTES);
	*set = chance(50) ? rnd() : (chance(50) ? 0 : ~0ULL);
	*set &= ~(1ULL << (SIGALRM - 1));
	return own_ptr((unsigned char *)set);
}

/* A timespec (or a pair: itimerspec) with zero, huge, negative and out-of-range fields, or a
 * bad pointer. */
static u64 gen_timespec(void)
{
	static const int64_t secs[] = {0, 0, 1, -1, 0x7fffffffffffffffLL, 1LL << 40};
	static const int64_t nsecs[] = {0, 1, 1000, 999999999, 1000000000, -1};
	if (chance(15)) return chance(50) ? 0 : bad_addr();
	int64_t *ts = (int64_t *)salloc(32);
	ts[0] = PICK(secs); ts[1] = PICK(nsecs); ts[2] = PICK(secs); ts[3] = PICK(nsecs);
	if (chance(10)) fill_random((unsigned char *)ts, 32);
	return own_ptr((unsigned char *)ts);
}

/* An array of 8 iovecs whose bases are good and bad pointers and whose lengths are small or
 * hostile (nested pointers to unmapped memory). */
static u64 gen_iov(void)
{
	u64 *iov = (u64 *)salloc(8 * 16);
	for (int i = 0; i < 8; i++) { iov[2 * i] = gen_ptr(1); iov[2 * i + 1] = chance(70) ? below(256) : gen_len(); }
	return chance(85) ? (u64)iov : gen_ptr(0);
}

/* A struct of random qwords and nested pointers. */
static u64 gen_struct(void)
{
	u64 *s = (u64 *)salloc(128);
	for (int i = 0; i < 16; i++) s[i] = gen_qword();
	return chance(85) ? (u64)s : gen_ptr(0);
}

/* A signal number: mostly 0..65 (so some are invalid), sometimes any 32-bit value. */
static int gen_signal(void)
{
	return chance(90) ? (int)below(NSIG_KERNEL + 2) : (int)rnd();
}

/* struct sigaction (kernel layout: handler, flags, mask) that keeps the run alive: our handler or
 * SIG_IGN, never SA_RESETHAND or SA_ONSTACK; SIGALRM keeps our handler and no SA_RESTART. */
static u64 gen_sigaction(void)
{
	u64 *act = (u64 *)salloc(24);
	act[0] = chance(70) ? (u64)(uintptr_t)handler : (u64)(uintptr_t)SIG_IGN;
	act[1] = chance(50) ? rnd() : (chance(50) ? SA_SIGINFO : 0);
	act[1] &= ~(u64)(SA_RESETHAND | SA_ONSTACK);
	act[2] = rnd() & ~(1ULL << (SIGALRM - 1));
	return own_ptr((unsigned char *)act);
}

/* struct sigevent that never delivers SIGKILL or SIGSTOP. */
static u64 gen_sigevent(void)
{
	unsigned char *ev = salloc(64);
	fill_random(ev, 64);
	int sig = gen_signal();
	if (sig == SIGKILL || sig == SIGSTOP) sig = SIGUSR1;
	memcpy(ev + 8, &sig, 4);
	int notify = (int)PICK(((int[]){0, 1, 2, 4, 5, 99})); /* SIGNAL, NONE, THREAD, THREAD_ID, .. */
	memcpy(ev + 12, &notify, 4);
	int tid = chance(50) ? (int)tids[below(nthreads)] : (int)rnd();
	memcpy(ev + 16, &tid, 4);
	return own_ptr(ev);
}

/* An array of 8 pollfds with fuzzed fds and random event bits. */
static u64 gen_pollfds(void)
{
	short *p = (short *)salloc(8 * 8);
	for (int i = 0; i < 8; i++) {
		int fd = (int)gen_fd();
		memcpy(p + 4 * i, &fd, 4);
		p[4 * i + 2] = (short)rnd();
		p[4 * i + 3] = (short)rnd();
	}
	return chance(85) ? (u64)p : gen_ptr(0);
}

/* An address for memory-management calls: in the victim region, a fuzz mapping, anywhere. */
static u64 gen_addr(void)
{
	unsigned r = below(100);
	if (r < 40) return (u64)victim + (below(VICTIM_PAGES) * PAGE) + (chance(10) ? below(PAGE) : 0);
	if (r < 55 && nmaps > 0) return maps[below(nmaps)].addr;
	if (r < 65) return 0;
	if (r < 75) return (u64)ro_page;
	return bad_addr();
}

/* A length for memory calls: zero, unaligned, a page, the victim's size, huge, negative. */
static u64 gen_mmlen(void)
{
	static const u64 lens[] = {0, 1, PAGE - 1, PAGE, PAGE + 1, 2 * PAGE, 16 * PAGE, VICTIM_PAGES * PAGE,
		1ULL << 20, 1ULL << 26, 1ULL << 48, 1ULL << 63, (u64)-1, (u64)-PAGE};
	return chance(20) ? below(8 * PAGE) : PICK(lens);
}

/* Returns an argument of the given kind (enum kind), hostile in the ways that kind allows. */
static u64 gen_value(unsigned char kind)
{
	switch (kind) {
	case A_FD: return gen_fd();
	case A_DIRFD: return chance(50) ? (u64)-100 /* AT_FDCWD */ : gen_fd();
	case A_PATH: return gen_path();
	case A_IN: { unsigned char *p = salloc(32); fill_random(p, 32); return chance(60) ? (u64)p : gen_ptr(0); }
	case A_OUT: return gen_ptr(0);
	case A_LEN: return gen_len();
	case A_FLAGS: {
		unsigned r = below(100);
		if (r < 35) return 0;
		if (r < 60) return below(16);
		if (r < 75) return 1ULL << below(24);
		if (r < 90) return (u64)rnd32();
		return chance(50) ? (u64)-1 : rnd();
	}
	case A_OFLAGS: { /* access mode plus a few of the O_* bits, sometimes junk */
		static const u64 bits[] = {0x40 /* CREAT */, 0x80 /* EXCL */, 0x200 /* TRUNC */, 0x400 /* APPEND */,
			0x800 /* NONBLOCK */, 0x10000 /* DIRECTORY */, 0x20000 /* NOFOLLOW */, 0x80000 /* CLOEXEC */,
			0x200000 /* PATH */, 0x410000 /* TMPFILE */, 0x1000 /* DSYNC */, 0x4000 /* DIRECT */, 0x40000 /* NOATIME */};
		u64 f = below(chance(95) ? 3 : 4);
		int n = below(4);
		for (int i = 0; i < n; i++) f |= PICK(bits);
		if (chance(50)) f |= 0x40;
		return chance(95) ? f : rnd();
	}
	case A_MMAPFL: { /* exactly one sharing type, plus some of the MAP_* bits */
		static const u64 bits[] = {MAP_FIXED, MAP_ANONYMOUS, MAP_ANONYMOUS, MAP_GROWSDOWN, MAP_NORESERVE, MAP_POPULATE,
			MAP_STACK, 0x100000 /* FIXED_NOREPLACE */, 0x40000 /* HUGETLB */, 0x80000 /* SYNC */, 0x1000 /* DENYWRITE */};
		u64 f = PICK(((u64[]){MAP_PRIVATE, MAP_PRIVATE, MAP_PRIVATE, MAP_SHARED, MAP_SHARED, 3 /* SHARED_VALIDATE */, 0}));
		int n = below(4);
		for (int i = 0; i < n; i++) f |= PICK(bits);
		if (chance(50)) f |= MAP_ANONYMOUS;
		return chance(95) ? f : rnd();
	}
	case A_MREMAPFL: return chance(90) ? below(8) : rnd();
	case A_MMOFF: return chance(60) ? 0 : chance(70) ? below(16) * PAGE : gen_value(A_OFF);
	case A_MODE: return chance(40) ? below(8) : chance(80) ? below(010000) : rnd();
	case A_OFF: return chance(40) ? below(8192) : PICK(((u64[]){0, 1, PAGE, 1ULL << 20, 0x7fffffff, 0x80000000,
		1ULL << 40, 1ULL << 62, 0x7fffffffffffffffULL, (u64)-1, (u64)-PAGE}));
	case A_INT: return PICK(((u64[]){0, 1, 2, 3, 16, 64, 1024, 0x7fffffff, (u64)-1, (u64)-2, rnd(), below(100)}));
	case A_PID: return PICK(((u64[]){0, (u64)self_pid, (u64)tids[below(nthreads)], 1, (u64)-1, (u64)-(long)self_pid, 99999, rnd()}));
	case A_SIG: return (u64)gen_signal();
	case A_UID: return PICK(((u64[]){0, 1000, 65534, (u64)-1, 0xffffffff, rnd()}));
	case A_SIGSET: return gen_sigset();
	case A_SSZ: return chance(85) ? SIGSET_BYTES : gen_len();
	case A_TS: case A_ITS: return gen_timespec();
	case A_IOV: return gen_iov();
	case A_IOVCNT: return PICK(((u64[]){0, 1, 2, 3, 8, 9, 1024, 1025, (u64)-1, 0x80000000}));
	case A_STRUCT: return gen_struct();
	case A_ADDR: return gen_addr();
	case A_MMLEN: return gen_mmlen();
	case A_PROT: return chance(80) ? below(8) : rnd();
	case A_CLOCK: return PICK(((u64[]){0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, (u64)-1, (u64)-2, (u64)-6, rnd()}));
	case A_WHICH: return chance(80) ? below(5) : rnd();
	case A_FUTEXOP: return (below(14) | (chance(50) ? 128 : 0) | (chance(20) ? 256 : 0)) ^ (chance(5) ? rnd() : 0);
	case A_FCNTL: return chance(85) ? PICK(((u64[]){0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 1024, 1025, 1026, 1030, 1031,
		1032, 1033, 1034, 36, 37, 38})) : rnd();
	case A_IOCTL: return chance(85) ? PICK(((u64[]){0x5401, 0x5402, 0x5403, 0x5404, 0x540f, 0x5410, 0x5413, 0x5414,
		0x541b, 0x5421, 0x5450, 0x5451, 0x5452, 0x80086601, 0x40086602, 0x5422})) : rnd();
	case A_SIGACT: return gen_sigaction();
	case A_SIGEV: return gen_sigevent();
	case A_PSELSIG: { u64 *s = (u64 *)salloc(16); s[0] = gen_sigset(); s[1] = chance(85) ? SIGSET_BYTES : gen_len(); return own_ptr((unsigned char *)s); }
	case A_RES: return chance(85) ? below(17) : rnd();
	case A_PRCTL: return chance(85) ? below(70) : rnd();
	case A_UADDR: return chance(60) ? (u64)scratch + (below(SCRATCH_SIZE / 4) * 4) : gen_ptr(0);
	case A_POLLFDS: return gen_pollfds();
	default:
		if (chance(50)) return gen_qword();
		return PICK(((u64[]){0, 1, (u64)-1, rnd()}));
	}
}

/* True if [addr, addr+len) after page rounding touches a range the fuzzer must keep. A range
 * that wraps past 2^64 touches nothing (the kernel must refuse it). */
static int touches_protected(u64 addr, u64 len)
{
	u64 lo = addr & ~(PAGE - 1);
	u64 hi = addr + len + PAGE - 1;
	if (hi < addr) return 0;
	hi &= ~(PAGE - 1);
	if (len == 0) hi = lo + PAGE;
	for (int i = 0; i < nprotected; i++)
		if (lo < protected[i].hi && hi > protected[i].lo) return 1;
	return 0;
}

/* True for argument kinds that name an fd. */
static int is_fd_arg(unsigned char k) { return k == A_FD || k == A_DIRFD; }

/* Returns nonzero if the call, with these arguments, would end the run or harm the fuzzer; may
 * also rewrite a structure it filled (the SIGALRM action) so that the call is harmless. */
static int skip_or_sanitize(const struct call *c, u64 *a)
{
	if (c->flags & F_SKIP) return 1;
	for (int i = 0; i < 6; i++)
		if (is_fd_arg(c->a[i]) && (long)a[i] == OUT_FD) return 1;
	if ((c->flags & F_MMRANGE) && touches_protected(a[0], a[1])) return 1;
	switch (c->nr) {
	case NR_kill: case NR_tkill: case NR_rt_sigqueueinfo: case NR_pidfd_send_signal:
		if ((int)a[1] == SIGKILL || (int)a[1] == SIGSTOP) return 1;
		break;
	case NR_tgkill: case NR_rt_tgsigqueueinfo:
		if ((int)a[2] == SIGKILL || (int)a[2] == SIGSTOP) return 1;
		break;
	case NR_timer_settime: case NR_timer_delete:
		for (int t = 0; t < nthreads; t++)
			if ((int)a[0] == watchdogs[t]) return 1;
		break;
	case NR_close_range:
		if ((unsigned)a[0] <= OUT_FD && (unsigned)a[1] >= OUT_FD) return 1;
		break;
	case NR_mmap: /* MAP_FIXED replaces whatever is there */
		if ((a[3] & MAP_FIXED) && touches_protected(a[0], a[1])) return 1;
		break;
	case NR_mremap: /* MREMAP_FIXED (2) unmaps the target range */
		if ((a[3] & 2) && touches_protected(a[4], a[2])) return 1;
		break;
	case NR_shmat: /* may map over any address */
		if (a[1] != 0) return 1;
		break;
	case NR_brk: /* shrinking below the start frees glibc's TLS block */
		if (a[0] != 0 && a[0] < initial_brk && a[0] > 0x10000) return 1;
		break;
	case NR_setrlimit: /* RLIMIT_CPU would end the run if it were enforced */
		if (a[0] == 0) return 1;
		break;
	case NR_prlimit64:
		if (a[1] == 0) return 1;
		break;
	case NR_prctl: /* PR_SET_SECCOMP, PR_SET_MM */
		if (a[0] == 22 || a[0] == 35) return 1;
		break;
	case NR_process_vm_writev:
		for (int t = 0; t < nthreads; t++)
			if ((long)a[0] == tids[t]) return 1;
		if ((long)a[0] == self_pid) return 1;
		break;
	case NR_fcntl: /* F_SETSIG: I/O readiness could send SIGKILL or SIGSTOP */
		if ((int)a[1] == 10 && ((int)a[2] == SIGKILL || (int)a[2] == SIGSTOP)) return 1;
		break;
	case NR_rt_sigaction: /* the watchdog's action stays ours, without SA_RESTART */
		if ((int)a[0] == SIGALRM && a[1] >= (u64)scratch && a[1] < (u64)scratch + SCRATCH_SIZE) {
			u64 *act = (u64 *)a[1];
			act[0] = (u64)(uintptr_t)handler;
			act[1] &= ~(u64)SA_RESTART;
		}
		break;
	}
	return 0;
}

/* Keeps the results the fuzzer can reuse: new fds and small new mappings. */
static void remember(const struct call *c, u64 *a, long r)
{
	if (r < 0 && r > -4096) return;
	if ((c->flags & F_RETFD) && r >= 0 && r != OUT_FD) fds[nfds < FD_POOL ? nfds++ : (int)below(FD_POOL)] = r;
	if ((c->flags & F_PIPEFDS) && a[0] >= (u64)scratch && a[0] + 8 <= (u64)scratch + SCRATCH_SIZE) {
		int two[2];
		memcpy(two, (void *)a[0], 8);
		for (int i = 0; i < 2; i++) fds[nfds < FD_POOL ? nfds++ : (int)below(FD_POOL)] = two[i];
	}
	if (c->nr == NR_mmap || c->nr == NR_mremap) {
		u64 len = c->nr == NR_mmap ? a[1] : a[2];
		if (touches_protected((u64)r, len)) return;
		if (len > MAP_POOL_MAX_LEN) { raw6(NR_munmap, (u64)r, len, 0, 0, 0, 0); return; }
		int i;
		if (nmaps < MAP_POOL) {
			i = nmaps++;
		} else { /* make room: the mapping that leaves the pool is unmapped */
			i = (int)below(MAP_POOL);
			if (!touches_protected(maps[i].addr, maps[i].len)) raw6(NR_munmap, maps[i].addr, maps[i].len, 0, 0, 0, 0);
		}
		maps[i].addr = (u64)r;
		maps[i].len = len;
	}
}

/* Records every mapping present now (text, data, heap, stack, scratch, vDSO...) as protected. */
static void read_protected(void)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];
	if (!f) { dprintf(OUT_FD, "sysfuzz: cannot read /proc/self/maps\n"); raw6(NR_exit_group, 1, 0, 0, 0, 0, 0); }
	while (fgets(line, sizeof line, f) && nprotected < MAX_PROTECTED) {
		unsigned long lo, hi;
		if (sscanf(line, "%lx-%lx", &lo, &hi) != 2) continue;
		if (lo == (u64)victim) continue;
		protected[nprotected].lo = lo;
		protected[nprotected].hi = hi;
		nprotected++;
	}
	fclose(f);
}

/* Redirects stdio, maps the shared regions and opens the starting fds (single-threaded). */
static void setup(void)
{
	/* Output goes only to OUT_FD; fds 1 and 2 become /dev/null so the host's stderr is ecall's. */
	if (fcntl(1, F_DUPFD, OUT_FD) != OUT_FD) raw6(NR_exit_group, 3, 0, 0, 0, 0, 0);
	int null = open("/dev/null", O_RDWR);
	dup2(null, 1);
	dup2(null, 2);
	close(null);

	victim = mmap(NULL, VICTIM_PAGES * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ro_page = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	memset(ro_page, 0x5a, PAGE);
	mprotect(ro_page, PAGE, PROT_READ);
	none_page = mmap(NULL, PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	self_pid = raw6(NR_getpid, 0, 0, 0, 0, 0, 0);

	/* Files to start from: a pipe, an eventfd, an epoll fd, a timerfd, a work file and its
	 * directory, special files and a procfs file. */
	int p[2];
	if (pipe(p) == 0) { fds[nfds++] = p[0]; fds[nfds++] = p[1]; }
	static const char *opens[] = {"/dev/null", "/dev/zero", "/dev/urandom", "/proc/self/maps", "/proc/self/status", "/"};
	for (unsigned i = 0; i < sizeof opens / sizeof opens[0]; i++) {
		int fd = open(opens[i], O_RDONLY);
		if (fd >= 0) fds[nfds++] = fd;
	}
	if (chdir(workdir) == 0) {
		int fd = open("fz0", O_RDWR | O_CREAT, 0644);
		if (fd >= 0) { fds[nfds++] = fd; if (write(fd, "sysfuzz\n", 8) < 0) {} }
		fd = open(".", O_RDONLY | O_DIRECTORY);
		if (fd >= 0) fds[nfds++] = fd;
	}
	long fd = raw6(19 /* eventfd2 */, 0, 0, 0, 0, 0, 0);
	if (fd >= 0) fds[nfds++] = fd;
	fd = raw6(20 /* epoll_create1 */, 0, 0, 0, 0, 0, 0);
	if (fd >= 0) fds[nfds++] = fd;
	fd = raw6(85 /* timerfd_create */, CLOCK_MONOTONIC, 0, 0, 0, 0, 0);
	if (fd >= 0) fds[nfds++] = fd;
}

/* Installs our handler (no SA_ONSTACK, no SA_RESTART) for every signal that can have one. Run
 * again once the threads exist: glibc's first pthread_create installs its own SIGSETXID handler
 * with SA_ONSTACK, which a fuzzed sigaltstack would turn into a SIGSEGV at delivery. */
static void install_handlers(void)
{
	for (int sig = 1; sig <= NSIG_KERNEL; sig++) {
		u64 act[3] = {(u64)(uintptr_t)handler, 0, 0};
		if (sig != SIGKILL && sig != SIGSTOP) raw6(NR_rt_sigaction, sig, (u64)act, 0, SIGSET_BYTES, 0, 0);
	}
}

/* Maps a scratch region between two guard pages for the calling thread. */
static void make_scratch(void)
{
	unsigned char *area = mmap(NULL, (SCRATCH_PAGES + 2) * PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	scratch = area + PAGE;
	mprotect(scratch, SCRATCH_SIZE, PROT_READ | PROT_WRITE);
}

/* The watchdog of thread t: a SIGALRM every WATCHDOG_NS aimed at this thread (SIGEV_THREAD_ID),
 * which interrupts any call of this thread that would block for good. */
static void start_watchdog(int t)
{
	struct sigevent ev;
	memset(&ev, 0, sizeof ev);
	ev.sigev_notify = SIGEV_THREAD_ID;
	ev.sigev_signo = SIGALRM;
	ev._sigev_un._tid = (int)tids[t];
	int id = -1;
	if (raw6(NR_timer_create, CLOCK_MONOTONIC, (u64)&ev, (u64)&id, 0, 0, 0) != 0) raw6(NR_exit_group, 4, 0, 0, 0, 0, 0);
	watchdogs[t] = id;
	struct itimerspec its = {{0, WATCHDOG_NS}, {0, WATCHDOG_NS}};
	raw6(NR_timer_settime, (u64)id, 0, (u64)&its, 0, 0, 0);
}

#define ADD(var, n) __atomic_fetch_add(&(var), (n), __ATOMIC_RELAXED)

/* Adds one result to the summary counters. */
static void count_result(long r)
{
	if (r < 0 && r > -4096) {
		ADD(failed, 1);
		if (r == -38) ADD(enosys, 1);
		else if (r == -14) ADD(efault, 1);
		else if (r == -22) ADD(einval, 1);
		else if (r == -4) ADD(eintr, 1);
	} else {
		ADD(succeeded, 1);
	}
}

/* Thread t's share of the calls: its own generator stream, scratch and mapping pool. */
static void fuzz_loop(int t)
{
	u64 s = seed + (u64)t * 0x9e3779b97f4a7c15ULL;
	rs[0] = (uint32_t)s ^ 0x9e3779b9u;
	rs[1] = (uint32_t)(s >> 32) ^ 0x632be59bu;
	rs[2] = 0x85ebca6bu;
	rs[3] = 0xc2b2ae35u;
	for (int i = 0; i < 16; i++) rnd32();
	unsigned long mine = count / (unsigned long)nthreads + (t == 0 ? count % (unsigned long)nthreads : 0);
	for (unsigned long i = 0; i < mine; i++) {
		const struct call *c;
		struct call any;
		unsigned idx = 0;
		if (chance(95)) {
			/* Calls the kernel answered with ENOSYS once get a tenth of the turns. */
			idx = below(NCALLS);
			for (int tries = 0; answered_enosys[idx] && tries < 8 && chance(90); tries++) idx = below(NCALLS);
			c = &calls[idx];
		} else { /* a number outside the table: unknown, or far past the end */
			any.nr = chance(80) ? (int)below(600) : (int)rnd();
			any.flags = 0;
			for (int k = 0; k < 6; k++) any.a[k] = A_ANY;
			int known = 0;
			for (unsigned k = 0; k < NCALLS; k++) if (calls[k].nr == any.nr) known = 1;
			if (known) { i--; continue; }
			c = &any;
		}
		u64 a[6];
		scratch_used = 0;
		for (int k = 0; k < 6; k++) a[k] = gen_value(c->a[k]);
		if (skip_or_sanitize(c, a)) { ADD(skipped, 1); continue; }
		long r = raw6(c->nr, a[0], a[1], a[2], a[3], a[4], a[5]);
		ADD(made, 1);
		count_result(r);
		if (c != &any) {
			if (r == -38) answered_enosys[idx] = 1;
			ADD(per_made[idx], 1);
			if (r >= 0 || r <= -4096) ADD(per_ok[idx], 1);
		}
		remember(c, a, r);
		if (c->nr == NR_rt_sigprocmask) { /* keep the watchdog deliverable */
			u64 alrm = 1ULL << (SIGALRM - 1);
			raw6(NR_rt_sigprocmask, SIG_UNBLOCK, (u64)&alrm, 0, SIGSET_BYTES, 0, 0);
		}
	}
}

/* A fuzzing thread: scratch and watchdog, then wait until main has recorded the protected
 * ranges (this thread's stack included), then fuzz. */
static void *worker(void *arg)
{
	int t = (int)(intptr_t)arg;
	tids[t] = raw6(NR_gettid, 0, 0, 0, 0, 0, 0);
	make_scratch();
	start_watchdog(t);
	pthread_barrier_wait(&ready);
	pthread_barrier_wait(&go);
	fuzz_loop(t);
	ADD(finished, 1);
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc < 3) { fprintf(stderr, "usage: sysfuzz SEED COUNT [WORKDIR [THREADS [-v]]]\n"); return 2; }
	seed = strtoull(argv[1], NULL, 0);
	count = strtoul(argv[2], NULL, 0);
	if (argc > 3) workdir = argv[3];
	if (argc > 4) nthreads = atoi(argv[4]);
	int verbose = argc > 5 && strcmp(argv[5], "-v") == 0;
	if (nthreads < 1 || nthreads > MAX_THREADS) { fprintf(stderr, "sysfuzz: THREADS must be 1 to %d\n", MAX_THREADS); return 2; }
	/* The calls are real: refuse to run anywhere but under ecall's deterministic mode, whose
	 * host name is "ecall" (natively, kill(-1, ...) alone would be a disaster). */
	struct utsname u;
	if (uname(&u) != 0 || strcmp(u.nodename, "ecall") != 0) {
		fprintf(stderr, "sysfuzz: refusing to run outside `ecall run --seed` (host name is not \"ecall\")\n");
		return 2;
	}
	setup();
	tids[0] = raw6(NR_gettid, 0, 0, 0, 0, 0, 0);
	install_handlers(); /* before any watchdog can fire */
	make_scratch();
	start_watchdog(0);
	pthread_barrier_init(&ready, NULL, (unsigned)nthreads);
	pthread_barrier_init(&go, NULL, (unsigned)nthreads);
	for (int t = 1; t < nthreads; t++) {
		pthread_t th;
		if (pthread_create(&th, NULL, worker, (void *)(intptr_t)t) != 0) return 5;
	}
	install_handlers(); /* again: over glibc's SIGSETXID handler */
	pthread_barrier_wait(&ready);
	read_protected();
	initial_brk = (u64)raw6(NR_brk, 0, 0, 0, 0, 0, 0); /* after stdio's allocations */
	pthread_barrier_wait(&go);
	fuzz_loop(0);
	/* Wait for the other threads without pthread_join: a fuzzed set_tid_address may have moved
	 * the word join waits on. The watchdog's signals end each sleep early; that is fine. */
	struct timespec ms = {0, 1000000};
	while (__atomic_load_n(&finished, __ATOMIC_RELAXED) < nthreads - 1) nanosleep(&ms, NULL);
	dprintf(OUT_FD, "\nsysfuzz: seed %llu made %lu skipped %lu ok %lu failed %lu (ENOSYS %lu EFAULT %lu EINVAL %lu EINTR %lu) signals %lu\n",
		(unsigned long long)seed, made, skipped, succeeded, failed, enosys, efault, einval, eintr, signals_seen);
	if (verbose)
		for (unsigned k = 0; k < NCALLS; k++)
			if (per_made[k]) dprintf(OUT_FD, "nr %d made %lu ok %lu%s\n", calls[k].nr, per_made[k], per_ok[k], answered_enosys[k] ? " ENOSYS" : "");
	return 0;
}
