/**
 * `OnnxAccuracyOracle`: the AccuracyOracle that runs inherited-weight subnets on a Piscina pool.
 *
 * - One worker per core by default; the store is read and verified once here and reaches every
 *   worker as shared bytes, like the images (normalised float32 NCHW): no per-task copies, and
 *   all workers (also replacements of dead ones) use exactly the verified weights even if the
 *   file is replaced on disk during the run.
 * - A query is cut into image ranges (only when there are fewer queries than workers, so one
 *   query still uses every core); ranges follow the fixed batch grid (subnet_evaluator.ts), and
 *   counts are integers, so results do not depend on the number of workers or completion order.
 * - Identical queries are evaluated once: results are cached by architecture + split +
 *   precision, where fp32, split 0 and split L all mean "the whole net unchanged" and share one
 *   entry (accuracy is then split-independent).
 * - Recalibrated BN statistics depend on the architecture and the calibration images only (a
 *   learned bottleneck's own two BNs are measured per task, on the prefix up to its split), so
 *   they are kept per architecture (a bounded, most-recently-used cache) and sent with later
 *   tasks of that architecture: another split or precision, another image range (`count`, for
 *   racing), or the other chunks of a query cut across workers recalibrate nothing. The
 *   statistics are a deterministic function of their inputs, so whether they were cached never
 *   changes a result.
 * - `count` measures queries on any image range [start, end) (racing: a first slice, more later);
 *   `accuracy` is `count` over all images, cached.
 * - A range whose worker throws or dies is retried (2 retries by default; Piscina replaces a
 *   dead worker); after that the query is reported failed with the reason and the run goes on.
 * - Works from source (tsx: the `.ts` worker gets `--import tsx`) and from the `tsc` build (the
 *   `.js` worker beside this module).
 * - Never terminates a worker while it runs a task: tasks wait in this class's own queue and at
 *   most one per worker is handed to Piscina, so stopping (an aborted `signal`, or close())
 *   drops the queued tasks, waits for the running ones, and only then destroys the pool.
 *   Terminating a worker inside an onnxruntime call aborts the whole process in native code
 *   ("terminate called after throwing an instance of 'Napi::Error'").
 */
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { InputError, Interrupted } from '../core/errors.js';
import type { AccuracyResult, ImageRangeOracle, PayloadPrecision, RangeCount, RangeQuery, SubnetQuery } from '../problems/nasc/accuracy_oracle.js';
import type { BnMode } from './bn_statistics.js';
import type { BnStatistics } from './graph_builder.js';
import { CIFAR10_IMAGE_BYTES, toFloatBatch } from './cifar10.js';
import type { FaultInjection, WorkerSetup } from './evaluate_worker.js';
import type { EvaluationOutcome, EvaluationTask } from './subnet_evaluator.js';
import { checkArchitecture, checkSplit, layerCount } from './supernet_space.js';
import { fbnetBottleneckSet } from './store_bottlenecks.js';
import { loadWeightStore } from './weight_store.js';

/** Measured defaults (workers/README.md): recalibrated BN ranks subnets like batch statistics, running BN does not; 250 calibration images rank like 500 (Kendall τ 0.94). */
export const DEFAULT_BN_MODE: BnMode = 'recalibrate';
/**
 * Evaluation batch (not a semantic choice: results are the same for any batch size). Small
 * batches keep ORT's activations small, so with the CPU arena they are mapped once per session
 * and reused (workers/README.md "memory traffic").
 */
export const DEFAULT_BATCH_SIZE = 25;
export const DEFAULT_CALIBRATION_IMAGES = 250;
/** Images per BN-recalibration batch (semantic: each batch is normalised by its own statistics, as in PyTorch's train mode). */
export const DEFAULT_CALIBRATION_BATCH_SIZE = 100;
/** Architectures whose recalibrated statistics are kept (≈ 0.1–0.3 MB each). */
export const STATISTICS_CACHE_SIZE = 64;

export interface UintImages {
  /** N × 3072 uint8 planes (CIFAR record order R, G, B). */
  readonly pixels: Uint8Array;
  readonly labels: Uint8Array;
}

