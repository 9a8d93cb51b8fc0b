/**
 * Unbiased numbers for a NASC run: the points a run would report are chosen on validation
 * images (its feasible, non-dominated set), then re-measured on held-out test images that no
 * search saw. The most accurate of ~200 candidates on 200 validation images overstates its test
 * accuracy by ≈ 4 points, so only these re-measured figures leave the project.
 */
import type { Individual } from '../../core/individual.js';
import { hypervolume } from '../../core/indicators/hypervolume.js';
import { paretoFront } from '../../core/minimize.js';
import type { NascInfo, NascProblem } from '../../problems/nasc/problem.js';
import { CANDIDATE_NAMES } from '../../problems/nasc/search_space.js';
import type { HeldOutPoint, HeldOutReport } from '../plugin_types.js';
import type { NascSetup } from './setup.js';

/** The run's feasible validation front, sorted by latency, re-measured on the test images. */
export async function nascHeldOut(setup: NascSetup, problem: NascProblem, evaluated: readonly Individual<NascInfo>[]): Promise<HeldOutReport> {
  const front = paretoFront([...evaluated]).sort((a, b) => (a.objectives[1] as number) - (b.objectives[1] as number) || (a.objectives[0] as number) - (b.objectives[0] as number));
  const decoded = front.map((ind) => problem.decode(ind.genome));
  // Without test images the points carry NaN there and only the validation indicators are given.
  const test = setup.hasTestImages ? await setup.testAccuracies(decoded) : decoded.map(() => ({ accuracy: Number.NaN, images: 0 }));
  const points: HeldOutPoint[] = front.map((ind, i) => {
    const d = decoded[i] as (typeof decoded)[number];
    const testAccuracy = test[i]?.accuracy ?? Number.NaN;
    return {
      genome: [...ind.genome],
      objectives: [...ind.objectives],
      heldOutObjectives: [1 - testAccuracy, ...ind.objectives.slice(1)],
      details: {
        split: d.split,
        precision: d.precision,
        architecture: d.architecture.map((c) => CANDIDATE_NAMES[c] ?? String(c)).join(' '),
        valImages: ind.info?.images ?? Number.NaN,
        testImages: test[i]?.images ?? Number.NaN,
      },
    };
  });
  const testIndicators = setup.hasTestImages ? heldOutIndicators(problem, points) : {};
  return { indicators: { ...testIndicators, ...(await splitOptimality(problem, front)) }, points };
}

/**
 * Does the front sit at good splits? The validation HV of the front against the HV of the same
 * genomes moved to their latency-optimal split (same architecture and precision). Lossless
 * payloads keep their accuracy when moved; lossy ones are measured at the new split (on the
 * validation images, outside the run's budget). 1 means no front point could gain by another cut.
 */
export async function splitOptimality(problem: NascProblem, front: readonly Individual<NascInfo>[]): Promise<Record<string, number>> {
  const ref = problem.referencePoint ?? [1, problem.scenario.latencyBoundMs];
  if (front.length === 0 || ref.length !== 2 || typeof problem.layout.split === 'object') return {};
  const decoded = front.map((ind) => problem.decode(ind.genome));
  const moved = decoded.map((d) => ({ ...d, split: problem.model.bestSplit(d.architecture, d.precision, problem.scenario.sMin).split }));
  const evaluations = await problem.evaluateDecoded(moved);
  const hvFront = hypervolume(front.map((i) => [...i.objectives]), ref);
  const movedPoints = evaluations.filter((e) => e.failure === undefined && e.constraints.every((g) => g <= 0)).map((e) => [...e.objectives]);
  const hvMoved = hypervolume(movedPoints, ref);
  return { bestSplit_hv: hvMoved, splitHvRatio: hvMoved > 0 ? hvFront / hvMoved : Number.NaN };
}

/** Test hypervolume (reference: error 1, the latency bound) and the best test accuracy of the reported points. */
export function heldOutIndicators(problem: Pick<NascProblem, 'referencePoint' | 'scenario'>, points: readonly HeldOutPoint[]): Record<string, number> {
  const ref = problem.referencePoint ?? [1, problem.scenario.latencyBoundMs];
  const finite = points.filter((p) => p.heldOutObjectives.every(Number.isFinite));
  const accuracies = finite.map((p) => 1 - (p.heldOutObjectives[0] as number));
  return {
    test_hv: finite.length === 0 ? 0 : hypervolume(finite.map((p) => p.heldOutObjectives), ref),
    test_bestFeasibleAccuracy: accuracies.length === 0 ? Number.NaN : Math.max(...accuracies),
    test_frontSize: finite.length,
  };
}
