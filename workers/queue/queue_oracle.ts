/**
 * `QueueAccuracyOracle`: the AccuracyOracle whose queries are answered by `nasc worker`
 * processes through a BullMQ queue on Redis — the same contract as the local pool, so problems
 * and algorithms do not change.
 *
 * - One job per query; the job id hashes the run, the canonical accuracy key, the image set and
 *   the weight-store sha256 (accuracy_job.ts). Adding an existing id adds nothing, so a retried
 *   or duplicated query is the same job, recorded once; a job completed earlier (a resumed
 *   search, another process of the same run) is answered from Redis, not recomputed.
 * - Results come back in query order whatever the completion order (Promise.all over the
 *   queries), so a search's outcome does not depend on the number of workers.
 * - Completion is watched through QueueEvents; a slow poll of the pending jobs' state covers
 *   events lost to a reconnect or the moment before the event stream was read.
 * - Retries with exponential back-off, and recovery of jobs whose worker died (stalled jobs),
 *   are BullMQ's. A job that still fails is `{accuracy: NaN, failure}` like a failed local query
 *   (not kept: asking again retries it); a job a worker *refused* (other weights or data, invalid
 *   payload) stops the run with an InputError, since no retry can fix a misconfigured fleet.
 */
import { Job, Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import { InputError } from '../../core/errors.js';
import type { AccuracyOracle, AccuracyResult, SubnetQuery } from '../../problems/nasc/accuracy_oracle.js';
import {
  ACCURACY_JOB,
  accuracyJobData,
  accuracyJobId,
  checkRunId,
  DEFAULT_QUEUE_NAME,
  InvalidJobError,
  parseAccuracyResult,
  parseImageSetSpec,
  parseSubnetQuery,
  QUEUE_PREFIX,
  REFUSED,
  type AccuracyJobData,
  type AccuracyJobResult,
  type ImageSetSpec,
} from './accuracy_job.js';
import { connectRedis, parseRedisUrl } from './redis_connection.js';

export interface QueueOracleOptions {
  /** redis://[user:password@]host:port/db or rediss://… (password also from NASC_REDIS_PASSWORD). */
  readonly url: string;
  /** Names the run in job ids: the same run (also resumed) reuses its answers, another run does not. */
  readonly runId: string;
  readonly weightsSha256: string;
  readonly imageSet: ImageSetSpec;
  readonly queueName?: string;
  /** Attempts per job (default 3), first retry after `backoffMs` (default 2 s), doubling. */
  readonly attempts?: number;
  readonly backoffMs?: number;
  /** Period of the state poll that backs up the event stream (default 2 s). */
  readonly pollMs?: number;
  readonly env?: NodeJS.ProcessEnv;
}

export interface QueueOracleStats {
  /** Queries asked (before de-duplication). */
  queries: number;
  /** Jobs answered (by a worker now, or from Redis). */
  evaluated: number;
  /** Of those, already completed in Redis when asked. */
  reused: number;
  /** Jobs that were in Redis as failed and were retried. */
  retried: number;
  failed: number;
  images: number;
}

interface Waiter {
  readonly resolve: (r: AccuracyResult) => void;
  readonly reject: (e: Error) => void;
}

export class QueueAccuracyOracle implements AccuracyOracle {
  readonly name: string;
  readonly stats: QueueOracleStats = { queries: 0, evaluated: 0, reused: 0, retried: 0, failed: 0, images: 0 };
  private readonly answers = new Map<string, Promise<AccuracyResult>>();
  private readonly waiting = new Map<string, Waiter>();
  private readonly poller: NodeJS.Timeout;
  private closed = false;

  private constructor(
    private readonly client: Redis,
    private readonly queue: Queue<AccuracyJobData, AccuracyJobResult>,
    private readonly events: QueueEvents,
    private readonly options: Required<Pick<QueueOracleOptions, 'runId' | 'weightsSha256' | 'imageSet' | 'attempts' | 'backoffMs'>>,
    display: string,
    pollMs: number,
  ) {
    this.name = `queue ${display}`;
    events.on('completed', ({ jobId, returnvalue }) => this.settleCompleted(jobId, returnvalue));
    events.on('failed', ({ jobId }) => {
      if (this.waiting.has(jobId)) void this.check(jobId);
    });
    this.poller = setInterval(() => {
      for (const id of this.waiting.keys()) void this.check(id);
    }, pollMs);
    this.poller.unref();
  }

  /** Connects (an InputError if Redis cannot be reached) and starts listening for results. */
  static async connect(options: QueueOracleOptions): Promise<QueueAccuracyOracle> {
    const target = parseRedisUrl(options.url, options.env);
    let runId: string;
    let imageSet: ImageSetSpec;
    try {
      runId = checkRunId(options.runId);
      imageSet = parseImageSetSpec(options.imageSet);
    } catch (e) {
      throw new InputError(e instanceof Error ? e.message : String(e));
    }
    if (!/^[0-9a-fA-F]{64}$/.test(options.weightsSha256)) throw new InputError('weight-store sha256 must be 64 hex digits');
    const attempts = options.attempts ?? 3;
    const backoffMs = options.backoffMs ?? 2000;
    if (!Number.isInteger(attempts) || attempts < 1) throw new InputError(`attempts must be a positive integer, got ${attempts}`);
    const client = await connectRedis(target);
    const name = options.queueName ?? DEFAULT_QUEUE_NAME;
    const queue = new Queue<AccuracyJobData, AccuracyJobResult>(name, { connection: client, prefix: QUEUE_PREFIX });
    const events = new QueueEvents(name, { connection: client, prefix: QUEUE_PREFIX });
    try {
      await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
    } catch (e) {
      await Promise.allSettled([events.close(), queue.close()]);
      client.disconnect();
      throw new InputError(`cannot use the queue at ${target.display}: ${e instanceof Error ? e.message : String(e)}`);
    }
    return new QueueAccuracyOracle(client, queue, events, { runId, weightsSha256: options.weightsSha256.toLowerCase(), imageSet, attempts, backoffMs }, target.display, options.pollMs ?? 2000);
  }

  get imageCount(): number {
    return this.options.imageSet.count;
  }

  /** The job id a query maps to (tests and tools inspect jobs by it). */
  jobId(q: SubnetQuery): string {
    return accuracyJobId(this.options.runId, q, this.options.imageSet, this.options.weightsSha256);
  }

  async accuracy(queries: readonly SubnetQuery[]): Promise<AccuracyResult[]> {
    if (this.closed) throw new Error(`${this.name}: oracle is closed`);
    const checked = queries.map((q) => {
      try {
        return parseSubnetQuery(q);
      } catch (e) {
        throw new InputError(e instanceof InvalidJobError ? e.message : String(e));
      }
    });
    this.stats.queries += checked.length;
    return Promise.all(checked.map((q) => this.answer(q)));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.poller);
    for (const w of this.waiting.values()) w.reject(new Error(`${this.name}: oracle closed while waiting`));
    this.waiting.clear();
    await Promise.allSettled([this.events.close(), this.queue.close()]);
    this.client.disconnect();
  }

  private answer(q: SubnetQuery): Promise<AccuracyResult> {
    const id = this.jobId(q);
    let a = this.answers.get(id);
    if (a === undefined) {
      a = new Promise<AccuracyResult>((resolve, reject) => this.waiting.set(id, { resolve, reject }));
      this.answers.set(id, a);
      // Failures are not kept: a later identical query retries the job.
      a.then(
        (r) => {
          if (r.failure !== undefined) this.answers.delete(id);
        },
        () => this.answers.delete(id),
      );
      void this.submit(id, q);
    }
    return a;
  }

  private async submit(id: string, q: SubnetQuery): Promise<void> {
    try {
      const data = accuracyJobData(this.options.runId, this.options.weightsSha256, this.options.imageSet, q);
      const before = await Job.fromId<AccuracyJobData, AccuracyJobResult>(this.queue, id);
      const state = before === undefined ? undefined : await before.getState();
      if (before !== undefined && state === 'completed') {
        this.stats.reused++;
        this.settleCompleted(id, before.returnvalue);
        return;
      }
      if (before !== undefined && state === 'failed') {
        // Failed in an earlier attempt of the run (e.g. before the fleet was fixed): try again.
        this.stats.retried++;
        await before.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
      } else if (before === undefined) {
        await this.queue.add(ACCURACY_JOB, data, {
          jobId: id,
          attempts: this.options.attempts,
          backoff: { type: 'exponential', delay: this.options.backoffMs },
          removeOnComplete: false,
          removeOnFail: false,
        });
      }
      // The job may have finished before the event stream was read: look once now.
      await this.check(id);
    } catch (e) {
      this.fail(id, e instanceof Error ? e : new Error(String(e)));
    }
  }

  /** Settles a waiter from the job's state in Redis, if it has finished. */
  private async check(id: string): Promise<void> {
    if (!this.waiting.has(id) || this.closed) return;
    try {
      const job = await Job.fromId<AccuracyJobData, AccuracyJobResult>(this.queue, id);
      if (job === undefined) return;
      const state = await job.getState();
      if (state === 'completed') this.settleCompleted(id, job.returnvalue);
      else if (state === 'failed') this.settleFailed(id, job.failedReason);
    } catch (e) {
      if (!this.closed) this.fail(id, e instanceof Error ? e : new Error(String(e)));
    }
  }

  private settleCompleted(id: string, value: unknown): void {
    const w = this.waiting.get(id);
    if (w === undefined) return;
    this.waiting.delete(id);
    let r: AccuracyJobResult;
    try {
      r = parseAccuracyResult(typeof value === 'string' ? (JSON.parse(value) as unknown) : value, this.options.imageSet.count);
    } catch (e) {
      w.reject(new Error(`job ${id}: ${e instanceof Error ? e.message : String(e)}`));
      return;
    }
    this.stats.evaluated++;
    this.stats.images += r.images;
    w.resolve({ accuracy: r.accuracy, images: r.images });
  }

  private settleFailed(id: string, reason: string): void {
    const w = this.waiting.get(id);
    if (w === undefined) return;
    this.waiting.delete(id);
    this.stats.failed++;
    if (reason.startsWith(REFUSED)) {
      w.reject(new InputError(`a nasc worker refused job ${id.slice(0, 12)}: ${reason.slice(REFUSED.length).trim()}`));
      return;
    }
    w.resolve({ accuracy: Number.NaN, images: this.options.imageSet.count, failure: `queue job ${id.slice(0, 12)} failed: ${reason}` });
  }

  private fail(id: string, e: Error): void {
    const w = this.waiting.get(id);
    if (w === undefined) return;
    this.waiting.delete(id);
    w.reject(e);
  }
}

/** Builds a queue-backed AccuracyOracle from a queue URL and the run's identity. */
export function queueOracle(options: QueueOracleOptions): Promise<QueueAccuracyOracle> {
  return QueueAccuracyOracle.connect(options);
}
