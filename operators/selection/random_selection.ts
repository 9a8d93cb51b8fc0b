/** Parents drawn uniformly at random, with replacement (a baseline, and for algorithms whose survival does all the work). */
import type { Selection } from '../../core/components.js';
import type { Individual } from '../../core/individual.js';
import type { Rng } from '../../core/rng.js';

export class RandomSelection implements Selection {
  readonly name = 'random';

  select<Info>(population: readonly Individual<Info>[], count: number, rng: Rng): Individual<Info>[] {
    if (!Number.isSafeInteger(count) || count < 0) throw new RangeError(`selection count must be a non-negative integer, got ${count}`);
    if (count > 0 && population.length === 0) throw new RangeError('cannot select from an empty population');
    const out: Individual<Info>[] = [];
    for (let t = 0; t < count; t++) out.push(population[rng.index(population.length)] as Individual<Info>);
    return out;
  }
}
