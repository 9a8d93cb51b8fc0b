import type { Rng } from '../../core/rng.js';
import { PointCrossover, type PointCrossoverOptions } from './point_crossover.js';

/**
 * Two-point crossover (DEAP `cxTwoPoint`): two distinct cuts in 1..n, the segment between them
 * swapped (the segment may run to the end of the genome).
 */
export class TwoPointCrossover extends PointCrossover {
  readonly name = 'two-point-crossover';

  constructor(options: PointCrossoverOptions = {}) {
    super('two-point-crossover', options);
  }

  protected segment(n: number, rng: Rng): [number, number] {
    let p = rng.integer(1, n);
    let q = rng.integer(1, n - 1);
    if (q >= p) q += 1;
    else [p, q] = [q, p];
    return [p, q];
  }
}
