// tmpfs limits (tmpfs.ts, tmpfs_pages.ts): pages are charged on first write and given back when
// the last link and the last open go; names count against the inode limit; and a host allocation
// failure inside any syscall reaches the guest as ENOMEM, never as a host exception.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TmpfsFile, TmpfsSuper } from '../../src/kernel/vfs/tmpfs.js';
import { ENOMEM, ENOSPC } from '../../src/abi/errno.js';
import { Kernel } from '../../src/kernel/kernel.js';
import { NodeHost } from '../../src/host/node.js';
import { invoke } from '../../src/kernel/entry.js';
import { ValueArgs } from '../../src/kernel/args.js';
import { Request } from '../../src/kernel/request.js';
import { Pipe } from '../../src/kernel/vfs/pipe.js';

const PAGE = 4096;

/** A tmpfs of `pages` pages and `inodes` entries. */
function tmpfs(pages: number, inodes = 100): TmpfsSuper {
  return new TmpfsSuper(() => 0n, false, 0o1777, 0, 0, { maxBytes: pages * PAGE, maxInodes: inodes });
}

test('an unlinked tmpfs file that is still open keeps its pages until its last close', () => {
  const sb = tmpfs(4);
  const f = sb.root.create('f', 0o644, 0, 0) as TmpfsFile;
  const io = f.openIo();
  assert.equal(io.pwrite(new Uint8Array(3 * PAGE).fill(1), 0), 3 * PAGE);
  assert.equal(sb.usedPages, 3);
  assert.equal(sb.root.unlink('f'), 0);
  assert.equal(sb.usedPages, 3, 'still open');
  const back = new Uint8Array(PAGE);
  assert.equal(io.pread(back, PAGE), PAGE);
  assert.equal(back[0], 1, 'the data is still there');
  io.close();
  assert.equal(sb.usedPages, 0, 'the last close gave the pages back');
});

test('a write that reaches the size limit is short, the next gives ENOSPC, and truncation frees pages', () => {
  const sb = tmpfs(2);
  const f = sb.root.create('f', 0o644, 0, 0) as TmpfsFile;
  const io = f.openIo();
  assert.equal(io.pwrite(new Uint8Array(3 * PAGE), 100), 2 * PAGE - 100);
  assert.equal(io.pwrite(new Uint8Array(10), 2 * PAGE), -ENOSPC);
  assert.equal(f.truncate(PAGE), 0);
  assert.equal(sb.usedPages, 1);
  assert.equal(io.pwrite(new Uint8Array(10), 5 * PAGE), 10, 'a page is free again');
  assert.equal(f.getattr().blocks, 2 * (PAGE / 512), 'st_blocks counts the allocated pages, not the size');
});

test('names count against the inode limit, hard links included, and come back on unlink', () => {
  const sb = tmpfs(4, 3); // the root and two names
  const f = sb.root.create('a', 0o644, 0, 0);
  assert.equal(typeof f, 'object');
  assert.equal(sb.root.link('b', f as TmpfsFile), 0);
  assert.equal(sb.root.create('c', 0o644, 0, 0), -ENOSPC);
  assert.equal(sb.root.mkdir('d', 0o755, 0, 0), -ENOSPC);
  assert.equal(sb.root.unlink('a'), 0);
  assert.equal(typeof sb.root.mkdir('d', 0o755, 0, 0), 'object');
});

test('a host allocation failure inside a syscall reaches the guest as ENOMEM', () => {
  const k = new Kernel({ host: new NodeHost() });
  const tg = k.createProcess('guest/bin/exit42', ['exit42'], []);
  if ('error' in tg) throw new Error(tg.error);
  const t = tg.tasks[0]!;
  const call = (nr: number, args: number[]): unknown => {
    const r = new Request(t, new ValueArgs(args), { wakeRequest: () => {} });
    r.begin(nr);
    return invoke(t, r);
  };
  const buf = call(222, [0, PAGE, 3, 0x22, -1, 0]) as number; // mmap
  assert.equal(call(59, [buf, 0]), 0); // pipe2
  const wfd = t.mm.mem.readI32(buf + 4);
  const put = Pipe.prototype.put;
  Pipe.prototype.put = () => { throw new RangeError('Array buffer allocation failed'); };
  try {
    assert.equal(call(64, [wfd, buf, 8]), -ENOMEM); // write
  } finally {
    Pipe.prototype.put = put;
  }
  Pipe.prototype.put = () => { throw new TypeError('a bug, not an allocation'); };
  try {
    assert.throws(() => call(64, [wfd, buf, 8]), TypeError, 'other host exceptions are not hidden');
  } finally {
    Pipe.prototype.put = put;
  }
});
