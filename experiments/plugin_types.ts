import type { Algorithm } from '../core/algorithm.js';
import type { Repair } from '../core/components.js';
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
}

const PROBLEM_OPTION_KEYS = ['dataset', 'device', 'variables', 'objectives', 'scenario', 'valImages', 'splitRepair', 'weights'] as const satisfies readonly (keyof ProblemOptions)[];

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
}

export type ProblemFactory = (settings: ProblemSettings) => ProblemInstance;

export interface AlgorithmSettings {
  readonly populationSize?: number;
  readonly offspringSize?: number;
  readonly repair?: Repair;
  readonly initialGenomes?: readonly Genome[];
}

export type AlgorithmFactory = (problem: Problem<unknown>, settings: AlgorithmSettings, rng: Rng) => Algorithm<unknown>;
