// Every kernel-side use of the host goes through the Host interface (src/host/host.ts): a static
// scan of the kernel and the layers below it (src/kernel, src/cpu, src/mem, src/loader, and the
// leaves src/abi and src/util) for the Node and browser APIs that would reach the host behind its
// back: clocks (Date.now, new Date, performance), timers (setTimeout, setInterval, setImmediate),
// randomness (crypto, Math.random), the process (process.*), Node modules (node: imports,
// require) and Node's Buffer. Comments are skipped; string contents are scanned (a dynamic
// import('node:fs') is a use too).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
/** The directories whose code runs inside the kernel (or is imported by it). */
const KERNEL_SIDE = ['src/kernel', 'src/cpu', 'src/mem', 'src/loader', 'src/abi', 'src/util'];

/** What reaches the host directly, each with the Host operation to use instead. */
const FORBIDDEN: { re: RegExp; use: string }[] = [
  { re: /\bDate\.now\s*\(/, use: 'Host.realtimeNs' },
  { re: /\bnew\s+Date\s*\(/, use: 'Host.realtimeNs' },
  { re: /(?<![\w.])performance\s*\./, use: 'Host.monotonicNs' },
  { re: /(?<![\w.])(setTimeout|setInterval|setImmediate|clearTimeout|clearInterval)\s*\(/, use: 'Host.armTimer / Host.yieldToHost' },
  { re: /(?<![\w.])crypto\s*\./, use: 'Host.randomFill' },
  { re: /\bMath\.random\s*\(/, use: 'Host.randomFill (or the seeded Prng)' },
  { re: /(?<![\w.])process\s*\.\s*\w/, use: 'the Host operation for it (stdio, uid, cwd, onSignals)' },
  { re: /['"]node:[a-z_/]+['"]/, use: 'a Host operation (src/host/node*.ts implements them)' },
  { re: /(?<![\w.])require\s*\(/, use: 'an ESM import of kernel code' },
  { re: /(?<![\w.])Buffer\s*[.(]/, use: 'Uint8Array' },
];

/**
 * Known uses that do not reach the host's state, with the reason each is harmless. Each entry
 * must still match (a stale entry fails the test), so the list only shrinks.
 */
const ALLOWED: { file: string; text: string; why: string }[] = [
  { file: 'src/cpu/hart.ts', text: 'performance.now()', why: "the default rdtime source of a bare Hart (unit tests); Kernel.addTask replaces it with the host's clock" },
  { file: 'src/cpu/jit/jit.ts', text: 'performance.now()', why: 'times the compiler for its statistics; never reaches a guest' },
];

/** Every .ts file under dir. */
function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...tsFiles(p));
    else if (name.endsWith('.ts')) out.push(p);
  }
  return out;
}

/** src with its comments blanked (line structure kept); string and template contents stay. */
function stripComments(src: string): string {
  let out = '';
  let i = 0;
  while (i < src.length) {
    const c = src[i]!, n = src[i + 1];
    if (c === '/' && n === '/') {
      while (i < src.length && src[i] !== '\n') i++;
    } else if (c === '/' && n === '*') {
      i += 2;
      while (i < src.length && !(src[i] === '*' && src[i + 1] === '/')) { if (src[i] === '\n') out += '\n'; i++; }
      i += 2;
    } else if (c === "'" || c === '"' || c === '`') {
      const q = c;
      out += c;
      i++;
      while (i < src.length && src[i] !== q) {
        if (src[i] === '\\') { out += src[i]!; i++; }
        out += src[i]!;
        i++;
      }
      out += q;
      i++;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

test('kernel-side code reaches the host only through the Host interface', () => {
  const found: string[] = [];
  const used = new Set<(typeof ALLOWED)[number]>();
  let scanned = 0;
  for (const dir of KERNEL_SIDE) {
    for (const file of tsFiles(join(root, dir))) {
      scanned++;
      const rel = relative(root, file);
      const lines = stripComments(readFileSync(file, 'utf8')).split('\n');
      lines.forEach((line, i) => {
        for (const f of FORBIDDEN) {
          if (!f.re.test(line)) continue;
          const ok = ALLOWED.find((a) => a.file === rel && line.includes(a.text));
          if (ok) { used.add(ok); continue; }
          found.push(`${rel}:${i + 1}: ${line.trim()}  (use ${f.use})`);
        }
      });
    }
  }
  assert.ok(scanned > 100, `scanned ${scanned} files`);
  assert.deepEqual(found, [], 'direct host uses');
  assert.deepEqual(ALLOWED.filter((a) => !used.has(a)).map((a) => a.file), [], 'allow-list entries that no longer match');
});

test('the boundary scan finds each kind of direct host use and skips comments', () => {
  const sample = [
    'const t = Date.now();', 'const p = performance.now();', 'setTimeout(f, 1);', 'crypto.getRandomValues(b);',
    'if (process.env.X) {}', "import { readFileSync } from 'node:fs';", 'Buffer.from(x);', 'Math.random();',
  ];
  for (const line of sample) assert.ok(FORBIDDEN.some((f) => f.re.test(stripComments(line))), line);
  assert.ok(!FORBIDDEN.some((f) => f.re.test(stripComments('// Date.now() in a comment'))));
  assert.ok(!FORBIDDEN.some((f) => f.re.test(stripComments('/* process.exit() */ const child_process = 1;'))));
  assert.ok(!FORBIDDEN.some((f) => f.re.test('this.host.monotonicNs(); x.performance.y; rseq.process.z')));
});
