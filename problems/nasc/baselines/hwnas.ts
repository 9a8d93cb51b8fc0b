/**
 * Hardware-aware NAS baseline (the NASC paper's comparison, reconstructed): search
 * architectures for [top-1 error, whole-network latency on the IoT device] under the same
 * latency bound (device-only latency ≤ bound), i.e. NAS that knows the device but not the
 * split; then give every architecture found its best split (best_split.ts) and evaluate it on
 * the NASC objectives. The optimiser is injected (the lead wires NSGA-II).
 */
import type { Evaluation } from '../../../core/individual.js';
import type { Problem } from '../../../core/problem.js';
import type { SearchSpace } from '../../../core/space.js';
import type { Genome } from '../../../core/variables.js';
import type { NascProblem } from '../problem.js';
import { MAX_SPLIT, checkArchitecture, nascSearchSpace } from '../search_space.js';
import { uniqueArchitectures, evaluatePoints, result, type BaselineResult, type OptimizeFn } from './baseline.js';
import { bestSplitChoice } from './best_split.js';

export interface HwnasInfo {
  readonly architecture: number[];
  readonly accuracy: number;
  /** Stem + 22 layers + head on the device. */
  readonly deviceMs: number;
}

/** [error, device-only latency] with deviceMs − bound ≤ 0; genome = 22 layer genes. */
export class HwnasProblem implements Problem<HwnasInfo> {
  readonly name: string;
  readonly space: SearchSpace = nascSearchSpace({ split: { fixed: MAX_SPLIT }, precision: 'fp32' });
  readonly objectiveNames = ['error', 'device_latency_ms'] as const;
  readonly constraintNames = ['latency_bound'] as const;
  readonly referencePoint: readonly number[];

  constructor(readonly base: NascProblem) {
    this.name = `hwnas(${base.scenario.name}, ${base.scenario.device})`;
    this.referencePoint = [1, base.scenario.latencyBoundMs];
  }

  async evaluate(genomes: readonly Genome[]): Promise<Evaluation<HwnasInfo>[]> {
    const archs = genomes.map((g) => {
      checkArchitecture(g);
      return [...g];
    });
    // Same cache as NASC: a whole-network fp32 query is the 'exact' entry.
    const acc = await this.base.accuracies(archs.map((architecture) => ({ architecture, split: MAX_SPLIT, precision: 'fp32' })));
    const bound = this.base.scenario.latencyBoundMs;
    return archs.map((architecture, i) => {
      const a = acc[i] as { accuracy: number; failure?: string };
      const deviceMs = this.base.model.deviceOnlyMs(architecture);
      const info: HwnasInfo = { architecture, accuracy: a.accuracy, deviceMs };
      const e: Evaluation<HwnasInfo> = { objectives: [1 - a.accuracy, deviceMs], constraints: [deviceMs - bound], info };
      const failure = a.failure ?? (Number.isFinite(a.accuracy) ? undefined : 'accuracy is not finite');
      return failure === undefined ? e : { ...e, failure };
    });
  }
}

export async function hwnasBaseline(problem: NascProblem, optimize: OptimizeFn, budget: number): Promise<BaselineResult> {
  const found = await optimize(new HwnasProblem(problem), budget);
  const archs = uniqueArchitectures(found.map((ind) => ind.genome));
  return result('hwnas+best-split', await evaluatePoints(problem, archs.map((a) => bestSplitChoice(problem, a))));
}
