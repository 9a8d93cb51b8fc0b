import type { Sampling } from '../../core/components.js';
import type { Rng } from '../../core/rng.js';
import type { SearchSpace } from '../../core/space.js';
import { VARIABLE_KINDS, type Genome, type VariableKind } from '../../core/variables.js';
import { uniformGene } from './uniform.js';

/**
 * Latin hypercube sampling: each real variable's range is cut into `count` equal strata and every
 * stratum receives exactly one sample (at a uniform position inside it), with strata matched across
 * variables by independent random permutations. This spreads a small initial population over the
 * whole range of every real variable. Discrete genes are drawn uniformly: stratifying a handful of
 * values would only bias them. (pymoo's LHS can additionally optimise a max-min criterion; this is
 * the plain, unoptimised design.)
 */
export class LatinHypercubeSampling implements Sampling {
  readonly name = 'latin-hypercube-sampling';
  readonly kinds: ReadonlySet<VariableKind> = new Set(VARIABLE_KINDS);

  sample(space: SearchSpace, count: number, rng: Rng): Genome[] {
    const rows: number[][] = Array.from({ length: count }, () => new Array<number>(space.size));
    space.variables.forEach((v, j) => {
      if (v.kind === 'real') {
        const strata = rng.permutation(count);
        const width = v.upper - v.lower;
        for (let i = 0; i < count; i++) {
          // min: floating-point rounding can land a hair above the upper bound.
          (rows[i] as number[])[j] = Math.min(v.upper, v.lower + (width * ((strata[i] as number) + rng.random())) / count);
        }
      } else {
        for (let i = 0; i < count; i++) (rows[i] as number[])[j] = uniformGene(v, rng);
      }
    });
    return rows;
  }
}
