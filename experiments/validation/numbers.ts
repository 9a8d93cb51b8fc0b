/**
 * The numeric rules of nasc's inputs, shared by CLI flags, config.json, checkpoints and scenario
 * files, so a value refused as a flag is refused the same way when it comes back from a file.
 * Each rule says in words what it accepts; `checkNumber` names the input and the value it got.
 */
import { availableParallelism } from 'node:os';
import { InputError } from '../../core/errors.js';

export interface NumberRule {
  readonly accepts: (n: number) => boolean;
  /** What the rule accepts, completing "must be …". */
  readonly text: string;
}

/**
 * Seeds are unsigned 32-bit integers: Rng.fromSeed folds any safe integer, but a seed is also
 * printed, stored and compared, and 2^32 distinct runs are plenty; larger values are almost
 * always typos and once overflowed derived seeds.
 */
export const MAX_SEED = 4294967295;
/** A population beyond this is an allocation failure waiting to happen, not a search. */
export const MAX_POPULATION = 100_000;
/** Evaluations of one run: above this a search would take years. */
export const MAX_EVALUATIONS = 100_000_000;

export const SEED: NumberRule = { accepts: (n) => Number.isSafeInteger(n) && n >= 0 && n <= MAX_SEED, text: `an integer in 0..${MAX_SEED}` };
export const POSITIVE_INTEGER: NumberRule = { accepts: (n) => Number.isSafeInteger(n) && n >= 1, text: 'a positive integer' };
export const NON_NEGATIVE_INTEGER: NumberRule = { accepts: (n) => Number.isSafeInteger(n) && n >= 0, text: 'a non-negative integer' };
export const POSITIVE_NUMBER: NumberRule = { accepts: (n) => Number.isFinite(n) && n > 0, text: 'a positive number' };
export const NON_NEGATIVE_NUMBER: NumberRule = { accepts: (n) => Number.isFinite(n) && n >= 0, text: 'a non-negative number' };
export const POPULATION_SIZE: NumberRule = { accepts: (n) => Number.isSafeInteger(n) && n >= 1 && n <= MAX_POPULATION, text: `an integer in 1..${MAX_POPULATION}` };
export const EVALUATIONS: NumberRule = { accepts: (n) => Number.isSafeInteger(n) && n >= 1 && n <= MAX_EVALUATIONS, text: `an integer in 1..${MAX_EVALUATIONS}` };

export function integerIn(min: number, max: number): NumberRule {
  return { accepts: (n) => Number.isSafeInteger(n) && n >= min && n <= max, text: `an integer in ${min}..${max}` };
}

/**
 * The most worker threads a run may start: twice the cores here (at least 4). Each worker holds
 * an onnxruntime instance and its sessions (≈ 150–300 MB), and the evaluation is CPU-bound, so
 * workers beyond the cores only cost memory (1,000 workers took > 4 GB and finished nothing).
 */
export function maxWorkers(cores = availableParallelism()): number {
  return Math.max(4, 2 * cores);
}

export function workersRule(cores = availableParallelism()): NumberRule {
  const max = maxWorkers(cores);
  return { accepts: (n) => Number.isSafeInteger(n) && n >= 1 && n <= max, text: `an integer in 1..${max} (twice the ${cores} cores here: more workers than cores only cost memory)` };
}

/** A number parsed from a flag or a JSON value; strings only when they are plain decimal numbers. */
export function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(value)) return Number(value);
  return Number.NaN;
}

/** The value as a number the rule accepts, or an InputError "`name` must be …, got …". */
export function checkNumber(value: unknown, rule: NumberRule, name: string): number {
  const n = toNumber(value);
  if (!rule.accepts(n)) throw new InputError(`${name} must be ${rule.text}, got ${describeValue(value)}`);
  return n;
}

/** A short, one-line rendering of a bad value for messages. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 40 ? `${json.slice(0, 40)}…` : json;
}
