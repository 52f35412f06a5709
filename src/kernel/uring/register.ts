// io_uring_register(2): registered buffers, files (and updates), the eventfd (and its async
// form), the probe, restrictions and IORING_REGISTER_ENABLE_RINGS, and registered ring fds.
import { EACCES, EBADF, EBADFD, EBUSY, EFAULT, EINVAL, ENXIO, EOPNOTSUPP, EOVERFLOW } from '../../abi/errno.js';
import { PROT_READ, PROT_WRITE } from '../../mem/guest_memory.js';
import type { Task } from '../task.js';
import { EventFd } from '../vfs/eventfd.js';
import {
  MAX_REG_BUFFER_BYTES, MAX_REG_BUFFERS, Op, PROBE_OP_SIZE, PROBE_OP_SUPPORTED, PROBE_SIZE, Reg,
  RESTRICTION_REGISTER_OP, RESTRICTION_SQE_FLAGS_ALLOWED, RESTRICTION_SQE_FLAGS_REQUIRED, RESTRICTION_SQE_OP,
  RINGFD_REG_MAX, RSRC_REGISTER_SPARSE, SETUP_SINGLE_ISSUER,
} from './abi.js';
import { opSupported } from './ops.js';
import { registerFiles, unregisterFiles, updateFiles } from './register_files.js';
import { IoRing, type Restrictions } from './ring.js';

/** sizeof(struct iovec), io_uring_files_update, io_uring_rsrc_register/update2, io_uring_restriction, io_uring_rsrc_update. */
const IOVEC_SIZE = 16, FILES_UPDATE_SIZE = 16, RSRC_SIZE = 32, RESTRICTION_SIZE = 16, RSRC_UPDATE_SIZE = 16;
/** Most restriction entries one call may pass (IORING_MAX_RESTRICTIONS). */
const MAX_RESTRICTIONS = 4 + Reg.LAST + Op.LAST;
/** Most probe entries (the op field is a u8). */
const MAX_PROBE_OPS = 256;

/** Each task's registered ring fds (IORING_REGISTER_RING_FDS; io_uring_enter's REGISTERED_RING). */
const ringFds = new WeakMap<Task, (IoRing | null)[]>();

/** The ring registered at index i by task t, or null. */
export function registeredRing(t: Task, i: number): IoRing | null {
  return ringFds.get(t)?.[i] ?? null;
}

/** Reads n int32 at addr (throws EFAULT). */
function readInts(t: Task, addr: number, n: number): number[] {
  const raw = t.mm.mem.read(addr, n * 4);
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  return Array.from({ length: n }, (_, i) => dv.getInt32(i * 4, true));
}

/** True if part of [base, base+len) maps a file other than shared memory (Linux pins only anonymous and shmem pages). */
function fileBacked(t: Task, base: number, len: number): boolean {
  for (let at = base; at < base + len;) {
    const v = t.mm.findVma(at);
    if (!v) return false;
    if (v.file && !v.file.anonymous && !v.file.path.startsWith('/memfd:')) return true;
    at = v.end;
  }
  return false;
}

/** Registers n buffers described by the iovec array at addr: 0 or -errno (EFAULT: unmapped, too big). */
function registerBuffers(ring: IoRing, t: Task, addr: number, n: number): number {
  if (ring.buffers !== null) return -EBUSY;
  if (n === 0 || n > MAX_REG_BUFFERS) return -EINVAL;
  const raw = t.mm.mem.read(addr, n * IOVEC_SIZE);
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const bufs: [number, number][] = [];
  for (let i = 0; i < n; i++) {
    const base = Number(dv.getBigUint64(i * IOVEC_SIZE, true)), len = Number(dv.getBigUint64(i * IOVEC_SIZE + 8, true));
    if (base === 0 && len === 0) { bufs.push([0, 0]); continue; } // a sparse slot
    if (base === 0 || len === 0 || len > MAX_REG_BUFFER_BYTES) return -EFAULT;
    if (base + len > 2 ** 64) return -EOVERFLOW;
    // Linux pins the pages for writing: every page must be mapped readable and writable.
    if (!t.mm.mem.accessible(base, len, PROT_READ | PROT_WRITE)) return -EFAULT;
    if (fileBacked(t, base, len)) return -EOPNOTSUPP;
    bufs.push([base, len]);
  }
  ring.buffers = bufs;
  return 0;
}