export interface OnnxAccuracyOracleOptions {
  /** Weight store, `.json` or `.bin`. */
  readonly weights: string;
  /** The images accuracy is measured on (validation for a search, test for reports). */
  readonly images: UintImages;
  /** Worker threads (default: one per core). */
  readonly workers?: number;
  readonly batchSize?: number;
  readonly bn?: BnMode;
  /** Training images for BN recalibration (required for `bn: 'recalibrate'`; labels unused). */
  readonly calibration?: { readonly pixels: Uint8Array };
  readonly calibrationBatchSize?: number;
  /** Retries of a failed range (default 2). */
  readonly retries?: number;
  /** Test hook: make some architectures fail (see evaluate_worker.ts). */
  readonly faults?: readonly FaultInjection[];
  /**
   * Cut a query into image ranges when there are fewer queries than workers (default true).
   * Each range recalibrates BN on its own, so a caller that keeps every worker busy with whole
   * queries anyway (`nasc worker` running as many jobs as threads) turns it off.
   */
  readonly splitQueries?: boolean;
  /** Aborting it stops the oracle: queued tasks are dropped, running ones finish, queries reject with the signal's reason. */
  readonly signal?: AbortSignal;
}

export interface OracleStats {
  queries: number;
  cacheHits: number;
  evaluated: number;
  failed: number;
  retries: number;
  images: number;
  /** Recalibrations run (one per architecture while it stays in the statistics cache). */
  calibrations: number;
  calibrateMs: number;
  buildMs: number;
  sessionMs: number;
  runMs: number;
}

export class OnnxAccuracyOracle implements ImageRangeOracle {
  readonly name = 'onnx-supernet';
  readonly workers: number;
  readonly bn: BnMode;
  readonly imageCount: number;
  /** The store's learned bottlenecks (undefined when the store's space is not the FBNet one). */
  readonly bottlenecks?: ReturnType<typeof fbnetBottleneckSet>;
  /** sha256 of the store bytes the workers hold (verified when the store was read). */
  readonly weightsSha256: string;
  private readonly pool: Piscina<EvaluationTask, EvaluationOutcome>;
  private readonly cache = new Map<string, Promise<AccuracyResult>>();
  /** Recalibrated BN statistics by architecture, most recently used last. */
  private readonly statistics = new Map<string, Promise<BnStatistics>>();
  private readonly layers: number;
  private readonly retries: number;
  private readonly batchSize: number;
  private readonly splitQueries: boolean;
  private readonly checkQuery: (q: SubnetQuery) => void;
  readonly stats: OracleStats = { queries: 0, cacheHits: 0, evaluated: 0, failed: 0, retries: 0, images: 0, calibrations: 0, calibrateMs: 0, buildMs: 0, sessionMs: 0, runMs: 0 };
  /** Tasks handed to Piscina and not yet settled (at most `workers`). */
  private running = 0;
  private readonly queued: { resolve: () => void; reject: (e: Error) => void }[] = [];
  private readonly idleWaiters: (() => void)[] = [];
  private stopReason: Error | undefined;
  private closing: Promise<void> | undefined;

