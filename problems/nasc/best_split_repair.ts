/**
 * Latency-optimal split repair (Lamarckian): with a lossless payload (fp32) the subnet computes
 * the same function wherever it is cut, so its accuracy does not depend on the split; moving a
 * genome's split to the latency-minimal s ≥ sMin then never loses accuracy and never adds
 * latency — the repaired genome weakly dominates the original. The search is left to find the
 * architecture (and, where searched, the precision); lossy payloads (fp16, int8), whose accuracy
 * does change with the cut, keep their split and only get the privacy repair.
 *
 * Opt-in (`--split-repair best`): the NASC paper searches the split as a free gene, and this
 * repair changes what the search explores (every fp32 genome sits at its best split).
 */
import type { Repair } from '../../core/components.js';
import type { SearchSpace } from '../../core/space.js';
import type { Genome } from '../../core/variables.js';
import type { NascProblem } from './problem.js';

export const SPLIT_REPAIRS = ['privacy', 'best'] as const;
export type SplitRepairName = (typeof SPLIT_REPAIRS)[number];

export class BestSplitRepair implements Repair {
  readonly name: string;

  constructor(private readonly problem: NascProblem) {
    this.name = `best-split-repair(fp32, s>=${problem.scenario.sMin})`;
  }

  repair(space: SearchSpace, genome: Genome): Genome {
    const safe = this.problem.repair.repair(space, genome);
    // A fixed-split layout has no split gene: nothing to move.
    if (typeof this.problem.layout.split === 'object') return safe;
    const d = this.problem.decode(safe);
    if (d.precision !== 'fp32') return safe;
    const best = this.problem.model.bestSplit(d.architecture, 'fp32', this.problem.scenario.sMin);
    return best.split === d.split ? safe : this.problem.encode({ ...d, split: best.split });
  }
}

/** The repair a search uses: privacy only (the paper's NASC) or best split for fp32 payloads. */
export function splitRepair(problem: NascProblem, name: SplitRepairName): Repair {
  return name === 'best' ? new BestSplitRepair(problem) : problem.repair;
}
