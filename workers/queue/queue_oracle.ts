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
import { connectRedis, parseRedisUrl, type RedisTarget } from './redis_connection.js';

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

interface Connected {
  readonly client: Redis;
  readonly queue: Queue<AccuracyJobData, AccuracyJobResult>;
  readonly events: QueueEvents;
}

export class QueueAccuracyOracle implements AccuracyOracle {
  readonly name: string;
  readonly stats: QueueOracleStats = { queries: 0, evaluated: 0, reused: 0, retried: 0, failed: 0, images: 0 };
  private readonly answers = new Map<string, Promise<AccuracyResult>>();
  private readonly waiting = new Map<string, Waiter>();
  private readonly target: RedisTarget;
  private readonly queueName: string;
  private readonly runId: string;
  private readonly weightsSha256: string;
  private readonly imageSet: ImageSetSpec;
  private readonly attempts: number;
  private readonly backoffMs: number;
  private readonly pollMs: number;
  private connection: Promise<Connected> | undefined;
  private poller: NodeJS.Timeout | undefined;
  private closed = false;

  /** Checks the options (InputError on bad ones); connects on first use or `ready()`. */
  constructor(options: QueueOracleOptions) {
    this.target = parseRedisUrl(options.url, options.env);
    try {
      this.runId = checkRunId(options.runId);
      this.imageSet = parseImageSetSpec(options.imageSet);
    } catch (e) {
      throw new InputError(e instanceof Error ? e.message : String(e));
    }
    if (!/^[0-9a-fA-F]{64}$/.test(options.weightsSha256)) throw new InputError('weight-store sha256 must be 64 hex digits');
    this.weightsSha256 = options.weightsSha256.toLowerCase();
    this.attempts = options.attempts ?? 3;
    this.backoffMs = options.backoffMs ?? 2000;
    this.pollMs = options.pollMs ?? 2000;
    if (!Number.isInteger(this.attempts) || this.attempts < 1) throw new InputError(`attempts must be a positive integer, got ${this.attempts}`);
    this.queueName = options.queueName ?? DEFAULT_QUEUE_NAME;
    this.name = `queue ${this.target.display}`;
  }

  /** Connects (an InputError if Redis cannot be reached) and starts listening for results. */
  static async connect(options: QueueOracleOptions): Promise<QueueAccuracyOracle> {
    const oracle = new QueueAccuracyOracle(options);
    await oracle.ready();
    return oracle;
  }

  /** Resolves once connected and listening; rejects with an InputError when Redis cannot be used. */
  async ready(): Promise<void> {
    await this.connected();
  }

  private connected(): Promise<Connected> {
    this.connection ??= this.open();
    return this.connection;
  }

  private async open(): Promise<Connected> {
    const client = await connectRedis(this.target);
    const queue = new Queue<AccuracyJobData, AccuracyJobResult>(this.queueName, { connection: client, prefix: QUEUE_PREFIX });
    const events = new QueueEvents(this.queueName, { connection: client, prefix: QUEUE_PREFIX });
    try {
      await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
    } catch (e) {
      await Promise.allSettled([events.close(), queue.close()]);
      client.disconnect();
      throw new InputError(`cannot use the queue at ${this.target.display}: ${e instanceof Error ? e.message : String(e)}`);
    }
    events.on('completed', ({ jobId, returnvalue }) => this.settleCompleted(jobId, returnvalue));
    events.on('failed', ({ jobId }) => {
      if (this.waiting.has(jobId)) void this.check(jobId);
    });
    this.poller = setInterval(() => {
      for (const id of this.waiting.keys()) void this.check(id);
    }, this.pollMs);
    this.poller.unref();
    return { client, queue, events };
  }

  get imageCount(): number {
    return this.imageSet.count;
  }

  /** The job id a query maps to (tests and tools inspect jobs by it). */
  jobId(q: SubnetQuery): string {
    return accuracyJobId(this.runId, q, this.imageSet, this.weightsSha256);
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
    if (this.poller !== undefined) clearInterval(this.poller);
    for (const w of this.waiting.values()) w.reject(new Error(`${this.name}: oracle closed while waiting`));
    this.waiting.clear();
    if (this.connection === undefined) return;
    const c = await this.connection.catch(() => undefined);
    if (c === undefined) return;
    await Promise.allSettled([c.events.close(), c.queue.close()]);
    c.client.disconnect();
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
      const { queue } = await this.connected();
      const data = accuracyJobData(this.runId, this.weightsSha256, this.imageSet, q);
      const before = await finishedJob(queue, id);
      if (before?.state === 'completed') {
        this.stats.reused++;
        this.settleCompleted(id, before.job.returnvalue);
        return;
      }
      if (before?.state === 'failed') {
        // Failed in an earlier attempt of the run (e.g. before the fleet was fixed): try again.
        this.stats.retried++;
        await before.job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
      } else if (before === undefined) {
        await queue.add(ACCURACY_JOB, data, {
          jobId: id,
          attempts: this.attempts,
          backoff: { type: 'exponential', delay: this.backoffMs },
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
      const { queue } = await this.connected();
      const done = await finishedJob(queue, id);
      if (done?.state === 'completed') this.settleCompleted(id, done.job.returnvalue);
      else if (done?.state === 'failed') this.settleFailed(id, done.job.failedReason);
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
      r = parseAccuracyResult(typeof value === 'string' ? (JSON.parse(value) as unknown) : value, this.imageSet.count);
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
    w.resolve({ accuracy: Number.NaN, images: this.imageSet.count, failure: `queue job ${id.slice(0, 12)} failed: ${reason}` });
  }

  private fail(id: string, e: Error): void {
    const w = this.waiting.get(id);
    if (w === undefined) return;
    this.waiting.delete(id);
    w.reject(e);
  }
}

/**
 * A job's state, and for a finished one (completed or failed) the job read *after* the state, so
 * its return value or failure reason is the final one; 'pending' while it waits, runs or is
 * delayed for a retry; undefined when there is no such job.
 */
async function finishedJob(queue: Queue<AccuracyJobData, AccuracyJobResult>, id: string): Promise<{ state: 'completed' | 'failed'; job: Job<AccuracyJobData, AccuracyJobResult> } | { state: 'pending' } | undefined> {
  const state = await queue.getJobState(id);
  if (state === 'unknown') return undefined;
  if (state !== 'completed' && state !== 'failed') return { state: 'pending' };
  const job = await Job.fromId<AccuracyJobData, AccuracyJobResult>(queue, id);
  return job === undefined ? undefined : { state, job };
}

/**
 * A queue-backed AccuracyOracle from a queue URL and the run's identity. Synchronous: options
 * are checked now, the connection is made on the first query (call `ready()` to fail fast on
 * an unreachable Redis before anything is written).
 */
export function queueOracle(options: QueueOracleOptions): QueueAccuracyOracle {
  return new QueueAccuracyOracle(options);
}
