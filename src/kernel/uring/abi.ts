// io_uring's user ABI (include/uapi/linux/io_uring.h, 6.1 numbering; abi-riscv64.md §5): the
// numbers and struct offsets the rest of src/kernel/uring reads and writes.

/** io_uring_setup flags (IORING_SETUP_*). */
export const SETUP_IOPOLL = 1 << 0, SETUP_SQPOLL = 1 << 1, SETUP_SQ_AFF = 1 << 2, SETUP_CQSIZE = 1 << 3,
  SETUP_CLAMP = 1 << 4, SETUP_ATTACH_WQ = 1 << 5, SETUP_R_DISABLED = 1 << 6, SETUP_SUBMIT_ALL = 1 << 7,
  SETUP_COOP_TASKRUN = 1 << 8, SETUP_TASKRUN_FLAG = 1 << 9, SETUP_SQE128 = 1 << 10, SETUP_CQE32 = 1 << 11,
  SETUP_SINGLE_ISSUER = 1 << 12, SETUP_DEFER_TASKRUN = 1 << 13;
/** The setup flags ecall accepts (SQE128/CQE32 are for uring_cmd, which ecall has no driver for). */
export const SETUP_KNOWN = SETUP_IOPOLL | SETUP_SQPOLL | SETUP_SQ_AFF | SETUP_CQSIZE | SETUP_CLAMP | SETUP_ATTACH_WQ |
  SETUP_R_DISABLED | SETUP_SUBMIT_ALL | SETUP_COOP_TASKRUN | SETUP_TASKRUN_FLAG | SETUP_SINGLE_ISSUER |
  SETUP_DEFER_TASKRUN;

/** Features reported in params.features (IORING_FEAT_*). */
export const FEAT_SINGLE_MMAP = 1 << 0, FEAT_NODROP = 1 << 1, FEAT_SUBMIT_STABLE = 1 << 2, FEAT_RW_CUR_POS = 1 << 3,
  FEAT_CUR_PERSONALITY = 1 << 4, FEAT_FAST_POLL = 1 << 5, FEAT_POLL_32BITS = 1 << 6, FEAT_SQPOLL_NONFIXED = 1 << 7,
  FEAT_EXT_ARG = 1 << 8, FEAT_NATIVE_WORKERS = 1 << 9, FEAT_RSRC_TAGS = 1 << 10, FEAT_CQE_SKIP = 1 << 11,
  FEAT_LINKED_FILE = 1 << 12;
/** What ecall's rings offer. */
export const FEATURES = FEAT_SINGLE_MMAP | FEAT_NODROP | FEAT_SUBMIT_STABLE | FEAT_RW_CUR_POS |
  FEAT_CUR_PERSONALITY | FEAT_FAST_POLL | FEAT_POLL_32BITS | FEAT_SQPOLL_NONFIXED | FEAT_EXT_ARG |
  FEAT_NATIVE_WORKERS | FEAT_CQE_SKIP | FEAT_LINKED_FILE;

/** Largest SQ ring (IORING_MAX_ENTRIES) and CQ ring (IORING_MAX_CQ_ENTRIES). */
export const MAX_ENTRIES = 32768, MAX_CQ_ENTRIES = 2 * MAX_ENTRIES;

/** mmap offsets of the three regions (IORING_OFF_*). */
export const OFF_SQ_RING = 0, OFF_CQ_RING = 0x8000000, OFF_SQES = 0x10000000;

/** sizeof(struct io_uring_params), of one SQE and of one CQE. */
export const PARAMS_SIZE = 120, SQE_SIZE = 64, CQE_SIZE = 16;

/** SQ ring flags (IORING_SQ_*) and CQ ring flags (IORING_CQ_*). */
export const SQ_NEED_WAKEUP = 1, SQ_CQ_OVERFLOW = 2, SQ_TASKRUN = 4;
export const CQ_EVENTFD_DISABLED = 1;

/** io_uring_enter flags (IORING_ENTER_*). */
export const ENTER_GETEVENTS = 1 << 0, ENTER_SQ_WAKEUP = 1 << 1, ENTER_SQ_WAIT = 1 << 2, ENTER_EXT_ARG = 1 << 3,
  ENTER_REGISTERED_RING = 1 << 4;
export const ENTER_KNOWN = ENTER_GETEVENTS | ENTER_SQ_WAKEUP | ENTER_SQ_WAIT | ENTER_EXT_ARG | ENTER_REGISTERED_RING;
/** sizeof(struct io_uring_getevents_arg). */
export const GETEVENTS_ARG_SIZE = 24;

/** SQE flags (IOSQE_*). */
export const IOSQE_FIXED_FILE = 1 << 0, IOSQE_IO_DRAIN = 1 << 1, IOSQE_IO_LINK = 1 << 2, IOSQE_IO_HARDLINK = 1 << 3,
  IOSQE_ASYNC = 1 << 4, IOSQE_BUFFER_SELECT = 1 << 5, IOSQE_CQE_SKIP_SUCCESS = 1 << 6;
export const IOSQE_KNOWN = 0x7f;

/** CQE flags (IORING_CQE_F_*); a selected buffer's id is in bits 31:16. */
export const CQE_F_BUFFER = 1 << 0, CQE_F_MORE = 1 << 1, CQE_BUFFER_SHIFT = 16;

