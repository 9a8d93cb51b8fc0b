import type { Crossover } from '../../core/components.js';
import type { Rng } from '../../core/rng.js';
import type { SearchSpace } from '../../core/space.js';
import { VARIABLE_KINDS, type Genome, type VariableKind } from '../../core/variables.js';
import { checkProbability, genesOfKinds, operatorKinds } from '../variation/genes.js';
import { parentPair } from './parents.js';

export interface UniformCrossoverOptions {
  /** Probability that a mating recombines at all; otherwise the children are copies (default 0.9). */
  prob?: number;
  /** Probability that a gene swaps between the children (default 0.5). */
  probSwap?: number;
  /** Restrict to some kinds (default all); other genes pass through. */
  kinds?: readonly VariableKind[];
}

/** Uniform crossover: every gene independently goes to one child or the other. Kind-agnostic. */
export class UniformCrossover implements Crossover {
  readonly name = 'uniform-crossover';
  readonly kinds: ReadonlySet<VariableKind>;
  readonly parents = 2;
  readonly children = 2;
  readonly prob: number;
  readonly probSwap: number;

  constructor(options: UniformCrossoverOptions = {}) {
    this.kinds = operatorKinds(this.name, VARIABLE_KINDS, options.kinds);
    this.prob = checkProbability(this.name, 'prob', options.prob ?? 0.9);
    this.probSwap = checkProbability(this.name, 'probSwap', options.probSwap ?? 0.5);
  }

  cross(space: SearchSpace, parents: readonly Genome[], rng: Rng): Genome[] {
    const [a, b] = parentPair(this.name, parents);
    const c1 = a.slice();
    const c2 = b.slice();
    const genes = genesOfKinds(space, this.kinds);
    if (genes.length === 0 || !rng.bernoulli(this.prob)) return [c1, c2];
    for (const i of genes) {
      if (rng.random() < this.probSwap) {
        c1[i] = b[i] as number;
        c2[i] = a[i] as number;
      }
    }
    return [c1, c2];
  }
}
