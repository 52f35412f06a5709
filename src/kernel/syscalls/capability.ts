// capget(2)/capset(2): read and change a process's capability sets (cred.ts holds them, caps.ts
// keeps them in step with the uids), in the three header versions Linux accepts.
import { EINVAL, EPERM, ESRCH } from '../../abi/errno.js';
import { CAP_SETPCAP, capable, capsAfterUidChange, uidTriple } from '../caps.js';
import { CAP_FULL_SET } from '../cred.js';
import type { Task } from '../task.js';
import { findTask } from './proc_state.js';
import type { Handler, SysArgs, SyscallDef } from './types.js';

/** Header versions (include/uapi/linux/capability.h): v1 has one 32-bit word per set, v2 and v3 two. */
const LINUX_CAPABILITY_VERSION_1 = 0x19980330, LINUX_CAPABILITY_VERSION_2 = 0x20071026, LINUX_CAPABILITY_VERSION_3 = 0x20080522;
/** The version Linux writes back into a header it does not know. */
const PREFERRED_VERSION = LINUX_CAPABILITY_VERSION_3;
/** sizeof(struct __user_cap_data_struct): effective, permitted, inheritable as u32. */
const CAP_DATA_SIZE = 12;
/** Offset of the pid in struct __user_cap_header_struct (after the u32 version). */
const HEADER_PID = 4;

/** Words per set for header version v, or 0 for an unknown version. */
function wordsFor(v: number): number {
  if (v === LINUX_CAPABILITY_VERSION_1) return 1;
  return v === LINUX_CAPABILITY_VERSION_2 || v === LINUX_CAPABILITY_VERSION_3 ? 2 : 0;
}

/** Reads the header's version: the words per set, or -EINVAL after writing the preferred version back. */
function headerWords(t: Task, hdr: number): number {
  const mem = t.mm.mem;
  const words = wordsFor(mem.readU32(hdr));
  if (words !== 0) return words;
  mem.writeU32(hdr, PREFERRED_VERSION);
  return -EINVAL;
}

/**
 * capget(hdr, data): writes the target's effective, permitted and inheritable sets as `words`
 * 12-byte records. An unknown version is EINVAL with the preferred version written back, except
 * that a NULL data pointer makes that a successful probe; a negative pid is EINVAL, an unknown ESRCH.
 */
function sysCapget(t: Task, a: SysArgs): number {
  const hdr = a.addr(0), data = a.addr(1);
  const words = headerWords(t, hdr);
  if (data === 0) return 0;
  if (words < 0) return words;
  const pid = t.mm.mem.readI32(hdr + HEADER_PID);
  if (pid < 0) return -EINVAL;
  const target = findTask(t, pid);
  if (!target) return -ESRCH;
  const c = target.tg.cred;
  const out = new Uint8Array(CAP_DATA_SIZE * words);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < words; i++) {
    const shift = BigInt(32 * i);
    dv.setUint32(i * CAP_DATA_SIZE, Number((c.capEffective >> shift) & 0xffffffffn), true);
    dv.setUint32(i * CAP_DATA_SIZE + 4, Number((c.capPermitted >> shift) & 0xffffffffn), true);
    dv.setUint32(i * CAP_DATA_SIZE + 8, Number((c.capInheritable >> shift) & 0xffffffffn), true);
  }
  t.mm.mem.write(data, out);
  return 0;
}

/**
 * capset(hdr, data): sets the calling thread's own sets (any other id is EPERM). Capabilities past the
 * last one are dropped; EPERM if the new permitted set is not within the old one, the effective
 * set not within the new permitted, or the inheritable set gains what the old permitted lacks
 * (without CAP_SETPCAP).
 */
function sysCapset(t: Task, a: SysArgs): number {
  const hdr = a.addr(0), data = a.addr(1);
  const words = headerWords(t, hdr);
  if (words < 0) return words;
  const mem = t.mm.mem;
  const pid = mem.readI32(hdr + HEADER_PID);
  if (pid !== 0 && pid !== t.tid) return -EPERM;
  const raw = mem.read(data, CAP_DATA_SIZE * words);
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  let eff = 0n, prm = 0n, inh = 0n;
  for (let i = 0; i < words; i++) {
    const shift = BigInt(32 * i);
    eff |= BigInt(dv.getUint32(i * CAP_DATA_SIZE, true)) << shift;
    prm |= BigInt(dv.getUint32(i * CAP_DATA_SIZE + 4, true)) << shift;
    inh |= BigInt(dv.getUint32(i * CAP_DATA_SIZE + 8, true)) << shift;
  }
  eff &= CAP_FULL_SET; prm &= CAP_FULL_SET; inh &= CAP_FULL_SET;
  const c = t.tg.cred;
  const inhLimit = capable(c, CAP_SETPCAP) ? CAP_FULL_SET : c.capInheritable | c.capPermitted;
  if ((inh & ~inhLimit) !== 0n) return -EPERM;
  if ((prm & ~c.capPermitted) !== 0n) return -EPERM;
  if ((eff & ~prm) !== 0n) return -EPERM;
  c.capEffective = eff;
  c.capPermitted = prm;
  c.capInheritable = inh;
  return 0;
}

/** Wraps a set*uid handler so that a successful change adjusts the capability sets as Linux does. */
export function withUidCaps(h: Handler): Handler {
  return (t, a, r) => {
    const old = uidTriple(t.tg.cred);
    const res = h(t, a, r);
    if (res === 0) capsAfterUidChange(t.tg.cred, old);
    return res;
  };
}

export const capabilityDefs: SyscallDef[] = [
  { nr: 90, name: 'capget', handler: sysCapget, status: 'full', args: ['ptr', 'ptr'] },
  { nr: 91, name: 'capset', handler: sysCapset, status: 'partial', note: 'the sets are kept and reported, but only chroot, sethostname and setdomainname check them; other checks use euid 0', args: ['ptr', 'ptr'] },
];
