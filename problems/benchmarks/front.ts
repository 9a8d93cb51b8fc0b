/** Small helpers for building true Pareto fronts of the benchmark problems. */

/** `count` evenly spaced numbers from a to b inclusive (just a when count is 1). */
export function linspace(a: number, b: number, count: number): number[] {
  if (!(Number.isInteger(count) && count >= 1)) throw new Error(`need a positive integer number of points, got ${count}`);
  if (count === 1) return [a];
  const step = (b - a) / (count - 1);
  return Array.from({ length: count }, (_, i) => (i === count - 1 ? b : a + i * step));
}

/** The non-dominated subset of bi-objective points (minimisation), sorted by f1. O(N log N). */
export function nonDominated2d(points: readonly (readonly number[])[]): number[][] {
  const sorted = [...points].sort((p, q) => (p[0] as number) - (q[0] as number) || (p[1] as number) - (q[1] as number));
  const out: number[][] = [];
  let best = Infinity;
  for (const p of sorted) {
    // Sorted by f1 then f2, so p is dominated iff an earlier point has f2 <= p's f2.
    if ((p[1] as number) < best) {
      best = p[1] as number;
      out.push([p[0] as number, p[1] as number]);
    }
  }
  return out;
}

/** `count` points picked evenly by index from a dense, ordered list (all of it when it is shorter). */
export function thin<T>(dense: readonly T[], count: number): T[] {
  if (dense.length <= count) return [...dense];
  if (count === 1) return [dense[0] as T];
  return Array.from({ length: count }, (_, i) => dense[Math.round((i * (dense.length - 1)) / (count - 1))] as T);
}

/**
 * Das & Dennis' simplex lattice: every vector of m non-negative multiples of 1/h that sum to 1.
 * There are C(h + m − 1, m − 1) of them.
 */
export function simplexLattice(m: number, h: number): number[][] {
  const out: number[][] = [];
  const parts = new Array<number>(m).fill(0);
  const rec = (j: number, left: number): void => {
    if (j === m - 1) {
      parts[j] = left / h;
      out.push([...parts]);
      return;
    }
    for (let i = 0; i <= left; i++) {
      parts[j] = i / h;
      rec(j + 1, left - i);
    }
  };
  rec(0, h);
  return out;
}

function binomial(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return Math.round(r);
}

/** The lattice resolution h whose point count C(h + m − 1, m − 1) is closest to `points`. */
export function latticeResolution(m: number, points: number): number {
  let h = 1;
  while (binomial(h + m, m - 1) <= points) h++;
  // Now count(h) <= points < count(h + 1), unless count(1) already exceeds points.
  const below = binomial(h + m - 1, m - 1);
  const above = binomial(h + m, m - 1);
  return points - below <= above - points ? h : h + 1;
}
