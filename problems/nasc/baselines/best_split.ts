/**
 * Fixed architecture + best split (Neurosurgeon-style): for a given architecture, sweep every
 * split s ≥ sMin and take the one with the least end-to-end latency (ties → the larger s).
 * The choice uses latency only — the way Neurosurgeon picks a partition — and the chosen point
 * is then evaluated (accuracy included) on the NASC problem. With precision 'search' the sweep
 * also runs over fp32, fp16, int8 (ties → the more precise one).
 */
import { PAYLOAD_PRECISIONS, type PayloadPrecision } from '../accuracy_oracle.js';
import type { NascProblem } from '../problem.js';
import type { DecodedGenome } from '../search_space.js';
import { evaluatePoints, result, uniqueArchitectures, type BaselineResult } from './baseline.js';

/** The latency-minimal (split, precision) for one architecture under the scenario's sMin. */
export function bestSplitChoice(problem: NascProblem, architecture: readonly number[], precision: PayloadPrecision | 'search' = problem.scenario.precision): DecodedGenome {
  const precisions = precision === 'search' ? PAYLOAD_PRECISIONS : [precision];
  let best: { d: DecodedGenome; ms: number } | undefined;
  for (const p of precisions) {
    const b = problem.model.bestSplit(architecture, p, problem.scenario.sMin);
    if (best === undefined || b.latency.totalMs < best.ms) best = { d: { architecture: [...architecture], split: b.split, precision: p }, ms: b.latency.totalMs };
  }
  return (best as { d: DecodedGenome }).d;
}

/** Evaluates each architecture at its best split. */
export async function fixedArchitectureBestSplit(
  problem: NascProblem,
  architectures: readonly (readonly number[])[],
  precision: PayloadPrecision | 'search' = problem.scenario.precision,
): Promise<BaselineResult> {
  const decoded = uniqueArchitectures(architectures).map((a) => bestSplitChoice(problem, a, precision));
  return result('fixed-architecture+best-split', await evaluatePoints(problem, decoded));
}
