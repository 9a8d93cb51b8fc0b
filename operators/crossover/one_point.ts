import type { Crossover } from '../../core/components.js';
import type { Rng } from '../../core/rng.js';
import type { SearchSpace } from '../../core/space.js';
import { VARIABLE_KINDS, type Genome, type VariableKind } from '../../core/variables.js';
import { checkProbability, genesOfKinds, operatorKinds } from '../variation/genes.js';
import { parentPair, swapGenes } from './parents.js';

export interface PointCrossoverOptions {
  /** Probability that a mating recombines at all; otherwise the children are copies (default 0.9). */
  prob?: number;
  /** Restrict to some kinds (default all); cut points then fall between those genes only. */
  kinds?: readonly VariableKind[];
}

/**
 * One-point crossover (DEAP `cxOnePoint`): a cut strictly inside the genome, the tails swapped.
 * A single applicable gene leaves nothing to cut, so the children are copies.
 */
export class OnePointCrossover implements Crossover {
  readonly name = 'one-point-crossover';
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
    swapGenes(c1, c2, genes, rng.integer(1, n - 1), n);
    return [c1, c2];
  }
}
