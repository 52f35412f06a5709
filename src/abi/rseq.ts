// The rseq ABI (include/uapi/linux/rseq.h; abi-riscv64.md §4.1-4.2): the layouts of struct rseq
// and struct rseq_cs, the registration flags, and the events that make a critical section abort.

/** struct rseq fields (offsets). */
export const RSEQ_CPU_ID_START = 0, RSEQ_CPU_ID = 4, RSEQ_CS = 8, RSEQ_FLAGS = 16, RSEQ_NODE_ID = 20, RSEQ_MM_CID = 24;
/** sizeof(struct rseq) before the extensible ABI (Linux 4.18): the smallest registration. */
export const ORIG_RSEQ_SIZE = 32;
/** offsetof(struct rseq, end) with node_id and mm_cid (Linux 6.3): AT_RSEQ_FEATURE_SIZE. */
export const RSEQ_FEATURE_SIZE = 28;
/** __alignof__(struct rseq): AT_RSEQ_ALIGN. */
export const RSEQ_ALIGN = 32;
/** cpu_id before registration and after unregistration. */
export const RSEQ_CPU_ID_UNINITIALIZED = -1;
/** rseq()'s only flag. */
export const RSEQ_FLAG_UNREGISTER = 1;

/** struct rseq_cs fields (offsets) and size. */
export const RSEQ_CS_VERSION = 0, RSEQ_CS_FLAGS = 4, RSEQ_CS_START_IP = 8, RSEQ_CS_POST_COMMIT_OFFSET = 16,
  RSEQ_CS_ABORT_IP = 24;
export const RSEQ_CS_SIZE = 32;

/** What happened to a task since its critical section began (Linux's rseq_event_mask bits). */
export const RSEQ_EVENT_PREEMPT = 1, RSEQ_EVENT_SIGNAL = 2, RSEQ_EVENT_MIGRATE = 4;

/** The riscv64 signature (tools/testing/selftests/rseq/rseq-riscv.h): `csrw mhartid, x0`, which traps. */
export const RSEQ_SIG_RISCV = 0xf1401073;
