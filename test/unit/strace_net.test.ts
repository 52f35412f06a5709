// --strace formats of the socket calls, as strace(1) prints them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GuestMemory, PAGE_SIZE, PROT_READ, PROT_WRITE } from '../../src/mem/guest_memory.js';
import { formatSyscall } from '../../src/kernel/strace.js';
import { syscallTable } from '../../src/kernel/syscalls/table.js';

const PAGE = 0x20000;

/** A memory with one page mapped at PAGE. */
function memory(): GuestMemory {
  const mem = new GuestMemory();
  mem.setPages(PAGE / PAGE_SIZE, 1, PROT_READ | PROT_WRITE, true);
  return mem;
}

/** The strace line of call nr with raw arguments and a result. */
function line(mem: GuestMemory, nr: number, args: (number | bigint)[], ret: bigint): string {
  const def = syscallTable.get(nr)!;
  return formatSyscall(mem, nr, def.name, def, args.map((a) => BigInt(a)), ret);
}

test('socket, socketpair, shutdown and listen show families, types, flags and the pair written', () => {
  const mem = memory();
  mem.writeI32(PAGE, 3);
  mem.writeI32(PAGE + 4, 4);
  assert.equal(line(mem, 198, [2, 1 | 0x80000, 0], 3n), 'socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC, 0) = 3');
  assert.equal(line(mem, 199, [1, 5 | 0x800, 0, PAGE], 0n), 'socketpair(AF_UNIX, SOCK_SEQPACKET|SOCK_NONBLOCK, 0, [3, 4]) = 0');
  assert.equal(line(mem, 210, [3, 1], 0n), 'shutdown(3, SHUT_WR) = 0');
  assert.equal(line(mem, 198, [99, 1, 0], -97n), 'socket(99, SOCK_STREAM, 0) = -1 EAFNOSUPPORT (Address family not supported by protocol)');
});

test('addresses read by bind and connect, and written by accept and getsockname after the call', () => {
  const mem = memory();
  mem.write(PAGE, Uint8Array.of(2, 0, 0x1f, 0x90, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0));
  assert.equal(line(mem, 203, [3, PAGE, 16], 0n), 'connect(3, {sa_family=AF_INET, sin_port=htons(8080), sin_addr=inet_addr("127.0.0.1")}, 16) = 0');
  const six = new Uint8Array(28);
  six.set([10, 0, 0, 80], 0);
  six[23] = 1;
  mem.write(PAGE + 64, six);
  assert.equal(line(mem, 200, [3, PAGE + 64, 28], 0n),
    'bind(3, {sa_family=AF_INET6, sin6_port=htons(80), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "::1", &sin6_addr), sin6_scope_id=0}, 28) = 0');
  mem.write(PAGE + 128, Uint8Array.of(1, 0, 0, 0x61, 0x62));
  assert.equal(line(mem, 200, [3, PAGE + 128, 5], 0n), 'bind(3, {sa_family=AF_UNIX, sun_path=@"ab"}, 5) = 0');
  mem.write(PAGE + 192, Uint8Array.of(1, 0, 0x2f, 0x73, 0));
  mem.writeI32(PAGE + 256, 5);
  assert.equal(line(mem, 242, [3, PAGE + 192, PAGE + 256, 0x80000], 4n),
    'accept4(3, {sa_family=AF_UNIX, sun_path="/s"}, [5], SOCK_CLOEXEC) = 4');
  assert.equal(line(mem, 202, [3, 0, 0], -11n), 'accept(3, NULL, NULL) = -1 EAGAIN (Resource temporarily unavailable)');
});

test('socket options show the level, the name at that level, and int values', () => {
  const mem = memory();
  mem.writeI32(PAGE, 1);
  mem.writeI32(PAGE + 8, 4);
  assert.equal(line(mem, 208, [3, 1, 2, PAGE, 4], 0n), 'setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0');
  assert.equal(line(mem, 208, [3, 6, 1, PAGE, 4], 0n), 'setsockopt(3, SOL_TCP, TCP_NODELAY, [1], 4) = 0');
  assert.equal(line(mem, 209, [3, 1, 4, PAGE, PAGE + 8], 0n), 'getsockopt(3, SOL_SOCKET, SO_ERROR, [1], [4]) = 0');
});

test('sendmsg shows the iovecs and SCM_RIGHTS descriptors; sendto and recvfrom their flags', () => {
  const mem = memory();
  const hdr = PAGE, iov = PAGE + 64, data = PAGE + 128, ctl = PAGE + 192;
  mem.write(data, new TextEncoder().encode('hi'));
  mem.writeU64(iov, data);
  mem.writeU64(iov + 8, 2);
  mem.writeU64(ctl, 20);
  mem.writeI32(ctl + 8, 1);
  mem.writeI32(ctl + 12, 1);
  mem.writeI32(ctl + 16, 5);
  mem.writeU64(hdr + 16, iov);
  mem.writeU64(hdr + 24, 1);
  mem.writeU64(hdr + 32, ctl);
  mem.writeU64(hdr + 40, 24);
  assert.equal(line(mem, 211, [3, hdr, 0x4000], 2n),
    'sendmsg(3, {msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base="hi", iov_len=2}], msg_iovlen=1, '
    + 'msg_control=[{cmsg_len=20, cmsg_level=SOL_SOCKET, cmsg_type=SCM_RIGHTS, cmsg_data=[5]}], msg_controllen=24, msg_flags=0}, MSG_NOSIGNAL) = 2');
  assert.equal(line(mem, 206, [3, data, 2, 0x40 | 0x4000, 0, 0], 2n), 'sendto(3, "hi", 2, MSG_DONTWAIT|MSG_NOSIGNAL, NULL, 0) = 2');
  assert.equal(line(mem, 207, [3, data, 100, 2, 0, 0], 2n), 'recvfrom(3, "hi", 100, MSG_PEEK, NULL, NULL) = 2');
});
