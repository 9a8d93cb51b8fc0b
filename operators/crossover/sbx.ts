import type { Crossover } from '../../core/components.js';
import type { Rng } from '../../core/rng.js';
import type { SearchSpace } from '../../core/space.js';
import type { Genome, VariableKind } from '../../core/variables.js';
import { boundsOf, checkEta, checkProbability, genesOfKinds, operatorKinds, power } from '../variation/genes.js';
import { parentPair } from './parents.js';

export interface SimulatedBinaryCrossoverOptions {
  /** Distribution index η (default 15): larger keeps children closer to their parents. */
  eta?: number;
  /** Probability that a mating recombines at all; otherwise the children are copies (default 0.9). */
  prob?: number;
  /** Probability that a gene is recombined, given the mating recombines (default 0.5, as pymoo). */
  probVar?: number;
  /** Restrict to some of the supported kinds (default real and integer); other genes pass through. */
  kinds?: readonly ('real' | 'integer')[];
}

/** Parents closer than this are left alone: the spread factor would divide by ~0. */
const EPS = 1e-14;

/**
 * Simulated binary crossover (Deb & Agrawal 1995), the bounded variant of Deb's NSGA-II code and
 * pymoo's `SBX`: the spread distribution is truncated so that children stay inside the bounds,
 * each recombined gene swaps between the children with probability 1/2. Integer genes are
 * recombined as reals, then rounded and clipped (pymoo's SBX + RoundingRepair).
 */
export class SimulatedBinaryCrossover implements Crossover {
  readonly name = 'sbx';
  readonly kinds: ReadonlySet<VariableKind>;
  readonly parents = 2;
  readonly children = 2;
  readonly eta: number;
  readonly prob: number;
  readonly probVar: number;

  constructor(options: SimulatedBinaryCrossoverOptions = {}) {
    this.kinds = operatorKinds(this.name, ['real', 'integer'], options.kinds);
    this.eta = checkEta(this.name, options.eta ?? 15);
    this.prob = checkProbability(this.name, 'prob', options.prob ?? 0.9);
    this.probVar = checkProbability(this.name, 'probVar', options.probVar ?? 0.5);
  }

  cross(space: SearchSpace, parents: readonly Genome[], rng: Rng): Genome[] {
    const [a, b] = parentPair(this.name, parents);
    const c1 = a.slice();
    const c2 = b.slice();
    const genes = genesOfKinds(space, this.kinds);
    if (genes.length === 0 || !rng.bernoulli(this.prob)) return [c1, c2];
    const { lower, upper } = boundsOf(space);
    const exponent = 1 / (this.eta + 1);
    const eta1 = this.eta + 1;
    const variables = space.variables;
    for (const i of genes) {
      if (!rng.bernoulli(this.probVar)) continue;
      const x1 = a[i] as number;
      const x2 = b[i] as number;
      const xl = lower[i] as number;
      const xu = upper[i] as number;
      if (Math.abs(x1 - x2) <= EPS || xl === xu) continue;
      const y1 = x1 < x2 ? x1 : x2;
      const y2 = x1 < x2 ? x2 : x1;
      const delta = y2 - y1;
      // One uniform draw shared by both children, as in pymoo and Deb's code.
      const u = rng.random();

      let alpha = 2 - 1 / power(1 + (2 * (y1 - xl)) / delta, eta1);
      let betaq = u <= 1 / alpha ? Math.pow(u * alpha, exponent) : Math.pow(1 / (2 - u * alpha), exponent);
      let v1 = 0.5 * (y1 + y2 - betaq * delta);

      alpha = 2 - 1 / power(1 + (2 * (xu - y2)) / delta, eta1);
      betaq = u <= 1 / alpha ? Math.pow(u * alpha, exponent) : Math.pow(1 / (2 - u * alpha), exponent);
      let v2 = 0.5 * (y1 + y2 + betaq * delta);

      if (rng.bernoulli(0.5)) {
        const t = v1;
        v1 = v2;
        v2 = t;
      }
      if (variables[i]?.kind === 'integer') {
        v1 = Math.round(v1);
        v2 = Math.round(v2);
      }
      c1[i] = v1 < xl ? xl : v1 > xu ? xu : v1;
      c2[i] = v2 < xl ? xl : v2 > xu ? xu : v2;
    }
    return [c1, c2];
  }
}
