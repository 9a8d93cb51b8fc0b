/**
 * Server-only baseline: the uint8 image is sent and everything runs on the edge server (s = 0).
 * It ignores the privacy bound on purpose: with sMin > 0 every point is reported with
 * info.privacyViolated = true and a positive privacy constraint (so never in `front`), to show
 * what privacy costs.
 */
import type { NascProblem } from '../problem.js';
import { evaluatePoints, result, uniqueArchitectures, type BaselineResult, type OptimizeFn } from './baseline.js';

export async function serverOnly(problem: NascProblem, architectures: readonly (readonly number[])[]): Promise<BaselineResult> {
  const decoded = uniqueArchitectures(architectures).map((architecture) => ({ architecture, split: 0, precision: 'fp32' as const }));
  return result('server-only', await evaluatePoints(problem, decoded));
}

/** The NASC problem restricted to s = 0 (genome = 22 layer genes), sharing the accuracy cache. */
export function serverOnlyProblem(problem: NascProblem): NascProblem {
  return problem.withLayout({ split: { fixed: 0 }, precision: 'fp32' }, `server-only(${problem.scenario.name})`);
}

/**
 * Server-only NAS. With sMin > 0 every genome violates privacy by sMin, so the optimiser sees a
 * constant violation and effectively ranks by Pareto dominance among equally infeasible points.
 */
export async function serverOnlySearch(problem: NascProblem, optimize: OptimizeFn, budget: number): Promise<BaselineResult> {
  const restricted = serverOnlyProblem(problem);
  const found = await optimize(restricted, budget);
  return serverOnly(problem, found.map((ind) => restricted.decode(ind.genome).architecture));
}
