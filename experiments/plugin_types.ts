import type { Algorithm } from '../core/algorithm.js';
import type { Repair, Screening } from '../core/components.js';
import type { PluginParameterValue } from '../core/registry.js';
import type { Individual } from '../core/individual.js';
import type { Problem } from '../core/problem.js';
import type { Rng } from '../core/rng.js';
import type { Genome } from '../core/variables.js';

/** The plain problem options the CLI can pass. Each problem reads only the fields it needs. */
export interface ProblemOptions {
  readonly dataset?: string;
  readonly device?: string;
  /** Number of decision variables, for scalable benchmarks. */
  readonly variables?: number;
  /** Number of objectives, for scalable benchmarks (DTLZ). */
  readonly objectives?: number;
  /** NASC: scenario name or file, validation images per candidate, split repair. */
  readonly scenario?: string;
  readonly valImages?: number;
  readonly splitRepair?: string;
  /** NASC: weight store (default: the shipped one). */
  readonly weights?: string;
  /** NASC: held-out test images each run's reported points are re-measured on (0: none). */
  readonly testImages?: number;
  /** NASC: training images for per-subnet BN recalibration. */
  readonly calibrationImages?: number;
  /** NASC: folder of disk-backed accuracy caches shared by reruns. */
  readonly cacheDir?: string;
  /** NASC: worker threads of the accuracy pool. */
  readonly oracleWorkers?: number;
  /** NASC: measure accuracy on `nasc worker`s through this Redis queue URL (never written to outputs). */
  readonly queue?: string;
}

const PROBLEM_OPTION_KEYS = [
  'dataset',
  'device',
  'variables',
  'objectives',
  'scenario',
  'valImages',
  'splitRepair',
  'weights',
  'testImages',
  'calibrationImages',
  'cacheDir',
  'oracleWorkers',
  'queue',
] as const satisfies readonly (keyof ProblemOptions)[];

/** The problem options of `source` that are set (a flag not given stays absent, not undefined). */
export function problemOptionsOf(source: ProblemOptions): ProblemOptions {
  const out: Partial<Record<keyof ProblemOptions, string | number>> = {};
  for (const k of PROBLEM_OPTION_KEYS) {
    const v = source[k];
    if (v !== undefined) out[k] = v;
  }
  return out as ProblemOptions;
}

/** What a problem factory receives: the options, and the data directory resolved lazily. */
export interface ProblemSettings extends ProblemOptions {
  /** Resolves the data directory lazily, so problems without data never demand one. */
  readonly dataDir: () => string;
}

export interface ProblemInstance<Info = unknown> {
  readonly problem: Problem<Info>;
  /** Problem-specific indicators over everything evaluated (e.g. frontRecall on NAS-Bench-201). */
  indicators?(evaluated: readonly Individual<Info>[]): Record<string, number>;
  /** A repair every strategy must apply (e.g. a privacy bound on the split point). */
  readonly repair?: Repair;
  /** A screening strategies that take one should apply (e.g. rejecting provably infeasible genomes for free). */
  readonly screening?: Screening;
  /**
   * Re-measures what a run selected (its feasible front on the search's data) on held-out data
   * no search saw, so reported numbers are not maxima of noise: held-out indicators (prefixed
   * `test_`) and the points with both measurements.
   */
  heldOut?(evaluated: readonly Individual<Info>[]): Promise<HeldOutReport>;
  /**
   * True when the problem parallelises its own evaluations (e.g. a pool of inference threads), so
   * a comparison runs its jobs one after another in this thread, sharing the problem and its caches.
   */
  readonly runsInProcess?: boolean;
  /** Checks what can only be checked asynchronously (e.g. that a queue's Redis answers) before any run. */
  ready?(): Promise<void>;
  /** Releases what the instance holds (worker pools); default: the problem's own close(). */
  close?(): Promise<void>;
}

/** Closes an instance: its own close(), else its problem's. */
export async function closeInstance(instance: ProblemInstance): Promise<void> {
  if (instance.close !== undefined) await instance.close();
  else await instance.problem.close?.();
}

/** A point a run reports: its genome, its objectives as searched, and re-measured on held-out data. */
export interface HeldOutPoint {
  readonly genome: number[];
  readonly objectives: number[];
  readonly heldOutObjectives: number[];
  /** Problem-specific facts for tables (e.g. split, precision, architecture names). */
  readonly details?: Readonly<Record<string, string | number>>;
}

export interface HeldOutReport {
  readonly indicators: Record<string, number>;
  readonly points: HeldOutPoint[];
}

export type ProblemFactory = (settings: ProblemSettings) => ProblemInstance;

export interface AlgorithmSettings {
  readonly populationSize?: number;
  readonly offspringSize?: number;
  readonly repair?: Repair;
  readonly screening?: Screening;
  readonly initialGenomes?: readonly Genome[];
  /** Values of the parameters the strategy declares (checked against its declaration). */
  readonly parameters?: StrategyParameters;
}

export type StrategyParameters = Readonly<Record<string, PluginParameterValue>>;

export type AlgorithmFactory = (problem: Problem<unknown>, settings: AlgorithmSettings, rng: Rng) => Algorithm<unknown>;
