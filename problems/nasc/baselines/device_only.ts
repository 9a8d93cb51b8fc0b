/**
 * Device-only NAS: the whole network (stem, 22 layers, head) runs on the IoT device and only the
 * class scores are sent (s = 22); NSGA-II searches the architecture on the NASC objectives with
 * the split fixed there. Always satisfies the privacy bound.
 */
import type { Rng } from '../../../core/rng.js';
import { EmbeddedAlgorithm } from '../../../operators/algorithms/embedded_algorithm.js';
import type { NascInfo, NascProblem } from '../problem.js';
import { MAX_SPLIT } from '../search_space.js';
import { genomeAt, innerNsga2, innerScreening, type BaselineOptions } from './baseline.js';

export function deviceOnlyStrategy(problem: NascProblem, options: BaselineOptions, rng: Rng): EmbeddedAlgorithm<NascInfo, NascInfo> {
  // At s = 22 the total latency is the device latency plus the tiny score payload: the device bound screens exactly enough.
  // Its objectives are the NASC ones at s = 22, known for free but for the error.
  const screening = innerScreening(problem, options, (arch) => problem.cheapEvaluate(genomeAt(problem, arch, MAX_SPLIT)));
  const inner = innerNsga2<NascInfo>('device-only-nsga2', options, rng, screening);
  return new EmbeddedAlgorithm<NascInfo, NascInfo>('device-only', inner, {
    embed: (arch) => genomeAt(problem, arch, MAX_SPLIT),
    feedback: (_arch, outer) => outer,
  });
}
