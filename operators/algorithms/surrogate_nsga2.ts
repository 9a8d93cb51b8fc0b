import type { DuplicateElimination, Repair, Sampling, Selection, Variation } from '../../core/components.js';
import { GenerationalAlgorithm } from '../../core/generational.js';
import type { CheapEvaluation } from '../../core/problem.js';
import type { Rng } from '../../core/rng.js';
import type { SearchSpace } from '../../core/space.js';
import type { Genome } from '../../core/variables.js';
import { defaultDuplicateElimination } from '../duplicates/default_duplicate_elimination.js';
import { UniformSampling } from '../sampling/uniform.js';
import { SurrogateScreening, type SurrogateRecord } from '../screening/surrogate_screening.js';
import { BinaryTournamentSelection } from '../selection/binary_tournament.js';
import type { SurrogateKind } from '../surrogate/surrogate_model.js';
import { RankAndCrowdingSurvival } from '../survival/rank_and_crowding.js';
import { defaultVariation } from '../variation/default_variation.js';

export type { SurrogateRecord };

export interface SurrogateNsga2Options {
  readonly populationSize?: number;
  /** Genomes truly evaluated per generation (default: the population size). */
  readonly offspringSize?: number;
  /** Candidates generated per evaluated offspring, k (default 10, best of 3/5/10 on NAS-Bench-201): k × offspring are screened. */
  readonly candidateFactor?: number;
  /** Predictor (default 'boosted-trees', which ranked best on NAS-Bench-201; see operators/surrogate). */
  readonly surrogate?: SurrogateKind;
  /** Ridge penalty for the ridge predictors (default 1). */
  readonly ridgeLambda?: number;
  /**
   * What the problem knows for free (pass `problem.cheapEvaluate`): known objectives and
   * constraints are used exactly and only the unknown ones are predicted (on NASC: accuracy,
   * while latency and the bound come from the tables). Absent: everything is predicted.
   */
  readonly cheap?: (genome: Genome) => CheapEvaluation;
  /** Fewest evaluated genomes before screening starts (default: the population size). */
  readonly minTrainingSize?: number;
  readonly sampling?: Sampling;
  readonly selection?: Selection;
  readonly variation?: Variation;
  readonly repair?: Repair;
  /** Default: exact/ε duplicate elimination against everything evaluated. */
  readonly duplicates?: DuplicateElimination;
  readonly initialGenomes?: readonly Genome[];
  /** Rounds of mating tried to find enough new candidates (default 100). */
  readonly maxMatingRounds?: number;
}

/**
 * Surrogate-assisted NSGA-II as a recipe: the generational engine with NSGA-II's components
 * (binary tournament, variation, rank-and-crowding survival on true values, duplicates judged
 * against everything evaluated) and a SurrogateScreening that picks, of k × offspring mated
 * candidates, the offspring the predictor ranks best (operators/screening/surrogate_screening.ts).
 * The predictor's held-out rank correlations are reported through `figures()`.
 */
export class SurrogateNsga2<Info = unknown> extends GenerationalAlgorithm<Info> {
  readonly screening: SurrogateScreening;

  constructor(space: SearchSpace, options: SurrogateNsga2Options, rng: Rng) {
    const populationSize = options.populationSize ?? 100;
    const screening = new SurrogateScreening({
      minTrainingSize: options.minTrainingSize ?? populationSize,
      ...(options.candidateFactor === undefined ? {} : { candidateFactor: options.candidateFactor }),
      ...(options.surrogate === undefined ? {} : { surrogate: options.surrogate }),
      ...(options.ridgeLambda === undefined ? {} : { ridgeLambda: options.ridgeLambda }),
      ...(options.cheap === undefined ? {} : { cheap: options.cheap }),
    });
    super(
      'surrogate_nsga2',
      space,
      {
        sampling: options.sampling ?? new UniformSampling(),
        selection: options.selection ?? new BinaryTournamentSelection(),
        variation: options.variation ?? defaultVariation(space),
        survival: new RankAndCrowdingSurvival(),
        duplicates: options.duplicates ?? defaultDuplicateElimination(space),
        screening,
        ...(options.repair === undefined ? {} : { repair: options.repair }),
      },
      {
        populationSize,
        duplicateScope: 'archive',
        ...(options.offspringSize === undefined ? {} : { offspringSize: options.offspringSize }),
        ...(options.initialGenomes === undefined ? {} : { initialGenomes: options.initialGenomes }),
        ...(options.maxMatingRounds === undefined ? {} : { maxMatingRounds: options.maxMatingRounds }),
      },
      rng,
    );
    this.screening = screening;
  }

  /** Held-out rank correlations of the predictor, one record per screened generation. */
  surrogateRecords(): readonly SurrogateRecord[] {
    return this.screening.surrogateRecords();
  }

  /** τ and ρ per predicted target pooled over every screened genome evaluated so far. */
  pooledCorrelation(): { tau: number[]; rho: number[]; count: number } {
    return this.screening.pooledCorrelation();
  }

  /** `surrogateTau<t>`, `surrogateRho<t>`, `surrogateTauPerGeneration<t>` per predicted target (see SurrogateScreening). */
  figures(): Record<string, number> {
    return this.screening.figures();
  }
}

/** Factory in the style of `nsga2(space, options, rng)`. */
export function surrogateNsga2<Info = unknown>(space: SearchSpace, options: SurrogateNsga2Options, rng: Rng): SurrogateNsga2<Info> {
  return new SurrogateNsga2<Info>(space, options, rng);
}
