/**
 * For one architecture, every (split, payload) option the extended space offers: the latency-
 * optimal plain split (as the two-stage "HWNAS + best split" baseline picks it, bestSplitChoice)
 * and each trained bottleneck (split s ≥ sMin, width c). Latency alone cannot pick among the
 * bottleneck options — the narrowest is always fastest and the least accurate — so a "HWNAS +
 * best (split, bottleneck)" baseline evaluates them all (one accuracy query each, cached) and
 * keeps the non-dominated ones; `bestUnderAccuracyLoss` picks one by a rule instead.
 */
import type { BottleneckSet } from './bottleneck.js';
import { bestSplitChoice } from './best_split_choice.js';
import type { NascProblem } from './problem.js';
import type { DecodedGenome } from './search_space.js';

/** The plain best split first, then every trained (s ≥ sMin, c), widest first per split. */
export function splitBottleneckChoices(problem: NascProblem, architecture: readonly number[], bottlenecks: BottleneckSet | undefined = problem.layout.bottleneck): DecodedGenome[] {
  const plain = bestSplitChoice(problem, architecture);
  const out: DecodedGenome[] = [{ ...plain, bottleneck: 0 }];
  for (const { split, width } of bottlenecks?.pairs() ?? []) {
    if (split < problem.scenario.sMin) continue;
    out.push({ architecture: [...architecture], split, precision: 'int8', bottleneck: width });
  }
  return out;
}

/**
 * The fastest option whose accuracy is at most `maxLoss` below the plain split's (accuracies in
 * [0, 1], aligned with `choices`; the first choice is the plain one). Ties: the wider bottleneck.
 */
export function bestUnderAccuracyLoss(problem: NascProblem, choices: readonly DecodedGenome[], accuracies: readonly number[], maxLoss: number): DecodedGenome {
  const reference = accuracies[0] as number;
  let best = choices[0] as DecodedGenome;
  let bestMs = problem.model.breakdown(best.architecture, best.split, best.precision, best.bottleneck ?? 0).totalMs;
  choices.forEach((d, i) => {
    const acc = accuracies[i] as number;
    if (!(acc >= reference - maxLoss)) return;
    const ms = problem.model.breakdown(d.architecture, d.split, d.precision, d.bottleneck ?? 0).totalMs;
    if (ms < bestMs) {
      best = d;
      bestMs = ms;
    }
  });
  return best;
}
