// The README's syscall coverage table is the table's own rendering, not a hand-kept copy.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { coverageMarkdown } from '../../src/kernel/syscalls/coverage.js';
import { syscallTable } from '../../src/kernel/syscalls/table.js';

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
