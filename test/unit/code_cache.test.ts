// The CLI bundle's code cache (src/cli/code_cache.ts): a second load uses V8's data from the
// first, a damaged, foreign or stale file is never handed to V8, and a cache directory that
// cannot be written only means running without a cache.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { codeCacheDir, hash64, loadBundle, MAX_CACHE_FILES, stampLine } from '../../src/cli/code_cache.js';

/** A small CommonJS script standing in for the bundle: it requires a built-in and reports its wrapper's arguments. */
const SCRIPT = `const path = require('node:path');
exports.twice = (x) => x * 2;
exports.where = { file: __filename, dir: __dirname, sep: path.sep, self: this === module.exports };
`;

/** Returns a fresh directory with the stand-in bundle in it and a cache directory path (not yet made). */
function fixture(source = SCRIPT): { dir: string; bundle: string; cache: string } {
  const dir = mkdtempSync(join(tmpdir(), 'ecall-code-cache-'));
  const bundle = join(dir, 'bundle.cjs');
  writeFileSync(bundle, source);
  return { dir, bundle, cache: join(dir, 'cache') };
}

/** Returns what the stand-in bundle exported, as plain data. */
function observed(exports: Record<string, unknown>): unknown {
  return { twice: (exports['twice'] as (x: number) => number)(21), where: exports['where'] };
}

test('a second load of the same bundle uses the code cache the first one wrote', () => {
  const f = fixture();
  try {
    const first = loadBundle(f.bundle, f.cache);
    assert.equal(first.status, 'miss');
    first.save();
    assert.deepEqual(readdirSync(f.cache), [first.file!.slice(f.cache.length + 1)]);
    const second = loadBundle(f.bundle, f.cache);
    assert.equal(second.status, 'hit');
    assert.equal(second.file, first.file);
    const expected = { twice: 42, where: { file: f.bundle, dir: f.dir, sep: '/', self: true } };
    assert.deepEqual(observed(first.exports), expected);
    assert.deepEqual(observed(second.exports), expected);
  } finally {
    rmSync(f.dir, { recursive: true, force: true });
  }
});

test('a damaged cache file is ignored, the bundle runs the same, and the next save repairs it', () => {
  const f = fixture();
  try {
    const first = loadBundle(f.bundle, f.cache);
    first.save();
    const good = readFileSync(first.file!);
    // One byte of V8's data changed (past the 16-byte header): same length, so V8 alone would not notice.
    const bad = Buffer.from(good);
    bad[Math.floor(bad.length / 2)]! ^= 0x40;
    writeFileSync(first.file!, bad);
    const damaged = loadBundle(f.bundle, f.cache);
    assert.equal(damaged.status, 'corrupt');
    assert.deepEqual(observed(damaged.exports), observed(first.exports));
    damaged.save();
    assert.equal(loadBundle(f.bundle, f.cache).status, 'hit');
    // A truncated file, and one that is not a cache file at all.
    for (const junk of [good.subarray(0, good.length - 100), Buffer.from('not a cache file'), Buffer.alloc(0)]) {
      writeFileSync(first.file!, junk);
      const l = loadBundle(f.bundle, f.cache);
      assert.equal(l.status, 'corrupt');
      assert.deepEqual(observed(l.exports), observed(first.exports));
    }
  } finally {
    rmSync(f.dir, { recursive: true, force: true });
  }
});

test('a cache directory that cannot be made only means running without a cache', () => {
  const f = fixture();
  try {
    const notADir = join(f.dir, 'file');
    writeFileSync(notADir, 'x');
    const l = loadBundle(f.bundle, join(notADir, 'cache'));
    assert.equal(l.status, 'miss');
    l.save(); // must not throw
    assert.deepEqual(observed(l.exports), observed(loadBundle(f.bundle, join(notADir, 'cache')).exports));
    const off = loadBundle(f.bundle, null);
    assert.equal(off.status, 'off');
    assert.equal(off.file, null);
    off.save();
    assert.deepEqual(readdirSync(f.dir).sort(), ['bundle.cjs', 'file']);
  } finally {
    rmSync(f.dir, { recursive: true, force: true });
  }
});

test('a changed bundle gets its own cache file, and only the newest files are kept', () => {
  const f = fixture();
  try {
    const files = new Set<string>();
    for (let i = 0; i < MAX_CACHE_FILES + 3; i++) {
      writeFileSync(f.bundle, `${SCRIPT}exports.version = ${i};\n`);
      const l = loadBundle(f.bundle, f.cache);
      assert.equal(l.status, 'miss', `version ${i} is new`);
      assert.equal(l.exports['version'], i);
      l.save();
      // Distinct modification times, oldest first, whatever the file system's resolution.
      utimesSync(l.file!, 1000 + i, 1000 + i);
      files.add(l.file!);
    }
    assert.equal(files.size, MAX_CACHE_FILES + 3);
    const kept = readdirSync(f.cache);
    assert.equal(kept.length, MAX_CACHE_FILES);
    assert.ok(kept.every((n) => /^cli-[0-9a-f]{16}\.v8$/.test(n)), kept.join(' '));
    // The newest version is still cached.
    assert.equal(loadBundle(f.bundle, f.cache).status, 'hit');
  } finally {
    rmSync(f.dir, { recursive: true, force: true });
  }
});

/** Returns a stand-in bundle as the build writes it: the stamp line, then the script. */
function stamped(script: string): string {
  return stampLine(Buffer.from(script)) + script;
}

