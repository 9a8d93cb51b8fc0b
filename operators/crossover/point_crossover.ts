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
 * Cut-point crossover over the applicable genes: the subclasses only choose the segment
 * [from, to) of those genes that the two children swap. Fewer than two applicable genes leave
 * nothing to cut, so the children are copies.
 */
export abstract class PointCrossover implements Crossover {
  abstract readonly name: string;
  readonly kinds: ReadonlySet<VariableKind>;
  readonly parents = 2;
  readonly children = 2;
  readonly prob: number;

  constructor(name: string, options: PointCrossoverOptions) {
    this.kinds = operatorKinds(name, VARIABLE_KINDS, options.kinds);
    this.prob = checkProbability(name, 'prob', options.prob ?? 0.9);
  }

  /** The swapped segment among n ≥ 2 applicable genes. */
  protected abstract segment(n: number, rng: Rng): [number, number];

  cross(space: SearchSpace, parents: readonly Genome[], rng: Rng): Genome[] {
    const [a, b] = parentPair(this.name, parents);
    const c1 = a.slice();
    const c2 = b.slice();
    const genes = genesOfKinds(space, this.kinds);
    const n = genes.length;
    if (n < 2 || !rng.bernoulli(this.prob)) return [c1, c2];
    const [from, to] = this.segment(n, rng);
    swapGenes(c1, c2, genes, from, to);
    return [c1, c2];
  }
}
