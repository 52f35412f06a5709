// Control messages (ancillary data) of sendmsg and recvmsg: SCM_RIGHTS (descriptors) and
// SCM_CREDENTIALS (struct ucred) at SOL_SOCKET. Parsing follows Linux's __scm_send and
// scm_check_creds; building follows put_cmsg and scm_detach_fds (a short buffer truncates and
// sets MSG_CTRUNC; descriptors that do not fit are closed).
import { EBADF, EINVAL, EPERM, ESRCH } from '../../abi/errno.js';
import type { GuestMemory } from '../../mem/guest_memory.js';
import type { OpenFile } from '../vfs/file.js';
import {
  AF_UNIX, CMSG_ALIGN_TO, CMSGHDR_SIZE, MSG_CTRUNC, SCM_CREDENTIALS, SCM_MAX_FD, SCM_RIGHTS, SOL_SOCKET,
  UCRED_SIZE,
} from './abi.js';
import type { UCred } from './skb.js';

/** Rounds n up to the control message alignment (CMSG_ALIGN). */
export function cmsgAlign(n: number): number {
  return (n + CMSG_ALIGN_TO - 1) & ~(CMSG_ALIGN_TO - 1);
}

/** CMSG_LEN(n): a header and n data bytes. */
export function cmsgLen(n: number): number {
  return CMSGHDR_SIZE + n;
}

/** CMSG_SPACE(n): a header and n data bytes, aligned. */
export function cmsgSpace(n: number): number {
  return CMSGHDR_SIZE + cmsgAlign(n);
}

/** What the sender may claim in SCM_CREDENTIALS, and how descriptors are looked up. */
export interface ScmSender {
  /** The caller's process id (tgid). */
  pid: number;
  /** Real, effective and saved ids (a non-root caller may claim any of them). */
  uids: number[];
  gids: number[];
  /** uid 0: may claim any pid, uid and gid (CAP_SYS_ADMIN, CAP_SETUID, CAP_SETGID). */
  privileged: boolean;
  /** True if a process with this id exists. */
  pidExists(pid: number): boolean;
  /** The open file at fd (O_PATH descriptors included), or undefined. */
  file(fd: number): OpenFile | undefined;
}

/** The parsed control data of one sendmsg. */
export interface Scm {
  rights: OpenFile[] | null;
  cred: UCred | null;
}

/**
 * Parses control data (raw bytes of msg_control) for a socket of `family`: -EINVAL for a
 * malformed header, SCM_RIGHTS on a non-unix socket or too many descriptors, -EBADF for a
 * descriptor that is not open, -EPERM for credentials the sender may not claim, -ESRCH for a pid
 * that does not exist. Messages at other levels are left to the protocol (ignored here).
 */
export function parseScm(ctl: Uint8Array, family: number, s: ScmSender): Scm | number {
  const dv = new DataView(ctl.buffer, ctl.byteOffset, ctl.byteLength);
  const out: Scm = { rights: null, cred: null };
  let off = 0;
  while (off + CMSGHDR_SIZE <= ctl.length) {
    const len = Number(dv.getBigUint64(off, true));
    // CMSG_OK: the length covers a header and stays inside the control buffer.
    if (len < CMSGHDR_SIZE || len > ctl.length - off) return -EINVAL;
    const level = dv.getInt32(off + 8, true);
    const type = dv.getInt32(off + 12, true);
    const dataLen = len - CMSGHDR_SIZE;
    const data = off + CMSGHDR_SIZE;
    // Only unix sockets take SOL_SOCKET messages here; TCP and UDP ignore SCM_RIGHTS and
    // SCM_CREDENTIALS (__sock_cmsg_send), and the other levels belong to the protocol.
    if (level === SOL_SOCKET && family === AF_UNIX) {
      if (type === SCM_RIGHTS) {
        const num = Math.floor(dataLen / 4);
        if (num > 0) {
          const have = out.rights?.length ?? 0;
          if (num > SCM_MAX_FD || have + num > SCM_MAX_FD) return -EINVAL;
          const files = out.rights ?? [];
          for (let i = 0; i < num; i++) {
            const f = s.file(dv.getInt32(data + 4 * i, true));
            if (f === undefined) return -EBADF;
            files.push(f);
          }
          out.rights = files;
        }
      } else if (type === SCM_CREDENTIALS) {
        if (len !== cmsgLen(UCRED_SIZE)) return -EINVAL;
        const cred = { pid: dv.getInt32(data, true), uid: dv.getUint32(data + 4, true), gid: dv.getUint32(data + 8, true) };
        const e = checkCreds(cred, s);
        if (e < 0) return e;
        out.cred = cred;
      } else {
        return -EINVAL;
      }
    }
    off += cmsgAlign(len);
  }
  return out;
}

