// Sandbox-escape probes (guest/src/escape.c) against host mounts: a temporary host directory is
// mounted read-write at /x (HOST/inside) and read-only at /ro (HOST/ro), with a canary file in
// HOST outside both. Every probe must stay contained, and the host must show it: the canary and
// the read-only tree unchanged, no file created outside the read-write mount. A control run that
// mounts HOST itself above /x shows that the probes do notice a reachable canary.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { repoRoot } from '../helpers/guest_cases.js';
import { ecallUnavailable, runCommand } from '../helpers/run_guest.js';

const CANARY = 'ecall-canary\n';
/** Probes the guest must report (it has 60; fewer means a probe stopped running). */
const MIN_PROBES = 60;
/** Wall-clock guard against a host-side hang; a run takes a few seconds. */
const HANG_GUARD_MS = 600_000;

const unavailable = ecallUnavailable();

/** Returns a description of every entry under dir (type, mode, size, mtime, content hash),
 *  skipping the subtree named skip. */
function snapshot(dir: string, skip: string | null, prefix = ''): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (path === skip) continue;
    const st = lstatSync(path);
    const hash = st.isFile() ? createHash('sha256').update(readFileSync(path)).digest('hex').slice(0, 16) : '';
    out.push(`${prefix}${name} mode ${st.mode.toString(8)} size ${st.size} mtime ${st.mtimeMs} ${hash}`);
    if (st.isDirectory()) out.push(...snapshot(path, skip, `${prefix}${name}/`));
  }
  return out;
}

/** Names starting with "escape-" in dir (where a probe's file would land if it got out). */
const escapeNames = (dir: string): string[] => readdirSync(dir).filter((n) => n.startsWith('escape-'));

interface Layout { host: string; inside: string; ro: string; bin: string }

/** Creates HOST (canary, inside/, ro/file, ro/sub/) and a directory holding the probe binary. */
function makeLayout(): Layout {
  const host = mkdtempSync(join(tmpdir(), 'ecall-escape-'));
  writeFileSync(join(host, 'canary'), CANARY);
  mkdirSync(join(host, 'inside'));
  mkdirSync(join(host, 'ro', 'sub'), { recursive: true });
  writeFileSync(join(host, 'ro', 'file'), 'read-only\n');
  const bin = mkdtempSync(join(tmpdir(), 'ecall-escape-bin-'));
  copyFileSync(join(repoRoot(), 'guest', 'bin', 'escape'), join(bin, 'escape'));
  return { host, inside: join(host, 'inside'), ro: join(host, 'ro'), bin };
}

/** Runs the probes with the given mounts and guest paths of X and RO. */
async function runProbes(l: Layout, mounts: string[], x: string, ro: string): Promise<{ stdout: string; stderr: string; status: number }> {
  const args = [join(repoRoot(), 'bin', 'ecall.js'), 'run', '--seed', '1', '--cpus', '2', ...mounts.flatMap((m) => ['--mount', m]),
    '--mount', `${l.bin}:/escbin:ro`, '/escbin/escape', x, ro, l.host];
  const r = await runCommand({ file: process.execPath, args }, { name: 'escape', stdin: '' },
    { ...process.env } as Record<string, string>, HANG_GUARD_MS, l.bin); // cwd outside HOST: its mount shows nothing of HOST
  return { stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8'), status: r.status };
}

describe('sandbox-escape probes against host mounts', { skip: unavailable ?? false }, () => {
  test(`${MIN_PROBES} probes (.., symlink chains, /proc/self/root and cwd, dirfd, rename, link, read-only writes, a swap race): 0 escapes, canary unchanged`, async () => {
    const l = makeLayout();
    try {
      const before = snapshot(l.host, l.inside);
      const outsideBefore = [dirname(l.host), '/', repoRoot()].map(escapeNames);
      const r = await runProbes(l, [`${l.inside}:/x`, `${l.ro}:/ro:ro`], '/x', '/ro');
      const escapes = r.stdout.split('\n').filter((line) => line.includes('ESCAPED'));
      assert.deepEqual(escapes, []);
      const m = /^escape: (\d+) probes, 0 escaped$/m.exec(r.stdout);
      assert.ok(m !== null && Number(m[1]) >= MIN_PROBES, `missing or short summary: ${r.stdout.slice(-300)} ${r.stderr}`);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stderr, '');
      // The host side: everything outside the read-write mount is as it was.
      assert.equal(readFileSync(join(l.host, 'canary'), 'utf8'), CANARY);
      assert.deepEqual(snapshot(l.host, l.inside), before);
      assert.deepEqual([dirname(l.host), '/', repoRoot()].map(escapeNames), outsideBefore);
      // The probes did work inside the mount (their symlinks and files are there).
      assert.ok(readdirSync(l.inside).includes('rel_up') && readdirSync(l.inside).includes('linkable'));
    } finally {
      rmSync(l.host, { recursive: true, force: true });
      rmSync(l.bin, { recursive: true, force: true });
    }
  });

  test('control: with the canary\'s directory itself mounted above X, the .. and symlink probes do report it', async () => {
    const l = makeLayout();
    try {
      const r = await runProbes(l, [`${l.host}:/h`, `${l.inside}:/h/inside`, `${l.ro}:/h/ro:ro`], '/h/inside', '/h/ro');
      assert.match(r.stdout, /^probe dotdot past the mount root: ESCAPED/m);
      assert.match(r.stdout, /^probe relative symlink to \.\.: ESCAPED/m);
      assert.match(r.stdout, /^probe openat with a dirfd and \.\.: ESCAPED/m);
      assert.match(r.stdout, /^probe \/proc\/self\/root: ESCAPED/m);
    } finally {
      rmSync(l.host, { recursive: true, force: true });
      rmSync(l.bin, { recursive: true, force: true });
    }
  });
});
