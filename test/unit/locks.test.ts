// The lock arithmetic under the fcntl and flock calls: struct flock ranges (whence, negative and
// zero lengths, overflow), conflicts, splitting and merging of one owner's locks, the order
// F_GETLK scans in, and deadlock detection over the wait-for graph of sleeping POSIX requests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EINVAL, EOVERFLOW } from '../../src/abi/errno.js';
import { applyPosix, F_RDLCK, F_UNLCK, F_WRLCK, firstConflict, flockRange, OFFSET_MAX, type PosixLock, posixConflict,
  removeOwner } from '../../src/kernel/vfs/locks/range.js';
import { MAX_DEADLK_ITERATIONS, WaitForGraph } from '../../src/kernel/vfs/locks/deadlock.js';

const SEEK_SET = 0, SEEK_CUR = 1, SEEK_END = 2;
const A = { name: 'A' }, B = { name: 'B' }, C = { name: 'C' };

/** A lock of owner on [start, end]. */
function lk(owner: object, type: number, start: number | bigint, end: number | bigint): PosixLock {
  return { owner, type, start: BigInt(start), end: BigInt(end), pid: 1, ofd: false };
}

/** The list as [owner name, type, start, end] tuples. */
function shape(list: PosixLock[]): [string, number, number, number][] {
  return list.map((l) => [(l.owner as { name: string }).name, l.type, Number(l.start), l.end === OFFSET_MAX ? -1 : Number(l.end)]);
}

test('flockRange: SEEK_SET, SEEK_CUR and SEEK_END bases, positive lengths count forward', () => {
  assert.deepEqual(flockRange(SEEK_SET, 10n, 5n, 999n, 999n), { start: 10n, end: 14n });
  assert.deepEqual(flockRange(SEEK_CUR, -10n, 5n, 1000n, 0n), { start: 990n, end: 994n });
  assert.deepEqual(flockRange(SEEK_END, -100n, 1n, 0n, 5000n), { start: 4900n, end: 4900n });
});

test('flockRange: length 0 reaches OFFSET_MAX; a negative length covers the bytes before start', () => {
  assert.deepEqual(flockRange(SEEK_SET, 7n, 0n, 0n, 0n), { start: 7n, end: OFFSET_MAX });
  assert.deepEqual(flockRange(SEEK_SET, 600n, -100n, 0n, 0n), { start: 500n, end: 599n });
  assert.deepEqual(flockRange(SEEK_SET, 100n, -100n, 0n, 0n), { start: 0n, end: 99n });
});

test('flockRange: EINVAL for a bad whence, a negative start, or a negative length reaching below 0', () => {
  assert.equal(flockRange(7, 0n, 1n, 0n, 0n), -EINVAL);
  assert.equal(flockRange(SEEK_SET, -1n, 1n, 0n, 0n), -EINVAL);
  assert.equal(flockRange(SEEK_SET, 5n, -6n, 0n, 0n), -EINVAL);
  assert.equal(flockRange(SEEK_CUR, -11n, 1n, 10n, 0n), -EINVAL);
});

test('flockRange: EOVERFLOW when the end passes OFFSET_MAX or the start overflows loff_t', () => {
  assert.equal(flockRange(SEEK_SET, OFFSET_MAX - 5n, 10n, 0n, 0n), -EOVERFLOW);
  assert.deepEqual(flockRange(SEEK_SET, OFFSET_MAX - 9n, 10n, 0n, 0n), { start: OFFSET_MAX - 9n, end: OFFSET_MAX });
  assert.equal(flockRange(SEEK_CUR, OFFSET_MAX, 1n, 10n, 0n), -EOVERFLOW);
  assert.deepEqual(flockRange(SEEK_CUR, OFFSET_MAX - 10n, 0n, 10n, 0n), { start: OFFSET_MAX, end: OFFSET_MAX });
});

test('conflicts need other owners, a common byte and a write lock on either side', () => {
  assert.equal(posixConflict(lk(A, F_WRLCK, 0, 9), lk(A, F_WRLCK, 0, 9)), false);
  assert.equal(posixConflict(lk(A, F_RDLCK, 0, 9), lk(B, F_RDLCK, 0, 9)), false);
  assert.equal(posixConflict(lk(A, F_RDLCK, 0, 9), lk(B, F_WRLCK, 9, 20)), true);
  assert.equal(posixConflict(lk(A, F_WRLCK, 0, 9), lk(B, F_RDLCK, 10, 20)), false);
  assert.equal(firstConflict([lk(B, F_RDLCK, 0, 5), lk(C, F_WRLCK, 0, 5), lk(B, F_WRLCK, 3, 3)], lk(A, F_WRLCK, 3, 3))?.owner, B);
});

test('unlocking the middle of a lock splits it in two', () => {
  const l = applyPosix([lk(A, F_WRLCK, 0, 99)], lk(A, F_UNLCK, 40, 59));
  assert.deepEqual(shape(l), [['A', F_WRLCK, 0, 39], ['A', F_WRLCK, 60, 99]]);
});

