/**
 * Server-only NAS: the uint8 image (3,072 B) is sent and everything runs on the edge server
 * (s = 0); NSGA-II searches the architecture with the split fixed there. It ignores the privacy
 * bound on purpose: with sMin > 0 every point violates it (and so never counts as feasible) — it
 * is there to show what privacy costs, e.g. in the `open` scenario (sMin = 0).
 */
import type { Rng } from '../../../core/rng.js';
import { EmbeddedAlgorithm } from '../../../operators/algorithms/embedded_algorithm.js';
import { FeasibilityScreening } from '../../../operators/screening/feasibility_screening.js';
import { INITIAL_OVERSAMPLING } from '../nasc_algorithm.js';
import type { NascInfo, NascProblem } from '../problem.js';
import { genomeAt, innerNsga2, type BaselineOptions } from './baseline.js';

export function serverOnlyStrategy(problem: NascProblem, options: BaselineOptions, rng: Rng): EmbeddedAlgorithm<NascInfo, NascInfo> {
  const bound = problem.scenario.latencyBoundMs;
  // Screen by the latency bound only: privacy is what this baseline gives up.
  const screening = new FeasibilityScreening({ violation: (arch) => Math.max(0, problem.model.breakdown(arch, 0, 'fp32').totalMs - bound), initialOversampling: INITIAL_OVERSAMPLING });
  const inner = innerNsga2<NascInfo>('server-only-nsga2', options, rng, screening);
  return new EmbeddedAlgorithm<NascInfo, NascInfo>('server-only', inner, {
    embed: (arch) => genomeAt(problem, arch, 0),
    // The inner search ranks by the latency bound alone, so it finds what the open scenario would.
    feedback: (_arch, outer) => ({ ...outer, constraints: [outer.constraints[0] as number] }),
  });
}
