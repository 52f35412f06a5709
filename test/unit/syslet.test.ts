// Syslets (src/kernel/syslet/): each flaw the review of Ingo Molnar's v5 found
// (seed 001_cb1f52540e70bbbd.txt, abi-riscv64.md §6.6) has a test named after its fix. Calls are
// made through invoke() as the dispatcher makes them, on a process that was created but not
// started; the kernel's event point (where asynchronous chains run) is a due timer, fired here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Kernel } from '../../src/kernel/kernel.js';
import { createSimHost, NodeHost } from '../../src/host/node.js';
import { invoke } from '../../src/kernel/entry.js';
import { ValueArgs } from '../../src/kernel/args.js';
import { Request } from '../../src/kernel/request.js';
import type { Task } from '../../src/kernel/task.js';
import { EBADF, EFAULT, EINVAL, ENOSYS } from '../../src/abi/errno.js';
import {
  ASYNC_COMPLETION_CHAIN_ERROR, ATOM_SIZE, COMPLETION_SIZE, NR_ASYNC_EXEC, NR_ASYNC_WAIT, NR_UMEM_ADD, SYSLET_ASYNC,
  SYSLET_NO_COMPLETE, SYSLET_SKIP_TO_NEXT_ON_STOP, SYSLET_STOP_ON_ERROR, SYSLET_STOP_ON_NEGATIVE, SYSLET_STOP_ON_NONZERO,
  SYSLET_STOP_ON_ZERO, SYSLET_SYNC,
} from '../../src/kernel/syslet/abi.js';
import { seededOrder } from '../../src/kernel/syslet/chain.js';

const NR_READ = 63, NR_WRITE = 64, NR_CLOSE = 57, NR_PIPE2 = 59, NR_MMAP = 222, NR_MUNMAP = 215, NR_GETPID = 172,
  NR_RT_SIGRETURN = 139;
const PROT_RW = 3, MAP_PRIVATE_ANON = 0x22, PAGE = 4096;
/** The scratch area's layout: the head, its ring of RING entries, argument words, atoms. */
const RING = 4, RING_OFF = 0x100, WORDS_OFF = 0x400, ATOMS_OFF = 0x1000, AREA = 4 * PAGE;

interface Setup {
  k: Kernel;
  t: Task;
  /** Address of the async_head_user (the scratch area's start). */
  ahu: number;
  /** Address of argument word i (8 bytes each), and of atom i. */
  word(i: number): number;
  atom(i: number): number;
  /** Runs syscall nr with args as a new request of t; returns the handler's result. */
  call(nr: number, args: (number | bigint)[]): unknown;
  /** Runs the kernel's event point: every chain that is ready takes its turn. */
  eventPoint(): void;
  /** The ring's slots as [atom, result, flags, private]. */
  slots(): [number, bigint, number, bigint][];
}

/** A created (not started) process with a scratch area holding an async_head_user and its ring. */
function setup(k = new Kernel({ host: new NodeHost(), extensions: { syslet: true } })): Setup {
  const tg = k.createProcess('guest/bin/exit42', ['exit42'], []);
  if ('error' in tg) throw new Error(tg.error);
  const t = tg.tasks[0]!;
  const call = (nr: number, args: (number | bigint)[]): unknown => {
    const r = new Request(t, new ValueArgs(args), { wakeRequest: () => {} });
    r.begin(nr);
    return invoke(t, r);
  };
  const base = call(NR_MMAP, [0, AREA, PROT_RW, MAP_PRIVATE_ANON, -1, 0]) as number;
  const mem = t.mm.mem;
  mem.writeBig64(base + 16, BigInt(base + RING_OFF));
  mem.writeBig64(base + 24, BigInt(RING * COMPLETION_SIZE));
  return {
    k, t, ahu: base, call,
    word: (i) => base + WORDS_OFF + 8 * i,
    atom: (i) => base + ATOMS_OFF + ATOM_SIZE * i,
    eventPoint: () => { k.timers.fire(k.monotonicNs()); },
    slots: () => Array.from({ length: RING }, (_, i) => {
      const s = base + RING_OFF + i * COMPLETION_SIZE;
      return [Number(mem.readBig64(s)), BigInt.asIntN(64, mem.readBig64(s + 8)), mem.readU32(s + 16), mem.readBig64(s + 24)];
    }),
  };
}

