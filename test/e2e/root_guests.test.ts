// Guest programs that must start as uid 0 (they switch to nobody with setresuid themselves), run
// under ecall through the embedding API's uid option so that the host user need not be root:
// - dac (guest/src/dac.c): root's overrides, then as nobody the search, read and write checks,
//   the sticky bit, O_NOATIME, AT_EACCESS, setgid directories, the umask, chmod/chown rules and
//   the clearing of setuid/setgid; guest/expected/dac.out is qemu-riscv64 run as root on Linux.
// - mounts (guest/src/mounts.c): mount(2)/umount2 of tmpfs, remounts, binds and their errors.
//   qemu-riscv64 cannot be the reference (mounting needs CAP_SYS_ADMIN on the host), so each line
//   checks itself against Linux's documented result and guest/expected/mounts.out holds the run
//   in which every line says "ok".
// - rootcalls (guest/src/rootcalls.c): chroot, sethostname/setdomainname and capget/capset with
//   set*uid; self-checking like mounts, and the same source built statically and run natively as
//   root (unshare -u -m) prints guest/expected/rootcalls.out line for line.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Readable } from 'node:stream';
import { spawn } from '../../src/embed/node_spawn.js';
import { repoRoot } from '../helpers/guest_cases.js';

/** Reads a Node stream to its end as text. */
async function text(s: Readable | null): Promise<string> {
  let out = '';
  for await (const c of s!) out += c;
  return out;
}

/** Runs guest/bin/NAME as uid 0 and returns its stdout and exit code. */
async function runAsRoot(name: string): Promise<{ out: string; code: number }> {
  const root = repoRoot();
  const child = spawn(join(root, 'guest/bin', name), [], { env: {}, uid: 0, gid: 0, cwd: root });
  const [out] = await Promise.all([text(child.stdout), text(child.stderr)]);
  return { out, code: (await child.exited).code };
}

for (const name of ['dac', 'mounts', 'rootcalls']) {
  test(`${name}: run as uid 0, gives guest/expected/${name}.out and exit status 0`, async () => {
    const { out, code } = await runAsRoot(name);
    assert.equal(out, readFileSync(join(repoRoot(), 'guest/expected', `${name}.out`), 'utf8'));
    assert.equal(code, 0);
  });
}
