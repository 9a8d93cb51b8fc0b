/**
 * The two-sided Mann–Whitney U test (Wilcoxon rank-sum), as scipy.stats.mannwhitneyu computes it
 * by default: the exact null distribution when there are no ties and one sample has at most 8
 * values; otherwise the normal approximation with the tie-corrected variance and a continuity
 * correction of 0.5.
 */

export type MannWhitneyMethod = 'auto' | 'exact' | 'asymptotic';

export interface MannWhitneyResult {
  /** U of the first sample: the number of pairs (a_i, b_j) with a_i > b_j, ties counting ½. */
  readonly u: number;
  /** Two-sided p-value. */
  readonly p: number;
  readonly method: 'exact' | 'asymptotic';
}

export function mannWhitneyU(a: readonly number[], b: readonly number[], method: MannWhitneyMethod = 'auto'): MannWhitneyResult {
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) throw new RangeError('Mann–Whitney U needs two non-empty samples');
  if ([...a, ...b].some((x) => Number.isNaN(x))) throw new RangeError('Mann–Whitney U: samples contain NaN');
  const { ranks, tieTerm } = rankWithTies([...a, ...b]);
  let r1 = 0;
  for (let i = 0; i < n1; i++) r1 += ranks[i] as number;
  const u1 = r1 - (n1 * (n1 + 1)) / 2;
  const u2 = n1 * n2 - u1;
  const big = Math.max(u1, u2);
  const chosen = method === 'auto' ? (tieTerm === 0 && Math.min(n1, n2) <= 8 ? 'exact' : 'asymptotic') : method;
  if (chosen === 'exact') {
    if (tieTerm !== 0) throw new RangeError('the exact Mann–Whitney distribution assumes no ties');
    return { u: u1, p: Math.min(1, 2 * exactUpperTail(n1, n2, big)), method: 'exact' };
  }
  const n = n1 + n2;
  const mean = (n1 * n2) / 2;
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  if (!(variance > 0)) return { u: u1, p: 1, method: 'asymptotic' }; // every value tied
  const z = (big - mean - 0.5) / Math.sqrt(variance);
  return { u: u1, p: Math.min(1, 2 * normalUpperTail(z)), method: 'asymptotic' };
}

/** Average ranks (1-based) of the pooled values and Σ (t³ − t) over tie groups. */
function rankWithTies(values: readonly number[]): { ranks: number[]; tieTerm: number } {
  const order = values.map((_, i) => i).sort((x, y) => (values[x] as number) - (values[y] as number));
  const ranks = new Array<number>(values.length);
  let tieTerm = 0;
  for (let s = 0; s < order.length; ) {
    let e = s + 1;
    while (e < order.length && values[order[e] as number] === values[order[s] as number]) e++;
    const t = e - s;
    tieTerm += t * t * t - t;
    for (let k = s; k < e; k++) ranks[order[k] as number] = (s + 1 + e) / 2;
    s = e;
  }
  return { ranks, tieTerm };
}

/**
 * P(U ≥ u) under the null for sample sizes m, n: the number of arrangements with U = k obeys
 * f(m, n, k) = f(m−1, n, k−n) + f(m, n−1, k), divided by C(m+n, m).
 */
export function exactUpperTail(m: number, n: number, u: number): number {
  // counts[j][k]: arrangements of i values of the first sample and j of the second with U = k.
  let prev: Float64Array[] = Array.from({ length: n + 1 }, () => Float64Array.of(1)); // i = 0: U = 0 only
  for (let i = 1; i <= m; i++) {
    const cur: Float64Array[] = [];
    for (let j = 0; j <= n; j++) {
      const row = new Float64Array(i * j + 1);
      // The largest value belongs to the first sample (it beats all j) or to the second.
      const a = prev[j] as Float64Array;
      for (let k = 0; k < a.length; k++) row[k + j] = (row[k + j] as number) + (a[k] as number);
      if (j > 0) {
        const b = cur[j - 1] as Float64Array;
        for (let k = 0; k < b.length; k++) row[k] = (row[k] as number) + (b[k] as number);
      }
      cur.push(row);
    }
    prev = cur;
  }
  const dist = prev[n] as Float64Array;
  let total = 0;
  let tail = 0;
  for (let k = 0; k < dist.length; k++) {
    total += dist[k] as number;
    if (k >= u - 1e-9) tail += dist[k] as number;
  }
  return tail / total;
}

/** 1 − Φ(z): Marsaglia's (2004) Taylor series below 5, a continued fraction in the far tail. */
export function normalUpperTail(z: number): number {
  if (z < 0) return 1 - normalUpperTail(-z);
  const pdf = Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
  if (z < 5) {
    let sum = z;
    let term = z;
    for (let i = 3; i < 500; i += 2) {
      term *= (z * z) / i;
      const next = sum + term;
      if (next === sum) break;
      sum = next;
    }
    return 0.5 - pdf * sum;
  }
  // Laplace's continued fraction φ(z) / (z + 1/(z + 2/(z + 3/(z + …)))), evaluated bottom-up.
  let f = z;
  for (let k = 60; k >= 1; k--) f = z + k / f;
  return pdf / f;
}
