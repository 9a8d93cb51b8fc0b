import type { Evaluation, Individual, IndividualJSON } from './individual.js';
import type { RngState } from './rng.js';
import type { Genome } from './variables.js';

/**
 * The ask/tell contract every search strategy implements (Optuna-style): the caller asks for a
 * batch of genomes, evaluates them however it likes, and tells the results back. The whole state
 * is serialisable, so a checkpoint taken after any `tell` resumes into the identical run.
 */
export interface Algorithm<Info = unknown> {
  readonly name: string;
  /**
   * The next batch to evaluate. `limit` caps its size (e.g. what an evaluation budget still
   * allows). An empty batch means the algorithm has nothing new to propose.
   */
  ask(limit?: number): Genome[];
  /** Results for exactly the genomes of the last `ask`, in the same order. */
  tell(genomes: readonly Genome[], evaluations: readonly Evaluation<Info>[]): void;
  /** Generations completed after the initial batch (the initial batch is generation 0). */
  readonly generation: number;
  /** Genomes evaluated so far. */
  readonly evaluations: number;
  /** The current population (or, for model-based strategies, the best individuals kept). */
  population(): readonly Individual<Info>[];
  saveState(): AlgorithmState<Info>;
  /** Restores a state saved by an algorithm built with the same configuration. */
  loadState(state: AlgorithmState<Info>): void;
}

export interface AlgorithmState<Info = unknown> {
  readonly algorithm: string;
  readonly version: 1;
  readonly rng: RngState;
  readonly generation: number;
  readonly evaluations: number;
  readonly population: IndividualJSON<Info>[];
  /** Strategy-specific extra state (e.g. ASNG's distribution), JSON only. */
  readonly extra?: unknown;
}