/** scm_check_creds: the pid must be the caller's and the ids its own, unless it is privileged. */
function checkCreds(c: UCred, s: ScmSender): number {
  const pidOk = c.pid === s.pid || s.privileged;
  const uidOk = s.uids.includes(c.uid) || s.privileged;
  const gidOk = s.gids.includes(c.gid) || s.privileged;
  if (!pidOk || !uidOk || !gidOk) return -EPERM;
  if (!s.pidExists(c.pid)) return -ESRCH;
  return 0;
}

/** Builds the control data of a recvmsg into a buffer of `room` bytes (put_cmsg, scm_detach_fds). */
export class CmsgWriter {
  private readonly out: Uint8Array;
  private readonly dv: DataView;
  /** Bytes written so far (the msg_controllen recvmsg reports). */
  used = 0;
  /** MSG_CTRUNC when something did not fit. */
  flags = 0;

  constructor(readonly room: number) {
    this.out = new Uint8Array(room);
    this.dv = new DataView(this.out.buffer);
  }

  /** The bytes to copy out to msg_control. */
  bytes(): Uint8Array {
    return this.out.subarray(0, this.used);
  }

  /** put_cmsg: one message, truncated (MSG_CTRUNC, and a cmsg_len of the bytes left) if it does not fit. */
  put(level: number, type: number, data: Uint8Array): void {
    const left = this.room - this.used;
    if (left < CMSGHDR_SIZE) { this.flags |= MSG_CTRUNC; return; }
    let cmlen = cmsgLen(data.length);
    if (left < cmlen) { this.flags |= MSG_CTRUNC; cmlen = left; }
    this.header(cmlen, level, type); // cmsg_len says what was written (put_cmsg)
    this.out.set(data.subarray(0, cmlen - CMSGHDR_SIZE), this.used + CMSGHDR_SIZE);
    this.used += Math.min(cmsgSpace(data.length), left);
  }

  /** SCM_CREDENTIALS with a struct ucred. */
  putCred(c: UCred): void {
    const d = new Uint8Array(UCRED_SIZE);
    const dv = new DataView(d.buffer);
    dv.setInt32(0, c.pid, true);
    dv.setUint32(4, c.uid >>> 0, true);
    dv.setUint32(8, c.gid >>> 0, true);
    this.put(SOL_SOCKET, SCM_CREDENTIALS, d);
  }

  /** How many descriptors fit (scm_detach_fds' fdmax). */
  fdRoom(): number {
    const left = this.room - this.used;
    return left > CMSGHDR_SIZE ? Math.floor((left - CMSGHDR_SIZE) / 4) : 0;
  }

  /**
   * SCM_RIGHTS with the installed descriptor numbers; `total` is how many were received, so a
   * shortfall (no room, or a full fd table) sets MSG_CTRUNC.
   */
  putRights(fds: number[], total: number): void {
    const left = this.room - this.used;
    if (fds.length > 0) {
      this.header(cmsgLen(fds.length * 4), SOL_SOCKET, SCM_RIGHTS);
      fds.forEach((fd, i) => this.dv.setInt32(this.used + CMSGHDR_SIZE + 4 * i, fd, true));
      this.used += Math.min(cmsgSpace(fds.length * 4), left);
    }
    if (fds.length < total) this.flags |= MSG_CTRUNC;
  }

  private header(len: number, level: number, type: number): void {
    const at = this.used;
    const left = this.room - at;
    const h = new Uint8Array(CMSGHDR_SIZE);
    const dv = new DataView(h.buffer);
    dv.setBigUint64(0, BigInt(len), true);
    dv.setInt32(8, level, true);
    dv.setInt32(12, type, true);
    this.out.set(h.subarray(0, Math.min(CMSGHDR_SIZE, left)), at);
  }
}

/** Reads msg_control (controllen bytes at addr); throws EFAULT. */
export function readControl(mem: GuestMemory, addr: number, len: number): Uint8Array {
  return len === 0 ? new Uint8Array(0) : mem.read(addr, len);
}