  constructor(options: OnnxAccuracyOracleOptions) {
    const store = loadWeightStore(options.weights);
    this.weightsSha256 = store.manifest.sha256.toLowerCase();
    const space = store.space;
    this.layers = layerCount(space);
    this.checkQuery = (q) => {
      checkArchitecture(space, q.architecture);
      checkSplit(space, q.split);
      if (!['fp32', 'fp16', 'int8'].includes(q.precision)) throw new InputError(`unknown payload precision ${String(q.precision)}`);
      const c = q.bottleneck ?? 0;
      if (c !== 0) {
        if (q.precision !== 'int8') throw new InputError(`a learned bottleneck sends int8, not ${q.precision}`);
        if (store.bottleneck(q.split, c) === undefined) throw new InputError(`${store.files.json}: no learned bottleneck of width ${c} at split ${q.split}`);
      }
    };
    const set = fbnetBottleneckSet(store.manifest.bottlenecks);
    if (set !== undefined) this.bottlenecks = set;
    this.workers = positive(options.workers ?? availableParallelism(), 'workers');
    this.batchSize = positive(options.batchSize ?? DEFAULT_BATCH_SIZE, 'batch size');
    this.retries = options.retries ?? 2;
    this.splitQueries = options.splitQueries ?? true;
    this.bn = options.bn ?? DEFAULT_BN_MODE;
    const count = options.images.labels.length;
    if (options.images.pixels.length !== count * CIFAR10_IMAGE_BYTES) throw new InputError(`${count} labels but ${options.images.pixels.length} pixel bytes`);
    this.imageCount = count;

    const images = sharedFloat(options.images.pixels, store.normalization);
    const labels = new SharedArrayBuffer(count);
    new Uint8Array(labels).set(options.images.labels);
    let calibration: WorkerSetup['calibration'];
    if (this.bn === 'recalibrate') {
      if (options.calibration === undefined || options.calibration.pixels.length === 0) {
        throw new InputError("BN mode 'recalibrate' needs calibration (training) images");
      }
      calibration = { data: sharedFloat(options.calibration.pixels, store.normalization), count: options.calibration.pixels.length / CIFAR10_IMAGE_BYTES };
    }
    const setup: WorkerSetup = {
      store: store.share(),
      images: { data: images, labels, count },
      ...(calibration === undefined ? {} : { calibration }),
      bn: this.bn,
      batchSize: this.batchSize,
      calibrationBatchSize: positive(options.calibrationBatchSize ?? DEFAULT_CALIBRATION_BATCH_SIZE, 'calibration batch size'),
      ...(options.faults === undefined ? {} : { faults: options.faults, faultCounters: new SharedArrayBuffer(4 * options.faults.length) }),
    };
    const { filename, execArgv } = workerEntry();
    this.pool = new Piscina<EvaluationTask, EvaluationOutcome>({
      filename,
      ...(execArgv === undefined ? {} : { execArgv }),
      minThreads: this.workers,
      maxThreads: this.workers,
      idleTimeout: 2 ** 31 - 1,
      concurrentTasksPerWorker: 1,
      workerData: setup,
    });
    const signal = options.signal;
    if (signal !== undefined) {
      const onAbort = () => void this.stop(signal.reason instanceof Error ? signal.reason : new Interrupted('SIGINT'));
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    }
  }

  /** Cache key: fp32 / split 0 / split L evaluate the unchanged whole net; a bottleneck adds its width. */
  key(q: SubnetQuery): string {
    const c = q.bottleneck ?? 0;
    if (c > 0) return `${q.architecture.join(',')}|${q.split}|int8|${c}`;
    const whole = q.precision === 'fp32' || q.split === 0 || q.split === this.layers;
    return `${q.architecture.join(',')}|${whole ? 'whole' : `${q.split}|${q.precision}`}`;
  }

  async accuracy(queries: readonly SubnetQuery[]): Promise<AccuracyResult[]> {
    if (this.stopReason !== undefined) throw this.stopReason;
    queries.forEach((q) => this.checkQuery(q));
    this.stats.queries += queries.length;
    const fresh = new Set<string>();
    for (const q of queries) {
      const k = this.key(q);
      if (!this.cache.has(k) && !fresh.has(k)) fresh.add(k);
    }
    const chunks = this.chunksFor(fresh.size, this.imageCount);
    const results: Promise<AccuracyResult>[] = [];
    for (const q of queries) {
      const k = this.key(q);
      let r = this.cache.get(k);
      if (r === undefined) {
        r = this.evaluate(q, chunks);
        this.cache.set(k, r);
        // A failure is not cached: a later identical query tries again.
        const key = k;
        void r.then(
          (res) => {
            if (res.failure !== undefined) this.cache.delete(key);
          },
          () => this.cache.delete(key),
        );
      } else {
        this.stats.cacheHits++;
      }
      results.push(r);
    }
    return Promise.all(results);
  }

  /**
   * Correct-counts of queries on image ranges [start, end) of this oracle's images (any range;
   * not cached: the caller keeps what it has measured). Ranges are evaluated on the fixed batch
   * grid, so the count of [a, c) is the count of [a, b) plus that of [b, c) for any b.
   */
  async count(queries: readonly RangeQuery[]): Promise<RangeCount[]> {
    if (this.stopReason !== undefined) throw this.stopReason;
    queries.forEach((q) => {
      this.checkQuery(q);
      if (!(Number.isInteger(q.start) && Number.isInteger(q.end) && q.start >= 0 && q.start <= q.end && q.end <= this.imageCount)) {
        throw new InputError(`image range ${q.start}..${q.end} is outside 0..${this.imageCount}`);
      }
    });
    const chunks = this.chunksFor(queries.length, Math.max(0, ...queries.map((q) => q.end - q.start)));
    return Promise.all(
      queries.map(async (q) => {
        const r = await this.measure(q, q.start, q.end, chunks);
        return r.failure === undefined ? { correct: r.correct, images: r.images } : { correct: 0, images: 0, failure: r.failure };
      }),
    );
  }

