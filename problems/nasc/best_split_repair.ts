/**
 * Latency-optimal split repair (Lamarckian): with a lossless payload (fp32) the subnet computes
 * the same function wherever it is cut, so its accuracy does not depend on the split; moving a
 * genome's split to the latency-minimal s ≥ sMin then never loses accuracy and never adds
 * latency — the repaired genome weakly dominates the original. The search is left to find the
 * architecture (and, where searched, the precision); lossy payloads (fp16, int8), whose accuracy
 * does change with the cut, keep their split and only get the privacy repair.
 *
 * The default (`--split-repair best`): with the split as a free gene (the NASC paper's formulation,
 * `--split-repair none`) an fp32 search measured on the default scenario ended with every front
 * point at s = 19, 5.6–6.7 ms slower than the same networks at s = 22 — the split's neighbours
 * are slower, so step-wise operators never reach the better cut.
 */
import type { Repair } from '../../core/components.js';
import { InputError } from '../../core/errors.js';
import type { SearchSpace } from '../../core/space.js';
import type { Genome } from '../../core/variables.js';
import { BestDeploymentRepair } from './best_deployment_repair.js';
import type { NascProblem } from './problem.js';

/**
 * best: lossless payloads at their latency-optimal split; deployment: also bottleneck genomes at
 * their latency-optimal trained (split, width) no narrower than their level (best_deployment_repair.ts);
 * none: the paper's free split gene.
 */
export const SPLIT_REPAIRS = ['best', 'deployment', 'none'] as const;
export type SplitRepairName = (typeof SPLIT_REPAIRS)[number];
export const DEFAULT_SPLIT_REPAIR: SplitRepairName = 'best';

/**
 * A split-repair name from a flag or a config; 'privacy' (the name before 'none', kept in old
 * results folders) means the split is a free gene lifted only to sMin.
 */
export function parseSplitRepair(raw: string | undefined, what = '--split-repair'): SplitRepairName {
  if (raw === undefined) return DEFAULT_SPLIT_REPAIR;
  if (raw === 'privacy') return 'none';
  if (!(SPLIT_REPAIRS as readonly string[]).includes(raw)) throw new InputError(`${what} must be one of ${SPLIT_REPAIRS.join(', ')}, got "${raw}"`);
  return raw as SplitRepairName;
}

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

/** The repair a search uses: best split for fp32 payloads (default), also best bottleneck placement ('deployment'), or privacy only ('none': the paper's free split gene). */
export function splitRepair(problem: NascProblem, name: SplitRepairName): Repair {
  if (name === 'none') return problem.repair;
  const best = new BestSplitRepair(problem);
  return name === 'deployment' ? new BestDeploymentRepair(problem, best) : best;
}
