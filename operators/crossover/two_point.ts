import type { Crossover } from '../../core/components.js';
import type { Rng } from '../../core/rng.js';
import type { SearchSpace } from '../../core/space.js';
import { VARIABLE_KINDS, type Genome, type VariableKind } from '../../core/variables.js';
import { checkProbability, genesOfKinds, operatorKinds } from '../variation/genes.js';
import type { PointCrossoverOptions } from './one_point.js';
import { parentPair, swapGenes } from './parents.js';

/**
 * Two-point crossover (DEAP `cxTwoPoint`): two distinct cuts in 1..n, the segment between them
 * swapped (the segment may run to the end of the genome). Needs at least two applicable genes.
 */
export class TwoPointCrossover implements Crossover {
  readonly name = 'two-point-crossover';
  readonly kinds: ReadonlySet<VariableKind>;
  readonly parents = 2;
  readonly children = 2;
  readonly prob: number;

  constructor(options: PointCrossoverOptions = {}) {
    this.kinds = operatorKinds(this.name, VARIABLE_KINDS, options.kinds);
    this.prob = checkProbability(this.name, 'prob', options.prob ?? 0.9);
  }

  cross(space: SearchSpace, parents: readonly Genome[], rng: Rng): Genome[] {
    const [a, b] = parentPair(this.name, parents);
    const c1 = a.slice();
    const c2 = b.slice();
    const genes = genesOfKinds(space, this.kinds);
    const n = genes.length;
    if (n < 2 || !rng.bernoulli(this.prob)) return [c1, c2];
    let p = rng.integer(1, n);
    let q = rng.integer(1, n - 1);
    if (q >= p) q += 1;
    else [p, q] = [q, p];
    swapGenes(c1, c2, genes, p, q);
    return [c1, c2];
  }
}