  /**
   * Stops taking work: queued tasks are rejected with `reason` (and so are later queries), the
   * running ones finish. Resolves when no task runs. The first reason stays.
   */
  stop(reason: Error): Promise<void> {
    if (this.stopReason === undefined) {
      this.stopReason = reason;
      for (const q of this.queued.splice(0)) q.reject(reason);
    }
    return this.running === 0 ? Promise.resolve() : new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops (see stop()), waits for the running tasks, then ends the worker threads. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.stop(new Error('the accuracy pool is closed'));
      await this.pool.destroy();
    })();
    return this.closing;
  }

  /** Waits for a free worker (FIFO), so Piscina never holds a task this oracle cannot withdraw. */
  private acquire(): Promise<void> {
    if (this.stopReason !== undefined) return Promise.reject(this.stopReason);
    if (this.running < this.workers) {
      this.running++;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => this.queued.push({ resolve, reject }));
  }

  private releaseSlot(): void {
    const next = this.stopReason === undefined ? this.queued.shift() : undefined;
    if (next !== undefined) {
      next.resolve(); // the slot passes on: `running` stays
      return;
    }
    this.running--;
    if (this.running === 0) for (const w of this.idleWaiters.splice(0)) w();
  }

  /** Ranges per query: queries are cut only when they are too few to occupy every worker. */
  private chunksFor(fresh: number, images: number): number {
    const batches = Math.max(1, Math.ceil(images / this.batchSize));
    return fresh === 0 || !this.splitQueries ? 1 : Math.min(batches, Math.max(1, Math.ceil(this.workers / fresh)));
  }

  private async evaluate(q: SubnetQuery, chunks: number): Promise<AccuracyResult> {
    const r = await this.measure(q, 0, this.imageCount, chunks);
    if (r.failure !== undefined) {
      this.stats.failed++;
      return { accuracy: Number.NaN, images: this.imageCount, failure: r.failure };
    }
    this.stats.evaluated++;
    return { accuracy: this.imageCount === 0 ? Number.NaN : r.correct / this.imageCount, images: this.imageCount };
  }

  /** One query on [start, end), cut into `chunks` ranges on the batch grid; BN statistics from the cache or recalibrated once. */
  private async measure(q: SubnetQuery, start: number, end: number, chunks: number): Promise<{ correct: number; images: number; failure?: string }> {
    const c = q.bottleneck ?? 0;
    const whole = c === 0 && (q.precision === 'fp32' || q.split === 0 || q.split === this.layers);
    const precision: PayloadPrecision = whole ? 'fp32' : q.precision;
    const split = whole ? 0 : q.split;
    const architecture = [...q.architecture];
    const bottleneck = c > 0 ? { bottleneck: c } : {};
    const ranges = imageRanges(end - start, this.batchSize, chunks, start);
    let statistics: BnStatistics | undefined;
    if (this.bn === 'recalibrate') {
      const key = architecture.join(',');
      let pending = this.statistics.get(key);
      if (pending !== undefined) {
        this.statistics.delete(key); // most recently used last
        this.statistics.set(key, pending);
      } else if (ranges.length === 1) {
        // One task: it recalibrates, evaluates, and hands the statistics back for later tasks.
        const [[a, b]] = ranges as [[number, number]];
        let settle: (s: BnStatistics | undefined) => void = () => {};
        this.remember(key, new Promise<BnStatistics | undefined>((resolve) => (settle = resolve)));
        let o: EvaluationOutcome | { error: string } | undefined;
        try {
          o = await this.runWithRetries({ architecture, split, precision, ...bottleneck, start: a, end: b });
        } finally {
          settle(o === undefined || 'error' in o ? undefined : o.statistics); // a stopped pool settles it too
        }
        return this.sum([o]);
      } else {
        // Several ranges: recalibrate once, then run the ranges in parallel with the statistics.
        pending = this.remember(
          key,
          this.runWithRetries({ architecture, split, precision, start: 0, end: 0 }).then((o) => {
            if ('error' in o) throw new Error(o.error);
            this.account(o);
            return o.statistics;
          }),
        );
      }
      try {
        statistics = await pending;
      } catch (e) {
        return { correct: 0, images: 0, failure: e instanceof Error ? e.message : String(e) };
      }
    }
    const outcomes = await Promise.all(
      ranges.map(([a, b]) => this.runWithRetries({ architecture, split, precision, ...bottleneck, start: a, end: b, ...(statistics === undefined ? {} : { statistics }) })),
    );
    return this.sum(outcomes);
  }

  /** Keeps the statistics an architecture's recalibration will give (dropped if it fails), evicting the least recently used. */
  private remember(key: string, p: Promise<BnStatistics | undefined>): Promise<BnStatistics> {
    const kept = p.then((s) => {
      if (s === undefined) throw new Error('BN recalibration failed');
      return s;
    });
    kept.catch(() => {
      if (this.statistics.get(key) === kept) this.statistics.delete(key);
    });
    this.statistics.set(key, kept);
    while (this.statistics.size > STATISTICS_CACHE_SIZE) this.statistics.delete(this.statistics.keys().next().value as string);
    return kept;
  }

  private sum(outcomes: readonly (EvaluationOutcome | { error: string })[]): { correct: number; images: number; failure?: string } {
    const failure = outcomes.find((o): o is { error: string } => 'error' in o);
    if (failure !== undefined) return { correct: 0, images: 0, failure: failure.error };
    let correct = 0;
    let images = 0;
    for (const o of outcomes as EvaluationOutcome[]) {
      correct += o.correct;
      images += o.images;
      this.account(o);
    }
    return { correct, images };
  }

  private account(o: EvaluationOutcome): void {
    this.stats.images += o.images;
    if (o.statistics !== undefined) this.stats.calibrations++;
    this.stats.calibrateMs += o.calibrateMs;
    this.stats.buildMs += o.buildMs;
    this.stats.sessionMs += o.sessionMs;
    this.stats.runMs += o.runMs;
  }

  private async runWithRetries(task: EvaluationTask): Promise<EvaluationOutcome | { error: string }> {
    let last = '';
    for (let attempt = 0; attempt <= this.retries; attempt++) {
      if (attempt > 0) this.stats.retries++;
      await this.acquire(); // rejects once stopped: a stop is not a task failure to retry
      try {
        return await this.pool.run(task);
      } catch (e) {
        last = e instanceof Error ? e.message : String(e);
      } finally {
        this.releaseSlot();
      }
    }
    return { error: `failed after ${this.retries + 1} attempts: ${last}` };
  }
}

