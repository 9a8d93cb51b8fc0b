/**
 * Cost at matched quality: how two fronts compare on a second objective (e.g. latency) where they
 * reach the same level of a first one (e.g. error). For each level ℓ on an even grid over the
 * range both fronts cover, each front's cheapest point whose first objective is ≤ ℓ is taken, and
 * the ratio of their costs is recorded. Unlike "A's fastest point within a tolerance of B's best",
 * this is symmetric: swapping A and B inverts every ratio, and two equal fronts give 1 at every
 * level. Both objectives are minimised.
 */

export interface MatchedRatios {
  /** Levels of the first objective where both fronts were compared (ascending). */
  readonly levels: number[];
  /** cost_A(ℓ) / cost_B(ℓ) at each level. */
  readonly ratios: number[];
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

/** Cheapest second objective among points whose first objective is ≤ level (Infinity if none). */
export function cheapestAt(points: readonly (readonly number[])[], level: number): number {
  let best = Infinity;
  for (const p of points) if ((p[0] as number) <= level + 1e-12 && (p[1] as number) < best) best = p[1] as number;
  return best;
}

/**
 * The ratios on `steps + 1` levels from the worse of the two fronts' best first objectives to the
 * better of their worst ones; undefined when the fronts share no range (one is strictly better
 * on the first objective everywhere) or either is empty. Points must be finite 2-D vectors.
 */
export function matchedRatios(a: readonly (readonly number[])[], b: readonly (readonly number[])[], steps = 20): MatchedRatios | undefined {
  if (!Number.isSafeInteger(steps) || steps < 1) throw new RangeError(`steps must be a positive integer, got ${steps}`);
  const ok = (p: readonly number[]) => p.length === 2 && Number.isFinite(p[0]) && Number.isFinite(p[1]);
  const fa = a.filter(ok);
  const fb = b.filter(ok);
  if (fa.length === 0 || fb.length === 0) return undefined;
  const first = (ps: readonly (readonly number[])[]) => ps.map((p) => p[0] as number);
  // Every level must be reachable by both: from the larger of the two minima to the smaller maximum.
  const lo = Math.max(Math.min(...first(fa)), Math.min(...first(fb)));
  const hi = Math.min(Math.max(...first(fa)), Math.max(...first(fb)));
  if (lo > hi) return undefined;
  const levels = lo === hi ? [lo] : Array.from({ length: steps + 1 }, (_, i) => (i === steps ? hi : lo + ((hi - lo) * i) / steps));
  const ratios = levels.map((l) => cheapestAt(fa, l) / cheapestAt(fb, l));
  const sorted = [...ratios].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return { levels, ratios, median, min: sorted[0] as number, max: sorted[sorted.length - 1] as number };
}
