import type { Sampling } from '../../core/components.js';
import type { Rng } from '../../core/rng.js';
import type { SearchSpace } from '../../core/space.js';
import { VARIABLE_KINDS, type Genome, type Variable, type VariableKind } from '../../core/variables.js';

/** One gene drawn uniformly from its variable's domain. */
export function uniformGene(v: Variable, rng: Rng): number {
  switch (v.kind) {
    case 'real':
      // min: lower + width·u can round a hair above the upper bound.
      return Math.min(v.upper, rng.uniform(v.lower, v.upper));
    case 'integer':
      return rng.integer(v.lower, v.upper);
    case 'categorical':
      return rng.index(v.choices.length);
    case 'binary':
      return rng.index(2);
  }
}

/** Every gene independently uniform over its domain (reals in [lower, upper), discrete values equally likely). */
export class UniformSampling implements Sampling {
  readonly name = 'uniform-sampling';
  readonly kinds: ReadonlySet<VariableKind> = new Set(VARIABLE_KINDS);

  sample(space: SearchSpace, count: number, rng: Rng): Genome[] {
    const out: Genome[] = [];
    for (let i = 0; i < count; i++) out.push(space.variables.map((v) => uniformGene(v, rng)));
    return out;
  }
}
