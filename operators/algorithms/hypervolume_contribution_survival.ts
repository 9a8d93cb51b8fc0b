import type { Survival } from '../../core/components.js';
import type { Individual } from '../../core/individual.js';
import { hypervolumeContributions } from '../../core/indicators/hypervolume.js';
import type { Rng } from '../../core/rng.js';
import { constrainedNonDominatedSort } from '../../core/sorting/constrained_sort.js';

type Point = readonly number[];

/**
 * Exclusive hypervolume contributions on one bi-objective front, after Beume et al. (2007): sort
 * by f1; an inner point's contribution is (f1[i+1] − f1[i]) · (f2[i−1] − f2[i]); the two extremes
 * get Infinity, so they are never discarded. Copies of an inner point each contribute 0 (each
 * covers the other: that is the exclusive contribution); of copies of an extreme, one keeps Infinity.
 */
export function contributions2d(front: readonly Point[]): number[] {
  const n = front.length;
  const order = front.map((_, i) => i).sort((a, b) => (front[a]![0]! - front[b]![0]!) || (front[a]![1]! - front[b]![1]!) || a - b);
  const out = new Array<number>(n).fill(0);
  for (let t = 0; t < n; t++) {
    const i = order[t] as number;
    const p = front[i] as Point;
    if (t > 0 && sameAs(p, front[order[t - 1] as number] as Point)) continue; // a copy: 0
    if (t === 0 || t === n - 1 || isLastDistinct(front, order, t)) {
      out[i] = Infinity;
      continue;
    }
    const next = front[order[t + 1] as number] as Point;
    const prev = front[order[t - 1] as number] as Point;
    out[i] = ((next[0] as number) - (p[0] as number)) * ((prev[1] as number) - (p[1] as number));
  }
  return out;
}

function sameAs(a: Point, b: Point): boolean {
  return a.every((x, j) => x === b[j]);
}

/** Whether every point after position t in `order` is a copy of the point at t. */
function isLastDistinct(front: readonly Point[], order: readonly number[], t: number): boolean {
  const p = front[order[t] as number] as Point;
  for (let u = t + 1; u < order.length; u++) if (!sameAs(p, front[order[u] as number] as Point)) return false;
  return true;
}

/**
 * Contributions for any number of objectives: exact bi-objective rule above for M = 2; for
 * M ≥ 3 the front is normalised to [0, 1] by its own ideal and nadir point and measured against
 * the reference point 1.1 (10 % beyond the nadir, so boundary points contribute but are not
 * infinitely favoured).
 */
export function frontContributions(front: readonly Point[]): number[] {
  if (front.length === 0) return [];
  const m = (front[0] as Point).length;
  if (front.length <= 1) return front.map(() => Infinity);
  if (m === 1) {
    const best = Math.min(...front.map((p) => p[0] as number));
    // One objective: keep the best copy, everything else is dominated in effect.
    const first = front.findIndex((p) => p[0] === best);
    return front.map((_, i) => (i === first ? Infinity : 0));
  }
  if (m === 2) return contributions2d(front);
  const ideal = Array.from({ length: m }, (_, j) => Math.min(...front.map((p) => p[j] as number)));
  const nadir = Array.from({ length: m }, (_, j) => Math.max(...front.map((p) => p[j] as number)));
  const scaled = front.map((p) => p.map((x, j) => (nadir[j]! > ideal[j]! ? (x - ideal[j]!) / (nadir[j]! - ideal[j]!) : 0)));
  return hypervolumeContributions(scaled, new Array<number>(m).fill(1.1));
}

/**
 * SMS-EMOA's survival (Beume, Naujoks, Emmerich 2007): while there are more candidates than
 * wanted, sort them into constrained fronts (Deb: feasible Pareto fronts, then infeasible ones by
 * ascending violation) and discard from the last front the member with the least hypervolume
 * contribution (infeasible fronts: the first of the largest violation). Survivors get
 * rank = their front and crowding = their hypervolume contribution in it, so a binary
 * tournament on (rank, crowding) prefers large contributors.
 */
export class HypervolumeContributionSurvival implements Survival {
  readonly name = 'hypervolume_contribution';

  survive<Info>(candidates: readonly Individual<Info>[], count: number, _rng: Rng): Individual<Info>[] {
    if (!Number.isSafeInteger(count) || count < 0) throw new RangeError(`survivor count must be a non-negative integer, got ${count}`);
    let pool = [...candidates];
    for (;;) {
      const fronts = constrainedNonDominatedSort(
        pool.map((ind) => ind.objectives),
        pool.map((ind) => ind.cv),
      );
      const contributions = fronts.map((front) => {
        const feasible = front.length > 0 && pool[front[0] as number]!.cv === 0;
        return feasible ? frontContributions(front.map((i) => pool[i]!.objectives)) : front.map(() => 0);
      });
      if (pool.length <= count) {
        fronts.forEach((front, r) =>
          front.forEach((i, t) => {
            pool[i]!.rank = r;
            pool[i]!.crowding = contributions[r]![t]!;
          }),
        );
        return pool;
      }
      const r = fronts.length - 1;
      const last = fronts[r] as number[];
      const contribution = contributions[r] as number[];
      let worst = 0;
      for (let t = 1; t < last.length; t++) if (contribution[t]! < contribution[worst]!) worst = t;
      const drop = last[worst] as number;
      pool = pool.filter((_, i) => i !== drop);
    }
  }
}
