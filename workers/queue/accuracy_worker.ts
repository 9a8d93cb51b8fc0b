/**
 * `AccuracyWorker`: takes accuracy jobs from the queue and answers them with the local
 * Piscina + onnxruntime pool (OnnxAccuracyOracle) — what `nasc worker` runs.
 *
 * - Refuses (BullMQ UnrecoverableError, reason starting with "refused:", recorded on the job) a
 *   job of an unknown kind, an invalid payload, a job id that is not the hash of its payload,
 *   weights it does not hold (by sha256) and images its data cannot reproduce (by sha256).
 * - The evaluation runs on the pool's worker threads; this thread only awaits, so BullMQ keeps
 *   renewing the job's lock however long a subnet takes (a job is never falsely "stalled");
 *   building an image set (reading CIFAR-10, the split) also runs on a thread of its own.
 * - A worker killed mid-job loses its lock; another worker's stalled-job check puts the job back
 *   and it is evaluated again. Evaluation is deterministic and BullMQ completes a job only with
 *   its current lock, so the recorded answer is the same and written once.
 * - One pool per (weights, image set), the most recently used few kept open.
 */
import { availableParallelism, hostname } from 'node:os';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { InputError } from '../../core/errors.js';
import { OnnxAccuracyOracle } from '../accuracy_pool.js';
import { loadWeightStore, type StoreManifest } from '../weight_store.js';
import {
  ACCURACY_JOB,
  accuracyJobId,
  accuracyKey,
  DEFAULT_QUEUE_NAME,
  imageSetId,
  InvalidJobError,
  parseAccuracyJob,
  QUEUE_PREFIX,
  REFUSED,
  type AccuracyJobData,
  type AccuracyJobResult,
  type ImageSetSpec,
} from './accuracy_job.js';
import { buildImageSetOffThread } from './image_set_thread.js';

/** Default lock duration (BullMQ's): a dead worker's job is recovered within about twice this. */
export const DEFAULT_LOCK_MS = 30_000;

export interface AccuracyWorkerOptions {
  readonly connection: Redis;
  /** Weight stores this worker answers for (each read and verified at start). */
  readonly weights: readonly string[];
  readonly dataDir: string;
  readonly queueName?: string;
  /** Pool threads (default: one per core). */
  readonly threads?: number;
  /** Jobs taken at once (default: the number of threads). */
  readonly concurrency?: number;
  /** Job lock duration, also the stalled-job check period (ms). */
  readonly lockMs?: number;
  /** Pools (weights × image set) kept open (default 2: a search's validation and test sets). */
  readonly keepPools?: number;
  /** Recorded on each job it processes (job.processedBy); default host:pid. */
  readonly name?: string;
  readonly log?: (line: string) => void;
}

interface HeldStore {
  readonly file: string;
  readonly manifest: StoreManifest;
}

interface PoolEntry {
  readonly ready: Promise<OnnxAccuracyOracle>;
  active: number;
  lastUsed: number;
}

export interface WorkerStats {
  completed: number;
  refused: number;
  failed: number;
}

export class AccuracyWorker {
  readonly threads: number;
  readonly concurrency: number;
  readonly name: string;
  readonly stats: WorkerStats = { completed: 0, refused: 0, failed: 0 };
  private readonly stores = new Map<string, HeldStore>();
  private readonly pools = new Map<string, PoolEntry>();
  /** Image sets this worker's data cannot give: refused again without re-reading the data. */
  private readonly badSets = new Map<string, string>();
  private readonly worker: Worker<AccuracyJobData, AccuracyJobResult>;
  private readonly log: (line: string) => void;
  private readonly keepPools: number;
  private tick = 0;

  constructor(private readonly options: AccuracyWorkerOptions) {
    if (options.weights.length === 0) throw new InputError('a worker needs at least one weight store (--weights)');
    for (const file of options.weights) {
      const store = loadWeightStore(file);
      this.stores.set(store.manifest.sha256.toLowerCase(), { file, manifest: store.manifest });
    }
    this.threads = options.threads ?? availableParallelism();
    this.concurrency = options.concurrency ?? this.threads;
    this.keepPools = options.keepPools ?? 2;
    this.name = options.name ?? `${hostname()}:${process.pid}`;
    this.log = options.log ?? (() => {});
    const lockMs = options.lockMs ?? DEFAULT_LOCK_MS;
    this.worker = new Worker<AccuracyJobData, AccuracyJobResult>(options.queueName ?? DEFAULT_QUEUE_NAME, (job) => this.process(job), {
      connection: options.connection,
      prefix: QUEUE_PREFIX,
      name: this.name,
      concurrency: this.concurrency,
      lockDuration: lockMs,
      stalledInterval: lockMs,
      // A job whose worker died twice is still retried once more before it counts as failed.
      maxStalledCount: 2,
      autorun: false,
    });
    this.worker.on('error', (e) => this.log(`queue error: ${e.message}`));
  }

  /** sha256 of the stores held. */
  get weightsSha256(): string[] {
    return [...this.stores.keys()];
  }

  /** Starts taking jobs; resolves once the connection is ready. */
  async start(): Promise<void> {
    void this.worker.run().catch((e: unknown) => this.log(`worker stopped: ${e instanceof Error ? e.message : String(e)}`));
    await this.worker.waitUntilReady();
  }

