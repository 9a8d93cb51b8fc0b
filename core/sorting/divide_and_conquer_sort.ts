/**
 * Non-dominated ranks for M >= 3 by the generalised Jensen divide-and-conquer (Jensen 2003,
 * Fortin et al. 2013, with Buzdalov & Shalyto's 2014 handling of ties): O(N log^(M-1) N).
 *
 * Input: distinct points in lexicographic order (so "earlier in the order" stands in for the
 * first objective: only an earlier point can dominate a later one). rank[p] is the length of the
 * longest chain of dominators ending at p, i.e. p's front index. Ranks are settled in order:
 * before rank[p] is pushed on to later points, every point that can dominate p has pushed to it.
 *
 *  - helperA(S, k): settle the pairs inside S, comparing objectives 1..k; objectives above k
 *    already compare favourably for every earlier/later pair of S.
 *  - helperB(L, H, k): push the settled ranks of L on to H, comparing objectives 1..k.
 * Both split on the median of objective k; points equal to the median lose objective k (it is
 * settled for them), which is how ties stay correct. At k = 1 a sweep with a prefix-max tree
 * finishes the job.
 */
import { PrefixMaxTree, countAtMost } from './prefix_max_tree.js';

/**
 * Below these sizes (|S| for helperA, |L|·|H| for helperB) the quadratic pairwise check is
 * faster than recursing. Tests lower them to push small inputs through every branch.
 */
export interface DirectThresholds {
  readonly a: number;
  readonly b: number;
}

const DEFAULT_DIRECT: DirectThresholds = { a: 128, b: 8192 };

export function divideAndConquerRanks(values: Float64Array, count: number, m: number, direct: DirectThresholds = DEFAULT_DIRECT): Int32Array {
  const sorter = new JensenSorter(values, m, count, direct);
  const all = new Int32Array(count);
  for (let i = 0; i < count; i++) all[i] = i;
  sorter.helperA(all, m - 1);
  return sorter.rank;
}

class JensenSorter {
  readonly rank: Int32Array;
  private readonly values: Float64Array;
  private readonly m: number;
  private readonly direct: DirectThresholds;

  constructor(values: Float64Array, m: number, count: number, direct: DirectThresholds) {
    this.values = values;
    this.m = m;
    this.rank = new Int32Array(count);
    this.direct = direct;
  }

  helperA(s: Int32Array, k: number): void {
    const n = s.length;
    if (n < 2) return;
    if (n <= this.direct.a) return this.directA(s, k);
    if (k === 1) return this.sweepA(s);
    const median = this.median(s, undefined, k);
    const [low, equal, high] = this.split(s, k, median);
    this.helperA(low, k);
    this.helperB(low, equal, k - 1);
    this.helperA(equal, k - 1);
    this.helperB(merge(low, equal), high, k - 1);
    this.helperA(high, k);
  }

  helperB(l: Int32Array, h: Int32Array, k: number): void {
    if (l.length === 0 || h.length === 0) return;
    // Only earlier points dominate: nothing to do when all of L comes after all of H.
    if ((l[0] as number) > (h[h.length - 1] as number)) return;
    if (l.length * h.length <= this.direct.b) return this.directB(l, h, k);
    if (k === 1) return this.sweepB(l, h);
    const median = this.median(l, h, k);
    const [l1, l2, l3] = this.split(l, k, median);
    const [h1, h2, h3] = this.split(h, k, median);
    this.helperB(l1, h1, k);
    this.helperB(merge(l1, l2), merge(h2, h3), k - 1);
    this.helperB(l3, h3, k);
  }

  /** Does q weakly beat p on objectives 1..k? (Distinctness and the order make it dominance.) */
  private beats(q: number, p: number, k: number): boolean {
    const v = this.values;
    const qo = q * this.m;
    const po = p * this.m;
    for (let j = 1; j <= k; j++) {
      if ((v[qo + j] as number) > (v[po + j] as number)) return false;
    }
    return true;
  }

  private directA(s: Int32Array, k: number): void {
    const rank = this.rank;
    for (let i = 1; i < s.length; i++) {
      const p = s[i] as number;
      let r = rank[p] as number;
      for (let j = 0; j < i; j++) {
        const q = s[j] as number;
        if ((rank[q] as number) >= r && this.beats(q, p, k)) r = (rank[q] as number) + 1;
      }
      rank[p] = r;
    }
  }

