// The guest corpus manifest (guest/cases.json) and the committed expected outputs in guest/expected/.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One invocation of a guest program, as recorded in guest/cases.json. */
export interface GuestCase {
  /** Unique case name; names the files in guest/expected/. */
  name: string;
  /** Binary name in guest/bin/. */
  program: string;
  args: string[];
  /** The whole environment of the guest (cases run with an otherwise empty environment). */
  env: Record<string, string>;
  /** Text fed to the guest's stdin, then EOF. */
  stdin: string;
  /** False for signal deaths: qemu and ecall print different one-line notices on stderr. */
  compareStderr: boolean;
  /** False when the output depends on the thread interleaving (race): the e2e and differential
   * comparisons skip the case; the determinism tests use it instead. Optional (default true) so
   * that other harnesses can build a GuestCase by hand; loadCases always fills it in. */
  compare?: boolean;
  /** Where guest/expected/ comes from: "qemu" (qemu-riscv64 runs the committed binary) or
   * "native" (the same portable C source built for and run on the Linux host), for programs whose
   * behaviour qemu-riscv64 gets wrong; the live differential test skips those. Optional (default
   * "qemu"), filled in by loadCases. */
  reference?: 'qemu' | 'native';
  /** Why qemu-riscv64 cannot be the reference (required when reference is "native"). */
  qemuDiffers?: string;
}

/** What a finished guest produced: exit status is 128+N for a death by signal N, as a shell reports it. */
export interface GuestResult {
  stdout: Buffer;
  stderr: Buffer;
  status: number;
}

/** Returns the repository root; assumes this file runs from dist/test/helpers or test/helpers. */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('repository root not found');
    dir = up;
  }
  return dir;
}

/** Returns the path of a guest binary relative to the repository root (the tests' cwd). */
export function guestBinary(c: GuestCase): string {
  return `guest/bin/${c.program}`;
}

/** Returns every case of guest/cases.json with defaults filled in; throws on a malformed manifest. */
export function loadCases(root = repoRoot()): GuestCase[] {
  const raw = JSON.parse(readFileSync(join(root, 'guest', 'cases.json'), 'utf8')) as { cases: unknown };
  if (!Array.isArray(raw.cases)) throw new Error('guest/cases.json: "cases" must be an array');
  const seen = new Set<string>();
  return raw.cases.map((entry: Record<string, unknown>) => {
    const name = entry.name;
    if (typeof name !== 'string' || !/^[A-Za-z0-9_.-]+$/.test(name)) throw new Error(`guest/cases.json: bad name ${String(name)}`);
    if (seen.has(name)) throw new Error(`guest/cases.json: duplicate case ${name}`);
    seen.add(name);
    const program = entry.program ?? name;
    if (typeof program !== 'string' || !/^[A-Za-z0-9_.-]+$/.test(program)) throw new Error(`guest/cases.json: bad program in ${name}`);
    const args = (entry.args ?? []) as unknown[];
    if (!Array.isArray(args) || !args.every((a) => typeof a === 'string')) throw new Error(`guest/cases.json: bad args in ${name}`);
    const env = (entry.env ?? {}) as Record<string, unknown>;
    for (const [k, v] of Object.entries(env)) {
      if (typeof v !== 'string' || k.includes('=') || k === '') throw new Error(`guest/cases.json: bad env ${k} in ${name}`);
    }
    const stdinText = entry.stdin ?? '';
    const repeat = entry.stdinRepeat ?? 1;
    if (typeof stdinText !== 'string' || typeof repeat !== 'number' || !Number.isInteger(repeat) || repeat < 0) {
      throw new Error(`guest/cases.json: bad stdin in ${name}`);
    }
    const reference = entry.reference ?? 'qemu';
    if (reference !== 'qemu' && reference !== 'native') throw new Error(`guest/cases.json: bad reference in ${name}`);
    const qemuDiffers = entry.qemuDiffers;
    if (qemuDiffers !== undefined && typeof qemuDiffers !== 'string') throw new Error(`guest/cases.json: bad qemuDiffers in ${name}`);
    if (reference === 'native' && qemuDiffers === undefined) {
      throw new Error(`guest/cases.json: ${name} has reference "native" but no qemuDiffers reason`);
    }
    if (entry.compare !== undefined && typeof entry.compare !== 'boolean') throw new Error(`guest/cases.json: bad compare in ${name}`);
    const c: GuestCase = {
      name,
      program,
      args: args as string[],
      env: env as Record<string, string>,
      stdin: stdinText.repeat(repeat),
      compareStderr: entry.compareStderr !== false,
      compare: entry.compare !== false,
      reference,
    };
    if (qemuDiffers !== undefined) c.qemuDiffers = qemuDiffers;
    return c;
  });
}

/** The cases by name, read once. */
let casesByName: Map<string, GuestCase> | null = null;

/** Returns the case of guest/cases.json called name, with other arguments if given; throws if there is none. */
export function guestCase(name: string, args?: string[]): GuestCase {
  casesByName ??= new Map(loadCases().map((c) => [c.name, c]));
  const c = casesByName.get(name);
  if (c === undefined) throw new Error(`guest/cases.json has no case ${name}`);
  return args === undefined ? c : { ...c, args };
}

/** Returns the programs of guest/cases.json "harnessed": binaries without expected outputs that a
 *  dedicated test runs (program name -> that test's path relative to the repository root). */
export function loadHarnessed(root = repoRoot()): Map<string, string> {
  const raw = JSON.parse(readFileSync(join(root, 'guest', 'cases.json'), 'utf8')) as { harnessed?: Record<string, unknown> };
  const out = new Map<string, string>();
  for (const [name, test] of Object.entries(raw.harnessed ?? {})) {
    if (name === 'comment') continue;
    if (typeof test !== 'string' || !/^[A-Za-z0-9_.-]+$/.test(name)) throw new Error(`guest/cases.json: bad harnessed entry ${name}`);
    out.set(name, test);
  }
  return out;
}

/** Returns the path of a guest program's C source relative to the repository root. */
export function guestSource(c: GuestCase): string {
  return `guest/src/${c.program}.c`;
}

/** Returns the committed expected result of a case; assumes guest/gen-expected.sh has been run. */
export function loadExpected(c: GuestCase, root = repoRoot()): GuestResult {
  const base = join(root, 'guest', 'expected', c.name);
  return {
    stdout: readFileSync(`${base}.out`),
    stderr: readFileSync(`${base}.err`),
    status: Number(readFileSync(`${base}.status`, 'utf8').trim()),
  };
}

/** Returns the absolute path of the expected-output directory. */
export function expectedDir(root = repoRoot()): string {
  return resolve(root, 'guest', 'expected');
}

/** Returns a case for a harnessed program (one with no recorded output: its own test states what
 *  it must print), run with the given arguments and an empty environment. */
export function harnessedCase(program: string, args: string[] = [], env: Record<string, string> = {}): GuestCase {
  return { name: program, program, args, env, stdin: '', compareStderr: true };
}