/** Rewrites path with content and gives it back its old times (as an in-place edit that keeps times would). */
function rewriteKeepingTimes(path: string, content: string): void {
  const before = statSync(path);
  writeFileSync(path, content);
  sameTimes(path, before);
}

/** Sets path's access and modification times to those of like (as a copy that keeps times would). */
function sameTimes(path: string, like: { atime: Date; mtime: Date }): void {
  utimesSync(path, like.atime, like.mtime);
}

test('an unstamped bundle changed in place keeps no cache, even with its size and times unchanged', () => {
  const f = fixture(`${SCRIPT}exports.version = 1;\n`);
  try {
    const first = loadBundle(f.bundle, f.cache);
    first.save();
    assert.equal(loadBundle(f.bundle, f.cache).status, 'hit');
    rewriteKeepingTimes(f.bundle, `${SCRIPT}exports.version = 2;\n`);
    const changed = loadBundle(f.bundle, f.cache);
    assert.equal(changed.status, 'miss');
    assert.equal(changed.exports['version'], 2);
  } finally {
    rmSync(f.dir, { recursive: true, force: true });
  }
});

test('a stamped bundle is cached by its stamp and file identity: rewritten or replaced, it misses', () => {
  const f = fixture(stamped(`${SCRIPT}exports.version = 1;\n`));
  try {
    const first = loadBundle(f.bundle, f.cache);
    assert.equal(first.status, 'miss');
    first.save();
    const again = loadBundle(f.bundle, f.cache);
    assert.equal(again.status, 'hit');
    assert.equal(again.exports['version'], 1);
    // Rewritten in place with other code under the old stamp (same size): its times moved on.
    const old = statSync(f.bundle);
    writeFileSync(f.bundle, stamped(`${SCRIPT}exports.version = 1;\n`).replace('version = 1', 'version = 2'));
    utimesSync(f.bundle, old.atime, new Date(old.mtimeMs + 5000));
    const rewritten = loadBundle(f.bundle, f.cache);
    assert.equal(rewritten.status, 'miss');
    assert.equal(rewritten.exports['version'], 2);
    rewritten.save();
    // Replaced through a rename by a file with the same stamp, size and times: another inode.
    const now = statSync(f.bundle);
    const next = join(f.dir, 'next.cjs');
    writeFileSync(next, readFileSync(f.bundle, 'latin1').replace('version = 2', 'version = 3'));
    sameTimes(next, now);
    renameSync(next, f.bundle);
    const replaced = loadBundle(f.bundle, f.cache);
    assert.equal(replaced.status, 'miss');
    assert.equal(replaced.exports['version'], 3);
  } finally {
    rmSync(f.dir, { recursive: true, force: true });
  }
});

test('a malformed stamp line counts for nothing: the bundle is keyed by its bytes', () => {
  // A stamp line of the wrong shape: the bytes decide, so two different scripts under it differ.
  const bad = `//ecall-bundle ${'G'.repeat(16)}\n`;
  const f = fixture(`${bad}${SCRIPT}exports.version = 1;\n`);
  try {
    loadBundle(f.bundle, f.cache).save();
    rewriteKeepingTimes(f.bundle, `${bad}${SCRIPT}exports.version = 2;\n`);
    const l = loadBundle(f.bundle, f.cache);
    assert.equal(l.status, 'miss');
    assert.equal(l.exports['version'], 2);
  } finally {
    rmSync(f.dir, { recursive: true, force: true });
  }
});

test('the cache directory follows ECALL_CACHE, then XDG_CACHE_HOME, and ECALL_NO_CODE_CACHE turns it off', () => {
  assert.equal(codeCacheDir({ ECALL_CACHE: '/c', XDG_CACHE_HOME: '/x', HOME: '/h' }), '/c/code');
  assert.equal(codeCacheDir({ XDG_CACHE_HOME: '/x' }), '/x/ecall/code');
  assert.match(codeCacheDir({})!, /\/\.cache\/ecall\/code$/);
  assert.equal(codeCacheDir({ ECALL_CACHE: '/c', ECALL_NO_CODE_CACHE: '1' }), null);
  assert.equal(codeCacheDir({ ECALL_CACHE: '/c', ECALL_NO_CODE_CACHE: '0' }), '/c/code');
  assert.equal(codeCacheDir({ ECALL_CACHE: '/c', ECALL_NO_CODE_CACHE: '' }), '/c/code');
});

test('hash64 is FNV-1a over little-endian 32-bit words, the last one zero-padded, then the length', () => {
  /** The definition, in BigInt arithmetic. */
  const reference = (b: Uint8Array): bigint => {
    const prime = 0x100000001b3n, mask = (1n << 64n) - 1n;
    let h = 0xcbf29ce484222325n;
    for (let i = 0; i < b.length; i += 4) {
      const w = BigInt((b[i] ?? 0) | ((b[i + 1] ?? 0) << 8) | ((b[i + 2] ?? 0) << 16)) + (BigInt(b[i + 3] ?? 0) << 24n);
      h = ((h ^ w) * prime) & mask;
    }
    return ((h ^ BigInt(b.length)) * prime) & mask;
  };
  const big = new Uint8Array(70_000).map((_, i) => (i * 2654435761) >>> 24);
  for (const b of [new Uint8Array(0), Buffer.from('abc'), Buffer.from('abcd'), Buffer.from('abcde'), big, new Uint8Array(5)]) {
    assert.equal(BigInt.asUintN(64, hash64(b)), reference(b), `${b.length} bytes`);
  }
  // Memory left over from a longer input does not leak into a shorter one.
  assert.equal(BigInt.asUintN(64, hash64(Buffer.from('abc'))), reference(Buffer.from('abc')));
});
