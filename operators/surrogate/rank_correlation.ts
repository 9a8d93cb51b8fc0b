/**
 * Rank correlations between predictions and truth: what matters for a surrogate that only has
 * to order candidates. Both handle ties (Kendall's τ-b, Spearman's ρ on average ranks) and return
 * NaN when either side is constant.
 */

/** Kendall's τ-b = (C − D) / √((n0 − n1)(n0 − n2)), O(n²) (n is at most a few thousand here). */
export function kendallTau(x: readonly number[], y: readonly number[]): number {
  checkPaired(x, y);
  const n = x.length;
  let concordant = 0;
  let discordant = 0;
  let tiesX = 0;
  let tiesY = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const dx = Math.sign((x[i] as number) - (x[j] as number));
      const dy = Math.sign((y[i] as number) - (y[j] as number));
      if (dx === 0 && dy === 0) continue; // tied in both: counts in neither denominator term's pairs
      if (dx === 0) tiesX++;
      else if (dy === 0) tiesY++;
      else if (dx === dy) concordant++;
      else discordant++;
    }
  }
  const denom = Math.sqrt((concordant + discordant + tiesX) * (concordant + discordant + tiesY));
  return denom === 0 ? Number.NaN : (concordant - discordant) / denom;
}

/** Ranks 1..n, tied values sharing their average rank. */
export function averageRanks(x: readonly number[]): number[] {
  const order = x.map((_, i) => i).sort((a, b) => (x[a] as number) - (x[b] as number));
  const ranks = new Array<number>(x.length);
  for (let s = 0; s < order.length; ) {
    let e = s + 1;
    while (e < order.length && x[order[e] as number] === x[order[s] as number]) e++;
    const r = (s + 1 + e) / 2;
    for (let t = s; t < e; t++) ranks[order[t] as number] = r;
    s = e;
  }
  return ranks;
}

/** Spearman's ρ: Pearson correlation of the average ranks. */
export function spearmanRho(x: readonly number[], y: readonly number[]): number {
  checkPaired(x, y);
  return pearson(averageRanks(x), averageRanks(y));
}

export function pearson(x: readonly number[], y: readonly number[]): number {
  checkPaired(x, y);
  const n = x.length;
  if (n === 0) return Number.NaN;
  const mx = x.reduce((a, b) => a + b, 0) / n;
  const my = y.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = (x[i] as number) - mx;
    const dy = (y[i] as number) - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxx === 0 || syy === 0 ? Number.NaN : sxy / Math.sqrt(sxx * syy);
}

function checkPaired(x: readonly number[], y: readonly number[]): void {
  if (x.length !== y.length) throw new RangeError(`paired samples differ in length: ${x.length} vs ${y.length}`);
}
