/**
 * Where the best split lies for a set of architectures (REFERENCE.md's "where the best split
 * lies" check): a histogram of the latency-minimal split s ≥ sMin.
 */
import type { Rng } from '../../core/rng.js';
import type { PayloadPrecision } from './accuracy_oracle.js';
import type { SplitLatencyModel } from './latency_model.js';
import { CANDIDATES, MAX_SPLIT, NUM_LAYERS } from './search_space.js';

export interface SplitDistribution {
  /** counts[s] = architectures whose best split is s. */
  readonly counts: readonly number[];
  readonly total: number;
  /** Mean best total latency, ms. */
  readonly meanBestMs: number;
}

export function randomArchitectures(rng: Rng, count: number): number[][] {
  return Array.from({ length: count }, () => Array.from({ length: NUM_LAYERS }, () => rng.index(CANDIDATES.length)));
}

export function bestSplitDistribution(model: SplitLatencyModel, architectures: readonly (readonly number[])[], precision: PayloadPrecision, sMin = 0): SplitDistribution {
  const counts = new Array<number>(MAX_SPLIT + 1).fill(0);
  let sum = 0;
  for (const a of architectures) {
    const b = model.bestSplit(a, precision, sMin);
    counts[b.split] = (counts[b.split] as number) + 1;
    sum += b.latency.totalMs;
  }
  return { counts, total: architectures.length, meanBestMs: architectures.length === 0 ? Number.NaN : sum / architectures.length };
}

/** Fraction of architectures whose best split lies in [from, to]. */
export function fractionIn(d: SplitDistribution, from: number, to = from): number {
  let n = 0;
  for (let s = from; s <= to; s++) n += d.counts[s] ?? 0;
  return d.total === 0 ? Number.NaN : n / d.total;
}

/** "s:count" for non-empty bins, e.g. "1:41 10:28 22:205". */
export function formatDistribution(d: SplitDistribution): string {
  return d.counts.flatMap((c, s) => (c > 0 ? [`${s}:${c}`] : [])).join(' ');
}
