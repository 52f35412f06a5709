// Test doubles for the socket unit tests: a clock the test moves, a socket environment, a
// caller with guest memory and a signal spy, and a helper that runs a socket call the way the
// dispatcher does (a call that slept runs again with r.resumed set).
import { GuestMemory, PAGE_SIZE, PROT_READ, PROT_WRITE } from '../../src/mem/guest_memory.js';
import type { Mm } from '../../src/mem/mm.js';
import { Blocked, Request } from '../../src/kernel/request.js';
import { arrayBuf } from '../../src/kernel/net/iov.js';
import { recvMsgOf, type RecvMsg, type SendMsg, type SockCred, type SockCtx, type SockEnv, type Socket } from '../../src/kernel/net/socket.js';
import type { RawSockAddr } from '../../src/kernel/net/sockaddr.js';
import type { SocketInode } from '../../src/kernel/vfs/inode.js';
import { argsOf } from './sys_proc_fixture.js';

/** The caller's ids in these tests. */
export const CRED: SockCred = { pid: 100, uid: 1000, gid: 1000, euid: 1000, egid: 1000 };
/** Guest address of the caller's one read-write page. */
export const PAGE = 0x10000;

/** A clock the test moves by hand. */
export class FakeClock {
  mono = 1_000_000_000n;
  monotonicNs(): bigint { return this.mono; }
  realtimeNs(): bigint { return 1_700_000_000_000_000_000n + this.mono; }
}

/** A socket environment over a FakeClock. */
export function fakeEnv(clock = new FakeClock()): SockEnv & { clock: FakeClock } {
  return { clock, credOf: () => CRED };
}

/** A call context whose path lookups fail (abstract names need none). */
export function noPaths(): SockCtx {
  return {
    cred: CRED,
    paths: {
      mknod: (): SocketInode | number => -1,
      find: (): SocketInode | number => -2,
      unlink: () => {},
    },
  };
}

/** A caller with a mapped page and the signals it was sent. */
export interface FakeCaller {
  r: Request;
  mem: GuestMemory;
  signals: number[];
}

/** Returns a fresh request of a fake caller (pid 100). */
export function fakeCaller(): FakeCaller {
  const mem = new GuestMemory();
  mem.setPages(PAGE / PAGE_SIZE, 1, PROT_READ | PROT_WRITE, true);
  const signals: number[] = [];
  const caller = { tid: 100, tgid: 100, mm: { mem } as unknown as Mm, raise: (s: number) => { signals.push(s); } };
  const r = new Request(caller, argsOf([]), { wakeRequest: () => {} });
  return { r, mem, signals };
}

/** Runs a call for the first time (a new request). */
export function first<T>(r: Request, body: () => T): T {
  r.begin(0);
  return body();
}

/** Runs a call again after its sleep ended (as the dispatcher does when the request is woken). */
export function again<T>(r: Request, body: () => T): T {
  r.resumed = true;
  return body();
}

/** What a signal makes a sleeping call return (its Blocked marker's interrupt value). */
export function interrupt(r: Request, b: unknown): number {
  if (!(b instanceof Blocked)) throw new Error(`not asleep: ${String(b)}`);
  return b.onInterrupt ? b.onInterrupt(r) : -b.restart;
}

/** A SendMsg of bytes with the test credentials. */
export function sendOf(data: Uint8Array | string, extra: Partial<SendMsg> = {}): SendMsg {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  return {
    buf: arrayBuf(bytes), addr: null, rights: null, cred: { pid: CRED.pid, uid: CRED.uid, gid: CRED.gid },
    explicitCred: false, flags: 0, ctx: noPaths(), ...extra,
  };
}

/** A RecvMsg into a fresh buffer of n bytes; `text()` decodes what the last receive returned. */
export function recvOf(n: number, flags = 0): RecvMsg & { bytes: Uint8Array } {
  const bytes = new Uint8Array(n);
  return Object.assign(recvMsgOf(arrayBuf(bytes), flags), { bytes });
}

/** Receives up to n bytes now (not blocking: MSG_DONTWAIT) and returns them as text, or the errno. */
export function recvText(s: Socket, r: Request, n = 256, flags = 0): string | number {
  const m = recvOf(n, flags | 0x40 /* MSG_DONTWAIT */);
  const got = first(r, () => s.recvmsg(r, m));
  if (typeof got !== 'number') throw new Error('MSG_DONTWAIT receive slept');
  if (got < 0) return got;
  return new TextDecoder().decode(m.bytes.subarray(0, got));
}

/** A raw AF_UNIX abstract address "\0name". */
export function abstractAddr(name: string): RawSockAddr {
  const b = new Uint8Array(3 + name.length);
  b[0] = 1;
  b.set(new TextEncoder().encode(name), 3);
  return { family: 1, bytes: b };
}

/** A raw sockaddr_in for a.b.c.d:port. */
export function in4(ip: [number, number, number, number], port: number): RawSockAddr {
  const b = new Uint8Array(16);
  b[0] = 2;
  b[2] = port >> 8;
  b[3] = port & 0xff;
  b.set(ip, 4);
  return { family: 2, bytes: b };
}
