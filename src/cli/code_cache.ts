// Loads the CLI bundle (dist/cli/ecall.cjs, a CommonJS script) with V8's code cache: the bytecode
// V8 compiled for it in an earlier run, kept in a cache directory, so a start does not parse and
// compile the whole bundle again. Node 20 has no such cache for modules (Node 22's
// module.enableCompileCache), hence the script form and node:vm's cachedData.
//
// A cache file is named by a key for the bundle and the Node version, architecture and V8 flags,
// and holds a checksum of V8's data: V8 (release builds) checks only the data's length and
// versions, so a damaged file must never reach it. The bundle's part of the key: for a bundle
// that tools/bundle_cli.ts stamped (its first line holds the hash of the rest, written at build
// time), that stamp and the file's identity (device, inode, size, modification and change times,
// taken before reading it), so a start hashes no megabyte of source; for any other file, the hash
// of its bytes. A missing, damaged or rejected cache is rebuilt after the run; an unwritable
// directory only means no cache. The hash is FNV-1a (64-bit, over 32-bit words) in a few bytes of
// WebAssembly: node:crypto would take longer to load than the whole cache saves, and plain
// JavaScript is slow over a megabyte before V8 optimizes it.
import { createRequire } from 'node:module';

// Node's built-ins through require, not import: an ES module's import of a built-in builds its
// ES module facade, reading every export (node:fs's stream getters load node:stream), which costs
// more than all of this file's work. Only node:module is imported.
const require = createRequire(import.meta.url);
const fs = require('node:fs') as typeof import('node:fs');
const { homedir } = require('node:os') as typeof import('node:os');
const { basename, dirname, join } = require('node:path') as typeof import('node:path');
const { Script } = require('node:vm') as typeof import('node:vm');

/** First bytes of a cache file (the format's version is its last digit). */
const MAGIC = 'ECALLCC1';
/** Bytes of the checksum of V8's data that follows the magic (a 64-bit hash, little-endian). */
const CHECKSUM_BYTES = 8;
/** Hex digits of the key in a cache file's name (a 64-bit hash). */
const KEY_DIGITS = 16;
/** Cache files kept in the directory (several checkouts or Node versions share it); older ones go. */
export const MAX_CACHE_FILES = 8;
/** Names of cache files in the directory. */
const CACHE_FILE = /^cli-[0-9a-f]+\.v8$/;

/** How a load used the cache: used it, had none, found it damaged, V8 refused it, or none kept. */
export type CacheStatus = 'hit' | 'miss' | 'corrupt' | 'rejected' | 'off';

/** A loaded bundle: its exports, how the cache went, and save() to write the cache after a run. */
export interface LoadedBundle {
  exports: Record<string, unknown>;
  status: CacheStatus;
  /** The cache file's path (null when caching is off). */
  file: string | null;
  /** Writes V8's data for the functions compiled so far (when the cache was not a hit); never throws. */
  save(): void;
}

/** The code cache's folder inside ecall's cache directory (which also holds fetched test programs). */
const CODE_SUBDIR = 'code';

/**
 * Returns the code cache directory from the environment: code/ in $ECALL_CACHE, else in
 * $XDG_CACHE_HOME/ecall, else in ~/.cache/ecall; null when ECALL_NO_CODE_CACHE is set (not to
 * empty or 0), or there is no home directory to put it in.
 */
export function codeCacheDir(env: NodeJS.ProcessEnv): string | null {
  const off = env['ECALL_NO_CODE_CACHE'];
  if (off !== undefined && off !== '' && off !== '0') return null;
  if (env['ECALL_CACHE']) return join(env['ECALL_CACHE'], CODE_SUBDIR);
  if (env['XDG_CACHE_HOME']) return join(env['XDG_CACHE_HOME'], 'ecall', CODE_SUBDIR);
  try {
    return join(homedir(), '.cache', 'ecall', CODE_SUBDIR);
  } catch {
    return null;
  }
}

/**
 * A WebAssembly module exporting memory m and h(len): FNV-1a over the 32-bit little-endian words
 * of m[0, len) (the last word zero-padded), then over len; an i64, as a BigInt in JavaScript.
 */
