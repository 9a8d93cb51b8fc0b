import type { Repair } from '../../core/components.js';
import type { SearchSpace } from '../../core/space.js';
import type { Genome } from '../../core/variables.js';

/**
 * A repair given as a function: the hook through which a problem maps genomes onto its feasible
 * decision region, e.g. raising a split point to the privacy bound (s ≥ s_min). The function must
 * return a genome of the same length that lies inside the space.
 */
export class FunctionRepair implements Repair {
  constructor(
    readonly name: string,
    private readonly fn: (genome: Genome, space: SearchSpace) => Genome,
  ) {}

  repair(space: SearchSpace, genome: Genome): Genome {
    const out = this.fn(genome, space);
    if (out.length !== genome.length) {
      throw new Error(`repair ${this.name} returned ${out.length} genes for a genome of ${genome.length}`);
    }
    return out;
  }
}
