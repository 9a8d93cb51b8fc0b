import type { Evaluation } from './individual.js';
import type { Problem } from './problem.js';
import type { Genome } from './variables.js';

/** Evaluates batches of genomes on a problem. Algorithms never call problems directly. */
export interface Evaluator {
  evaluate<Info>(problem: Problem<Info>, genomes: readonly Genome[]): Promise<Evaluation<Info>[]>;
}

/** Calls the problem in this thread and checks the shape of what comes back. */
export class InProcessEvaluator implements Evaluator {
  async evaluate<Info>(problem: Problem<Info>, genomes: readonly Genome[]): Promise<Evaluation<Info>[]> {
    if (genomes.length === 0) return [];
    const out = await problem.evaluate(genomes);
    if (out.length !== genomes.length) {
      throw new Error(`problem ${problem.name} returned ${out.length} evaluations for ${genomes.length} genomes`);
    }
    const m = problem.objectiveNames.length;
    const c = problem.constraintNames.length;
    for (const e of out) {
      if (e.failure !== undefined) continue;
      if (e.objectives.length !== m || e.constraints.length !== c) {
        throw new Error(`problem ${problem.name} returned ${e.objectives.length} objectives / ${e.constraints.length} constraints, expected ${m} / ${c}`);
      }
    }
    return out;
  }
}
