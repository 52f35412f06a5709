// The ecall command line: `ecall run [options] PROGRAM [ARGS...]`, `ecall syscalls [--markdown]`,
// `--help` and `--version`. Parsed with node:util's parseArgs: a parser library would cost more
// start-up time than the whole grammar is worth.
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A command-line mistake: reported as one line, with exit status 2. */
export class UsageError extends Error {}

/** The options of `ecall run`, as given. */
export interface RunOptions {
  strace: boolean;
  mount: string[];
  root?: string;
  sysroot?: string;
  env: string[];
  clearEnv: boolean;
  stats: boolean;
  cpus?: string;
  seed?: string;
  schedule?: string;
  inject?: string;
  maxInsns?: string;
  ext: string[];
  rseqStress?: string;
  tmpfsSize?: string;
  memory?: string;
  /** --jit / --no-jit (the last one given wins); undefined: the kernel's default. */
  jit?: boolean;
  jitThreshold?: string;
  /** --jit-sync: compile translations where code gets hot instead of in the background. */
  jitSync?: boolean;
}

/** The options of `ecall explore`, as given. */
export interface ExploreCliOptions {
  runs?: string;
  strategy?: string;
  depth?: string;
  jobs?: string;
  json: boolean;
  seedBase?: string;
  cpus?: string;
  maxInsns?: string;
  ext: string[];
  env: string[];
  /** --strategy inject: the signal, where to inject (sys or insn), which calls, which thread,
   *  and the schedule every injected run shares. */
  signal?: string;
  injectAt?: string;
  injectCalls?: string;
  injectTid?: string;
  schedule?: string;
  /** --report cancel: Ingo's cost/benefit table instead of exploring a program. */
  report?: string;
}

/** What the command line asks for. */
export type Command =
  | { kind: 'run'; program: string; args: string[]; options: RunOptions }
  | { kind: 'explore'; program: string; args: string[]; options: ExploreCliOptions }
  | { kind: 'syscalls'; markdown: boolean }
  | { kind: 'help' }
  | { kind: 'version' };

/** `ecall --help` (also the README's "Command line" block, which a test keeps equal to it). */
export const USAGE = `ecall run [options] PROGRAM [ARGS...]
  --strace                    one strace(1)-style line per syscall on stderr
  --mount HOST:GUEST[:ro]     mount a host directory into the guest (repeatable)
  --root DIR                  use a host directory as the guest's /
  --sysroot DIR               look up absolute paths the guest does not have in DIR,
                              read-only (qemu's -L): the libraries of dynamic programs
  --tmpfs-size SIZE           size limit of /tmp and of the in-memory / (bytes, or with a
                              k, m or g suffix; default half of --memory); ENOSPC when full
  --env KEY=VALUE             set an environment variable (repeatable)
  --clear-env                 start from an empty environment
  --stats                     print retired instructions, run time and MIPS at exit
  --cpus N                    number of virtual CPUs (default: the host's; 4 with --seed)
  --seed S                    deterministic mode: scheduling, time and randomness from S
  --schedule SCHED            with --seed: random (default), random:MIN-MAX (quantum bounds)
                              or pct:P1,P2,... (PCT priorities from S, changes at those
                              instruction counts); ecall explore prints these
  --inject SIG@WHERE          with --seed: send signal SIG to a task as its own tgkill would, at
                              insn:N (the task running when N instructions have retired) or
                              sys:K:entry|wait|return (the run's K-th syscall: before its ecall
                              runs, while it sleeps, or with its result in a0)
  --memory SIZE               the machine's memory, e.g. 64m or 4g (default 2g, at most 4g)
  --max-insns N               end the run with SIGKILL (137) and a notice after N retired
                              instructions: a hang guard that counts work, not host time
  --ext NAME[,NAME]           enable ecall extensions: syscall-counter, cancel, percpu, syslet, all
  --rseq-stress P             preempt or migrate at seeded stops inside rseq critical sections
                              with probability P (0 < P <= 1), to reach every abort path
  --jit, --no-jit             translate hot guest code to WebAssembly, or only interpret
                              (default: --jit)
  --jit-threshold N           arrivals at a branch target before its code is translated
                              (default 50000; 1 translates almost everything)
  --jit-sync                  compile translations where code gets hot, blocking, instead
                              of in the background (so short runs run translated too)
ecall explore [options] PROGRAM [ARGS...]
                              run PROGRAM in deterministic mode under many schedules, group
                              the runs by outcome (exit status and stdout, or a line starting
                              with EXPLORE:), shrink failing ones, print a replay command each
  --runs N                    number of runs (default 100)
  --strategy random|pct|inject   random quanta, PCT priorities (default pct), or signal
                              injection: one run per boundary of a first run's syscalls
  --depth D                   PCT change points per run (default 3)
  --signal SIG                inject: the signal (number or name, e.g. 32 or SIGUSR2)
  --inject-at sys|insn        inject: at syscall boundaries (default), or at --runs
                              instruction counts spread evenly over the first run
  --inject-calls NAME[,NAME]  inject: only these syscalls' boundaries (e.g. read,write)
  --inject-tid TID            inject: only this thread's syscalls
  --schedule SCHED            inject: the schedule of every run (default random)
  --report cancel             print Ingo's cost/benefit table of the four cancellation
                              designs (guest/bin/cancel_*; run from the repository root)
  --jobs J                    worker threads (default: the host's cores); same report for any J
  --seed-base B               run i uses seed B+i (default 1; inject: every run's seed)
  --json                      the report as JSON
  --cpus N, --max-insns N, --ext NAME, --env KEY=VALUE   as for run (--max-insns default 100000000)
ecall syscalls [--markdown]   the syscall table with each call's support status
ecall --help | --version`;