test('a lock of the same type that touches or overlaps merges; another type is cut out', () => {
  let l = applyPosix([lk(A, F_RDLCK, 200, 209)], lk(A, F_RDLCK, 210, 219));
  assert.deepEqual(shape(l), [['A', F_RDLCK, 200, 219]]);
  l = applyPosix([lk(A, F_RDLCK, 0, 4), lk(A, F_RDLCK, 6, 9)], lk(A, F_RDLCK, 5, 5));
  assert.deepEqual(shape(l), [['A', F_RDLCK, 0, 9]]);
  l = applyPosix([lk(A, F_WRLCK, 300, 399)], lk(A, F_RDLCK, 340, 349));
  assert.deepEqual(shape(l), [['A', F_WRLCK, 300, 339], ['A', F_RDLCK, 340, 349], ['A', F_WRLCK, 350, 399]]);
  l = applyPosix(l, lk(A, F_WRLCK, 330, 359));
  assert.deepEqual(shape(l), [['A', F_WRLCK, 300, 399]]);
  l = applyPosix([lk(A, F_RDLCK, 0, 9)], lk(A, F_WRLCK, 10, 19));
  assert.deepEqual(shape(l), [['A', F_RDLCK, 0, 9], ['A', F_WRLCK, 10, 19]]);
});

test('a lock inside a same-type lock changes nothing; unlocking everything empties the owner', () => {
  let l = applyPosix([lk(A, F_RDLCK, 0, 99)], lk(A, F_RDLCK, 10, 19));
  assert.deepEqual(shape(l), [['A', F_RDLCK, 0, 99]]);
  l = applyPosix([...l, lk(B, F_RDLCK, 5, 5)], lk(A, F_UNLCK, 0, OFFSET_MAX));
  assert.deepEqual(shape(l), [['B', F_RDLCK, 5, 5]]);
});

test('an owner\'s locks stay together where its first lock was, other owners keep their places', () => {
  const start = [lk(B, F_RDLCK, 0, 0), lk(A, F_RDLCK, 50, 50), lk(C, F_RDLCK, 0, 0)];
  const l = applyPosix(start, lk(A, F_WRLCK, 10, 10));
  assert.deepEqual(shape(l), [['B', F_RDLCK, 0, 0], ['A', F_WRLCK, 10, 10], ['A', F_RDLCK, 50, 50], ['C', F_RDLCK, 0, 0]]);
  assert.deepEqual(shape(applyPosix(start, lk(B, F_WRLCK, 9, 9))).map((x) => x[0]), ['B', 'B', 'A', 'C']);
  assert.deepEqual(shape(applyPosix(l, lk({ name: 'D' }, F_RDLCK, 1, 1))).at(-1), ['D', F_RDLCK, 1, 1]);
  assert.deepEqual(shape(removeOwner(l, A)), [['B', F_RDLCK, 0, 0], ['C', F_RDLCK, 0, 0]]);
});

test('deadlock: two owners each waiting for the other\'s lock', () => {
  const g = new WaitForGraph();
  const aHolds = lk(A, F_WRLCK, 0, 0), bHolds = lk(B, F_WRLCK, 1, 1);
  assert.equal(g.wouldDeadlock(A, bHolds), false); // B waits for nothing
  g.add(A, bHolds); // A sleeps on B's lock
  assert.equal(g.wouldDeadlock(B, aHolds), true);
  assert.equal(g.wouldDeadlock(C, aHolds), false);
  g.remove(A, bHolds);
  assert.equal(g.wouldDeadlock(B, aHolds), false);
  assert.equal(g.size, 0);
});

test('deadlock: a longer cycle is found, a chain that does not come back is not', () => {
  const g = new WaitForGraph();
  const aHolds = lk(A, F_WRLCK, 0, 0), bHolds = lk(B, F_WRLCK, 1, 1), cHolds = lk(C, F_WRLCK, 2, 2);
  g.add(A, bHolds); // A waits for B
  g.add(B, cHolds); // B waits for C
  assert.equal(g.wouldDeadlock(C, aHolds), true); // C -> A -> B -> C
  const D = { name: 'D' };
  assert.equal(g.wouldDeadlock(D, aHolds), false);
});

test('deadlock: the chain is followed at most MAX_DEADLK_ITERATIONS links, as Linux does', () => {
  const owners = Array.from({ length: MAX_DEADLK_ITERATIONS + 4 }, (_, i) => ({ name: `o${i}` }));
  const holds = owners.map((o, i) => lk(o, F_WRLCK, i, i));
  const build = (n: number): WaitForGraph => {
    const g = new WaitForGraph();
    for (let i = 0; i + 1 < n; i++) g.add(owners[i]!, holds[i + 1]!); // o0 -> o1 -> ... -> o(n-1)
    return g;
  };
  // The last owner asking for o0's lock closes a cycle of n owners.
  const short = MAX_DEADLK_ITERATIONS;
  assert.equal(build(short).wouldDeadlock(owners[short - 1]!, holds[0]!), true);
  const long = MAX_DEADLK_ITERATIONS + 3;
  assert.equal(build(long).wouldDeadlock(owners[long - 1]!, holds[0]!), false);
});
