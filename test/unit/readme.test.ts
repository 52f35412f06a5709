// The README's syscall coverage table is the table's own rendering, not a hand-kept copy, and its
// library examples run as written in a project that installed the package.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { coverageMarkdown } from '../../src/kernel/syscalls/coverage.js';
import { syscallTable } from '../../src/kernel/syscalls/table.js';

/** Hang guard for npm pack and the children running the library examples (each takes seconds). */
const CHILD_TIMEOUT_MS = 300_000;

test('the README coverage table matches `ecall syscalls --markdown`', () => {
  const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
  const m = /<!-- syscalls:begin -->\n([\s\S]*?)\n<!-- syscalls:end -->/.exec(readme);
  assert.ok(m, 'README has the syscalls:begin/end markers');
  assert.equal(m[1], coverageMarkdown(syscallTable), 'regenerate it with: npx ecall syscalls --markdown');
});

test('every implemented syscall in the table has a handler, and ENOSYS entries have none', () => {
  for (const d of syscallTable.values()) {
    if (d.status === 'enosys') assert.equal(d.handler, undefined, `${d.name}`);
    else assert.equal(typeof d.handler, 'function', `${d.name} is ${d.status} but has no handler`);
  }
});

/** Returns the ts code blocks of the README's "Using it as a library" section. */
function libraryExamples(): string[] {
  const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
  const section = /## Using it as a library\n([\s\S]*?)\n## /.exec(readme)![1]!;
  return [...section.matchAll(/```ts\n([\s\S]*?)\n```/g)].map((m) => m[1]!);
}

/** A fresh project directory with this package installed from its own `npm pack` tarball, as a
 *  user installs it, and the guest programs the examples name. */
function projectWithPackage(): string {
  const repo = fileURLToPath(new URL('../../../', import.meta.url));
  const dir = mkdtempSync(join(tmpdir(), 'ecall-readme-'));
  // --ignore-scripts: the package is already built (npm test builds first), and a rebuild would
  // rewrite dist/ under the tests that run beside this one.
  const pack = spawnSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir],
    { cwd: repo, encoding: 'utf8', timeout: CHILD_TIMEOUT_MS });
  assert.equal(pack.status, 0, pack.stderr);
  const tarball = join(dir, (JSON.parse(pack.stdout) as { filename: string }[])[0]!.filename);
  mkdirSync(join(dir, 'node_modules'));
  const untar = spawnSync('tar', ['-xzf', tarball, '-C', join(dir, 'node_modules')], { encoding: 'utf8' });
  assert.equal(untar.status, 0, untar.stderr);
  renameSync(join(dir, 'node_modules', 'package'), join(dir, 'node_modules', 'ecall'));
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  mkdirSync(join(dir, 'guest', 'bin'), { recursive: true });
  for (const g of ['hello', 'cat']) copyFileSync(join(repo, 'guest', 'bin', g), join(dir, 'guest', 'bin', g));
  return dir;
}

test('the README library examples run as written in a project that installed the package', () => {
  const [nodeExample, coreExample] = libraryExamples();
  assert.ok(nodeExample && coreExample, 'two ts blocks: the Node spawn and the host-neutral Kernel.spawn');
  assert.match(nodeExample, /from 'ecall\/node'/);
  assert.match(coreExample, /from 'ecall'/);
  const dir = projectWithPackage();
  writeFileSync(join(dir, 'node.mjs'), `${nodeExample}\nprocess.stdout.write(out + 'status ' + JSON.stringify(status.code));\n`);
  writeFileSync(join(dir, 'core.mjs'), `${coreExample}\nprocess.stdout.write(JSON.stringify([text, code]));\n`);
  const a = spawnSync(process.execPath, ['node.mjs'], { cwd: dir, encoding: 'utf8', timeout: CHILD_TIMEOUT_MS });
  assert.equal(a.status, 0, a.stderr);
  assert.match(a.stdout, /^Hello from riscv64!\nargc = 2\nargv\[1\] = "a"/);
  assert.match(a.stdout, /status 0$/);
  const b = spawnSync(process.execPath, ['core.mjs'], { cwd: dir, encoding: 'utf8', timeout: CHILD_TIMEOUT_MS });
  assert.equal(b.status, 0, b.stderr);
  assert.equal(b.stdout, '["hello\\n",0]');
});