/** Opcodes (IORING_OP_*, 6.1 numbering). */
export const enum Op {
  NOP = 0, READV = 1, WRITEV = 2, FSYNC = 3, READ_FIXED = 4, WRITE_FIXED = 5, POLL_ADD = 6, POLL_REMOVE = 7,
  SYNC_FILE_RANGE = 8, SENDMSG = 9, RECVMSG = 10, TIMEOUT = 11, TIMEOUT_REMOVE = 12, ACCEPT = 13,
  ASYNC_CANCEL = 14, LINK_TIMEOUT = 15, CONNECT = 16, FALLOCATE = 17, OPENAT = 18, CLOSE = 19,
  FILES_UPDATE = 20, STATX = 21, READ = 22, WRITE = 23, FADVISE = 24, MADVISE = 25, SEND = 26, RECV = 27,
  OPENAT2 = 28, EPOLL_CTL = 29, SPLICE = 30, PROVIDE_BUFFERS = 31, REMOVE_BUFFERS = 32, TEE = 33,
  SHUTDOWN = 34, RENAMEAT = 35, UNLINKAT = 36, MKDIRAT = 37, SYMLINKAT = 38, LINKAT = 39, MSG_RING = 40,
  SOCKET = 45,
  LAST = 49,
}

/** Field offsets in a 64-byte SQE. */
export const SQE_OPCODE = 0, SQE_FLAGS = 1, SQE_IOPRIO = 2, SQE_FD = 4, SQE_OFF = 8, SQE_ADDR = 16, SQE_LEN = 24,
  SQE_OP_FLAGS = 28, SQE_USER_DATA = 32, SQE_BUF_INDEX = 40, SQE_PERSONALITY = 42, SQE_SPLICE_FD_IN = 44,
  SQE_ADDR3 = 48;

/** fsync_flags, timeout_flags, poll flags (in len), cancel_flags. */
export const FSYNC_DATASYNC = 1;
export const TIMEOUT_ABS = 1 << 0, TIMEOUT_UPDATE = 1 << 1, TIMEOUT_BOOTTIME = 1 << 2, TIMEOUT_REALTIME = 1 << 3,
  LINK_TIMEOUT_UPDATE = 1 << 4, TIMEOUT_ETIME_SUCCESS = 1 << 5, TIMEOUT_MULTISHOT = 1 << 6;
export const POLL_ADD_MULTI = 1 << 0, POLL_UPDATE_EVENTS = 1 << 1, POLL_UPDATE_USER_DATA = 1 << 2,
  POLL_ADD_LEVEL = 1 << 3;
export const ASYNC_CANCEL_ALL = 1 << 0, ASYNC_CANCEL_FD = 1 << 1, ASYNC_CANCEL_ANY = 1 << 2,
  ASYNC_CANCEL_FD_FIXED = 1 << 3;
/** close/openat direct descriptors: file_index = slot + 1; IORING_FILE_INDEX_ALLOC picks a free slot. */
export const FILE_INDEX_ALLOC = 0xffffffff;

/** io_uring_register opcodes (IORING_REGISTER_* / UNREGISTER_*). */
export const enum Reg {
  BUFFERS = 0, UNREGISTER_BUFFERS = 1, FILES = 2, UNREGISTER_FILES = 3, EVENTFD = 4, UNREGISTER_EVENTFD = 5,
  FILES_UPDATE = 6, EVENTFD_ASYNC = 7, PROBE = 8, PERSONALITY = 9, UNREGISTER_PERSONALITY = 10,
  RESTRICTIONS = 11, ENABLE_RINGS = 12, FILES2 = 13, FILES_UPDATE2 = 14, BUFFERS2 = 15, BUFFERS_UPDATE = 16,
  IOWQ_AFF = 17, UNREGISTER_IOWQ_AFF = 18, IOWQ_MAX_WORKERS = 19, RING_FDS = 20, UNREGISTER_RING_FDS = 21,
  PBUF_RING = 22, UNREGISTER_PBUF_RING = 23, SYNC_CANCEL = 24, FILE_ALLOC_RANGE = 25, LAST = 26,
}
/** Restriction kinds (IORING_RESTRICTION_*). */
export const RESTRICTION_REGISTER_OP = 0, RESTRICTION_SQE_OP = 1, RESTRICTION_SQE_FLAGS_ALLOWED = 2,
  RESTRICTION_SQE_FLAGS_REQUIRED = 3;
/** IORING_RSRC_REGISTER_SPARSE, IORING_REGISTER_FILES_SKIP (an update slot left as it is). */
export const RSRC_REGISTER_SPARSE = 1, REGISTER_FILES_SKIP = -2;
/** Most registered files (IORING_MAX_FIXED_FILES), buffers (IORING_MAX_REG_BUFFERS), ring fds per task. */
export const MAX_FIXED_FILES = 1 << 20, MAX_REG_BUFFERS = 1 << 14, RINGFD_REG_MAX = 16;
/** Largest registered buffer (1 GiB, as Linux's io_buffer_validate). */
export const MAX_REG_BUFFER_BYTES = 1 << 30;
/** IO_URING_OP_SUPPORTED in a probe entry; sizeof(io_uring_probe) and of one probe op. */
export const PROBE_OP_SUPPORTED = 1, PROBE_SIZE = 16, PROBE_OP_SIZE = 8;
/** IORING_MSG_DATA / IORING_MSG_SEND_FD (msg_ring commands in addr). */
export const MSG_DATA = 0, MSG_SEND_FD = 1;
