/**
 * Device-only NAS: the whole network (stem, 22 layers, head) runs on the IoT device and only the
 * class scores are sent (s = 22); NSGA-II searches the architecture on the NASC objectives with
 * the split fixed there. Always satisfies the privacy bound.
 */
import type { Rng } from '../../../core/rng.js';
import { EmbeddedAlgorithm } from '../../../operators/algorithms/embedded_algorithm.js';
import type { NascInfo, NascProblem } from '../problem.js';
import { MAX_SPLIT } from '../search_space.js';
import { SurrogateScreening } from '../../../operators/screening/surrogate_screening.js';
import { NASC_ALGORITHM_DEFAULTS } from '../nasc_algorithm.js';
import { deviceBoundScreening, genomeAt, innerNsga2, type BaselineOptions } from './baseline.js';

export function deviceOnlyStrategy(problem: NascProblem, options: BaselineOptions, rng: Rng): EmbeddedAlgorithm<NascInfo, NascInfo> {
  // At s = 22 the total latency is the device latency plus the tiny score payload: the device bound screens exactly enough.
  const feasibility = deviceBoundScreening(problem);
  const screening = options.surrogate === true
    ? new SurrogateScreening({
        minTrainingSize: options.populationSize ?? NASC_ALGORITHM_DEFAULTS.populationSize,
        cheap: (arch) => problem.cheapEvaluate(genomeAt(problem, arch, MAX_SPLIT)),
        fallback: feasibility,
      })
    : feasibility;
  const inner = innerNsga2<NascInfo>('device-only-nsga2', options, rng, screening);
  return new EmbeddedAlgorithm<NascInfo, NascInfo>('device-only', inner, {
    embed: (arch) => genomeAt(problem, arch, MAX_SPLIT),
    feedback: (_arch, outer) => outer,
  });
}
