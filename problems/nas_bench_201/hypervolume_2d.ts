/**
 * Exact 2-D hypervolume (minimisation) of the region dominated by `points` and bounded by
 * `ref`: keep points strictly better than ref in both objectives, sort by f1, sweep the
 * staircase. O(N log N).
 */
export function hypervolume2d(points: readonly (readonly number[])[], ref: readonly [number, number] | readonly number[]): number {
  const r0 = ref[0] as number;
  const r1 = ref[1] as number;
  const inside = points.filter((p) => (p[0] as number) < r0 && (p[1] as number) < r1).map((p) => [p[0] as number, p[1] as number] as const);
  inside.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let hv = 0;
  let lastF2 = r1;
  for (const [x, y] of inside) {
    if (y < lastF2) {
      hv += (r0 - x) * (lastF2 - y);
      lastF2 = y;
    }
  }
  return hv;
}
