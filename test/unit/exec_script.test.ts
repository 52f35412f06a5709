// The "#!" line rules of Linux's binfmt_script, as parseShebang applies them: the interpreter name
// ends at a space, tab or NUL; the rest of the line, trimmed of spaces and tabs, is one argument;
// only the first 255 bytes count, and a longer first line is refused only when the interpreter
// name itself may be cut off.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BINPRM_BUF_SIZE, isScript, parseShebang } from '../../src/kernel/exec/script.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

test('a "#!" line gives the interpreter and no argument', () => {
  assert.deepEqual(parseShebang(enc('#!/bin/sh\necho hi\n')), { interp: '/bin/sh', arg: null });
});

test('spaces and tabs around the interpreter and the argument are trimmed, inner ones kept', () => {
  assert.deepEqual(parseShebang(enc('#! \t/usr/bin/env  python3 -u  x \t\nrest')), { interp: '/usr/bin/env', arg: 'python3 -u  x' });
});

test('a NUL ends the interpreter name (no argument) or the argument', () => {
  assert.deepEqual(parseShebang(enc('#!/bin/sh\0 ignored\n')), { interp: '/bin/sh', arg: null });
  assert.deepEqual(parseShebang(enc('#!/bin/sh -e\0x\n')), { interp: '/bin/sh', arg: '-e' });
});

test('a line without an interpreter is refused (ENOEXEC)', () => {
  assert.equal(parseShebang(enc('#!\n')), null);
  assert.equal(parseShebang(enc('#!  \t \n')), null);
  // A file of just "#!" names the empty path (the kernel's buffer is zero-filled): ENOENT.
  assert.deepEqual(parseShebang(enc('#!')), { interp: '', arg: null });
});

test('a file that ends without a newline still names its interpreter', () => {
  assert.deepEqual(parseShebang(enc('#!/bin/sh')), { interp: '/bin/sh', arg: null });
});

test('a first line longer than the buffer is cut at 255 bytes when the interpreter name ends inside it', () => {
  const line = `#!/bin/sh ${'a'.repeat(400)}\n`;
  const r = parseShebang(enc(line));
  assert.ok(r !== null);
  assert.equal(r.interp, '/bin/sh');
  assert.equal(r.arg, 'a'.repeat(BINPRM_BUF_SIZE - 1 - '#!/bin/sh '.length));
});

test('a first line whose interpreter name reaches past 255 bytes is refused', () => {
  assert.equal(parseShebang(enc(`#!/${'d'.repeat(300)}\n`)), null);
  assert.equal(parseShebang(enc(`#!${' '.repeat(300)}/bin/sh\n`)), null);
});

test('only "#!" at the very start makes a script', () => {
  assert.equal(isScript(enc('#!/bin/sh')), true);
  assert.equal(isScript(enc(' #!/bin/sh')), false);
  assert.equal(isScript(enc('#')), false);
});