interface AtomSpec {
  flags?: number;
  nr: number;
  ret?: number;
  next?: number | bigint;
  args?: (number | bigint)[];
  nargs?: number;
  private?: bigint;
  reserved?: number;
}

/** Writes an atom at addr (args are the arg_ptr values; nargs defaults to their count). */
function putAtom(t: Task, addr: number, a: AtomSpec): void {
  const raw = new Uint8Array(ATOM_SIZE);
  const dv = new DataView(raw.buffer);
  dv.setUint32(0, a.flags ?? 0, true);
  dv.setUint32(4, a.nr, true);
  dv.setBigUint64(8, BigInt(a.ret ?? 0), true);
  dv.setBigUint64(16, BigInt(a.next ?? 0), true);
  (a.args ?? []).forEach((p, i) => dv.setBigUint64(24 + 8 * i, BigInt(p), true));
  dv.setBigUint64(72, a.private ?? 0n, true);
  dv.setUint32(80, a.nargs ?? (a.args ?? []).length, true);
  dv.setUint32(84, a.reserved ?? 0, true);
  t.mm.mem.write(addr, raw);
}

/** Sets argument word i to v and returns its address. */
function word(s: Setup, i: number, v: number | bigint): number {
  s.t.mm.mem.writeBig64(s.word(i), BigInt.asUintN(64, BigInt(v)));
  return s.word(i);
}

/** A u64 word read back as signed. */
function get(s: Setup, addr: number): bigint {
  return BigInt.asIntN(64, s.t.mm.mem.readBig64(addr));
}

/** Makes a pipe; returns [read fd, write fd]. */
function pipe(s: Setup): [number, number] {
  assert.equal(s.call(NR_PIPE2, [s.word(30), 0]), 0);
  return [s.t.mm.mem.readI32(s.word(30)), s.t.mm.mem.readI32(s.word(30) + 4)];
}

test('ring index wraparound: async_wait counts completions when the kernel index is below the user index', () => {
  const s = setup();
  const [rfd, wfd] = pipe(s);
  // Five chains, each one read of a byte from the empty pipe: all go asynchronous.
  for (let i = 0; i < 5; i++) {
    putAtom(s.t, s.atom(i), { nr: NR_READ, args: [word(s, 0, rfd), word(s, 1, s.word(20)), word(s, 2, 1)], private: BigInt(i) });
    assert.equal(s.call(NR_ASYNC_EXEC, [s.atom(i), s.ahu]), 0, 'the read would block: the chain went asynchronous');
  }
  const feed = (n: number): void => {
    s.t.mm.mem.write(s.word(21), new Uint8Array(n).fill(0x41));
    assert.equal(s.call(NR_WRITE, [wfd, s.word(21), n]), n);
    s.eventPoint();
  };
  feed(3);
  assert.equal(s.call(NR_ASYNC_WAIT, [3, 0, s.ahu]), 3);
  // User space consumes the three slots: user index 3; two more completions wrap the kernel index to 1.
  for (let i = 0; i < 3; i++) s.t.mm.mem.writeBig64(s.ahu + RING_OFF + i * COMPLETION_SIZE, 0n);
  feed(2);
  assert.equal(get(s, s.ahu), 1n, 'kernel_ring_idx wrapped to 1');
  assert.equal(s.call(NR_ASYNC_WAIT, [2, 3, s.ahu]), 2, 'two completions lie beyond user index 3 (slots 3 and 0)');
  assert.equal(s.call(NR_ASYNC_WAIT, [0, 3, s.ahu]), 2);
});

test('ring full: a completion that finds its slot taken is kept and posted once user space frees it', () => {
  const s = setup();
  const [rfd, wfd] = pipe(s);
  for (let i = 0; i < RING + 1; i++) {
    putAtom(s.t, s.atom(i), { nr: NR_READ, args: [word(s, 0, rfd), word(s, 1, s.word(20)), word(s, 2, 1)], private: BigInt(i) });
    assert.equal(s.call(NR_ASYNC_EXEC, [s.atom(i), s.ahu]), 0);
  }
  s.t.mm.mem.write(s.word(21), new Uint8Array(8).fill(0x42));
  assert.equal(s.call(NR_WRITE, [wfd, s.word(21), RING + 1]), RING + 1);
  s.eventPoint();
  assert.equal(s.call(NR_ASYNC_WAIT, [RING, 0, s.ahu]), RING + 1, 'four in the ring and one kept');
  s.t.mm.mem.writeBig64(s.ahu + RING_OFF, 0n); // consume slot 0
  assert.equal(s.call(NR_ASYNC_WAIT, [0, 1, s.ahu]), RING, 'the kept completion moved into slot 0');
  assert.equal(s.slots()[0]![3] + s.slots()[1]![3] + s.slots()[2]![3] + s.slots()[3]![3], 1n + 2n + 3n + 4n);
});

