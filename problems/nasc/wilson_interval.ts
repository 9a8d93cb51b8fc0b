/**
 * The Wilson score interval of a binomial proportion (Wilson 1927): for k successes in n trials
 * and a normal quantile z, the p whose score test |k/n − p| / √(p(1−p)/n) ≤ z does not reject,
 *
 *   centre = (k/n + z²/2n) / (1 + z²/n),  half-width = z·√(k/n·(1−k/n)/n + z²/4n²) / (1 + z²/n).
 *
 * Unlike the normal (Wald) interval it stays inside [0, 1] and keeps its coverage near 0 and 1
 * and for small n, which is where a racing decision on a first slice of images is made. With
 * z = 1.96 each bound is a one-sided 97.5 % bound. n = 0 gives [0, 1].
 */
export function wilsonInterval(correct: number, n: number, z: number): [number, number] {
  if (!(Number.isInteger(n) && n >= 0 && Number.isInteger(correct) && correct >= 0 && correct <= n)) {
    throw new RangeError(`wilsonInterval: need integers 0 ≤ correct ≤ n, got ${correct} of ${n}`);
  }
  if (!(z >= 0)) throw new RangeError(`wilsonInterval: z must be ≥ 0, got ${z}`);
  if (n === 0) return [0, 1];
  const p = correct / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denominator;
  // Exact ends at k = 0 and k = n (rounding would otherwise leave them a hair inside).
  return [correct === 0 ? 0 : Math.max(0, centre - half), correct === n ? 1 : Math.min(1, centre + half)];
}
