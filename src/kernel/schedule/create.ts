// Builds the policy a schedule names, seeded from the run's seed.
import { Prng } from '../../util/prng.js';
import { PctPolicy } from './pct.js';
import type { Schedule, SchedPolicy } from './policy.js';
import { RandomPolicy } from './random.js';

/** The Prng stream of scheduling choices (the SimHost uses 1, rseq stress 3). */
const SCHED_STREAM = 2;

/** Returns the policy for s under seed. */
export function createPolicy(s: Schedule, seed: number | bigint): SchedPolicy {
  const rng = new Prng(seed, SCHED_STREAM);
  return s.kind === 'random' ? new RandomPolicy(rng, s.min, s.max) : new PctPolicy(rng, s.points);
}
