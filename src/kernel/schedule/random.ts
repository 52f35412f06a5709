// The random schedule: seeded CPU choice and quantum lengths drawn between two bounds.
import type { Prng } from '../../util/prng.js';
import type { SchedPolicy } from './policy.js';

/** Seeded choices, quanta uniform in [min, max]. */
export class RandomPolicy implements SchedPolicy {
  constructor(private readonly rng: Prng, private readonly min: number, private readonly max: number) {}

  /** A uniform choice in [0, n). */
  below(n: number): number {
    return this.rng.below(n);
  }

  /** A uniform quantum in [min, max]. */
  quantum(): number {
    return this.min + this.rng.below(this.max - this.min + 1);
  }
}
