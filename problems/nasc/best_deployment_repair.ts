/**
 * Best-deployment repair for the extended space (`split-repair=deployment`): the bottleneck gene
 * keeps choosing how much accuracy to trade (its width level), the repair chooses where — every
 * genome with a bottleneck level L is moved to the latency-optimal deployment of its architecture
 * among the plain best split and the trained (split, width) pairs no narrower than level L, and
 * written back (Lamarckian). Level 0 falls through to the split repair (`best`).
 *
 * Why: with the split and the width as free genes, a level decodes to a bottleneck only at the
 * few trained positions, and step-wise operators rarely land on the cut where a width pays; the
 * two-stage baseline hwnas(max-bottleneck=L) gets exactly this placement for free. This gives the
 * joint search the same placement rule while it still searches the architecture and the width.
 */
import type { Repair } from '../../core/components.js';
import type { SearchSpace } from '../../core/space.js';
import type { Genome } from '../../core/variables.js';
import { levelOfWidth } from './bottleneck.js';
import { bestSplitChoice } from './best_split_choice.js';
import type { NascProblem } from './problem.js';
import { BOTTLENECK_GENE, type DecodedGenome } from './search_space.js';

/** The latency-optimal of the plain best split and the trained bottlenecks of level ≤ `maxLevel` (s ≥ sMin). */
export function bestDeployment(problem: NascProblem, architecture: readonly number[], maxLevel: number): DecodedGenome {
  const plain = bestSplitChoice(problem, architecture);
  let best: DecodedGenome = { ...plain, bottleneck: 0 };
  let bestMs = problem.model.breakdown(best.architecture, best.split, best.precision, 0).totalMs;
  for (const { split, width } of problem.layout.bottleneck?.pairs() ?? []) {
    if (split < problem.scenario.sMin || levelOfWidth(split, width) > maxLevel) continue;
    const ms = problem.model.breakdown(architecture, split, 'int8', width).totalMs;
    // Ties keep the earlier choice: the plain split, then the wider bottleneck.
    if (ms < bestMs) {
      best = { architecture: [...architecture], split, precision: 'int8', bottleneck: width };
      bestMs = ms;
    }
  }
  return best;
}

export class BestDeploymentRepair implements Repair {
  readonly name: string;
  private readonly gene: number;

  /** `plain`: the repair for genomes without a bottleneck level (the best-split repair). */
  constructor(
    private readonly problem: NascProblem,
    private readonly plain: Repair,
  ) {
    this.gene = problem.space.variables.findIndex((v) => v.name === BOTTLENECK_GENE);
    this.name = `best-deployment-repair(s>=${problem.scenario.sMin})+${plain.name}`;
  }

  repair(space: SearchSpace, genome: Genome): Genome {
    // The raw level: a level at a split without a trained bottleneck decodes to none, but it is
    // still the gene's choice of width.
    const level = this.gene < 0 ? 0 : (genome[this.gene] as number);
    if (level === 0) return this.plain.repair(space, genome);
    const safe = this.problem.repair.repair(space, genome);
    const d = this.problem.decode(safe);
    return this.problem.encode(bestDeployment(this.problem, d.architecture, level));
  }
}
