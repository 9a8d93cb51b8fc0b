/**
 * Non-dominated ranks of distinct, lexicographically ordered two-objective points in
 * O(N log N) (Jensen 2003; also Fortin et al. 2013, the M = 2 base case).
 *
 * Because the points are distinct and ordered by (f1, f2), an earlier point dominates a later one
 * exactly when its f2 is not larger. Each front's last point has the smallest f2 in that front,
 * and these last f2 values never decrease from front to front, so the first front whose last
 * point does not dominate the new point is found by binary search.
 */
export function biObjectiveRanks(values: Float64Array, count: number): Int32Array {
  const rank = new Int32Array(count);
  const lastF2 = new Float64Array(count);
  let fronts = 0;
  for (let p = 0; p < count; p++) {
    const f2 = values[2 * p + 1] as number;
    // First front whose last f2 is strictly greater than f2 (upper bound).
    let lo = 0;
    let hi = fronts;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((lastF2[mid] as number) > f2) hi = mid;
      else lo = mid + 1;
    }
    rank[p] = lo;
    lastF2[lo] = f2;
    if (lo === fronts) fronts += 1;
  }
  return rank;
}