const HASH_WASM = Uint8Array.from([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version 1
  0x01, 0x06, 0x01, 0x60, 0x01, 0x7f, 0x01, 0x7e, // types: (i32) -> i64
  0x03, 0x02, 0x01, 0x00, // functions: one of type 0
  0x05, 0x03, 0x01, 0x00, 0x01, // memory: one page at first, no maximum
  0x07, 0x09, 0x02, 0x01, 0x6d, 0x02, 0x00, 0x01, 0x68, 0x00, 0x00, // exports: "m" memory 0, "h" function 0
  0x0a, 0x4a, 0x01, 0x48, 0x02, 0x01, 0x7f, 0x01, 0x7e, // code: one body; locals i: i32, h: i64
  0x42, 0xa5, 0xc6, 0x88, 0xa1, 0xc8, 0x9c, 0xa7, 0xf9, 0x4b, 0x21, 0x02, // h = FNV offset basis
  0x02, 0x40, 0x03, 0x40, // block, loop
  0x20, 0x01, 0x20, 0x00, 0x4f, 0x0d, 0x01, // if i >= len: leave the block
  0x20, 0x02, 0x20, 0x01, 0x35, 0x02, 0x00, 0x85, // h ^ (u64) m[i..i+4]
  0x42, 0xb3, 0x83, 0x80, 0x80, 0x80, 0x20, 0x7e, 0x21, 0x02, // h = that * FNV prime
  0x20, 0x01, 0x41, 0x04, 0x6a, 0x21, 0x01, 0x0c, 0x00, 0x0b, 0x0b, // i += 4; loop again
  0x20, 0x02, 0x20, 0x00, 0xad, 0x85, 0x42, 0xb3, 0x83, 0x80, 0x80, 0x80, 0x20, 0x7e, 0x0b, // (h ^ len) * prime
]);
/** Bytes per WebAssembly page. */
const WASM_PAGE = 65536;

let hasher: { m: WebAssembly.Memory; h: (len: number) => bigint } | null = null;

/** Returns the hasher's memory as bytes, grown to hold at least `bytes`. */
function hasherMemory(bytes: number): Uint8Array {
  hasher ??= new WebAssembly.Instance(new WebAssembly.Module(HASH_WASM)).exports as unknown as NonNullable<typeof hasher>;
  const need = Math.ceil(bytes / WASM_PAGE) - hasher.m.buffer.byteLength / WASM_PAGE;
  if (need > 0) hasher.m.grow(need);
  return new Uint8Array(hasher.m.buffer);
}

/** Returns hash64 of the first len bytes of the hasher's memory (mem, which holds len + 4 bytes). */
function hashPrefix(mem: Uint8Array, len: number): bigint {
  mem.fill(0, len, len + 4);
  return hasher!.h(len);
}

/** Returns the 64-bit FNV-1a hash of bytes (over 32-bit words, see HASH_WASM). */
export function hash64(bytes: Uint8Array): bigint {
  const mem = hasherMemory(bytes.length + 4);
  mem.set(bytes);
  return hashPrefix(mem, bytes.length);
}

/** Returns a 64-bit hash as KEY_DIGITS hex digits. */
function hex(h: bigint): string {
  return BigInt.asUintN(64, h).toString(16).padStart(KEY_DIGITS, '0');
}

/** Returns hash64 as 8 little-endian bytes. */
function checksum(bytes: Uint8Array): Buffer {
  const out = Buffer.alloc(CHECKSUM_BYTES);
  out.writeBigUInt64LE(BigInt.asUintN(64, hash64(bytes)));
  return out;
}

/** Bytes of a cache file before V8's data: the magic and the checksum. */
const HEAD_BYTES = MAGIC.length + CHECKSUM_BYTES;

/**
 * Returns V8's data from the cache file at path, read straight into the hasher's memory and
 * checked there (a view valid until the next hash64); 'missing' when the file cannot be read,
 * 'corrupt' when it is not a cache file or is damaged.
 */
function readCache(path: string): Uint8Array | 'missing' | 'corrupt' {
  let fd: number;
  try {
    fd = fs.openSync(path, 'r');
  } catch {
    return 'missing';
  }
  try {
    const size = fs.fstatSync(fd).size;
    if (size <= HEAD_BYTES) return 'corrupt';
    const head = Buffer.alloc(HEAD_BYTES);
    if (fs.readSync(fd, head, 0, HEAD_BYTES, 0) !== HEAD_BYTES || head.toString('latin1', 0, MAGIC.length) !== MAGIC) return 'corrupt';
    const len = size - HEAD_BYTES;
    const mem = hasherMemory(len + 4);
    for (let got = 0; got < len;) {
      const n = fs.readSync(fd, mem, got, len - got, HEAD_BYTES + got);
      if (n === 0) return 'corrupt'; // shorter than it was a moment ago: another run is replacing it
      got += n;
    }
    return head.readBigUInt64LE(MAGIC.length) === BigInt.asUintN(64, hashPrefix(mem, len)) ? mem.subarray(0, len) : 'corrupt';
  } catch {
    return 'missing';
  } finally {
    fs.closeSync(fd);
  }
}

/** Returns a cache file's bytes for V8's data. */
function pack(data: Buffer): Buffer {
  return Buffer.concat([Buffer.from(MAGIC, 'latin1'), checksum(data), data]);
}

