/**
 * Non-dominated sorting (minimisation): partitions points into Pareto fronts, front 0 being the
 * points nobody dominates, front k+1 those dominated only by points in fronts 0..k.
 *
 * The dispatcher picks an algorithm by the number of objectives M; all of them first sort the
 * points lexicographically and collapse identical points, so copies always share a front.
 *   M = 1  rank = position among the distinct values
 *   M = 2  O(N log N) sweep with binary search over the fronts (bi_objective_sort.ts)
 *   M >= 3 O(N log^(M-1) N) generalised Jensen divide-and-conquer (divide_and_conquer_sort.ts)
 * `naiveNonDominatedSort` is Deb's O(MN^2) fast non-dominated sort, kept for cross-checks.
 */
import { dominates } from '../dominance.js';
import { biObjectiveRanks } from './bi_objective_sort.js';
import { divideAndConquerRanks } from './divide_and_conquer_sort.js';
import { checkPoints, lexicographicOrder } from './lexicographic.js';

/** Fronts of indices into the input, front 0 first, indices ascending within a front. */
export type Fronts = number[][];

export interface SortOptions {
  /**
   * Return only the leading fronts that together hold at least this many points (survival
   * needs no more). The efficient sorts rank everything anyway and cut; the naive one stops early.
   */
  readonly until?: number;
}

export function nonDominatedSort(points: readonly (readonly number[])[], options: SortOptions = {}): Fronts {
  const n = points.length;
  const m = checkPoints(points);
  if (n === 0) return [];
  const until = limit(options.until, n);
  if (m === 0) return [Array.from({ length: n }, (_, i) => i)];
  const { values, count, position } = lexicographicOrder(points, m);
  let distinctRank: Int32Array;
  if (m === 1) distinctRank = Int32Array.from({ length: count }, (_, i) => i);
  else if (m === 2) distinctRank = biObjectiveRanks(values, count);
  else distinctRank = divideAndConquerRanks(values, count, m);
  const fronts: Fronts = [];
  for (let i = 0; i < n; i++) {
    const r = distinctRank[position[i] as number] as number;
    while (fronts.length <= r) fronts.push([]);
    (fronts[r] as number[]).push(i);
  }
  return cut(fronts, until);
}

/** Deb et al. (2002) fast non-dominated sort: domination counts, then peel front by front. */
export function naiveNonDominatedSort(points: readonly (readonly number[])[], options: SortOptions = {}): Fronts {
  const n = points.length;
  checkPoints(points);
  if (n === 0) return [];
  const until = limit(options.until, n);
  const dominatedBy = new Int32Array(n);
  const beats: number[][] = Array.from({ length: n }, () => []);
  for (let i = 0; i < n; i++) {
    const a = points[i] as readonly number[];
    for (let j = i + 1; j < n; j++) {
      const b = points[j] as readonly number[];
      if (dominates(a, b)) {
        (beats[i] as number[]).push(j);
        dominatedBy[j] += 1;
      } else if (dominates(b, a)) {
        (beats[j] as number[]).push(i);
        dominatedBy[i] += 1;
      }
    }
  }
  const fronts: Fronts = [];
  let current: number[] = [];
  for (let i = 0; i < n; i++) if (dominatedBy[i] === 0) current.push(i);
  let placed = 0;
  while (current.length > 0 && placed < until) {
    current.sort((a, b) => a - b);
    fronts.push(current);
    placed += current.length;
    const next: number[] = [];
    for (const i of current) {
      for (const j of beats[i] as number[]) {
        dominatedBy[j] -= 1;
        if (dominatedBy[j] === 0) next.push(j);
      }
    }
    current = next;
  }
  return fronts;
}

/**
 * rank[i] = index of the front holding point i. Points in none of the fronts (cut off by
 * `until`) get NaN, the "not ranked" value Individual uses.
 */
export function ranksFromFronts(fronts: Fronts, n: number): number[] {
  const rank = new Array<number>(n).fill(Number.NaN);
  fronts.forEach((front, r) => {
    for (const i of front) {
      if (!Number.isInteger(i) || i < 0 || i >= n) throw new RangeError(`front ${r} holds index ${i}, outside 0..${n - 1}`);
      rank[i] = r;
    }
  });
  return rank;
}

function limit(until: number | undefined, n: number): number {
  if (until === undefined) return n;
  if (Number.isNaN(until) || until < 0) throw new RangeError(`until must be a non-negative number, got ${until}`);
  return Math.min(until, n);
}

/** The shortest prefix of fronts holding at least `until` points. */
function cut(fronts: Fronts, until: number): Fronts {
  let placed = 0;
  for (let r = 0; r < fronts.length; r++) {
    if (placed >= until) return fronts.slice(0, r);
    placed += (fronts[r] as number[]).length;
  }
  return fronts;
}
