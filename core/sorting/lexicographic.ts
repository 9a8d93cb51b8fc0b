/**
 * Shared first step of the efficient sorts: order the points lexicographically and collapse
 * identical ones. After it, a point can only be dominated by points earlier in the order, and
 * no two points are equal, which is what the sweeps and the divide-and-conquer rely on.
 */

export interface LexicographicOrder {
  /** Distinct points in lexicographic order, flattened row-major (M values each). */
  readonly values: Float64Array;
  /** Number of distinct points. */
  readonly count: number;
  /** For each input point, the position of its distinct copy in `values`. */
  readonly position: Int32Array;
}

/** Throws on ragged rows and NaN: a sort of NaN has no meaning, and failures arrive as Infinity. */
export function checkPoints(points: readonly (readonly number[])[]): number {
  const m = points.length === 0 ? 0 : (points[0] as readonly number[]).length;
  for (let i = 0; i < points.length; i++) {
    const p = points[i] as readonly number[];
    if (p.length !== m) throw new RangeError(`point ${i} has ${p.length} objectives, expected ${m}`);
    for (let j = 0; j < m; j++) {
      if (Number.isNaN(p[j])) throw new RangeError(`point ${i} has a NaN objective`);
    }
  }
  return m;
}

export function compareLexicographic(a: readonly number[], b: readonly number[]): number {
  for (let j = 0; j < a.length; j++) {
    const x = a[j] as number;
    const y = b[j] as number;
    if (x < y) return -1;
    if (x > y) return 1;
  }
  return 0;
}

export function lexicographicOrder(points: readonly (readonly number[])[], m: number): LexicographicOrder {
  const n = points.length;
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((a, b) => compareLexicographic(points[a] as readonly number[], points[b] as readonly number[]) || a - b);
  const values = new Float64Array(n * m);
  const position = new Int32Array(n);
  let count = 0;
  let previous: readonly number[] | undefined;
  for (const i of order) {
    const p = points[i] as readonly number[];
    if (previous === undefined || compareLexicographic(previous, p) !== 0) {
      for (let j = 0; j < m; j++) values[count * m + j] = p[j] as number;
      count += 1;
      previous = p;
    }
    position[i] = count - 1;
  }
  return { values: values.subarray(0, count * m), count, position };
}
