/**
 * Typed decision variables. A genome is a flat array of numbers, one per variable:
 * reals as they are, integers as integral numbers, categoricals as the index of the choice,
 * binaries as 0 or 1. Keeping every gene a number makes genomes cheap to copy, hash and
 * serialise; the variable kinds say how each gene may be varied.
 */
export interface RealVariable {
  readonly kind: 'real';
  readonly name: string;
  readonly lower: number;
  readonly upper: number;
}

export interface IntegerVariable {
  readonly kind: 'integer';
  readonly name: string;
  readonly lower: number;
  readonly upper: number;
}

export interface CategoricalVariable {
  readonly kind: 'categorical';
  readonly name: string;
  /** Labels of the choices; the gene is the index into this list. */
  readonly choices: readonly string[];
}

export interface BinaryVariable {
  readonly kind: 'binary';
  readonly name: string;
}

export type Variable = RealVariable | IntegerVariable | CategoricalVariable | BinaryVariable;
export type VariableKind = Variable['kind'];
export const VARIABLE_KINDS: readonly VariableKind[] = ['real', 'integer', 'categorical', 'binary'];

export type Genome = readonly number[];

export function real(name: string, lower: number, upper: number): RealVariable {
  if (!(Number.isFinite(lower) && Number.isFinite(upper) && lower < upper)) {
    throw new Error(`real variable ${name}: bounds must be finite with lower < upper`);
  }
  return { kind: 'real', name, lower, upper };
}

export function integer(name: string, lower: number, upper: number): IntegerVariable {
  if (!(Number.isSafeInteger(lower) && Number.isSafeInteger(upper) && lower <= upper)) {
    throw new Error(`integer variable ${name}: bounds must be integers with lower <= upper`);
  }
  return { kind: 'integer', name, lower, upper };
}

export function categorical(name: string, choices: readonly string[]): CategoricalVariable {
  if (choices.length === 0) throw new Error(`categorical variable ${name}: no choices`);
  if (new Set(choices).size !== choices.length) throw new Error(`categorical variable ${name}: duplicate choices`);
  return { kind: 'categorical', name, choices: [...choices] };
}

export function binary(name: string): BinaryVariable {
  return { kind: 'binary', name };
}

/** Number of distinct values of a discrete variable (Infinity for reals). */
export function cardinality(v: Variable): number {
  switch (v.kind) {
    case 'real':
      return Infinity;
    case 'integer':
      return v.upper - v.lower + 1;
    case 'categorical':
      return v.choices.length;
    case 'binary':
      return 2;
  }
}

/** Lower and upper bound of a gene's numeric value, for any kind. */
export function geneBounds(v: Variable): [number, number] {
  switch (v.kind) {
    case 'real':
    case 'integer':
      return [v.lower, v.upper];
    case 'categorical':
      return [0, v.choices.length - 1];
    case 'binary':
      return [0, 1];
  }
}

export function isValidGene(v: Variable, x: number): boolean {
  if (!Number.isFinite(x)) return false;
  const [lo, hi] = geneBounds(v);
  if (x < lo || x > hi) return false;
  return v.kind === 'real' || Number.isInteger(x);
}
