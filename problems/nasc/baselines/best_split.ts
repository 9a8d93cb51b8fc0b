/**
 * Fixed architecture + best split (Neurosurgeon-style): for a given architecture, sweep every
 * split s ≥ sMin and take the one with the least end-to-end latency (ties → the larger s). The
 * choice uses latency only — the way Neurosurgeon picks a partition — and the chosen point is
 * then evaluated (accuracy included) on the NASC problem. With precision 'search' the sweep also
 * runs over fp32, fp16, int8 (ties → the more precise one).
 */
import type { Algorithm } from '../../../core/algorithm.js';
import type { Genome } from '../../../core/variables.js';
import { FixedGenomes } from '../../../operators/algorithms/fixed_genomes.js';
import type { NascInfo, NascProblem } from '../problem.js';
import { NUM_LAYERS } from '../search_space.js';
import { bestSplitChoice } from '../best_split_choice.js';
import { genomeAt } from './baseline.js';

export { bestSplitChoice };


/** The NASC genome of an architecture at its best split. */
export function bestSplitGenome(problem: NascProblem, architecture: readonly number[]): Genome {
  const d = bestSplitChoice(problem, architecture);
  return genomeAt(problem, d.architecture, d.split, d.precision);
}

/** Well-known corners of the space: the largest net, a MobileNetV2-like one and a smaller one. */
export const WELL_KNOWN_ARCHITECTURES: Readonly<Record<string, readonly number[]>> = {
  'all-k5_e6': Array<number>(NUM_LAYERS).fill(7),
  'all-k3_e6': Array<number>(NUM_LAYERS).fill(3),
  'all-k3_e3': Array<number>(NUM_LAYERS).fill(2),
};

/** Strategy: each given architecture once, at its best split. */
export function fixedArchitecturesStrategy(problem: NascProblem, architectures: readonly (readonly number[])[] = Object.values(WELL_KNOWN_ARCHITECTURES)): Algorithm<NascInfo> {
  const seen = new Set<string>();
  const genomes = architectures.filter((a) => !seen.has(a.join(',')) && seen.add(a.join(','))).map((a) => bestSplitGenome(problem, a));
  return new FixedGenomes<NascInfo>('fixed-architectures', genomes);
}
