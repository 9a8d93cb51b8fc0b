/**
 * Partial accuracy measurements that grow: for each subnet (one entry per accuracy key, as in the
 * AccuracyCache: lossless payloads share one per architecture) the correct-count on the first n
 * images of the oracle's set, topped up on request by measuring only the images not yet seen.
 * The count on [0, n) does not depend on how it was assembled from slices (integer counts on a
 * fixed batch grid, see ImageRangeOracle), so racing decisions built on it are deterministic for
 * any number of workers and any order of top-ups.
 *
 * It is also an AccuracyOracle (a query asked in full = topped up to every image), so an
 * AccuracyCache over it and a racing layer share one set of measurements.
 */
import { canonicalQuery, queryKey } from './accuracy_cache.js';
import type { AccuracyOracle, AccuracyResult, ImageRangeOracle, RangeQuery, SubnetQuery } from './accuracy_oracle.js';
import type { DecodedGenome } from './search_space.js';

/** Correct predictions on the first `images` images. */
export interface PrefixCount {
  readonly correct: number;
  readonly images: number;
  readonly failure?: string;
}

export class MeasurementStore implements AccuracyOracle {
  readonly name: string;
  private readonly counts = new Map<string, PrefixCount>();
  /** Top-ups in flight per key: a later request waits for them before asking for more. */
  private readonly inFlight = new Map<string, Promise<unknown>>();
  /** Images measured through this store (all slices of all subnets). */
  imagesMeasured = 0;

  constructor(readonly oracle: ImageRangeOracle) {
    this.name = `${oracle.name}+prefix-counts`;
  }

  get imageCount(): number {
    return this.oracle.imageCount;
  }

  /** What is known of a subnet now (0 images when never measured). */
  known(d: DecodedGenome): PrefixCount {
    return this.counts.get(queryKey(canonicalQuery(d))) ?? { correct: 0, images: 0 };
  }

  /**
   * Each subnet's count on at least its first `images[i]` images (capped at the set's size),
   * measuring only what is missing, in one oracle batch. A failed top-up is reported and not kept.
   */
  async atLeast(decoded: readonly DecodedGenome[], images: readonly number[]): Promise<PrefixCount[]> {
    const queries = decoded.map((d) => canonicalQuery(d));
    const keys = queries.map((q) => queryKey(q));
    // Wait until none of these subnets is being topped up (another caller may start one while we wait).
    for (let busy = keys.filter((k) => this.inFlight.has(k)); busy.length > 0; busy = keys.filter((k) => this.inFlight.has(k))) {
      await Promise.allSettled(busy.map((k) => this.inFlight.get(k)));
    }
    const want = new Map<string, { query: SubnetQuery; to: number }>();
    keys.forEach((k, i) => {
      const to = Math.min(this.imageCount, Math.max(0, Math.floor(images[i] as number)));
      const have = this.counts.get(k)?.images ?? 0;
      const w = want.get(k);
      if (to > have && (w === undefined || to > w.to)) want.set(k, { query: queries[i] as SubnetQuery, to });
    });
    const failures = new Map<string, string>();
    if (want.size > 0) {
      const list = [...want];
      const ranges: RangeQuery[] = list.map(([k, w]) => ({ ...w.query, start: this.counts.get(k)?.images ?? 0, end: w.to }));
      const batch = this.oracle.count(ranges).then((answers) => {
        answers.forEach((a, j) => {
          const [k] = list[j] as [string, unknown];
          if (a.failure !== undefined) {
            failures.set(k, a.failure);
            return;
          }
          const before = this.counts.get(k) ?? { correct: 0, images: 0 };
          this.counts.set(k, { correct: before.correct + a.correct, images: before.images + a.images });
          this.imagesMeasured += a.images;
        });
      });
      for (const [k] of list) this.inFlight.set(k, batch);
      try {
        await batch;
      } finally {
        for (const [k] of list) if (this.inFlight.get(k) === batch) this.inFlight.delete(k);
      }
    }
    return keys.map((k) => {
      const f = failures.get(k);
      const c = this.counts.get(k) ?? { correct: 0, images: 0 };
      return f === undefined ? c : { ...c, failure: f };
    });
  }

  /** AccuracyOracle: every image. */
  async accuracy(queries: readonly SubnetQuery[]): Promise<AccuracyResult[]> {
    const decoded = queries.map((q) => ({ architecture: [...q.architecture], split: q.split, precision: q.precision }));
    const counts = await this.atLeast(decoded, decoded.map(() => this.imageCount));
    return counts.map((c) =>
      c.failure !== undefined || c.images < this.imageCount
        ? { accuracy: Number.NaN, images: c.images, failure: c.failure ?? `measured ${c.images} of ${this.imageCount} images` }
        : { accuracy: c.images === 0 ? Number.NaN : c.correct / c.images, images: c.images },
    );
  }

  close(): Promise<void> {
    return this.oracle.close?.() ?? Promise.resolve();
  }
}