test('unknown atom flags are rejected with EINVAL before the atom runs', () => {
  const s = setup();
  const counter = word(s, 5, 0);
  for (const bad of [0x200, 0x8000_0000]) {
    putAtom(s.t, s.atom(0), { flags: bad, nr: NR_UMEM_ADD, args: [word(s, 0, counter), word(s, 1, 1)] });
    assert.equal(s.call(NR_ASYNC_EXEC, [s.atom(0), s.ahu]), -EINVAL);
  }
  putAtom(s.t, s.atom(0), { nr: NR_UMEM_ADD, args: [word(s, 0, counter), word(s, 1, 1)], reserved: 1 });
  assert.equal(s.call(NR_ASYNC_EXEC, [s.atom(0), s.ahu]), -EINVAL, 'the reserved word must be zero');
  assert.equal(get(s, counter), 0n, 'no atom ran');
});

test('stop flags validated: several stop bits, SKIP_TO_NEXT without a stop bit, and ASYNC with SYNC are EINVAL', () => {
  const s = setup();
  for (const flags of [SYSLET_STOP_ON_ZERO | SYSLET_STOP_ON_NONZERO, SYSLET_STOP_ON_NEGATIVE | SYSLET_STOP_ON_ERROR,
    SYSLET_SKIP_TO_NEXT_ON_STOP, SYSLET_ASYNC | SYSLET_SYNC]) {
    putAtom(s.t, s.atom(0), { flags, nr: NR_GETPID });
    assert.equal(s.call(NR_ASYNC_EXEC, [s.atom(0), s.ahu]), -EINVAL, `flags ${flags.toString(16)}`);
  }
  // One stop bit with SKIP_TO_NEXT_ON_STOP branches to the atom that follows in memory.
  const ret = s.word(10);
  putAtom(s.t, s.atom(0), { flags: SYSLET_STOP_ON_NONZERO | SYSLET_SKIP_TO_NEXT_ON_STOP, nr: NR_GETPID, ret, next: s.atom(5) });
  putAtom(s.t, s.atom(1), { nr: NR_CLOSE, args: [word(s, 0, -1)], ret });
  assert.equal(s.call(NR_ASYNC_EXEC, [s.atom(0), s.ahu]), s.atom(1), 'getpid is non-zero: the chain went on at atom + 1');
  assert.equal(get(s, ret), BigInt(-EBADF));
});

test('stop on error: STOP_ON_ERROR ends the chain at a failed call, and force_noerror is cleared between atoms', () => {
  const s = setup();
  const counter = word(s, 5, -20n), ret = s.word(10), after = word(s, 6, 0);
  // umem_add makes the counter -14 (-EFAULT as a value): a forced success, so the chain goes on;
  // close(-1) fails for real: the flag umem_add set must not survive into it, so the chain stops.
  putAtom(s.t, s.atom(0), { flags: SYSLET_STOP_ON_ERROR, nr: NR_UMEM_ADD, args: [word(s, 0, counter), word(s, 1, 6)], ret, next: s.atom(1) });
  putAtom(s.t, s.atom(1), { flags: SYSLET_STOP_ON_ERROR, nr: NR_CLOSE, args: [word(s, 2, -1)], ret, next: s.atom(2) });
  putAtom(s.t, s.atom(2), { nr: NR_UMEM_ADD, args: [word(s, 3, after), word(s, 4, 1)] });
  assert.equal(s.call(NR_ASYNC_EXEC, [s.atom(0), s.ahu]), s.atom(1), 'the chain ended at close');
  assert.equal(get(s, counter), -14n);
  assert.equal(get(s, ret), BigInt(-EBADF));
  assert.equal(get(s, after), 0n, 'the atom after the stop did not run');
  // Without a stop condition the same chain runs to its end.
  putAtom(s.t, s.atom(1), { nr: NR_CLOSE, args: [word(s, 2, -1)], ret, next: s.atom(2) });
  assert.equal(s.call(NR_ASYNC_EXEC, [s.atom(0), s.ahu]), s.atom(2));
  assert.equal(get(s, after), 1n);
});

