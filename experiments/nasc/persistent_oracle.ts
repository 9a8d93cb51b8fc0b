import { existsSync, readFileSync } from 'node:fs';
import { queryKey } from '../../problems/nasc/accuracy_cache.js';
import type { AccuracyOracle, AccuracyResult, SubnetQuery } from '../../problems/nasc/accuracy_oracle.js';
import { writeJsonAtomic } from '../io/atomic_write.js';

interface CacheFile {
  readonly format: 'nasc-accuracy-cache';
  /** What the accuracies depend on (store checksum, images, BN mode); a mismatch discards the file. */
  readonly identity: string;
  readonly entries: Record<string, { accuracy: number; images: number }>;
}

/**
 * An oracle that remembers every answer on disk, so a long study (many scenarios × seeds that
 * revisit the same subnets) can be stopped and rerun without paying for a subnet twice.
 * Only successful answers are kept.
 */
export class PersistentOracle implements AccuracyOracle {
  readonly name: string;
  private readonly entries: Map<string, { accuracy: number; images: number }>;
  private dirty = 0;
  hits = 0;
  misses = 0;

  constructor(
    readonly inner: AccuracyOracle,
    private readonly file: string,
    private readonly identity: string,
  ) {
    this.name = `${inner.name}+disk-cache`;
    this.entries = new Map();
    if (existsSync(file)) {
      try {
        const c = JSON.parse(readFileSync(file, 'utf8')) as CacheFile;
        if (c.format === 'nasc-accuracy-cache' && c.identity === identity) {
          for (const [k, v] of Object.entries(c.entries)) this.entries.set(k, v);
        }
      } catch {
        // A damaged cache is only a lost speed-up: start afresh.
      }
    }
  }

  /** One entry per canonical query (the accuracy cache sends lossless queries as split 22, fp32). */
  static key(q: SubnetQuery): string {
    return queryKey(q);
  }

  async accuracy(queries: readonly SubnetQuery[]): Promise<AccuracyResult[]> {
    const missing = queries.filter((q) => !this.entries.has(PersistentOracle.key(q)));
    this.hits += queries.length - missing.length;
    this.misses += missing.length;
    if (missing.length > 0) {
      const answers = await this.inner.accuracy(missing);
      answers.forEach((a, i) => {
        if (a.failure === undefined && Number.isFinite(a.accuracy)) {
          this.entries.set(PersistentOracle.key(missing[i] as SubnetQuery), { accuracy: a.accuracy, images: a.images });
          this.dirty += 1;
        }
      });
      if (this.dirty >= 20) this.flush();
      const byKey = new Map(missing.map((q, i) => [PersistentOracle.key(q), answers[i] as AccuracyResult]));
      return queries.map((q) => this.entries.get(PersistentOracle.key(q)) ?? (byKey.get(PersistentOracle.key(q)) as AccuracyResult));
    }
    return queries.map((q) => this.entries.get(PersistentOracle.key(q)) as AccuracyResult);
  }

  flush(): void {
    const file: CacheFile = { format: 'nasc-accuracy-cache', identity: this.identity, entries: Object.fromEntries(this.entries) };
    writeJsonAtomic(this.file, file);
    this.dirty = 0;
  }

  async close(): Promise<void> {
    this.flush();
    await this.inner.close?.();
  }
}
