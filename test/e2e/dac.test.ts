// guest/src/dac.c under ecall, started as uid 0 (the embedding API's uid option, so the host user
// need not be root), gives the output qemu-riscv64 gave run as root on Linux (guest/expected/dac.out):
// root's overrides, then as nobody the search, read and write checks, the sticky bit, O_NOATIME,
// AT_EACCESS, setgid directories, the umask, chmod/chown rules and the clearing of setuid/setgid.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Readable } from 'node:stream';
import { spawn } from '../../src/host/node_spawn.js';
import { repoRoot } from '../helpers/guest_cases.js';

/** Reads a Node stream to its end as text. */
async function text(s: Readable | null): Promise<string> {
  let out = '';
  for await (const c of s!) out += c;
  return out;
}

test('dac: file permissions follow fsuid, fsgid and groups as on Linux (qemu-riscv64 as root)', async () => {
  const root = repoRoot();
  const child = spawn(join(root, 'guest/bin/dac'), [], { env: {}, uid: 0, gid: 0, cwd: root });
  const [out] = await Promise.all([text(child.stdout), text(child.stderr)]);
  assert.equal(out, readFileSync(join(root, 'guest/expected/dac.out'), 'utf8'));
  assert.equal((await child.exited).code, 0);
});
