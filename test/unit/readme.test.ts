// The README's syscall coverage table is the table's own rendering, not a hand-kept copy, and its
// library example runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { coverageMarkdown } from '../../src/kernel/syscalls/coverage.js';
import { syscallTable } from '../../src/kernel/syscalls/table.js';

/** Hang guard for the child running the library example (it runs in well under a second). */
const CHILD_TIMEOUT_MS = 30_000;

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

test('the README library example runs through the package entries "ecall" and "ecall/node"', () => {
  const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
  const m = /## Using it as a library\n\n```ts\n([\s\S]*?)\n```/.exec(readme);
  assert.ok(m, 'README has a ts block under "Using it as a library"');
  assert.match(m[1]!, /from 'ecall'/);
  assert.match(m[1]!, /from 'ecall\/node'/);
  // Run from the repository root, the package resolves its own name through package.json "exports".
  const code = `${m[1]}\nprocess.stdout.write('status ' + JSON.stringify(status.code));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code],
    { cwd: fileURLToPath(new URL('../../../', import.meta.url)), encoding: 'utf8', timeout: CHILD_TIMEOUT_MS });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^Hello from riscv64!\n/);
  assert.match(r.stdout, /status 0$/);
});
