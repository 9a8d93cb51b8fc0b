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
 * 0.02 · (1 − s/22) (earlier tensors assumed more sensitive), and through a learned
 * bottleneck of c of C channels a further 0.1 · (1 − c/C) (it offers the bottlenecks it is given).
 * Bigger nets score higher, which is the only property tests may rely on. It counts its calls so
 * tests can check caching.
 */
import type { AccuracyOracle, AccuracyResult, PayloadPrecision, SubnetQuery } from './accuracy_oracle.js';
import { bottleneckInputShape, type BottleneckSet } from './bottleneck.js';
import { architectureCost } from './macs.js';
import { isLossless } from './payload.js';
import { MAX_SPLIT, checkArchitecture } from './search_space.js';

export function proxyAccuracy(query: SubnetQuery, numClasses = 10): number {
  checkArchitecture(query.architecture);
  const mmacs = architectureCost(query.architecture, numClasses).macs / 1e6;
  const c = query.bottleneck ?? 0;
  const squeeze = c > 0 ? 0.1 * (1 - c / bottleneckInputShape(query.split)[0]) : 0;
  return 0.55 + 0.4 * (1 - Math.exp(-mmacs / 40)) - proxyPenalty(query.split, c > 0 ? 'int8' : query.precision) - squeeze;
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
    readonly bottlenecks?: BottleneckSet,
  ) {}

  async accuracy(queries: readonly SubnetQuery[]): Promise<AccuracyResult[]> {
    this.calls += 1;
    this.queries += queries.length;
    return queries.map((q) => ({ accuracy: proxyAccuracy(q, this.numClasses), images: this.images }));
  }
}
