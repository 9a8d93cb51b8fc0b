/**
 * Device-only baseline: the whole network (stem, 22 layers, head) runs on the IoT device and
 * only the class scores are sent (s = 22). Always satisfies the privacy bound.
 */
import { MAX_SPLIT } from '../search_space.js';
import type { NascProblem } from '../problem.js';
import { evaluatePoints, result, uniqueArchitectures, type BaselineResult, type OptimizeFn } from './baseline.js';

/** Evaluates the given architectures at s = 22. */
export async function deviceOnly(problem: NascProblem, architectures: readonly (readonly number[])[]): Promise<BaselineResult> {
  const decoded = uniqueArchitectures(architectures).map((architecture) => ({ architecture, split: MAX_SPLIT, precision: 'fp32' as const }));
  return result('device-only', await evaluatePoints(problem, decoded));
}

/** The NASC problem restricted to s = 22 (genome = 22 layer genes), sharing the accuracy cache. */
export function deviceOnlyProblem(problem: NascProblem): NascProblem {
  return problem.withLayout({ split: { fixed: MAX_SPLIT }, precision: 'fp32' }, `device-only(${problem.scenario.name})`);
}

/** Device-only NAS: the optimiser searches architectures with s fixed at 22, same budget as NASC. */
export async function deviceOnlySearch(problem: NascProblem, optimize: OptimizeFn, budget: number): Promise<BaselineResult> {
  const restricted = deviceOnlyProblem(problem);
  const found = await optimize(restricted, budget);
  return deviceOnly(problem, found.map((ind) => restricted.decode(ind.genome).architecture));
}
