/**
 * The latency-minimal deployment of an architecture without a bottleneck: the split s ≥ sMin (and
 * with precision 'search' the payload precision) with the least end-to-end latency, from the
 * tables alone. Shared by the best-split baselines and the best-deployment repair.
 */
import { PAYLOAD_PRECISIONS, type PayloadPrecision } from './accuracy_oracle.js';
import type { NascProblem } from './problem.js';
import type { DecodedGenome } from './search_space.js';

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
