/**
 * What every baseline returns: the (architecture, split, precision) choices it made, each
 * evaluated on the same NascProblem (scenario, latency model, accuracy oracle and cache) as
 * NASC itself, so results are directly comparable.
 */
import { dominates } from '../../../core/dominance.js';
import type { Evaluation } from '../../../core/individual.js';
import type { Problem } from '../../../core/problem.js';
import type { Genome } from '../../../core/variables.js';
import type { PayloadPrecision } from '../accuracy_oracle.js';
import type { NascInfo, NascProblem } from '../problem.js';
import type { DecodedGenome } from '../search_space.js';

export interface BaselinePoint {
  readonly decoded: DecodedGenome;
  readonly evaluation: Evaluation<NascInfo>;
}

export interface BaselineResult {
  readonly name: string;
  /** Every choice the baseline evaluated on the NASC objectives. */
  readonly points: readonly BaselinePoint[];
  /** Feasible (bound and privacy), successfully evaluated, non-dominated points of `points`. */
  readonly front: readonly BaselinePoint[];
}

/**
 * The engine as the baselines need it: run an optimiser (the lead wires NSGA-II) on a problem
 * for `budget` evaluations and return the final population (or archive).
 */
export type OptimizeFn = <Info>(problem: Problem<Info>, budget: number) => Promise<readonly { readonly genome: Genome }[]>;

export async function evaluatePoints(problem: NascProblem, decoded: readonly DecodedGenome[]): Promise<BaselinePoint[]> {
  const evaluations = await problem.evaluateDecoded(decoded);
  return decoded.map((d, i) => ({ decoded: d, evaluation: evaluations[i] as Evaluation<NascInfo> }));
}

export function isFeasiblePoint(p: BaselinePoint): boolean {
  return p.evaluation.failure === undefined && p.evaluation.constraints.every((g) => g <= 0);
}

/** Feasible non-dominated points (first of equal objective vectors kept). O(n²): baselines are small. */
export function feasibleFront(points: readonly BaselinePoint[]): BaselinePoint[] {
  const feasible = points.filter(isFeasiblePoint);
  return feasible.filter((p, i) =>
    feasible.every((q, j) => {
      if (i === j) return true;
      if (dominates(q.evaluation.objectives, p.evaluation.objectives)) return false;
      // Keep only the first of identical objective vectors.
      return !(j < i && q.evaluation.objectives.every((x, k) => x === p.evaluation.objectives[k]));
    }),
  );
}

export function result(name: string, points: readonly BaselinePoint[]): BaselineResult {
  return { name, points, front: feasibleFront(points) };
}

/** The precision a baseline uses when the caller names none: the scenario's, or fp32 when searched. */
export function defaultPrecision(problem: NascProblem): PayloadPrecision {
  return problem.scenario.precision === 'search' ? 'fp32' : problem.scenario.precision;
}

export function uniqueArchitectures(archs: readonly (readonly number[])[]): number[][] {
  const seen = new Set<string>();
  const out: number[][] = [];
  for (const a of archs) {
    const k = a.join(',');
    if (!seen.has(k)) {
      seen.add(k);
      out.push([...a]);
    }
  }
  return out;
}
