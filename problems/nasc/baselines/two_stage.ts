/**
 * Two-stage baseline (accuracy first, then latency): stage 1 searches architectures for
 * accuracy alone (whole network, fp32); stage 2 ranks them by that accuracy and takes the most
 * accurate one whose best split (best_split.ts, s ≥ sMin) meets the latency bound. All
 * candidates are reported on the NASC objectives; `chosen` is the two-stage answer (undefined
 * when none meets the bound).
 */
import type { Evaluation } from '../../../core/individual.js';
import type { Problem } from '../../../core/problem.js';
import type { SearchSpace } from '../../../core/space.js';
import type { Genome } from '../../../core/variables.js';
import type { NascProblem } from '../problem.js';
import { MAX_SPLIT, checkArchitecture, nascSearchSpace } from '../search_space.js';
import { evaluatePoints, result, uniqueArchitectures, type BaselinePoint, type BaselineResult, type OptimizeFn } from './baseline.js';
import { bestSplitChoice } from './best_split.js';

export interface AccuracyInfo {
  readonly architecture: number[];
  readonly accuracy: number;
}

/** Single objective: top-1 error of the whole network; no constraints. Genome = 22 layer genes. */
export class AccuracyOnlyProblem implements Problem<AccuracyInfo> {
  readonly name: string;
  readonly space: SearchSpace = nascSearchSpace({ split: { fixed: MAX_SPLIT }, precision: 'fp32' });
  readonly objectiveNames = ['error'] as const;
  readonly constraintNames = [] as const;
  readonly referencePoint = [1] as const;

  constructor(readonly base: NascProblem) {
    this.name = `accuracy-only(${base.scenario.name})`;
  }

  async evaluate(genomes: readonly Genome[]): Promise<Evaluation<AccuracyInfo>[]> {
    const archs = genomes.map((g) => {
      checkArchitecture(g);
      return [...g];
    });
    const acc = await this.base.accuracies(archs.map((architecture) => ({ architecture, split: MAX_SPLIT, precision: 'fp32' })));
    return archs.map((architecture, i) => {
      const a = acc[i] as { accuracy: number; failure?: string };
      const e: Evaluation<AccuracyInfo> = { objectives: [1 - a.accuracy], constraints: [], info: { architecture, accuracy: a.accuracy } };
      const failure = a.failure ?? (Number.isFinite(a.accuracy) ? undefined : 'accuracy is not finite');
      return failure === undefined ? e : { ...e, failure };
    });
  }
}

export interface TwoStageResult extends BaselineResult {
  readonly chosen?: BaselinePoint;
}

/** Stage 2 over given candidates (e.g. a stage-1 population). */
export async function twoStageFromArchitectures(problem: NascProblem, architectures: readonly (readonly number[])[]): Promise<TwoStageResult> {
  const archs = uniqueArchitectures(architectures);
  const exact = await problem.accuracies(archs.map((architecture) => ({ architecture, split: MAX_SPLIT, precision: 'fp32' })));
  const points = await evaluatePoints(problem, archs.map((a) => bestSplitChoice(problem, a)));
  // Failed accuracies rank last; the sort is stable, so equal accuracies keep stage-1 order.
  const score = exact.map((r) => (Number.isFinite(r.accuracy) && r.failure === undefined ? r.accuracy : -1));
  const order = points.map((_, i) => i).sort((i, j) => (score[j] as number) - (score[i] as number));
  const chosenIndex = order.find((i) => {
    const p = points[i] as BaselinePoint;
    return p.evaluation.failure === undefined && p.evaluation.constraints.every((g) => g <= 0);
  });
  const base = result('two-stage', points);
  return chosenIndex === undefined ? base : { ...base, chosen: points[chosenIndex] as BaselinePoint };
}

export async function twoStage(problem: NascProblem, optimize: OptimizeFn, budget: number): Promise<TwoStageResult> {
  const found = await optimize(new AccuracyOnlyProblem(problem), budget);
  return twoStageFromArchitectures(problem, found.map((ind) => ind.genome));
}
