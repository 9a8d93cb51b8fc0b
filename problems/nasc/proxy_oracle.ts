/**
 * PROXY accuracy oracle — FOR UNIT TESTS ONLY, never a default and never a result.
 *
 * It invents a plausible, deterministic accuracy so that problem, cache and baselines can be
 * tested without trained weights:
 *
 *     accuracy = 0.55 + 0.40 · (1 − exp(−MMACs / 40)) − penalty(split, precision)
 *
 * with MMACs = multiply-accumulates / 1e6 of the whole network (macs.ts) and a payload
 * penalty only when the sent tensor is lossy (1 ≤ s ≤ 21 and not fp32): fp16 0.001, int8
 * 0.02 · (1 − s/22) (earlier tensors assumed more sensitive). Bigger nets score higher, which
 * is the only property tests may rely on. It counts its calls so tests can check caching.
 */
import type { AccuracyOracle, AccuracyResult, ImageRangeOracle, PayloadPrecision, RangeCount, RangeQuery, SubnetQuery } from './accuracy_oracle.js';
import { architectureCost } from './macs.js';
import { isLossless } from './payload.js';
import { MAX_SPLIT, checkArchitecture } from './search_space.js';

export function proxyAccuracy(query: SubnetQuery, numClasses = 10): number {
  checkArchitecture(query.architecture);
  const mmacs = architectureCost(query.architecture, numClasses).macs / 1e6;
  return 0.55 + 0.4 * (1 - Math.exp(-mmacs / 40)) - proxyPenalty(query.split, query.precision);
}

export function proxyPenalty(split: number, precision: PayloadPrecision): number {
  if (isLossless(split, precision)) return 0;
  return precision === 'fp16' ? 0.001 : 0.02 * (1 - split / MAX_SPLIT);
}

export class ProxyAccuracyOracle implements AccuracyOracle {
  readonly name = 'PROXY (MACs formula, unit tests only)';
  /** Number of accuracy() calls and of queries answered, for cache tests. */
  calls = 0;
  queries = 0;

  constructor(
    private readonly numClasses = 10,
    private readonly images = 0,
  ) {}

  async accuracy(queries: readonly SubnetQuery[]): Promise<AccuracyResult[]> {
    this.calls += 1;
    this.queries += queries.length;
    return queries.map((q) => ({ accuracy: proxyAccuracy(q, this.numClasses), images: this.images }));
  }
}

/**
 * PROXY image-range oracle — FOR UNIT TESTS ONLY (racing, measurement stores). Image i of a
 * query is "correct" when a deterministic pseudo-random number of (query, i) falls below the
 * proxy accuracy, so counts on slices behave like a binomial sample whose mean is
 * `proxyAccuracy`, and the count of a range is the sum of its parts. It records every range asked.
 */
export class ProxyImageOracle implements ImageRangeOracle {
  readonly name = 'PROXY per-image (MACs formula, unit tests only)';
  readonly ranges: RangeQuery[] = [];

  constructor(
    readonly imageCount: number,
    private readonly numClasses = 10,
  ) {}

  async count(queries: readonly RangeQuery[]): Promise<RangeCount[]> {
    return queries.map((q) => {
      if (!(q.start >= 0 && q.start <= q.end && q.end <= this.imageCount)) throw new RangeError(`range ${q.start}..${q.end} outside 0..${this.imageCount}`);
      this.ranges.push({ ...q, architecture: [...q.architecture] });
      const p = proxyAccuracy(q, this.numClasses);
      const seed = hashString(`${q.architecture.join(',')}|${q.split}|${q.precision}`);
      let correct = 0;
      for (let i = q.start; i < q.end; i++) if (unitHash(seed, i) < p) correct++;
      return { correct, images: q.end - q.start };
    });
  }

  async accuracy(queries: readonly SubnetQuery[]): Promise<AccuracyResult[]> {
    const counts = await this.count(queries.map((q) => ({ ...q, start: 0, end: this.imageCount })));
    return counts.map((c) => ({ accuracy: c.correct / Math.max(1, c.images), images: c.images }));
  }
}

function hashString(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** A uniform number in [0, 1) from (seed, i): one round of a 32-bit integer mixer. */
function unitHash(seed: number, i: number): number {
  let x = (seed ^ Math.imul(i + 1, 0x9e3779b1)) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return ((x ^ (x >>> 16)) >>> 0) / 4294967296;
}
