import type { Individual } from './individual.js';

/** Pareto dominance for minimisation: a is no worse everywhere and better somewhere. */
export function dominates(a: readonly number[], b: readonly number[]): boolean {
  let better = false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    if (x > y) return false;
    if (x < y) better = true;
  }
  return better;
}

/** -1 if a dominates b, 1 if b dominates a, 0 otherwise (incomparable or equal). */
export function compareDominance(a: readonly number[], b: readonly number[]): -1 | 0 | 1 {
  let aBetter = false;
  let bBetter = false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    if (x < y) aBetter = true;
    else if (y < x) bBetter = true;
    if (aBetter && bBetter) return 0;
  }
  return aBetter ? -1 : bBetter ? 1 : 0;
}

/**
 * Deb's constraint-domination: a feasible solution beats an infeasible one; of two infeasible
 * solutions the one with the smaller violation wins; two feasible ones compare by Pareto dominance.
 */
export function constrainedDominates(a: Pick<Individual, 'objectives' | 'cv'>, b: Pick<Individual, 'objectives' | 'cv'>): boolean {
  const aFeasible = a.cv === 0;
  const bFeasible = b.cv === 0;
  if (aFeasible && !bFeasible) return true;
  if (!aFeasible && bFeasible) return false;
  if (!aFeasible && !bFeasible) return a.cv < b.cv;
  return dominates(a.objectives, b.objectives);
}