const HELP = { type: 'boolean', short: 'h' } as const;

/** The options of `ecall run`; those of type string take a value. */
const RUN_OPTIONS = {
  strace: { type: 'boolean' },
  mount: { type: 'string', multiple: true },
  root: { type: 'string' },
  sysroot: { type: 'string' },
  env: { type: 'string', multiple: true },
  'clear-env': { type: 'boolean' },
  stats: { type: 'boolean' },
  cpus: { type: 'string' },
  seed: { type: 'string' },
  schedule: { type: 'string' },
  inject: { type: 'string' },
  'max-insns': { type: 'string' },
  ext: { type: 'string', multiple: true },
  'rseq-stress': { type: 'string' },
  'tmpfs-size': { type: 'string' },
  memory: { type: 'string' },
  jit: { type: 'boolean' },
  'no-jit': { type: 'boolean' },
  'jit-threshold': { type: 'string' },
  'jit-sync': { type: 'boolean' },
  help: HELP,
} as const;

/** The options of `ecall explore`. */
const EXPLORE_OPTIONS = {
  runs: { type: 'string' },
  strategy: { type: 'string' },
  depth: { type: 'string' },
  jobs: { type: 'string' },
  json: { type: 'boolean' },
  'seed-base': { type: 'string' },
  cpus: { type: 'string' },
  'max-insns': { type: 'string' },
  ext: { type: 'string', multiple: true },
  env: { type: 'string', multiple: true },
  signal: { type: 'string' },
  'inject-at': { type: 'string' },
  'inject-calls': { type: 'string' },
  'inject-tid': { type: 'string' },
  schedule: { type: 'string' },
  report: { type: 'string' },
  help: HELP,
} as const;

/** Returns the index of PROGRAM in run's arguments: the first one that is neither an option nor an
 *  option's value (or the one after "--"); arguments.length if there is none. */
function programIndex(args: string[], defs: Record<string, { type: string }> = RUN_OPTIONS): number {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') return i + 1;
    if (!a.startsWith('-') || a === '-') return i;
    const def = defs[a.slice(2)];
    if (a.startsWith('--') && def?.type === 'string') i++; // "--mount X": X is the option's value
  }
  return args.length;
}