/** IORING_REGISTER_PROBE: fills the zeroed io_uring_probe at addr with n ops. */
function probe(t: Task, addr: number, n: number): number {
  n = Math.min(n, MAX_PROBE_OPS);
  const size = PROBE_SIZE + n * PROBE_OP_SIZE;
  const raw = t.mm.mem.read(addr, size);
  if (raw.some((b) => b !== 0)) return -EINVAL;
  const out = new Uint8Array(size);
  const dv = new DataView(out.buffer);
  out[0] = Op.LAST - 1; // last_op: the highest opcode this ABI numbers
  out[1] = Math.min(n, Op.LAST);
  for (let i = 0; i < Math.min(n, Op.LAST); i++) {
    out[PROBE_SIZE + i * PROBE_OP_SIZE] = i;
    if (opSupported(i)) dv.setUint16(PROBE_SIZE + i * PROBE_OP_SIZE + 2, PROBE_OP_SUPPORTED, true);
  }
  t.mm.mem.write(addr, out);
  return 0;
}

/** IORING_REGISTER_RESTRICTIONS: only on a ring still disabled, once. */
function restrict(ring: IoRing, t: Task, addr: number, n: number): number {
  if (ring.enabled) return -EBADFD;
  if (ring.restrictions !== null) return -EBUSY;
  if (n === 0 || n > MAX_RESTRICTIONS) return -EINVAL;
  const raw = t.mm.mem.read(addr, n * RESTRICTION_SIZE);
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const rs: Restrictions = { registerOps: new Set(), sqeOps: new Set(), sqeFlagsAllowed: 0, sqeFlagsRequired: 0 };
  for (let i = 0; i < n; i++) {
    const kind = dv.getUint16(i * RESTRICTION_SIZE, true), v = dv.getUint8(i * RESTRICTION_SIZE + 2);
    switch (kind) {
      case RESTRICTION_REGISTER_OP: if (v >= Reg.LAST) return -EINVAL; rs.registerOps.add(v); break;
      case RESTRICTION_SQE_OP: if (v >= Op.LAST) return -EINVAL; rs.sqeOps.add(v); break;
      case RESTRICTION_SQE_FLAGS_ALLOWED: rs.sqeFlagsAllowed = v; break;
      case RESTRICTION_SQE_FLAGS_REQUIRED: rs.sqeFlagsRequired = v; break;
      default: return -EINVAL;
    }
  }
  ring.pendingRestrictions = rs;
  return 0;
}

/** IORING_REGISTER_EVENTFD(_ASYNC): the eventfd whose count each CQE raises. */
function registerEventfd(ring: IoRing, t: Task, addr: number, n: number, async: boolean): number {
  if (n !== 1) return -EINVAL;
  if (ring.eventfd !== null) return -EBUSY;
  const fd = readInts(t, addr, 1)[0]!;
  const f = t.files.get(fd);
  if (!f) return -EBADF;
  if (!(f instanceof EventFd)) return -EINVAL;
  ring.eventfd = f;
  ring.eventfdAsync = async;
  return 0;
}

/** IORING_REGISTER_RING_FDS / UNREGISTER_RING_FDS: the io_uring_rsrc_update array at addr. */
function ringFdsOp(t: Task, addr: number, n: number, register: boolean): number {
  if (n === 0 || n > RINGFD_REG_MAX) return -EINVAL;
  let table = ringFds.get(t);
  if (!table) ringFds.set(t, table = new Array<IoRing | null>(RINGFD_REG_MAX).fill(null));
  const raw = t.mm.mem.read(addr, n * RSRC_UPDATE_SIZE);
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  let done = 0;
  for (let i = 0; i < n; i++, done++) {
    const at = i * RSRC_UPDATE_SIZE;
    let off = dv.getUint32(at, true);
    if (dv.getUint32(at + 4, true) !== 0) return done > 0 ? done : -EINVAL;
    if (!register) {
      if (off >= RINGFD_REG_MAX) return done > 0 ? done : -EINVAL;
      table[off] = null;
      continue;
    }
    const fd = Number(dv.getBigUint64(at + 8, true));
    const f = t.files.get(fd);
    if (!f) return done > 0 ? done : -EBADF;
    if (!(f instanceof IoRing)) return done > 0 ? done : -EOPNOTSUPP;
    if (off === 0xffffffff) {
      off = table.indexOf(null);
      if (off < 0) return done > 0 ? done : -EBUSY;
      t.mm.mem.writeU32(addr + at, off);
    } else if (off >= RINGFD_REG_MAX) {
      return done > 0 ? done : -EINVAL;
    }
    table[off] = f;
  }
  return done;
}