  private directB(l: Int32Array, h: Int32Array, k: number): void {
    const rank = this.rank;
    for (let i = 0; i < h.length; i++) {
      const p = h[i] as number;
      let r = rank[p] as number;
      for (let j = 0; j < l.length; j++) {
        const q = l[j] as number;
        if (q > p) break;
        if ((rank[q] as number) >= r && this.beats(q, p, k)) r = (rank[q] as number) + 1;
      }
      rank[p] = r;
    }
  }

  /** k = 1 inside one set: in order, each point takes 1 + the best rank among earlier points with f1 <= its own. */
  private sweepA(s: Int32Array): void {
    const { values: v, m, rank } = this;
    const keys = new Float64Array(s.length);
    for (let i = 0; i < s.length; i++) keys[i] = v[(s[i] as number) * m + 1] as number;
    keys.sort();
    const tree = new PrefixMaxTree(keys.length);
    for (let i = 0; i < s.length; i++) {
      const p = s[i] as number;
      const slot = countAtMost(keys, v[p * m + 1] as number) - 1;
      const best = tree.max(slot);
      if (best >= (rank[p] as number)) rank[p] = best + 1;
      tree.raise(slot, rank[p] as number);
    }
  }

  /** k = 1 across two sets: merge by order, L inserts, H queries. */
  private sweepB(l: Int32Array, h: Int32Array): void {
    const { values: v, m, rank } = this;
    const keys = new Float64Array(l.length);
    for (let i = 0; i < l.length; i++) keys[i] = v[(l[i] as number) * m + 1] as number;
    keys.sort();
    const tree = new PrefixMaxTree(keys.length);
    let i = 0;
    for (let j = 0; j < h.length; j++) {
      const p = h[j] as number;
      while (i < l.length && (l[i] as number) < p) {
        const q = l[i] as number;
        tree.raise(countAtMost(keys, v[q * m + 1] as number) - 1, rank[q] as number);
        i += 1;
      }
      if (i === 0) continue;
      const best = tree.max(countAtMost(keys, v[p * m + 1] as number) - 1);
      if (best >= (rank[p] as number)) rank[p] = best + 1;
    }
  }

  /** Median of objective k over a (and b): the split value that keeps both halves below the whole. */
  private median(a: Int32Array, b: Int32Array | undefined, k: number): number {
    const { values: v, m } = this;
    const nb = b === undefined ? 0 : b.length;
    const keys = new Float64Array(a.length + nb);
    for (let i = 0; i < a.length; i++) keys[i] = v[(a[i] as number) * m + k] as number;
    for (let i = 0; i < nb; i++) keys[a.length + i] = v[((b as Int32Array)[i] as number) * m + k] as number;
    return select(keys, keys.length >>> 1);
  }

  /** Stable three-way split on objective k. */
  private split(s: Int32Array, k: number, median: number): [Int32Array, Int32Array, Int32Array] {
    const { values: v, m } = this;
    let nl = 0;
    let ne = 0;
    for (let i = 0; i < s.length; i++) {
      const x = v[(s[i] as number) * m + k] as number;
      if (x < median) nl += 1;
      else if (x === median) ne += 1;
    }
    const low = new Int32Array(nl);
    const equal = new Int32Array(ne);
    const high = new Int32Array(s.length - nl - ne);
    let il = 0;
    let ie = 0;
    let ih = 0;
    for (let i = 0; i < s.length; i++) {
      const p = s[i] as number;
      const x = v[p * m + k] as number;
      if (x < median) low[il++] = p;
      else if (x === median) equal[ie++] = p;
      else high[ih++] = p;
    }
    return [low, equal, high];
  }
}

/** Merge two ascending index lists. */
function merge(a: Int32Array, b: Int32Array): Int32Array {
  const out = new Int32Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let o = 0;
  while (i < a.length && j < b.length) out[o++] = (a[i] as number) < (b[j] as number) ? (a[i++] as number) : (b[j++] as number);
  while (i < a.length) out[o++] = a[i++] as number;
  while (j < b.length) out[o++] = b[j++] as number;
  return out;
}

/**
 * The k-th smallest entry (quickselect, Hoare partition around a median of three). Expected
 * linear time keeps the splits at O(n) per level; it reorders `keys`, a scratch copy.
 */
function select(keys: Float64Array, k: number): number {
  let lo = 0;
  let hi = keys.length - 1;
  while (hi > lo) {
    const mid = (lo + hi) >>> 1;
    const a = keys[lo] as number;
    const b = keys[mid] as number;
    const c = keys[hi] as number;
    const pivot = a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while ((keys[i] as number) < pivot) i++;
      while ((keys[j] as number) > pivot) j--;
      if (i <= j) {
        const t = keys[i] as number;
        keys[i] = keys[j] as number;
        keys[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return keys[k] as number;
  }
  return keys[k] as number;
}