test('one checked copy: an atom whose tail is unmapped is EFAULT and does not run', () => {
  const s = setup();
  const counter = word(s, 5, 0);
  // Unmap the last page; an atom that starts 16 bytes before it has readable flags, nr and ret_ptr only.
  assert.equal(s.call(NR_MUNMAP, [s.ahu + 3 * PAGE, PAGE]), 0);
  const at = s.ahu + 3 * PAGE - 16;
  const raw = new Uint8Array(16);
  new DataView(raw.buffer).setUint32(4, NR_UMEM_ADD, true);
  s.t.mm.mem.write(at, raw);
  assert.equal(s.call(NR_ASYNC_EXEC, [at, s.ahu]), -EFAULT);
  assert.equal(get(s, counter), 0n);
});

test('a NULL or faulting argument pointer is EFAULT, not a silent zero', () => {
  const s = setup();
  const ret = word(s, 10, 99);
  putAtom(s.t, s.atom(0), { nr: NR_CLOSE, args: [0], ret });
  assert.equal(s.call(NR_ASYNC_EXEC, [s.atom(0), s.ahu]), -EFAULT, 'NULL arg_ptr[0] with nargs 1');
  putAtom(s.t, s.atom(0), { nr: NR_CLOSE, args: [s.ahu + 3 * PAGE + 8], ret });
  assert.equal(s.call(NR_MUNMAP, [s.ahu + 3 * PAGE, PAGE]), 0);
  assert.equal(s.call(NR_ASYNC_EXEC, [s.atom(0), s.ahu]), -EFAULT, 'arg_ptr[0] unmapped');
  assert.equal(get(s, ret), 99n, 'close never ran, so nothing was stored');
  putAtom(s.t, s.atom(0), { nr: NR_GETPID, args: [s.word(1)], nargs: 0, ret });
  assert.equal(s.call(NR_ASYNC_EXEC, [s.atom(0), s.ahu]), -EINVAL, 'an arg_ptr beyond nargs must be 0');
  assert.equal(s.call(NR_ASYNC_EXEC, [0, s.ahu]), -EFAULT, 'a NULL chain');
  assert.equal(s.call(NR_ASYNC_EXEC, [s.atom(0), 0]), -EFAULT, 'a NULL head');
});

test('syscall table never exposed: atoms run through invoke by number, and unknown numbers complete with -ENOSYS', () => {
  const s = setup();
  const r0 = s.word(10), r1 = s.word(11), r2 = s.word(12);
  putAtom(s.t, s.atom(0), { nr: 1000, ret: r0, next: s.atom(1) });
  putAtom(s.t, s.atom(1), { nr: 0xffffffff, ret: r1, next: s.atom(2) });
  putAtom(s.t, s.atom(2), { nr: NR_GETPID, ret: r2, next: s.atom(3) });
  putAtom(s.t, s.atom(3), { nr: NR_RT_SIGRETURN, ret: r0 });
  assert.equal(s.call(NR_ASYNC_EXEC, [s.atom(0), s.ahu]), s.atom(3));
  assert.equal(get(s, r1), BigInt(-ENOSYS));
  assert.equal(get(s, r2), BigInt(s.t.tgid), 'getpid through the same invoke() a hart uses');
  assert.equal(get(s, r0), BigInt(-EINVAL), 'rt_sigreturn acts on a hart, which an atom does not have');
});

test('64-bit fields checked: pointers with upper bits set are EFAULT, indices are not truncated, arguments keep 64 bits', () => {
  const s = setup();
  const counter = word(s, 5, 0), ret = s.word(10);
  putAtom(s.t, s.atom(1), { nr: NR_UMEM_ADD, args: [word(s, 0, counter), word(s, 1, 1)] });
  // A 32-bit program's uninitialised upper half: 0xdead0000 above a real atom's address.
  putAtom(s.t, s.atom(0), { nr: NR_GETPID, next: (0xdead0000n << 32n) | BigInt(s.atom(1)) });
  assert.equal(s.call(NR_ASYNC_EXEC, [s.atom(0), s.ahu]), -EFAULT);
  putAtom(s.t, s.atom(0), { nr: NR_GETPID, ret: Number(1n << 40n) + ret });
  assert.equal(s.call(NR_ASYNC_EXEC, [s.atom(0), s.ahu]), -EFAULT, 'ret_ptr beyond the address space');
  assert.equal(get(s, counter), 0n, 'the atom at the truncated address never ran');
  assert.equal(s.call(NR_ASYNC_EXEC, [(0xdead0000n << 32n) | BigInt(s.atom(1)), s.ahu]), -EFAULT, 'the chain pointer itself');
  assert.equal(s.call(NR_ASYNC_WAIT, [0, (1n << 32n) + 1n, s.ahu]), -EINVAL, 'user index 2^32+1 is not 1');
  assert.equal(s.call(NR_ASYNC_WAIT, [(1n << 32n) + 1n, 0, s.ahu]), -EINVAL, 'min_wait_events 2^32+1 is not 1');
  putAtom(s.t, s.atom(0), { nr: NR_UMEM_ADD, args: [word(s, 0, counter), word(s, 1, (1n << 40n) + 5n)], ret });
  assert.equal(s.call(NR_ASYNC_EXEC, [s.atom(0), s.ahu]), s.atom(0));
  assert.equal(get(s, counter), (1n << 40n) + 5n);
  assert.equal(get(s, ret), (1n << 40n) + 5n);
});