/** Reads the io_uring_rsrc_register / rsrc_update2 struct at addr (size must be 32). */
function rsrcStruct(t: Task, addr: number, size: number): DataView | number {
  if (size !== RSRC_SIZE) return -EINVAL;
  const raw = t.mm.mem.read(addr, RSRC_SIZE);
  return new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
}

/** Runs register opcode op on ring for task t: 0 / a count, or -errno. */
export function ringRegister(ring: IoRing, t: Task, op: number, addr: number, n: number): number {
  if (op >= Reg.LAST) return -EINVAL;
  if (ring.restrictions !== null && !ring.restrictions.registerOps.has(op)) return -EACCES;
  switch (op) {
    case Reg.BUFFERS: return registerBuffers(ring, t, addr, n);
    case Reg.UNREGISTER_BUFFERS:
      if (addr || n) return -EINVAL;
      if (ring.buffers === null) return -ENXIO;
      ring.buffers = null;
      return 0;
    case Reg.FILES: return registerFiles(ring, t, readInts(t, addr, Math.min(n, 1 << 20)));
    case Reg.UNREGISTER_FILES: return addr || n ? -EINVAL : unregisterFiles(ring);
    case Reg.FILES_UPDATE: {
      if (n === 0) return -EINVAL;
      const raw = t.mm.mem.read(addr, FILES_UPDATE_SIZE);
      const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
      if (dv.getUint32(4, true) !== 0) return -EINVAL;
      return updateFiles(ring, t, dv.getUint32(0, true), readInts(t, Number(dv.getBigUint64(8, true)), n));
    }
    case Reg.FILES2: case Reg.BUFFERS2: {
      const dv = rsrcStruct(t, addr, n);
      if (typeof dv === 'number') return dv;
      const nr = dv.getUint32(0, true), flags = dv.getUint32(4, true), data = Number(dv.getBigUint64(16, true));
      if (flags & ~RSRC_REGISTER_SPARSE || dv.getBigUint64(8, true) !== 0n || dv.getBigUint64(24, true) !== 0n) return -EINVAL;
      if (flags & RSRC_REGISTER_SPARSE && data !== 0) return -EINVAL;
      if (op === Reg.BUFFERS2) return flags & RSRC_REGISTER_SPARSE ? -EINVAL : registerBuffers(ring, t, data, nr);
      return registerFiles(ring, t, flags & RSRC_REGISTER_SPARSE ? new Array<number>(nr).fill(-1) : readInts(t, data, nr));
    }
    case Reg.FILES_UPDATE2: {
      const dv = rsrcStruct(t, addr, n);
      if (typeof dv === 'number') return dv;
      if (dv.getUint32(4, true) !== 0 || dv.getUint32(28, true) !== 0 || dv.getBigUint64(16, true) !== 0n) return -EINVAL;
      const nr = dv.getUint32(24, true);
      return updateFiles(ring, t, dv.getUint32(0, true), readInts(t, Number(dv.getBigUint64(8, true)), nr));
    }
    case Reg.EVENTFD: return registerEventfd(ring, t, addr, n, false);
    case Reg.EVENTFD_ASYNC: return registerEventfd(ring, t, addr, n, true);
    case Reg.UNREGISTER_EVENTFD:
      if (addr || n) return -EINVAL;
      if (ring.eventfd === null) return -ENXIO;
      ring.eventfd = null;
      return 0;
    case Reg.PROBE: return probe(t, addr, n);
    case Reg.RESTRICTIONS: return restrict(ring, t, addr, n);
    case Reg.ENABLE_RINGS:
      if (addr || n) return -EINVAL;
      if (ring.enabled) return -EBADFD;
      ring.enabled = true;
      ring.restrictions = ring.pendingRestrictions;
      // A SINGLE_ISSUER ring set up disabled belongs to the task that enables it.
      if (ring.setupFlags & SETUP_SINGLE_ISSUER && ring.submitter === null) ring.submitter = t;
      return 0;
    case Reg.RING_FDS: return ringFdsOp(t, addr, n, true);
    case Reg.UNREGISTER_RING_FDS: return ringFdsOp(t, addr, n, false);
    default:
      return -EINVAL; // personalities, io-wq tuning, provided buffer rings, sync cancel: not implemented
  }
}
