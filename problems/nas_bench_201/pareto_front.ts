/**
 * Exact 2-D Pareto front (minimisation) by sort + sweep, O(N log N): sort by (f1, f2); within
 * a run of equal f1 only the points with the run's least f2 can survive, and they do iff that
 * f2 is strictly below every f2 seen in earlier runs (an earlier point with equal f2 has a
 * smaller f1 and dominates). Identical points are all kept (neither dominates the other).
 */
export function paretoFront2d(points: readonly (readonly number[])[]): number[] {
  const order = points.map((_, i) => i);
  const f = (i: number, k: number): number => (points[i] as readonly number[])[k] as number;
  order.sort((a, b) => f(a, 0) - f(b, 0) || f(a, 1) - f(b, 1));
  const front: number[] = [];
  let bestF2 = Infinity;
  let i = 0;
  while (i < order.length) {
    const first = order[i] as number;
    const f1 = f(first, 0);
    const runMin = f(first, 1);
    let j = i;
    while (j < order.length && f(order[j] as number, 0) === f1) {
      if (f(order[j] as number, 1) === runMin && runMin < bestF2) front.push(order[j] as number);
      j++;
    }
    if (runMin < bestF2) bestF2 = runMin;
    i = j;
  }
  return front.sort((a, b) => a - b);
}

/** The O(N²) definition, for tests. */
export function paretoFrontNaive(points: readonly (readonly number[])[]): number[] {
  const dominated = (p: readonly number[], q: readonly number[]): boolean => q.every((x, k) => x <= (p[k] as number)) && q.some((x, k) => x < (p[k] as number));
  return points.flatMap((p, i) => (points.some((q) => dominated(p, q)) ? [] : [i]));
}
