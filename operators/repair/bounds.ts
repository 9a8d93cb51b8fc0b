import type { Repair } from '../../core/components.js';
import type { SearchSpace } from '../../core/space.js';
import type { Genome } from '../../core/variables.js';
import { boundsOf } from '../variation/genes.js';

/**
 * Clips every gene into its domain and rounds the discrete ones (integers, choice indices, bits).
 * NaN has no sensible nearest value and always means a bug upstream, so it throws.
 */
export class BoundsRepair implements Repair {
  readonly name = 'bounds-repair';

  repair(space: SearchSpace, genome: Genome): Genome {
    const { lower, upper } = boundsOf(space);
    const variables = space.variables;
    if (genome.length !== variables.length) {
      throw new Error(`${this.name}: genome has ${genome.length} genes, the space has ${variables.length} variables`);
    }
    const out = genome.slice();
    for (let i = 0; i < out.length; i++) {
      let x = out[i] as number;
      if (Number.isNaN(x)) throw new Error(`${this.name}: gene ${variables[i]?.name} is NaN`);
      if (variables[i]?.kind !== 'real') x = Math.round(x);
      const lo = lower[i] as number;
      const hi = upper[i] as number;
      out[i] = x < lo ? lo : x > hi ? hi : x;
    }
    return out;
  }
}
