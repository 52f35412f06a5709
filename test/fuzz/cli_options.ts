// The options the fuzz CLIs (cli.ts, elf_cli.ts, sys_cli.ts) read the same way: the seed, how
// long to run, and how many workers.
import { availableParallelism } from 'node:os';

/** --seconds when not given: how long a fuzz run lasts unless told. */
export const DEFAULT_SECONDS = '10';

/** parseArgs options every fuzz CLI takes: --seconds N and --seed S. */
export const SEED_TIME_OPTIONS = {
  seconds: { type: 'string', default: DEFAULT_SECONDS },
  seed: { type: 'string' },
} as const;

/** parseArgs option --jobs J: worker processes at once, one per host CPU unless told. */
export const JOBS_OPTION = {
  jobs: { type: 'string', default: String(availableParallelism()) },
} as const;

/** Returns --seed as a 32-bit seed, or a fresh one from the clock and the pid when none was given. */
export function seedOption(seed: string | undefined): number {
  return seed !== undefined ? Number(seed) >>> 0 : (Date.now() ^ (process.pid << 16)) >>> 0;
}

/** Returns the seconds to run: --seconds, or no time limit when a count of work was given and
 *  --seconds was left at its default (the count then ends the run). */
export function secondsOption(seconds: string, countGiven: boolean): number {
  return countGiven && seconds === DEFAULT_SECONDS ? Infinity : Number(seconds);
}
