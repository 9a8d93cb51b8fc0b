/**
 * Hardware-aware NAS + best split (the NASC paper's comparison, reconstructed): NSGA-II searches
 * architectures for [top-1 error, whole-network latency on the IoT device] with device latency ≤
 * the same bound — NAS that knows the device but not the split — and every architecture it
 * proposes is deployed at its best split (best_split.ts) and evaluated there on the NASC problem.
 * The error it ranks by is the one measured at that deployment (for a lossless payload the
 * whole network's; with int8 the split's, within ±0.3 points of it on the shipped supernet).
 */
import type { Rng } from '../../../core/rng.js';
import { EmbeddedAlgorithm } from '../../../operators/algorithms/embedded_algorithm.js';
import type { NascInfo, NascProblem } from '../problem.js';
import { deviceBoundScreening, innerNsga2, translated, type BaselineOptions } from './baseline.js';
import { bestSplitGenome } from './best_split.js';

export interface HwnasInfo {
  readonly architecture: number[];
  readonly accuracy: number;
  /** Stem + 22 layers + head on the device. */
  readonly deviceMs: number;
}

export function hwnasStrategy(problem: NascProblem, options: BaselineOptions, rng: Rng): EmbeddedAlgorithm<HwnasInfo, NascInfo> {
  const bound = problem.scenario.latencyBoundMs;
  const inner = innerNsga2<HwnasInfo>('hwnas-nsga2', options, rng, deviceBoundScreening(problem));
  return new EmbeddedAlgorithm<HwnasInfo, NascInfo>('hwnas', inner, {
    embed: (arch) => bestSplitGenome(problem, arch),
    feedback: (arch, outer) => {
      const deviceMs = problem.model.deviceOnlyMs(arch);
      const accuracy = outer.info?.accuracy ?? Number.NaN;
      return translated(outer, [outer.objectives[0] as number, deviceMs], [deviceMs - bound], { architecture: [...arch], accuracy, deviceMs });
    },
  });
}
