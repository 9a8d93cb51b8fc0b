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
  const test = await setup.testAccuracies(decoded);
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
  return { indicators: heldOutIndicators(problem, points), points };
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