test('async errors reach the completion ring: a syscall error, and an atom that cannot run after the chain went asynchronous', () => {
  const s = setup();
  const [rfd, wfd] = pipe(s);
  // read (blocks) -> close(-1) fails: the completion carries -EBADF even though ret_ptr is 0.
  putAtom(s.t, s.atom(0), { nr: NR_READ, args: [word(s, 0, rfd), word(s, 1, s.word(20)), word(s, 2, 1)], next: s.atom(1) });
  putAtom(s.t, s.atom(1), { nr: NR_CLOSE, args: [word(s, 3, -1)], private: 7n });
  assert.equal(s.call(NR_ASYNC_EXEC, [s.atom(0), s.ahu]), 0);
  // read (blocks) -> an atom with an unknown flag: the chain error goes to the ring, NO_COMPLETE or not.
  putAtom(s.t, s.atom(2), { flags: SYSLET_NO_COMPLETE, nr: NR_READ, args: [word(s, 4, rfd), word(s, 5, s.word(21)), word(s, 6, 1)], next: s.atom(3) });
  putAtom(s.t, s.atom(3), { flags: 0x400, nr: NR_GETPID, private: 8n });
  assert.equal(s.call(NR_ASYNC_EXEC, [s.atom(2), s.ahu]), 0);
  s.t.mm.mem.write(s.word(22), new Uint8Array([1, 2]));
  assert.equal(s.call(NR_WRITE, [wfd, s.word(22), 2]), 2);
  s.eventPoint();
  assert.equal(s.call(NR_ASYNC_WAIT, [2, 0, s.ahu]), 2);
  const got = s.slots().slice(0, 2).sort((a, b) => a[0] - b[0]);
  assert.deepEqual(got, [[s.atom(1), BigInt(-EBADF), 0, 7n], [s.atom(3), BigInt(-EINVAL), ASYNC_COMPLETION_CHAIN_ERROR, 8n]]);
});

test('a chain that ends inline posts nothing, and NO_COMPLETE keeps an asynchronous end out of the ring', () => {
  const s = setup();
  const [rfd, wfd] = pipe(s);
  putAtom(s.t, s.atom(0), { nr: NR_GETPID });
  assert.equal(s.call(NR_ASYNC_EXEC, [s.atom(0), s.ahu]), s.atom(0), 'a cache hit returns the final atom');
  putAtom(s.t, s.atom(1), { flags: SYSLET_NO_COMPLETE, nr: NR_READ, args: [word(s, 0, rfd), word(s, 1, s.word(20)), word(s, 2, 1)] });
  assert.equal(s.call(NR_ASYNC_EXEC, [s.atom(1), s.ahu]), 0);
  putAtom(s.t, s.atom(2), { flags: SYSLET_ASYNC, nr: NR_GETPID, private: 3n });
  assert.equal(s.call(NR_ASYNC_EXEC, [s.atom(2), s.ahu]), 0, 'SYSLET_ASYNC: queued without running inline');
  s.t.mm.mem.write(s.word(22), new Uint8Array([1]));
  assert.equal(s.call(NR_WRITE, [wfd, s.word(22), 1]), 1);
  s.eventPoint();
  assert.equal(s.call(NR_ASYNC_WAIT, [1, 0, s.ahu]), 1);
  assert.deepEqual(s.slots()[0], [s.atom(2), BigInt(s.t.tgid), 0, 3n]);
  assert.equal(s.slots()[1]![0], 0, 'the NO_COMPLETE chain posted nothing');
});

