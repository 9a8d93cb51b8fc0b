/**
 * Hardware-aware NAS + best split (the NASC paper's comparison, reconstructed): NSGA-II searches
 * architectures for [top-1 error, whole-network latency on the IoT device] with device latency ≤
 * the same bound — NAS that knows the device but not the split — and every architecture it
 * proposes is deployed at its best split (best_split.ts) and evaluated there on the NASC problem.
 * The error it ranks by is the one measured at that deployment (for a lossless payload the
 * whole network's; with int8 the split's, within ±0.3 points of it on the shipped supernet).
 *
 * In the extended space (learned bottlenecks at the split) `maxBottleneckLevel` lets the
 * deployment also use a trained bottleneck no narrower than that level (1: C/2, 2: C/4, …): the
 * latency-optimal of the plain best split and those. Latency alone would always pick the
 * narrowest bottleneck, the least accurate, so the level bounds what the deployment may give
 * up; each architecture still costs one accuracy evaluation, as for every strategy.
 */
import { InputError } from '../../../core/errors.js';
import type { Rng } from '../../../core/rng.js';
import { EmbeddedAlgorithm } from '../../../operators/algorithms/embedded_algorithm.js';
import type { NascInfo, NascProblem } from '../problem.js';
import { deviceLatencyKnown, innerNsga2, innerScreening, translated, type BaselineOptions } from './baseline.js';
import { bestDeployment } from '../best_deployment_repair.js';
import { bestSplitGenome } from './best_split.js';

export interface HwnasInfo {
  readonly architecture: number[];
  readonly accuracy: number;
  /** Stem + 22 layers + head on the device. */
  readonly deviceMs: number;
}

export interface HwnasOptions extends BaselineOptions {
  /** Extended space: the narrowest bottleneck level the deployment may use (0: none, the default). */
  readonly maxBottleneckLevel?: number;
}

export function hwnasStrategy(problem: NascProblem, options: HwnasOptions, rng: Rng): EmbeddedAlgorithm<HwnasInfo, NascInfo> {
  const bound = problem.scenario.latencyBoundMs;
  const level = options.maxBottleneckLevel ?? 0;
  if (level > 0 && problem.layout.bottleneck === undefined) throw new InputError('hwnas: a bottleneck deployment (max-bottleneck > 0) needs the extended space');
  const inner = innerNsga2<HwnasInfo>('hwnas-nsga2', options, rng, innerScreening(problem, options, deviceLatencyKnown(problem)));
  return new EmbeddedAlgorithm<HwnasInfo, NascInfo>(level === 0 ? 'hwnas' : `hwnas-bottleneck${level}`, inner, {
    embed: (arch) => (level === 0 ? bestSplitGenome(problem, arch) : problem.encode(bestDeployment(problem, arch, level))),
    feedback: (arch, outer) => {
      const deviceMs = problem.model.deviceOnlyMs(arch);
      const accuracy = outer.info?.accuracy ?? Number.NaN;
      return translated(outer, [outer.objectives[0] as number, deviceMs], [deviceMs - bound], { architecture: [...arch], accuracy, deviceMs });
    },
  });
}