/** parseArgs over options only, with its errors turned into UsageErrors. */
function parseOptions<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, strict: true as const, allowPositionals: false as const }).values;
  } catch (e) {
    // Node's messages ("Unknown option '--x'. To specify a positional ...") are one sentence too long.
    throw new UsageError((e as Error).message.split(/\.\s/)[0]!);
  }
}

/** Returns the last of --jit and --no-jit in args (true, false), or undefined when neither is given. */
function jitChoice(args: string[]): boolean | undefined {
  let on: boolean | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--jit') on = true;
    else if (a === '--no-jit') on = false;
    else if ((RUN_OPTIONS as Record<string, { type: string }>)[a.slice(2)]?.type === 'string' && !a.includes('=')) i++;
  }
  return on;
}

/** Returns what argv (the arguments after "ecall") asks for; throws UsageError on a mistake. */
export function parseCommandLine(argv: string[]): Command {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case undefined:
      throw new UsageError('missing command: run or syscalls (ecall --help shows the usage)');
    case '--help': case '-h': case 'help':
      return { kind: 'help' };
    case '--version': case '-V':
      return { kind: 'version' };
    case 'syscalls': {
      const v = parseOptions(rest, { markdown: { type: 'boolean' }, help: HELP });
      return v.help ? { kind: 'help' } : { kind: 'syscalls', markdown: v.markdown === true };
    }
    case 'run': {
      const at = programIndex(rest);
      const v = parseOptions(rest.slice(0, at), RUN_OPTIONS);
      if (v.help) return { kind: 'help' };
      const program = rest[at];
      if (program === undefined) throw new UsageError('run: missing PROGRAM (ecall --help shows the usage)');
      const options: RunOptions = {
        strace: v.strace === true, mount: v.mount ?? [], root: v.root, env: v.env ?? [],
        clearEnv: v['clear-env'] === true, stats: v.stats === true, cpus: v.cpus, seed: v.seed, schedule: v.schedule,
        maxInsns: v['max-insns'], ext: v.ext ?? [], rseqStress: v['rseq-stress'], tmpfsSize: v['tmpfs-size'], memory: v.memory,
      };
      if (v.sysroot !== undefined) options.sysroot = v.sysroot;
      if (v.inject !== undefined) options.inject = v.inject;
      // Only when given, so that the options of a run without them read as before.
      const jit = jitChoice(rest.slice(0, at));
      if (jit !== undefined) options.jit = jit;
      if (v['jit-threshold'] !== undefined) options.jitThreshold = v['jit-threshold'];
      if (v['jit-sync'] === true) options.jitSync = true;
      return { kind: 'run', program, args: rest.slice(at + 1), options };
    }
    case 'explore': {
      const at = programIndex(rest, EXPLORE_OPTIONS);
      const v = parseOptions(rest.slice(0, at), EXPLORE_OPTIONS);
      if (v.help) return { kind: 'help' };
      const program = rest[at];
      if (program === undefined && v.report === undefined) throw new UsageError('explore: missing PROGRAM (ecall --help shows the usage)');
      const options: ExploreCliOptions = {
        runs: v.runs, strategy: v.strategy, depth: v.depth, jobs: v.jobs, json: v.json === true, seedBase: v['seed-base'],
        cpus: v.cpus, maxInsns: v['max-insns'], ext: v.ext ?? [], env: v.env ?? [],
      };
      // The inject strategy's and the report's options, only when given.
      const extra = { signal: v.signal, injectAt: v['inject-at'], injectCalls: v['inject-calls'], injectTid: v['inject-tid'], schedule: v.schedule, report: v.report };
      for (const [k, x] of Object.entries(extra)) if (x !== undefined) (options as unknown as Record<string, string>)[k] = x;
      return { kind: 'explore', program: program ?? '', args: rest.slice(at + 1), options };
    }
    default:
      throw new UsageError(`${cmd.startsWith('-') ? 'unknown option' : 'unknown command'} '${cmd}' (ecall --help shows the usage)`);
  }
}