test('a looping chain returns to its caller after a batch and goes on at the event point', () => {
  const s = setup();
  const counter = word(s, 5, 0);
  // umem_add(counter, 1) until it returns 1000 (STOP_ON_ZERO on counter - 1000 is not expressible,
  // so count down from 1000 instead).
  s.t.mm.mem.writeBig64(counter, 1000n);
  putAtom(s.t, s.atom(0), { flags: SYSLET_STOP_ON_ZERO, nr: NR_UMEM_ADD, args: [word(s, 0, counter), word(s, 1, -1)], next: s.atom(0), private: 5n });
  assert.equal(s.call(NR_ASYNC_EXEC, [s.atom(0), s.ahu]), 0, 'more atoms than one batch: the caller got control back');
  for (let i = 0; i < 20 && get(s, counter) !== 0n; i++) s.eventPoint();
  assert.equal(get(s, counter), 0n);
  assert.deepEqual(s.slots()[0], [s.atom(0), 0n, 0, 5n]);
});

test('deterministic mode: chains that become ready together complete in an order the seed picks', () => {
  /** The privates of five chains, each a one-byte read of one pipe, in the order they completed. */
  const order = (seed: number): string => {
    const s = setup(new Kernel({ host: createSimHost(seed), seed, extensions: { syslet: true } }));
    const [rfd, wfd] = pipe(s);
    for (let i = 0; i < 5; i++) {
      putAtom(s.t, s.atom(i), { nr: NR_READ, args: [word(s, 0, rfd), word(s, 1, s.word(20)), word(s, 2, 1)], private: BigInt(i) });
      assert.equal(s.call(NR_ASYNC_EXEC, [s.atom(i), s.ahu]), 0);
    }
    s.t.mm.mem.write(s.word(21), new Uint8Array(5));
    assert.equal(s.call(NR_WRITE, [wfd, s.word(21), 5]), 5, 'one write makes all five ready at once');
    s.eventPoint();
    assert.equal(s.call(NR_ASYNC_WAIT, [4, 0, s.ahu]), 5, 'four in the ring and one kept while it is full');
    s.t.mm.mem.writeBig64(s.ahu + RING_OFF, 0n);
    const first = s.slots().map((x) => x[3]);
    assert.equal(s.call(NR_ASYNC_WAIT, [0, 1, s.ahu]), 4);
    return [...first, s.slots()[0]![3]].join('');
  };
  const orders = new Set<string>();
  for (let seed = 1; seed <= 8; seed++) {
    const a = order(seed);
    assert.equal(order(seed), a, `seed ${seed} gives the same order again`);
    assert.deepEqual([...a].sort().join(''), '01234');
    orders.add(a);
  }
  assert.ok(orders.size > 1, 'different seeds give different orders');
  assert.equal(order(0).length, 5);
  assert.equal(seededOrder({ deterministic: false } as never, [0, 1, 2]).join(''), '012', 'real-time mode keeps wake-up order');
});

test('an atom that ends its own process ends the chain: nothing after it runs or is stored', () => {
  const s = setup();
  const ret = word(s, 10, 99), counter = word(s, 5, 0);
  const NR_EXIT_GROUP = 94;
  putAtom(s.t, s.atom(0), { nr: NR_EXIT_GROUP, args: [word(s, 0, 3)], ret, next: s.atom(1) });
  putAtom(s.t, s.atom(1), { nr: NR_UMEM_ADD, args: [word(s, 1, counter), word(s, 2, 1)] });
  const mem = s.t.mm.mem;
  assert.equal(s.call(NR_ASYNC_EXEC, [s.atom(0), s.ahu]), 0);
  assert.equal(s.t.tg.exitCode, 3);
  assert.throws(() => mem.readBig64(counter), 'the address space is gone with the process');
});

test('the syslet calls are absent without the extension: ENOSYS', () => {
  const s = setup(new Kernel({ host: new NodeHost() }));
  putAtom(s.t, s.atom(0), { nr: NR_GETPID });
  assert.equal(s.call(NR_ASYNC_EXEC, [s.atom(0), s.ahu]), -ENOSYS);
  assert.equal(s.call(NR_ASYNC_WAIT, [0, 0, s.ahu]), -ENOSYS);
  assert.equal(s.call(NR_UMEM_ADD, [s.word(0), 1]), -ENOSYS);
});
