import type { DuplicateElimination, Repair, Sampling, Screening, Variation } from '../../core/components.js';
import { GenerationalAlgorithm, type DuplicateScope } from '../../core/generational.js';
import type { Rng } from '../../core/rng.js';
import type { SearchSpace } from '../../core/space.js';
import type { Genome } from '../../core/variables.js';
import { defaultDuplicateElimination } from '../duplicates/default_duplicate_elimination.js';
import { UniformSampling } from '../sampling/uniform.js';
import { BinaryTournamentSelection } from '../selection/binary_tournament.js';
import { RankAndCrowdingSurvival } from '../survival/rank_and_crowding.js';
import { defaultVariation } from '../variation/default_variation.js';

export interface Nsga2Options {
  readonly populationSize?: number;
  readonly offspringSize?: number;
  readonly sampling?: Sampling;
  readonly variation?: Variation;
  readonly repair?: Repair;
  /** `null` switches duplicate elimination off. */
  readonly duplicates?: DuplicateElimination | null;
  readonly duplicateScope?: DuplicateScope;
  readonly initialGenomes?: readonly Genome[];
  /** Which new candidates get evaluated (e.g. feasibility, a surrogate); default all. */
  readonly screening?: Screening;
  /** Name in saved states (default 'nsga2'); recipes built on NSGA-II name themselves. */
  readonly name?: string;
}

/**
 * NSGA-II (Deb et al. 2002) as a recipe: binary tournament on (constraint-domination, rank,
 * crowding), type-dispatched variation, rank-and-crowding survival, duplicate elimination.
 */
export function nsga2<Info = unknown>(space: SearchSpace, options: Nsga2Options, rng: Rng): GenerationalAlgorithm<Info> {
  const duplicates = options.duplicates === null ? undefined : (options.duplicates ?? defaultDuplicateElimination(space));
  return new GenerationalAlgorithm<Info>(
    options.name ?? 'nsga2',
    space,
    {
      sampling: options.sampling ?? new UniformSampling(),
      selection: new BinaryTournamentSelection(),
      variation: options.variation ?? defaultVariation(space),
      survival: new RankAndCrowdingSurvival(),
      ...(options.repair === undefined ? {} : { repair: options.repair }),
      ...(duplicates === undefined ? {} : { duplicates }),
      ...(options.screening === undefined ? {} : { screening: options.screening }),
    },
    {
      populationSize: options.populationSize ?? 100,
      ...(options.offspringSize === undefined ? {} : { offspringSize: options.offspringSize }),
      ...(options.initialGenomes === undefined ? {} : { initialGenomes: options.initialGenomes }),
      ...(options.duplicateScope === undefined ? {} : { duplicateScope: options.duplicateScope }),
    },
    rng,
  );
}
