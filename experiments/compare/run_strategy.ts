import type { Algorithm } from '../../core/algorithm.js';
import { InProcessEvaluator, type Evaluator } from '../../core/evaluator.js';
import { makeIndividual, type Evaluation, type Individual } from '../../core/individual.js';
import { hypervolume } from '../../core/indicators/hypervolume.js';
import type { Problem } from '../../core/problem.js';
import type { Genome } from '../../core/variables.js';
import type { HeldOutPoint } from '../plugin_types.js';

/** Problem-specific indicators over everything evaluated so far (e.g. NAS-Bench-201's frontRecall). */
export type IndicatorFunction = (evaluated: readonly Individual<unknown>[]) => Record<string, number>;

export interface StrategyRunOptions {
  readonly problem: Problem<unknown>;
  readonly indicators?: IndicatorFunction;
  readonly algorithm: Algorithm<unknown>;
  /** Budget of distinct evaluations. */
  readonly evaluations: number;
  /** Evaluation counts at which indicators are recorded (ascending; the budget is always added). */
  readonly checkpoints?: readonly number[];
  readonly evaluator?: Evaluator;
  /** Consecutive asks that bring nothing new before the run is declared stalled (default 1,000). */
  readonly maxStalledAsks?: number;
}

export interface CurvePoint {
  readonly evaluations: number;
  readonly indicators: Record<string, number>;
}

export interface RunRecord {
  readonly strategy: string;
  readonly seed: number;
  /** Distinct genomes evaluated. */
  readonly evaluations: number;
  /** Genomes the strategy proposed, repeats included (a repeat is answered from the cache, free). */
  readonly proposals: number;
  readonly generations: number;
  readonly seconds: number;
  readonly stoppedBy: 'budget' | 'exhausted' | 'stalled';
  readonly curve: CurvePoint[];
  /** Indicators at the end of the run. */
  readonly final: Record<string, number>;
  /** Strategy-specific figures (e.g. the surrogate's rank correlation). */
  readonly extras?: Record<string, number>;
  /** The points the run reports, re-measured on held-out data (problems that have such data). */
  readonly front?: HeldOutPoint[];
}

/**
 * Runs one strategy on one problem for a budget of distinct evaluations. A genome proposed
 * again is answered from a cache and not counted, so every strategy gets the same number of
 * distinct genomes whatever its duplicate handling. Indicators are computed over everything
 * evaluated (the first k evaluations at checkpoint k, exactly, even inside a batch): the feasible
 * hypervolume wrt the problem's reference point, the best feasible value of objective 0 on
 * constrained problems, and the problem's own indicators.
 */
export async function runStrategy(options: StrategyRunOptions): Promise<Omit<RunRecord, 'strategy' | 'seed'> & { readonly evaluated: readonly Individual<unknown>[] }> {
  const { problem, algorithm } = options;
  const budget = options.evaluations;
  const evaluator = options.evaluator ?? new InProcessEvaluator();
  const checkpoints = [...new Set([...(options.checkpoints ?? []).filter((c) => c > 0 && c < budget), budget])].sort((a, b) => a - b);
  const maxStalled = options.maxStalledAsks ?? 1000;
  const cache = new Map<string, Evaluation<unknown>>();
  const evaluated: Individual<unknown>[] = [];
  const curve: CurvePoint[] = [];
  let nextCheckpoint = 0;
  let proposals = 0;
  let stalled = 0;
  let stoppedBy: RunRecord['stoppedBy'] = 'budget';
  const start = performance.now();
  const record = () => {
    while (nextCheckpoint < checkpoints.length && evaluated.length >= (checkpoints[nextCheckpoint] as number)) {
      const at = checkpoints[nextCheckpoint] as number;
      curve.push({ evaluations: at, indicators: indicatorsOf(problem, options.indicators, evaluated.slice(0, at)) });
      nextCheckpoint++;
    }
  };
  while (evaluated.length < budget) {
    const batch = algorithm.ask(budget - evaluated.length);
    if (batch.length === 0) {
      algorithm.tell([], []);
      stoppedBy = 'exhausted';
      break;
    }
    proposals += batch.length;
    const fresh: Genome[] = [];
    const freshKeys = new Set<string>();
    for (const g of batch) {
      const key = problem.space.key(g);
      if (!cache.has(key) && !freshKeys.has(key)) {
        freshKeys.add(key);
        fresh.push(g);
      }
    }
    const results = await evaluator.evaluate(problem, fresh);
    fresh.forEach((g, i) => {
      const e = results[i] as Evaluation<unknown>;
      cache.set(problem.space.key(g), e);
      evaluated.push(makeIndividual(g, e));
    });
    algorithm.tell(
      batch,
      batch.map((g) => cache.get(problem.space.key(g)) as Evaluation<unknown>),
    );
    record();
    stalled = fresh.length === 0 ? stalled + 1 : 0;
    if (stalled >= maxStalled) {
      stoppedBy = 'stalled';
      break;
    }
  }
  const final = indicatorsOf(problem, options.indicators, evaluated);
  // A run that stopped early ends its curve where it stopped.
  if (evaluated.length > 0 && curve[curve.length - 1]?.evaluations !== evaluated.length) curve.push({ evaluations: evaluated.length, indicators: final });
  return {
    evaluations: evaluated.length,
    proposals,
    generations: algorithm.generation,
    seconds: (performance.now() - start) / 1000,
    stoppedBy,
    curve,
    final,
    evaluated,
  };
}

/** The indicators of a set of evaluated individuals (see runStrategy). */
export function indicatorsOf(problem: Problem<unknown>, extra: IndicatorFunction | undefined, evaluated: readonly Individual<unknown>[]): Record<string, number> {
  const out: Record<string, number> = {};
  const feasible = evaluated.filter((ind) => ind.cv === 0 && ind.objectives.every(Number.isFinite));
  if (problem.referencePoint !== undefined) out.hv = hypervolume(feasible.map((ind) => ind.objectives), problem.referencePoint);
  if (problem.constraintNames.length > 0) {
    const best = feasible.reduce((b, ind) => Math.min(b, ind.objectives[0] as number), Infinity);
    const name = problem.objectiveNames[0] ?? 'objective0';
    // NASC problems minimise error = 1 − accuracy: report the accuracy itself.
    if (name === 'error') out.bestFeasibleAccuracy = Number.isFinite(best) ? 1 - best : Number.NaN;
    else out[`bestFeasible_${name}`] = Number.isFinite(best) ? best : Number.NaN;
  }
  if (extra !== undefined) Object.assign(out, extra(evaluated));
  return out;
}
