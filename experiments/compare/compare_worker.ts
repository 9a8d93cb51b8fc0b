/**
 * Worker-thread entry of `compare`: rebuilds the problem and the strategy from registry names
 * (functions cannot cross threads) and runs one job at a time with the same code as the
 * sequential path, so results do not depend on where a job ran.
 */
import { parentPort } from 'node:worker_threads';
import type { ProblemInstance } from '../plugin_types.js';
import { executeJob } from './compare.js';
import type { CompareRegistry, PlainProblemSettings, RegistryStrategy } from './registry_job.js';
import { problemFromRegistry, strategyFromRegistry } from './registry_job.js';
import type { RunRecord } from './run_strategy.js';

export interface WorkerJob {
  readonly id: number;
  readonly module: string;
  readonly problem: string;
  readonly settings: PlainProblemSettings;
  readonly strategy: RegistryStrategy;
  readonly seed: number;
  readonly evaluations: number;
  readonly checkpoints: readonly number[];
}

export type WorkerReply = { readonly id: number; readonly record: RunRecord } | { readonly id: number; readonly error: string; readonly input: boolean };

let cached: { key: string; instance: ProblemInstance } | undefined;

async function run(job: WorkerJob): Promise<RunRecord> {
  const registry = (await import(job.module)) as CompareRegistry;
  const key = JSON.stringify([job.module, job.problem, job.settings]);
  if (cached?.key !== key) {
    const dir = job.settings.dataDir;
    const instance = problemFromRegistry(registry, job.problem, job.settings, () => {
      if (dir === undefined) throw new Error('no data directory was resolved for the workers');
      return dir;
    });
    cached = { key, instance };
  }
  const spec = strategyFromRegistry(registry, job.strategy, cached.instance);
  return executeJob(cached.instance, spec, job.seed, job.evaluations, job.checkpoints);
}

parentPort?.on('message', (job: WorkerJob) => {
  run(job).then(
    (record) => parentPort?.postMessage({ id: job.id, record } satisfies WorkerReply),
    (e: unknown) =>
      parentPort?.postMessage({
        id: job.id,
        error: e instanceof Error ? (e.stack ?? e.message) : String(e),
        input: e instanceof Error && e.name === 'InputError',
      } satisfies WorkerReply),
  );
});
