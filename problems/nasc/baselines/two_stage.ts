/**
 * Two-stage baseline (accuracy first, then latency): stage 1 searches architectures for accuracy
 * alone (single objective, no latency); stage 2 deploys each at its best split (best_split.ts).
 * Every stage-1 architecture is evaluated on the NASC objectives at that split, so the two-stage
 * answer — the most accurate one whose best split meets the bound — is the most accurate
 * feasible point of the run.
 */
import type { Rng } from '../../../core/rng.js';
import { EmbeddedAlgorithm } from '../../../operators/algorithms/embedded_algorithm.js';
import type { NascInfo, NascProblem } from '../problem.js';
import { innerNsga2, translated, type BaselineOptions } from './baseline.js';
import { bestSplitGenome } from './best_split.js';

export interface AccuracyInfo {
  readonly architecture: number[];
  readonly accuracy: number;
}

export function twoStageStrategy(problem: NascProblem, options: BaselineOptions, rng: Rng): EmbeddedAlgorithm<AccuracyInfo, NascInfo> {
  const inner = innerNsga2<AccuracyInfo>('two-stage-nsga2', options, rng);
  return new EmbeddedAlgorithm<AccuracyInfo, NascInfo>('two-stage', inner, {
    embed: (arch) => bestSplitGenome(problem, arch),
    feedback: (arch, outer) => translated(outer, [outer.objectives[0] as number], [], { architecture: [...arch], accuracy: outer.info?.accuracy ?? Number.NaN }),
  });
}
