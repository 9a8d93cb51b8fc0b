/**
 * Deb's constraint handling as a sort (Deb 2000; NSGA-II's constrained tournament turned into
 * fronts): every feasible point (cv === 0) precedes every infeasible one; feasible points are
 * split into Pareto fronts; infeasible points follow in ascending cv, one front per distinct cv
 * value (equal violations share a front). Failed evaluations carry cv = Infinity and come last;
 * a NaN cv is treated the same way.
 */
import { checkPoints } from './lexicographic.js';
import { nonDominatedSort, type Fronts, type SortOptions } from './non_dominated_sort.js';

export function constrainedNonDominatedSort(
  objectives: readonly (readonly number[])[],
  cv: readonly number[],
  options: SortOptions = {},
): Fronts {
  const n = objectives.length;
  if (cv.length !== n) throw new RangeError(`${n} objective vectors but ${cv.length} violations`);
  checkPoints(objectives);
  const until = options.until === undefined ? n : Math.min(options.until, n);
  const feasible: number[] = [];
  const infeasible: number[] = [];
  for (let i = 0; i < n; i++) {
    const v = cv[i] as number;
    if (v < 0) throw new RangeError(`violation ${i} is negative (${v})`);
    if (v === 0) feasible.push(i);
    else infeasible.push(i);
  }
  const fronts: Fronts = nonDominatedSort(
    feasible.map((i) => objectives[i] as readonly number[]),
    { until },
  ).map((front) => front.map((j) => feasible[j] as number));
  let placed = feasible.length;
  if (placed >= until) return fronts;

  const violation = (i: number): number => {
    const v = cv[i] as number;
    return Number.isNaN(v) ? Infinity : v;
  };
  infeasible.sort((a, b) => {
    const va = violation(a);
    const vb = violation(b);
    return va < vb ? -1 : va > vb ? 1 : a - b;
  });
  for (let start = 0; start < infeasible.length && placed < until; ) {
    const v = violation(infeasible[start] as number);
    let end = start + 1;
    while (end < infeasible.length && violation(infeasible[end] as number) === v) end++;
    fronts.push(infeasible.slice(start, end));
    placed += end - start;
    start = end;
  }
  return fronts;
}