/** Deletes the oldest cache files beyond MAX_CACHE_FILES, keeping `keep`; errors are ignored. */
function prune(dir: string, keep: string): void {
  try {
    const files = fs.readdirSync(dir).filter((n) => CACHE_FILE.test(n) && n !== keep)
      .map((n) => ({ n, t: fs.statSync(join(dir, n), { throwIfNoEntry: false })?.mtimeMs ?? 0 }))
      .sort((a, b) => b.t - a.t);
    for (const f of files.slice(MAX_CACHE_FILES - 1)) fs.rmSync(join(dir, f.n), { force: true });
  } catch {
    // another run pruned at the same time, or the directory went away: nothing to do
  }
}

/** Writes bytes to path through a temporary file and a rename, so readers see all or nothing. */
function writeAtomic(path: string, bytes: Buffer): void {
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  try {
    fs.writeFileSync(tmp, bytes);
    fs.renameSync(tmp, path);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

/** What a stamped bundle's first line starts with; hash64 of the rest of the file follows, in hex. */
export const BUNDLE_STAMP = '//ecall-bundle ';
/** Bytes of a stamp line: BUNDLE_STAMP, KEY_DIGITS hex digits and a newline. */
const STAMP_BYTES = BUNDLE_STAMP.length + KEY_DIGITS + 1;
/** A stamp line's text after BUNDLE_STAMP. */
const STAMP_HASH = /^[0-9a-f]{16}\n$/;

/** Returns the stamp line (tools/bundle_cli.ts puts it first) for a bundle whose text after it is body. */
export function stampLine(body: Uint8Array): string {
  return `${BUNDLE_STAMP}${hex(hash64(body))}\n`;
}

/**
 * Returns the bundle's part of a cache key: for a stamped bundle whose size is the one stat
 * found (taken before the read), the stamp and the file's identity; otherwise the hash of its bytes.
 */
function bundleKey(source: Buffer, st: import('node:fs').BigIntStats): string {
  if (source.length >= STAMP_BYTES && BigInt(source.length) === st.size && source.toString('latin1', 0, BUNDLE_STAMP.length) === BUNDLE_STAMP) {
    const stamp = source.toString('latin1', BUNDLE_STAMP.length, STAMP_BYTES);
    if (STAMP_HASH.test(stamp)) return `stamped ${stamp.trimEnd()} ${st.dev} ${st.ino} ${st.size} ${st.mtimeNs} ${st.ctimeNs}`;
  }
  return `bytes ${hex(hash64(source))}`;
}

/** Returns the file's bytes and its stat, taken before the read (so a later change shows in the times). */
function readWithStat(path: string): { source: Buffer; st: import('node:fs').BigIntStats } {
  const fd = fs.openSync(path, 'r');
  try {
    const st = fs.fstatSync(fd, { bigint: true });
    return { source: fs.readFileSync(fd), st };
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Runs the CommonJS bundle at bundlePath in this thread (as Node's CommonJS loader would, with the
 * code cache from cacheDir when it has one) and returns its exports. Assumes the bundle is a
 * CommonJS script with no dynamic import().
 */
export function loadBundle(bundlePath: string, cacheDir: string | null): LoadedBundle {
  const { source, st } = readWithStat(bundlePath);
  const runtime = `${process.version}\0${process.arch}\0${process.execArgv.join('\0')}`;
  const name = `cli-${hex(hash64(Buffer.from(`${bundleKey(source, st)}\0${runtime}`)))}.v8`;
  const file = cacheDir === null ? null : join(cacheDir, name);
  const cached = file === null ? 'missing' : readCache(file);
  // The same wrapper as Node's CommonJS loader, on the first line so line numbers stay the bundle's.
  const wrapped = `(function (exports, require, module, __filename, __dirname) { ${source.toString('utf8')}\n})`;
  const script = new Script(wrapped, { filename: bundlePath, ...(typeof cached !== 'string' ? { cachedData: cached } : {}) });
  const status: CacheStatus = file === null ? 'off' : cached === 'missing' ? 'miss' : cached === 'corrupt' ? 'corrupt'
    : script.cachedDataRejected === true ? 'rejected' : 'hit';
  const module = { exports: {} as Record<string, unknown> };
  const fn = script.runInThisContext() as (e: unknown, r: NodeRequire, m: unknown, f: string, d: string) => void;
  fn.call(module.exports, module.exports, createRequire(bundlePath), module, bundlePath, dirname(bundlePath));
  const save = (): void => {
    if (file === null || cacheDir === null || status === 'hit') return;
    try {
      fs.mkdirSync(cacheDir, { recursive: true });
      writeAtomic(file, pack(script.createCachedData()));
      prune(cacheDir, basename(file));
    } catch {
      // an unwritable or missing cache directory: run without a cache
    }
  };
  return { exports: module.exports, status, file, save };
}
