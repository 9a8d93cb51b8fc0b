import { Worker } from 'node:worker_threads';
import { InputError } from '../../core/errors.js';
import type { CompareJob, JobRunner } from './compare.js';
import type { WorkerJob, WorkerReply } from './compare_worker.js';
import type { PlainProblemSettings, RegistryStrategy } from './registry_job.js';
import type { RunRecord } from './run_strategy.js';

export interface WorkerPoolOptions {
  readonly workers: number;
  /** URL of the registry module the workers import. */
  readonly module: string;
  readonly problem: string;
  readonly settings: PlainProblemSettings;
  readonly strategies: readonly RegistryStrategy[];
  readonly evaluations: number;
  readonly checkpoints: readonly number[];
}

export interface WorkerPool {
  readonly runner: JobRunner;
  close(): Promise<void>;
}

/**
 * The worker: the built `.js` file directly; under tsx (a `.ts` source) a small bootstrap that
 * registers tsx's loader inside the worker first (`execArgv: ['--import', 'tsx']` does not take
 * effect in Node 20 worker threads: the .ts entry fails with ERR_UNKNOWN_FILE_EXTENSION).
 */
function spawnWorker(): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./compare_worker.js', import.meta.url));
  const entry = new URL('./compare_worker.ts', import.meta.url).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  return new Worker(`import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`, { eval: true });
}

/** A fixed pool of worker threads, one job per worker at a time (compare's concurrency should equal `workers`). */
export function createWorkerPool(options: WorkerPoolOptions): WorkerPool {
  const idle: Worker[] = [];
  const all: Worker[] = [];
  const waiting: ((w: Worker) => void)[] = [];
  const pending = new Map<number, { resolve: (r: RunRecord) => void; reject: (e: Error) => void; worker: Worker }>();
  for (let i = 0; i < options.workers; i++) {
    const w = spawnWorker();
    w.on('message', (reply: WorkerReply) => {
      const p = pending.get(reply.id);
      if (p === undefined) return;
      pending.delete(reply.id);
      release(w);
      if ('record' in reply) p.resolve(reply.record);
      else p.reject(reply.input ? new InputError(reply.error.split('\n')[0]?.replace(/^InputError: /, '') ?? reply.error) : new Error(`compare worker: ${reply.error}`));
    });
    w.on('error', (e) => {
      for (const [id, p] of pending) {
        if (p.worker === w) {
          pending.delete(id);
          p.reject(e);
        }
      }
    });
    all.push(w);
    idle.push(w);
  }
  const release = (w: Worker) => {
    const next = waiting.shift();
    if (next !== undefined) next(w);
    else idle.push(w);
  };
  const acquire = (): Promise<Worker> => {
    const w = idle.pop();
    return w !== undefined ? Promise.resolve(w) : new Promise((resolve) => waiting.push(resolve));
  };
  let nextId = 0;
  const runner: JobRunner = async (job: CompareJob) => {
    const worker = await acquire();
    const id = nextId++;
    const message: WorkerJob = {
      id,
      module: options.module,
      problem: options.problem,
      settings: options.settings,
      strategy: options.strategies[job.strategy] as RegistryStrategy,
      seed: job.seed,
      evaluations: options.evaluations,
      checkpoints: options.checkpoints,
    };
    return new Promise<RunRecord>((resolve, reject) => {
      pending.set(id, { resolve, reject, worker });
      worker.postMessage(message);
    });
  };
  return {
    runner,
    close: async () => {
      await Promise.all(all.map((w) => w.terminate()));
    },
  };
}
