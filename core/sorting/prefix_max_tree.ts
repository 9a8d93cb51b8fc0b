/**
 * Fenwick tree over slots 0..size-1 answering "largest value stored in slots 0..i". Values only
 * grow, which is all the rank sweeps need (a rank is the longest dominance chain so far).
 */
export class PrefixMaxTree {
  private readonly tree: Int32Array;

  constructor(size: number) {
    this.tree = new Int32Array(size + 1).fill(-1);
  }

  /** Raise slot i to at least `value`. */
  raise(i: number, value: number): void {
    const tree = this.tree;
    for (let x = i + 1; x < tree.length; x += x & -x) {
      if ((tree[x] as number) < value) tree[x] = value;
    }
  }

  /** Largest value in slots 0..i, or -1 when none (or i < 0). */
  max(i: number): number {
    const tree = this.tree;
    let best = -1;
    for (let x = i + 1; x > 0; x -= x & -x) {
      if ((tree[x] as number) > best) best = tree[x] as number;
    }
    return best;
  }
}

/** Number of entries of the ascending array `sorted` that are <= x. */
export function countAtMost(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Number of entries of the ascending array `sorted` that are < x. */
export function countBelow(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
