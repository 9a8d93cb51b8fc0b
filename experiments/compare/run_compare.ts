import path from 'node:path';
import { InputError } from '../../core/errors.js';
import { parsePluginSpec, splitSpecList } from '../../core/registry.js';
import { resolveDataDir } from '../data/data_dir.js';
import { closeInstance, problemOptionsOf, type ProblemInstance, type ProblemOptions } from '../plugin_types.js';
import { compare, defaultCheckpoints, type CompareResult, type JobRunner } from './compare.js';
import { writeCompareOutputs } from './outputs.js';
import { problemFromRegistry, strategyFromRegistry, type CompareRegistry, type PlainProblemSettings, type RegistryStrategy } from './registry_job.js';
import type { RunRecord } from './run_strategy.js';
import { createWorkerPool } from './worker_pool.js';

export interface CompareArgs extends ProblemOptions {
  readonly problem: string;
  /** Registry names, comma-separated or as a list; each runs with the registry's default settings. */
  readonly strategies: string | readonly string[];
  readonly seeds: number;
  readonly evaluations: number;
  /** Base seed (default 1): the runs use seeds seed, seed + 1, …, seed + seeds − 1. */
  readonly seed?: number;
  /** Population (batch) size passed to every strategy that takes one. */
  readonly pop?: number;
  /** Directory for compare.json, CSV tables and plots. */
  readonly out?: string;
  /** Worker threads (default 1: sequential). Results are the same either way. */
  readonly workers?: number;
  /** Budgets of the "who leads when" table (default ⅓, ⅔, all). */
  readonly reportAt?: readonly number[];
  readonly dataDir?: string;
  /** Called as each run finishes. */
  readonly onRun?: (record: RunRecord, done: number, total: number) => void;
}

/** What `nasc compare --json` prints: the summary without the per-run curves. */
export type CompareReport = Omit<CompareResult, 'runs' | 'curves'> & { readonly files: string[] };

/**
 * `nasc compare` as a library call: every strategy × seed on the same budget of distinct
 * evaluations, indicators over everything each run evaluated, summaries, pairwise Mann–Whitney
 * p-values, and (with `out`) JSON, CSV and plots. Problem and strategies come from `registry`.
 */
export async function runCompare(args: CompareArgs, registry: CompareRegistry): Promise<CompareReport> {
  const names = (typeof args.strategies === 'string' ? splitSpecList(args.strategies) : [...args.strategies]).map((s) => s.trim()).filter((s) => s !== '');
  if (names.length === 0) throw new InputError('--strategies needs at least one strategy name (nasc list algorithms)');
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined) throw new InputError(`--strategies names ${dup} twice`);
  // name or name(key=value,…): an InputError lists the known strategies or parameters.
  const specs = names.map((n) => parsePluginSpec(registry.algorithms, n));
  registry.problems.get(args.problem);
  for (const [flag, v] of [['seeds', args.seeds], ['evaluations', args.evaluations], ['workers', args.workers ?? 1]] as const) {
    if (!Number.isSafeInteger(v) || v < 1) throw new InputError(`--${flag} must be a positive integer, got ${String(v)}`);
  }
  const baseSeed = args.seed ?? 1;
  if (!Number.isSafeInteger(baseSeed)) throw new InputError(`--seed must be an integer, got ${String(args.seed)}`);
  for (const b of args.reportAt ?? []) {
    if (!Number.isSafeInteger(b) || b < 1 || b > args.evaluations) throw new InputError(`report budgets must be integers in 1..${args.evaluations}, got ${b}`);
  }
  const plain: PlainProblemSettings = problemOptionsOf({
    ...args,
    ...(args.weights === undefined ? {} : { weights: path.resolve(args.weights) }),
    ...(args.cacheDir === undefined ? {} : { cacheDir: path.resolve(args.cacheDir) }),
    oracleWorkers: args.oracleWorkers ?? args.workers ?? 1,
  });

  const dataDir = () => resolveDataDir(args.dataDir);
  // Build the problem here first: bad flags fail before any worker starts.
  const instance: ProblemInstance = problemFromRegistry(registry, args.problem, plain, dataDir);
  await instance.ready?.();
  const strategies: RegistryStrategy[] = specs.map((spec) => ({
    label: spec.label,
    algorithm: spec.name,
    settings: { ...(args.pop === undefined ? {} : { populationSize: args.pop }), ...(Object.keys(spec.parameters).length === 0 ? {} : { parameters: spec.parameters }) },
  }));
  const workers = args.workers ?? 1;
  const checkpoints = defaultCheckpoints(args.evaluations);
  let runner: JobRunner | undefined;
  let close: (() => Promise<void>) | undefined;
  if (workers > 1 && instance.runsInProcess !== true) {
    if (registry.module === undefined) throw new InputError('--workers > 1 needs a registry module the workers can import');
    let resolvedDir: string | undefined;
    try {
      resolvedDir = dataDir();
    } catch {
      resolvedDir = undefined; // problems without data never ask for it
    }
    const pool = createWorkerPool({
      workers,
      module: registry.module,
      problem: args.problem,
      settings: { ...plain, ...(resolvedDir === undefined ? {} : { dataDir: resolvedDir }) },
      strategies,
      evaluations: args.evaluations,
      checkpoints,
    });
    runner = pool.runner;
    close = pool.close;
  }
  try {
    const result = await compare({
      problemFactory: () => instance,
      strategies: strategies.map((s) => strategyFromRegistry(registry, s, instance)),
      seeds: args.seeds,
      baseSeed,
      evaluations: args.evaluations,
      checkpoints,
      ...(args.reportAt === undefined ? {} : { reportAt: args.reportAt }),
      ...(runner === undefined ? {} : { runner, concurrency: workers }),
      ...(args.onRun === undefined ? {} : { onRun: args.onRun }),
    });
    const files = args.out === undefined ? [] : writeCompareOutputs(args.out, result);
    const { runs: _runs, curves: _curves, ...summary } = result;
    return { ...summary, files };
  } finally {
    await close?.();
    await closeInstance(instance);
  }
}
