import type { Evaluation } from './individual.js';
import type { SearchSpace } from './space.js';
import type { Genome } from './variables.js';

/**
 * A multi-objective problem: minimise every objective subject to g_i(x) <= 0.
 * A problem evaluates a batch of genomes and never knows who calls it or where (in-process,
 * worker threads): that is the Evaluator's business.
 */
export interface Problem<Info = unknown> {
  readonly name: string;
  readonly space: SearchSpace;
  readonly objectiveNames: readonly string[];
  readonly constraintNames: readonly string[];
  evaluate(genomes: readonly Genome[]): Evaluation<Info>[] | Promise<Evaluation<Info>[]>;
  /** Reference point for the hypervolume, when the problem has a conventional one. */
  readonly referencePoint?: readonly number[];
  /** Points on the true Pareto front (objective space), when known. */
  trueFront?(points: number): number[][];
  /** Releases resources (worker pools, sessions). */
  close?(): Promise<void>;
  /**
   * What is known of a genome without its costly evaluation (e.g. latency from tables while
   * accuracy needs images); `null` marks an unknown value. Lets screening components reject
   * provably infeasible genomes, or let a surrogate predict only what is unknown.
   */
  cheapEvaluate?(genome: Genome): CheapEvaluation;
}

/** The part of an evaluation a problem knows for free; `null` = unknown until evaluated. */
export interface CheapEvaluation {
  readonly objectives: readonly (number | null)[];
  readonly constraints: readonly (number | null)[];
}

/** Constraint violation Σ max(0, g) over the constraints a cheap evaluation knows (unknown ones count 0). */
export function knownViolation(cheap: CheapEvaluation): number {
  let cv = 0;
  for (const g of cheap.constraints) if (g !== null && g > 0) cv += g;
  return cv;
}

export function objectiveCount(problem: Pick<Problem, 'objectiveNames'>): number {
  return problem.objectiveNames.length;
}
