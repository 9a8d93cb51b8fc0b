/**
 * The contracts of the components a generational algorithm is assembled from (jMetal's
 * component-based design). Implementations live in operators/; core only knows these shapes.
 * Every component that draws random numbers takes the run's Rng as an argument: no component
 * owns random state.
 */
import type { Individual } from './individual.js';
import type { Rng } from './rng.js';
import type { SearchSpace } from './space.js';
import type { Genome, VariableKind } from './variables.js';

/** Shared by every operator: the variable kinds it can handle, checked before a run starts. */
export interface Operator {
  readonly name: string;
  readonly kinds: ReadonlySet<VariableKind>;
}

/** Creates initial genomes. */
export interface Sampling extends Operator {
  sample(space: SearchSpace, count: number, rng: Rng): Genome[];
}

/** Picks parents for mating from the current population. */
export interface Selection {
  readonly name: string;
  select<Info>(population: readonly Individual<Info>[], count: number, rng: Rng): Individual<Info>[];
}

/** Recombines `parents` genomes into `children` genomes. */
export interface Crossover extends Operator {
  readonly parents: number;
  readonly children: number;
  cross(space: SearchSpace, parents: readonly Genome[], rng: Rng): Genome[];
}

/** Perturbs one genome. */
export interface Mutation extends Operator {
  mutate(space: SearchSpace, genome: Genome, rng: Rng): Genome;
}

/** Turns selected parent genomes into offspring genomes (typically crossover then mutation). */
export interface Variation extends Operator {
  /** Parents consumed per call of `vary`. */
  readonly parents: number;
  /** Children produced per call of `vary`. */
  readonly children: number;
  vary(space: SearchSpace, parents: readonly Genome[], rng: Rng): Genome[];
}

/** Maps a genome onto the feasible region of the decision space (e.g. a privacy bound s >= s_min). */
export interface Repair {
  readonly name: string;
  repair(space: SearchSpace, genome: Genome): Genome;
}

/** Chooses the next population from parents and offspring; sets `rank` and `crowding`. */
export interface Survival {
  readonly name: string;
  survive<Info>(candidates: readonly Individual<Info>[], count: number, rng: Rng): Individual<Info>[];
}

/** Decides which candidate genomes are duplicates (of each other or of existing genomes). */
export interface DuplicateElimination {
  readonly name: string;
  /** The candidates that are neither duplicates of an earlier candidate nor of any `existing`. */
  filter(space: SearchSpace, candidates: readonly Genome[], existing: readonly Genome[]): Genome[];
}

/**
 * Chooses which of a pool of new candidate genomes are worth a costly evaluation (e.g. reject
 * provably infeasible ones, or keep those a surrogate predicts to be good). The engine draws
 * `candidatesFor(count)` repaired, de-duplicated candidates and evaluates what `screen` keeps.
 */
export interface Screening {
  readonly name: string;
  /** Pool size the engine should draw to fill `count` places (≥ count). */
  candidatesFor(count: number, phase: 'initial' | 'offspring'): number;
  /**
   * At most `count` genomes of `candidates`, in the order they should be evaluated. It should
   * return min(count, candidates.length) so a run never starves; the population gives context.
   */
  screen<Info>(space: SearchSpace, candidates: readonly Genome[], count: number, population: readonly Individual<Info>[], rng: Rng): Genome[];
  /** Sees every evaluated individual, once, when it is told (a surrogate's training data). */
  observe?<Info>(evaluated: readonly Individual<Info>[]): void;
  /** JSON-safe state, saved with the algorithm's: a screening that learns resumes where it was. */
  saveState?(): unknown;
  loadState?(state: unknown): void;
}
