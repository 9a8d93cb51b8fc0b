/**
 * Accuracy through an oracle, asked once per distinct key. A lossless payload (s ∈ {0, 22} or
 * fp32) makes accuracy independent of the split, so such queries share one entry per
 * architecture ('exact', asked as split 22 / fp32); a lossy one is cached per (precision, s).
 * Misses of one call go to the oracle as one batch; concurrent calls share in-flight answers.
 */
import type { AccuracyOracle, AccuracyResult, SubnetQuery } from './accuracy_oracle.js';
import { isLossless } from './payload.js';
import { MAX_SPLIT, type DecodedGenome } from './search_space.js';

/** 'exact' when the payload is lossless, else '<precision>@<split>'. */
export function accuracyKeyOf(d: Pick<DecodedGenome, 'split' | 'precision'>): string {
  return isLossless(d.split, d.precision) ? 'exact' : `${d.precision}@${d.split}`;
}

/** The query actually sent for a cache key (lossless → whole network, fp32). */
export function canonicalQuery(d: DecodedGenome): SubnetQuery {
  return isLossless(d.split, d.precision)
    ? { architecture: [...d.architecture], split: MAX_SPLIT, precision: 'fp32' }
    : { architecture: [...d.architecture], split: d.split, precision: d.precision };
}

/** The key of a query as sent to an oracle (canonical: lossless queries are split 22 / fp32). */
export function queryKey(q: SubnetQuery): string {
  return `${q.architecture.join('')}|${q.split}|${q.precision}`;
}

export class AccuracyCache {
  private readonly entries = new Map<string, Promise<AccuracyResult>>();
  private sent = 0;

  constructor(readonly oracle: AccuracyOracle) {}

  /** Queries sent to the oracle so far (cache misses). */
  get oracleQueries(): number {
    return this.sent;
  }

  get size(): number {
    return this.entries.size;
  }

  async accuracies(decoded: readonly DecodedGenome[]): Promise<AccuracyResult[]> {
    const keys = decoded.map((d) => `${d.architecture.join(',')}|${accuracyKeyOf(d)}`);
    const missing = new Map<string, SubnetQuery>();
    decoded.forEach((d, i) => {
      const key = keys[i] as string;
      if (!this.entries.has(key) && !missing.has(key)) missing.set(key, canonicalQuery(d));
    });
    if (missing.size > 0) {
      const list = [...missing];
      this.sent += list.length;
      const batch = this.oracle.accuracy(list.map(([, q]) => q));
      list.forEach(([key], j) => {
        const one = batch.then((r) => {
          if (r.length !== list.length) throw new Error(`oracle ${this.oracle.name} answered ${r.length} of ${list.length} queries`);
          return r[j] as AccuracyResult;
        });
        this.entries.set(key, one);
        // Failures are not kept: a later evaluation may succeed.
        one.then(
          (res) => {
            if (res.failure !== undefined || !Number.isFinite(res.accuracy)) this.entries.delete(key);
          },
          () => this.entries.delete(key),
        );
      });
    }
    return Promise.all(keys.map((k) => this.entries.get(k) as Promise<AccuracyResult>));
  }
}