  /** Stops taking jobs, lets the active ones finish, closes the pools. */
  async close(): Promise<void> {
    await this.worker.close();
    await Promise.allSettled([...this.pools.values()].map(async (p) => (await p.ready).close()));
    this.pools.clear();
  }

  private async process(job: Job<AccuracyJobData, AccuracyJobResult>): Promise<AccuracyJobResult> {
    const started = performance.now();
    const short = (job.id ?? '?').slice(0, 12);
    let data: AccuracyJobData;
    try {
      data = this.accept(job);
    } catch (e) {
      throw this.refuse(short, e);
    }
    const held = this.stores.get(data.weightsSha256) as HeldStore;
    const key = `${data.weightsSha256}|${imageSetId(data.imageSet)}`;
    const bad = this.badSets.get(key);
    if (bad !== undefined) throw this.refuse(short, new InputError(bad));
    let entry = this.pools.get(key);
    if (entry === undefined) {
      entry = { ready: this.openPool(held, data.imageSet), active: 0, lastUsed: 0 };
      this.pools.set(key, entry);
    }
    entry.active++;
    entry.lastUsed = ++this.tick;
    let pool: OnnxAccuracyOracle;
    try {
      pool = await entry.ready;
    } catch (e) {
      entry.active--;
      this.pools.delete(key);
      const why = e instanceof Error ? e.message : String(e);
      if (e instanceof InputError) {
        this.badSets.set(key, why);
        throw this.refuse(short, e);
      }
      this.stats.failed++;
      throw new Error(`could not open an evaluation pool: ${why}`);
    }
    try {
      const [r] = await pool.accuracy([data.query]);
      if (r === undefined || r.failure !== undefined || !Number.isFinite(r.accuracy)) {
        this.stats.failed++;
        // A plain error: BullMQ retries it with back-off, on this or another worker.
        throw new Error(r?.failure ?? 'no result');
      }
      this.stats.completed++;
      this.log(`job ${short} run ${data.runId} ${accuracyKey(data.query).replace(/^([^|]{12})[^|]*/, '$1…')} accuracy ${r.accuracy.toFixed(4)} on ${r.images} images (${((performance.now() - started) / 1000).toFixed(2)} s)`);
      return { accuracy: r.accuracy, images: r.images };
    } finally {
      entry.active--;
      this.evict();
    }
  }

  /** The validated payload, or an error saying why this worker will not run it. */
  private accept(job: Job): AccuracyJobData {
    if (job.name !== ACCURACY_JOB) throw new InvalidJobError(`unknown job kind ${JSON.stringify(job.name).slice(0, 60)} (this worker knows ${ACCURACY_JOB})`);
    const data = parseAccuracyJob(job.data);
    const id = accuracyJobId(data.runId, data.query, data.imageSet, data.weightsSha256);
    if (job.id !== id) throw new InvalidJobError(`job id ${String(job.id).slice(0, 16)}… is not the hash of its payload (${id.slice(0, 16)}…)`);
    if (!this.stores.has(data.weightsSha256)) {
      throw new InvalidJobError(`weight store sha256 ${data.weightsSha256.slice(0, 16)}… is not held by this worker (it holds ${this.weightsSha256.map((s) => `${s.slice(0, 16)}…`).join(', ')}); start it with --weights of the search's store`);
    }
    return data;
  }

  private refuse(short: string, e: unknown): UnrecoverableError {
    this.stats.refused++;
    const why = e instanceof Error ? e.message : String(e);
    this.log(`refused job ${short}: ${why}`);
    return new UnrecoverableError(`${REFUSED} ${why}`);
  }

  private async openPool(held: HeldStore, spec: ImageSetSpec): Promise<OnnxAccuracyOracle> {
    const set = await buildImageSetOffThread(spec, this.options.dataDir, held.manifest.split);
    const pool = new OnnxAccuracyOracle({
      weights: held.file,
      images: set.images,
      workers: this.threads,
      batchSize: spec.batchSize,
      bn: spec.bn,
      ...(set.calibration === undefined ? {} : { calibration: set.calibration }),
      // With a job per thread, whole queries keep every thread busy; cutting them would repeat BN recalibration.
      splitQueries: this.concurrency < this.threads,
    });
    if (pool.weightsSha256 !== held.manifest.sha256.toLowerCase()) {
      await pool.close();
      throw new InputError(`weight store ${held.file} changed on disk since the worker started (sha256 now ${pool.weightsSha256.slice(0, 16)}…)`);
    }
    this.log(`opened a pool: ${spec.source} images ×${spec.count}, bn ${spec.bn}${spec.bn === 'recalibrate' ? ` (${spec.calibration})` : ''}, ${this.threads} threads`);
    return pool;
  }

  /** Closes least recently used idle pools beyond `keepPools`. */
  private evict(): void {
    if (this.pools.size <= this.keepPools) return;
    const idle = [...this.pools.entries()].filter(([, p]) => p.active === 0).sort((a, b) => a[1].lastUsed - b[1].lastUsed);
    for (const [key, p] of idle.slice(0, this.pools.size - this.keepPools)) {
      this.pools.delete(key);
      void p.ready.then((o) => o.close(), () => undefined);
    }
  }
}
