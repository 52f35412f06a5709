// The ecall command line: what `run` and `syscalls` accept, where the guest's own arguments start,
// the usage errors, and the usage text that the README shows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseCommandLine, USAGE, UsageError } from '../../src/cli/args.js';

const DEFAULTS = { strace: false, mount: [], root: undefined, env: [], clearEnv: false, stats: false, cpus: undefined, seed: undefined, maxInsns: undefined, ext: [], rseqStress: undefined, tmpfsSize: undefined, memory: undefined };

test('run takes its options, then PROGRAM; everything after PROGRAM is the program\'s', () => {
  assert.deepEqual(parseCommandLine(['run', 'guest/bin/hello', '--strace', '-x', '--', 'a']),
    { kind: 'run', program: 'guest/bin/hello', args: ['--strace', '-x', '--', 'a'], options: DEFAULTS });
  assert.deepEqual(parseCommandLine(['run', '--strace', '--mount', '/a:/b', '--mount=/c:/d:ro', '--root', '/r', '--env', 'K=v',
    '--clear-env', '--stats', '--cpus', '3', '--seed=7', '--tmpfs-size', '64m', '--memory', '64m', 'prog', 'x']), {
    kind: 'run', program: 'prog', args: ['x'],
    options: { strace: true, mount: ['/a:/b', '/c:/d:ro'], root: '/r', env: ['K=v'], clearEnv: true, stats: true, cpus: '3', seed: '7', maxInsns: undefined, ext: [], rseqStress: undefined, tmpfsSize: '64m', memory: '64m' },
  });
});

test('run takes --ext (repeatable) and --rseq-stress before PROGRAM', () => {
  assert.deepEqual(parseCommandLine(['run', '--ext', 'percpu,cancel', '--ext=syscall-counter', '--rseq-stress', '0.25', 'prog']),
    { kind: 'run', program: 'prog', args: [], options: { ...DEFAULTS, ext: ['percpu,cancel', 'syscall-counter'], rseqStress: '0.25' } });
});

test('run: an option value that looks like a program is the option\'s, and "--" ends the options', () => {
  assert.deepEqual(parseCommandLine(['run', '--env', 'prog', 'real']), { kind: 'run', program: 'real', args: [], options: { ...DEFAULTS, env: ['prog'] } });
  assert.deepEqual(parseCommandLine(['run', '--', '--strace']), { kind: 'run', program: '--strace', args: [], options: DEFAULTS });
});

test('help, version and syscalls', () => {
  for (const a of [['--help'], ['-h'], ['help'], ['run', '--help'], ['syscalls', '-h']]) assert.deepEqual(parseCommandLine(a), { kind: 'help' }, a.join(' '));
  for (const a of [['--version'], ['-V']]) assert.deepEqual(parseCommandLine(a), { kind: 'version' });
  assert.deepEqual(parseCommandLine(['syscalls']), { kind: 'syscalls', markdown: false });
  assert.deepEqual(parseCommandLine(['syscalls', '--markdown']), { kind: 'syscalls', markdown: true });
});

test('mistakes are one-line usage errors', () => {
  const cases: [string[], RegExp][] = [
    [[], /missing command/],
    [['frob'], /unknown command 'frob'/],
    [['--frob'], /unknown option '--frob'/],
    [['run'], /missing PROGRAM/],
    [['run', '--strace'], /missing PROGRAM/],
    [['run', '--bogus', 'prog'], /Unknown option '--bogus'$/],
    [['run', '--mount'], /argument missing/],
    [['run', '--strace=yes', 'prog'], /does not take an argument/],
    [['syscalls', 'extra'], /Unexpected argument 'extra'|positional/i],
  ];
  for (const [argv, re] of cases) {
    assert.throws(() => parseCommandLine(argv), (e: unknown) => e instanceof UsageError && re.test(e.message) && !e.message.includes('\n'),
      argv.join(' '));
  }
});

test('the README\'s "Command line" block is `ecall --help`', () => {
  const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
  const m = /## Command line\n\n```\n([\s\S]*?)\n```/.exec(readme);
  assert.ok(m, 'README has a code block under "Command line"');
  assert.equal(m[1], USAGE);
});
