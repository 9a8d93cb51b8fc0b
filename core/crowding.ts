/**
 * NSGA-II crowding distance (Deb et al. 2002) of the points of one front, in pymoo's form: per
 * objective, the gap between a point's two neighbours divided by the front's range in that
 * objective, averaged over the objectives (so F = [[0,0],[0.5,50],[1,100]] gives [∞, 1, ∞]).
 *
 * - The first and last point along an objective with a positive range get Infinity.
 * - An objective whose range is zero tells nothing about spread and contributes 0.
 * - Fronts of one or two points are all boundary: Infinity (copies included).
 * - From three points on, an exact duplicate of an earlier point (by index) gets 0 and is left
 *   out of the computation (pymoo does the same), so copies never look like spread-out boundary
 *   points; the first copy stands for them. If at most two distinct points remain, those get
 *   Infinity. The result depends only on the values and their order.
 * - Never NaN: infinite objective values (failed evaluations) give gaps of ∞/∞ or ∞−∞, counted as 0.
 */
import { compareLexicographic } from './sorting/lexicographic.js';

export function crowdingDistance(points: readonly (readonly number[])[]): number[] {
  const n = points.length;
  if (n <= 2) return new Array<number>(n).fill(Infinity);
  const distance = new Array<number>(n).fill(0);
  const unique = firstCopies(points);
  const u = unique.length;
  if (u <= 2) {
    for (const i of unique) distance[i] = Infinity;
    return distance;
  }
  const m = (points[0] as readonly number[]).length;
  const order = new Array<number>(u);
  for (let j = 0; j < m; j++) {
    for (let t = 0; t < u; t++) order[t] = unique[t] as number;
    const value = (i: number): number => (points[i] as readonly number[])[j] as number;
    // Stable by index on ties, so the result is deterministic.
    order.sort((a, b) => value(a) - value(b) || a - b);
    const first = order[0] as number;
    const last = order[u - 1] as number;
    const range = value(last) - value(first);
    if (!(range > 0)) continue; // zero range (or ∞−∞): no information in this objective
    distance[first] = Infinity;
    distance[last] = Infinity;
    for (let t = 1; t < u - 1; t++) {
      const gap = (value(order[t + 1] as number) - value(order[t - 1] as number)) / range;
      if (!Number.isNaN(gap)) distance[order[t] as number] += gap / m;
    }
  }
  return distance;
}

/** Indices of the points that are not exact copies of an earlier point, ascending. */
function firstCopies(points: readonly (readonly number[])[]): number[] {
  const order = Array.from({ length: points.length }, (_, i) => i);
  order.sort((a, b) => compareLexicographic(points[a] as readonly number[], points[b] as readonly number[]) || a - b);
  const keep: number[] = [];
  for (let t = 0; t < order.length; t++) {
    const i = order[t] as number;
    if (t === 0 || compareLexicographic(points[order[t - 1] as number] as readonly number[], points[i] as readonly number[]) !== 0) keep.push(i);
  }
  return keep.sort((a, b) => a - b);
}
