import type { Mutation } from '../../core/components.js';
import type { Rng } from '../../core/rng.js';
import type { SearchSpace } from '../../core/space.js';
import type { Genome, VariableKind } from '../../core/variables.js';
import {
  boundsOf,
  checkEta,
  checkProbability,
  genesOfKinds,
  operatorKinds,
  perGeneProbability,
  power,
  type ProbabilityBase,
} from '../variation/genes.js';

export interface PolynomialMutationOptions {
  /** Distribution index η (default 20): larger keeps the mutant closer to the original. */
  eta?: number;
  /** Per-gene mutation probability (default 1/n, see `probBase`). */
  prob?: number;
  /** What n counts in the default 1/n: the genes this operator mutates (default) or the whole genome. */
  probBase?: ProbabilityBase;
  /** Restrict to some of the supported kinds (default real and integer); other genes pass through. */
  kinds?: readonly ('real' | 'integer')[];
}

/**
 * Polynomial mutation, bounded (Deb's NSGA-II code, DEAP `mutPolynomialBounded`, pymoo `PM`): the
 * perturbation distribution is reshaped by the gene's distance to each bound so the mutant stays
 * inside them, with no probability mass piled on the bounds. Integer genes are mutated as reals,
 * then rounded and clipped (pymoo's PM + RoundingRepair).
 */
export class PolynomialMutation implements Mutation {
  readonly name = 'polynomial-mutation';
  readonly kinds: ReadonlySet<VariableKind>;
  readonly eta: number;
  readonly prob: number | undefined;
  readonly probBase: ProbabilityBase;

  constructor(options: PolynomialMutationOptions = {}) {
    this.kinds = operatorKinds(this.name, ['real', 'integer'], options.kinds);
    this.eta = checkEta(this.name, options.eta ?? 20);
    this.prob = options.prob === undefined ? undefined : checkProbability(this.name, 'prob', options.prob);
    this.probBase = options.probBase ?? 'kinds';
  }

  mutate(space: SearchSpace, genome: Genome, rng: Rng): Genome {
    const out = genome.slice();
    const genes = genesOfKinds(space, this.kinds);
    if (genes.length === 0) return out;
    const p = perGeneProbability(this.prob, this.probBase, space, genes.length);
    const { lower, upper } = boundsOf(space);
    const eta1 = this.eta + 1;
    const mutPow = 1 / eta1;
    const variables = space.variables;
    for (const i of genes) {
      if (!rng.bernoulli(p)) continue;
      const xl = lower[i] as number;
      const xu = upper[i] as number;
      if (xl === xu) continue;
      const x = out[i] as number;
      const range = xu - xl;
      const u = rng.random();
      let deltaq: number;
      if (u <= 0.5) {
        const xy = 1 - (x - xl) / range;
        const val = 2 * u + (1 - 2 * u) * power(xy, eta1);
        deltaq = Math.pow(val, mutPow) - 1;
      } else {
        const xy = 1 - (xu - x) / range;
        const val = 2 * (1 - u) + 2 * (u - 0.5) * power(xy, eta1);
        deltaq = 1 - Math.pow(val, mutPow);
      }
      let y = x + deltaq * range;
      if (variables[i]?.kind === 'integer') y = Math.round(y);
      // Clip: only floating-point error (or rounding) can leave the bounds.
      out[i] = y < xl ? xl : y > xu ? xu : y;
    }
    return out;
  }
}
