import type { Algorithm } from './algorithm.js';
import { dominates } from './dominance.js';
import { InProcessEvaluator, type Evaluator } from './evaluator.js';
import { makeIndividual, type Individual } from './individual.js';
import type { Problem } from './problem.js';
import type { Progress, Termination } from './termination.js';

export interface GenerationReport<Info> {
  readonly algorithm: Algorithm<Info>;
  readonly progress: Progress;
  /** The individuals evaluated in this step (the initial population at generation 0). */
  readonly evaluated: readonly Individual<Info>[];
}

export interface MinimizeOptions<Info> {
  readonly termination: Termination;
  readonly evaluator?: Evaluator;
  /** Called after every tell, e.g. to record history or write a checkpoint. May be async. */
  readonly onGeneration?: (report: GenerationReport<Info>) => void | Promise<void>;
  /** Milliseconds already spent before a resume, so wall-time budgets span both parts. */
  readonly elapsedOffsetMs?: number;
}

export interface MinimizeResult<Info> {
  readonly population: readonly Individual<Info>[];
  /** Non-dominated feasible members of the final population. */
  readonly front: readonly Individual<Info>[];
  readonly generation: number;
  readonly evaluations: number;
  /** Seconds spent in this call. */
  readonly seconds: number;
  /** Why the loop stopped. */
  readonly stoppedBy: 'termination' | 'exhausted';
}

/**
 * Drives an ask/tell algorithm until the termination says stop. It is nothing but a loop over
 * ask → evaluate → tell, so driving an algorithm by hand gives the same result.
 */
export async function minimize<Info>(problem: Problem<Info>, algorithm: Algorithm<Info>, options: MinimizeOptions<Info>): Promise<MinimizeResult<Info>> {
  const evaluator = options.evaluator ?? new InProcessEvaluator();
  const start = performance.now();
  const offset = options.elapsedOffsetMs ?? 0;
  const progress = (): Progress => ({
    generation: algorithm.generation,
    evaluations: algorithm.evaluations,
    elapsedMs: offset + performance.now() - start,
  });
  let stoppedBy: MinimizeResult<Info>['stoppedBy'] = 'termination';
  const started = () => algorithm.evaluations > 0;
  while (!(started() && options.termination.hasTerminated(progress()))) {
    const limit = options.termination.remainingEvaluations?.(progress()) ?? Infinity;
    const batch = algorithm.ask(limit);
    if (batch.length === 0) {
      algorithm.tell([], []);
      stoppedBy = 'exhausted';
      break;
    }
    const evaluations = await evaluator.evaluate(problem, batch);
    algorithm.tell(batch, evaluations);
    if (options.onGeneration !== undefined) {
      const evaluated = batch.map((g, i) => makeIndividual(g, evaluations[i]!));
      await options.onGeneration({ algorithm, progress: progress(), evaluated });
    }
  }
  const population = algorithm.population();
  return {
    population,
    front: paretoFront(population),
    generation: algorithm.generation,
    evaluations: algorithm.evaluations,
    seconds: (performance.now() - start) / 1000,
    stoppedBy,
  };
}

/** Feasible individuals that no other feasible individual dominates (first of exact duplicates kept once). */
export function paretoFront<Info>(population: readonly Individual<Info>[]): Individual<Info>[] {
  const feasible = population.filter((ind) => ind.cv === 0);
  return feasible.filter((a) => !feasible.some((b) => b !== a && dominates(b.objectives, a.objectives)));
}