/**
 * `count` images from `offset`, cut into [start, end) ranges of about equal size whose inner
 * boundaries are multiples of the batch size (so each range starts on the fixed batch grid
 * whenever `offset` does).
 */
export function imageRanges(count: number, batchSize: number, chunks: number, offset = 0): [number, number][] {
  const end = offset + count;
  const first = Math.floor(offset / batchSize);
  const batches = Math.max(1, Math.ceil(end / batchSize) - first);
  const n = Math.max(1, Math.min(chunks, batches));
  const ranges: [number, number][] = [];
  for (let k = 0; k < n; k++) {
    const a = k === 0 ? offset : Math.min(end, (first + Math.round((k * batches) / n)) * batchSize);
    const b = k === n - 1 ? end : Math.min(end, (first + Math.round(((k + 1) * batches) / n)) * batchSize);
    ranges.push([a, b]);
  }
  return ranges;
}

/** The worker file beside this module: `.ts` under tsx (needs the tsx loader), `.js` when built. */
export function workerEntry(): { filename: string; execArgv?: string[] } {
  const here = fileURLToPath(import.meta.url);
  const ext = path.extname(here);
  const filename = path.join(path.dirname(here), `evaluate_worker${ext}`);
  // tsx resolved from here, not from the working directory: the CLI may run from anywhere.
  return ext === '.ts' ? { filename, execArgv: ['--import', import.meta.resolve('tsx')] } : { filename };
}

function sharedFloat(pixels: Uint8Array, normalization: Parameters<typeof toFloatBatch>[1]): SharedArrayBuffer {
  const n = pixels.length / CIFAR10_IMAGE_BYTES;
  const buffer = new SharedArrayBuffer(pixels.length * 4);
  toFloatBatch(pixels, normalization, 0, n, new Float32Array(buffer));
  return buffer;
}

function positive(n: number, what: string): number {
  if (!Number.isInteger(n) || n < 1) throw new InputError(`${what} must be a positive integer, got ${n}`);
  return n;
}
