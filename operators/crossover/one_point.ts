import type { Rng } from '../../core/rng.js';
import { PointCrossover, type PointCrossoverOptions } from './point_crossover.js';

export type { PointCrossoverOptions };

/** One-point crossover (DEAP `cxOnePoint`): a cut strictly inside the genome, the tails swapped. */
export class OnePointCrossover extends PointCrossover {
  readonly name = 'one-point-crossover';

  constructor(options: PointCrossoverOptions = {}) {
    super('one-point-crossover', options);
  }

  protected segment(n: number, rng: Rng): [number, number] {
    return [rng.integer(1, n - 1), n];
  }
}
