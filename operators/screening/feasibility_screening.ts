import type { Screening } from '../../core/components.js';
import type { Individual } from '../../core/individual.js';
import type { Rng } from '../../core/rng.js';
import type { SearchSpace } from '../../core/space.js';
import type { Genome } from '../../core/variables.js';

export interface FeasibilityScreeningOptions {
  /** Constraint violation known without the costly evaluation (0 = not provably infeasible). */
  readonly violation: (genome: Genome) => number;
  /** Candidates drawn per place in the initial population (default 50). */
  readonly initialOversampling?: number;
  /** Candidates drawn per offspring place (default 10). */
  readonly offspringOversampling?: number;
}

/**
 * Evaluates only genomes that are not provably infeasible when the problem knows a constraint
 * for free (latency from tables): under constraint-domination an infeasible genome is ranked by
 * its violation alone, so its costly objective (accuracy, which needs images) buys nothing.
 * From a pool of `oversampling × count` candidates it keeps those with zero known violation in
 * the order they were drawn (so no bias beyond feasibility), and when fewer than `count` are
 * feasible fills up with the least violating ones — a run never starves under a tight bound.
 */
export class FeasibilityScreening implements Screening {
  readonly name = 'feasibility-screening';
  private readonly initialOversampling: number;
  private readonly offspringOversampling: number;

  constructor(private readonly options: FeasibilityScreeningOptions) {
    this.initialOversampling = checkFactor(options.initialOversampling ?? 50, 'initialOversampling');
    this.offspringOversampling = checkFactor(options.offspringOversampling ?? 10, 'offspringOversampling');
  }

  candidatesFor(count: number, phase: 'initial' | 'offspring'): number {
    return count * (phase === 'initial' ? this.initialOversampling : this.offspringOversampling);
  }

  screen<Info>(_space: SearchSpace, candidates: readonly Genome[], count: number, _population: readonly Individual<Info>[], _rng: Rng): Genome[] {
    const scored = candidates.map((genome, order) => ({ genome, order, cv: this.options.violation(genome) }));
    const feasible = scored.filter((c) => c.cv === 0);
    if (feasible.length >= count) return feasible.slice(0, count).map((c) => c.genome);
    const rest = scored.filter((c) => c.cv !== 0).sort((a, b) => a.cv - b.cv || a.order - b.order);
    return [...feasible, ...rest].slice(0, count).map((c) => c.genome);
  }
}

function checkFactor(x: number, what: string): number {
  if (!Number.isSafeInteger(x) || x < 1) throw new Error(`feasibility-screening: ${what} must be an integer >= 1, got ${x}`);
  return x;
}
