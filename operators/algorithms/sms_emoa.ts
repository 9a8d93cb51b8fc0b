import type { DuplicateElimination, Repair, Sampling, Screening, Selection, Variation } from '../../core/components.js';
import { GenerationalAlgorithm, type DuplicateScope } from '../../core/generational.js';
import type { Rng } from '../../core/rng.js';
import type { SearchSpace } from '../../core/space.js';
import type { Genome } from '../../core/variables.js';
import { defaultDuplicateElimination } from '../duplicates/default_duplicate_elimination.js';
import { UniformSampling } from '../sampling/uniform.js';
import { BinaryTournamentSelection } from '../selection/binary_tournament.js';
import { defaultVariation } from '../variation/default_variation.js';
import { HypervolumeContributionSurvival } from './hypervolume_contribution_survival.js';

export interface SmsEmoaOptions {
  /** μ (default 100). */
  readonly populationSize?: number;
  readonly sampling?: Sampling;
  /** Default: binary tournament on (constraint, rank, hypervolume contribution). */
  readonly selection?: Selection;
  readonly variation?: Variation;
  readonly repair?: Repair;
  /** Which new candidates get evaluated (e.g. feasibility); default all. */
  readonly screening?: Screening;
  /** `null` switches duplicate elimination off. */
  readonly duplicates?: DuplicateElimination | null;
  /**
   * Default 'archive' in a discrete space (a steady-state run revisits genomes often, and each
   * visit would cost an evaluation), 'population' otherwise (ε-comparison against a whole archive
   * is quadratic, and reals rarely repeat).
   */
  readonly duplicateScope?: DuplicateScope;
  readonly initialGenomes?: readonly Genome[];
}

/**
 * SMS-EMOA (Beume, Naujoks, Emmerich 2007) as a recipe: a (μ + 1) steady-state loop — one
 * offspring per generation, then the least hypervolume contributor of the last constrained front
 * is discarded. `generation` counts steady-state steps.
 */
export function smsEmoa<Info = unknown>(space: SearchSpace, options: SmsEmoaOptions, rng: Rng): GenerationalAlgorithm<Info> {
  const duplicates = options.duplicates === null ? undefined : (options.duplicates ?? defaultDuplicateElimination(space));
  return new GenerationalAlgorithm<Info>(
    'sms_emoa',
    space,
    {
      sampling: options.sampling ?? new UniformSampling(),
      selection: options.selection ?? new BinaryTournamentSelection(),
      variation: options.variation ?? defaultVariation(space),
      survival: new HypervolumeContributionSurvival(),
      ...(options.repair === undefined ? {} : { repair: options.repair }),
      ...(duplicates === undefined ? {} : { duplicates }),
      ...(options.screening === undefined ? {} : { screening: options.screening }),
    },
    {
      populationSize: options.populationSize ?? 100,
      offspringSize: 1,
      duplicateScope: options.duplicateScope ?? (space.discrete ? 'archive' : 'population'),
      ...(options.initialGenomes === undefined ? {} : { initialGenomes: options.initialGenomes }),
    },
    rng,
  );
}
