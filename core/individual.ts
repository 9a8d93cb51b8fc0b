import type { Genome } from './variables.js';

/**
 * What a problem returns for one genome. Objectives are minimised; constraints follow the
 * convention g_i(x) <= 0 is satisfied. `info` carries problem-specific, JSON-serialisable details
 * (e.g. a latency breakdown) and is typed by the problem, not a string-keyed bag.
 */
export interface Evaluation<Info = unknown> {
  readonly objectives: readonly number[];
  readonly constraints: readonly number[];
  readonly info?: Info;
  /** Set when the evaluation could not be carried out; the individual then counts as infeasible. */
  readonly failure?: string;
}

/** An evaluated genome inside an algorithm. `rank` and `crowding` are set by survival. */
export interface Individual<Info = unknown> {
  readonly genome: Genome;
  readonly objectives: readonly number[];
  readonly constraints: readonly number[];
  /** Constraint violation: sum of max(0, g_i); Infinity for a failed evaluation. */
  readonly cv: number;
  readonly info?: Info;
  readonly failure?: string;
  rank: number;
  crowding: number;
}

export function constraintViolation(constraints: readonly number[]): number {
  let cv = 0;
  for (const g of constraints) {
    if (Number.isNaN(g)) return Infinity;
    if (g > 0) cv += g;
  }
  return cv;
}

export function makeIndividual<Info>(genome: Genome, evaluation: Evaluation<Info>): Individual<Info> {
  const failed = evaluation.failure !== undefined || evaluation.objectives.some((f) => Number.isNaN(f));
  const ind: Individual<Info> = {
    genome: [...genome],
    objectives: failed ? evaluation.objectives.map(() => Infinity) : [...evaluation.objectives],
    constraints: [...evaluation.constraints],
    cv: failed ? Infinity : constraintViolation(evaluation.constraints),
    rank: Number.NaN,
    crowding: Number.NaN,
    ...(evaluation.info === undefined ? {} : { info: evaluation.info }),
    ...(failed ? { failure: evaluation.failure ?? 'objective is NaN' } : {}),
  };
  return ind;
}

export function isFeasible(ind: Pick<Individual, 'cv'>): boolean {
  return ind.cv === 0;
}

/** JSON form of an individual (Infinity is not JSON, so it is written as a string). */
export interface IndividualJSON<Info = unknown> {
  genome: number[];
  objectives: (number | string)[];
  constraints: (number | string)[];
  cv: number | string;
  rank: number | null;
  crowding: number | string | null;
  info?: Info;
  failure?: string;
}

export function encodeNumber(x: number): number | string {
  return Number.isFinite(x) ? x : String(x);
}

export function decodeNumber(x: number | string | null): number {
  if (x === null) return Number.NaN;
  return typeof x === 'number' ? x : Number(x);
}

export function individualToJSON<Info>(ind: Individual<Info>): IndividualJSON<Info> {
  return {
    genome: [...ind.genome],
    objectives: ind.objectives.map(encodeNumber),
    constraints: ind.constraints.map(encodeNumber),
    cv: encodeNumber(ind.cv),
    rank: Number.isNaN(ind.rank) ? null : ind.rank,
    crowding: Number.isNaN(ind.crowding) ? null : encodeNumber(ind.crowding),
    ...(ind.info === undefined ? {} : { info: ind.info }),
    ...(ind.failure === undefined ? {} : { failure: ind.failure }),
  };
}

export function individualFromJSON<Info>(j: IndividualJSON<Info>): Individual<Info> {
  return {
    genome: [...j.genome],
    objectives: j.objectives.map(decodeNumber),
    constraints: j.constraints.map(decodeNumber),
    cv: decodeNumber(j.cv),
    rank: j.rank === null ? Number.NaN : j.rank,
    crowding: decodeNumber(j.crowding),
    ...(j.info === undefined ? {} : { info: j.info }),
    ...(j.failure === undefined ? {} : { failure: j.failure }),
  };
}
