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
import type { NascProblem } from './problem.js';
import { splitBottleneckChoices } from './split_bottleneck_choices.js';
import { BOTTLENECK_GENE, type DecodedGenome } from './search_space.js';

/** The latency-optimal of the plain best split and the trained bottlenecks of level ≤ `maxLevel` (s ≥ sMin). */
export function bestDeployment(problem: NascProblem, architecture: readonly number[], maxLevel: number): DecodedGenome {
  const ms = (d: DecodedGenome) => problem.model.breakdown(d.architecture, d.split, d.precision, d.bottleneck ?? 0).totalMs;
  // Choices come plain split first, then the wider bottleneck first: ties keep the earlier one.
  const allowed = splitBottleneckChoices(problem, architecture).filter((d) => (d.bottleneck ?? 0) === 0 || levelOfWidth(d.split, d.bottleneck ?? 0) <= maxLevel);
  const timed = allowed.map((d) => ({ d, ms: ms(d) }));
  return timed.reduce((best, t) => (t.ms < best.ms ? t : best)).d;
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
    // Only the architecture is kept: the placement replaces split, precision and width.
    return this.problem.encode(bestDeployment(this.problem, this.problem.decode(genome).architecture, level));
  }
}
