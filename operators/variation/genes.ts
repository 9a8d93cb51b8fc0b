/**
 * Per-space gene tables shared by the operators: which genes an operator may touch (by kind)
 * and every gene's numeric bounds. Operators are called once per mating, so these tables are
 * built once per space and cached instead of being re-derived from `space.variables` each call.
 */
import type { Operator } from '../../core/components.js';
import type { SearchSpace } from '../../core/space.js';
import { geneBounds, VARIABLE_KINDS, type Variable, type VariableKind } from '../../core/variables.js';

export interface GeneBounds {
  readonly lower: Float64Array;
  readonly upper: Float64Array;
}

const boundsCache = new WeakMap<SearchSpace, GeneBounds>();
const indexCache = new WeakMap<SearchSpace, Map<string, readonly number[]>>();

/** Lower and upper bound of every gene (categoricals 0..k-1, binaries 0..1). */
export function boundsOf(space: SearchSpace): GeneBounds {
  let b = boundsCache.get(space);
  if (b === undefined) {
    const n = space.size;
    const lower = new Float64Array(n);
    const upper = new Float64Array(n);
    space.variables.forEach((v, i) => {
      [lower[i], upper[i]] = geneBounds(v);
    });
    b = { lower, upper };
    boundsCache.set(space, b);
  }
  return b;
}

/** Indices of the genes whose kind is in `kinds`, in genome order. */
export function genesOfKinds(space: SearchSpace, kinds: ReadonlySet<VariableKind>): readonly number[] {
  let byKinds = indexCache.get(space);
  if (byKinds === undefined) {
    byKinds = new Map();
    indexCache.set(space, byKinds);
  }
  const key = VARIABLE_KINDS.filter((k) => kinds.has(k)).join('|');
  let idx = byKinds.get(key);
  if (idx === undefined) {
    const out: number[] = [];
    space.variables.forEach((v, i) => {
      if (kinds.has(v.kind)) out.push(i);
    });
    idx = out;
    byKinds.set(key, idx);
  }
  return idx;
}

/**
 * The kinds an operator instance works on: `requested` (a subset of what it supports, used to
 * restrict e.g. SBX to the real genes of a mixed genome) or, by default, everything it supports.
 */
export function operatorKinds(
  name: string,
  supported: readonly VariableKind[],
  requested?: readonly VariableKind[],
): ReadonlySet<VariableKind> {
  if (requested === undefined) return new Set(supported);
  if (requested.length === 0) throw new Error(`${name}: kinds must not be empty`);
  for (const k of requested) {
    if (!supported.includes(k)) {
      throw new Error(`${name} cannot handle ${k} variables (it supports ${supported.join(', ')})`);
    }
  }
  return new Set(requested);
}

/** Throws a one-line error naming the operator and the first variable whose kind it does not accept. */
export function assertAccepts(operator: Operator, space: SearchSpace): void {
  const bad = space.variables.find((v: Variable) => !operator.kinds.has(v.kind));
  if (bad !== undefined) {
    throw new Error(
      `operator ${operator.name} does not accept ${bad.kind} variables (variable ${bad.name}); it accepts ${[...operator.kinds].join(', ')}`,
    );
  }
}

export function checkProbability(name: string, what: string, p: number): number {
  if (!(p >= 0 && p <= 1)) throw new Error(`${name}: ${what} must be in [0, 1], got ${p}`);
  return p;
}

export function checkEta(name: string, eta: number): number {
  if (!(Number.isFinite(eta) && eta >= 0)) throw new Error(`${name}: eta must be a finite number >= 0, got ${eta}`);
  return eta;
}

/** What n counts in a mutation's default per-gene probability 1/n. */
export type ProbabilityBase = 'kinds' | 'genome';

/**
 * A mutation's per-gene probability: the fixed `prob` when given, otherwise 1/n with n the number of
 * genes the operator mutates ('kinds') or the whole genome length ('genome', used when several
 * mutations share one genome so that about one gene mutates per child in total).
 */
export function perGeneProbability(prob: number | undefined, base: ProbabilityBase, space: SearchSpace, genes: number): number {
  if (prob !== undefined) return prob;
  const n = base === 'genome' ? space.size : genes;
  return n > 0 ? 1 / n : 0;
}

/**
 * x^n for a real n, by repeated squaring when n is a small non-negative integer (the distribution
 * index η+1 of SBX and PM usually is): Math.pow costs ≈ 100 ns here, the squarings a few.
 */
export function power(x: number, n: number): number {
  if (!(Number.isInteger(n) && n >= 0 && n <= 64)) return Math.pow(x, n);
  let result = 1;
  let base = x;
  let e = n;
  while (e > 0) {
    if (e & 1) result *= base;
    base *= base;
    e >>= 1;
  }
  return result;
}
