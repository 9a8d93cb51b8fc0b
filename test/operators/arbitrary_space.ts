/** fast-check generators of random typed search spaces, shared by the operator property tests. */
import fc from 'fast-check';
import { SearchSpace } from '../../core/space.js';
import { binary, categorical, integer, real, VARIABLE_KINDS, type Variable, type VariableKind } from '../../core/variables.js';

export function variableArb(kind: VariableKind, i: number): fc.Arbitrary<Variable> {
  const name = `v${i}`;
  switch (kind) {
    case 'real':
      return fc
        .tuple(fc.double({ min: -100, max: 100, noNaN: true }), fc.double({ min: 1e-3, max: 100, noNaN: true }))
        .map(([lo, w]) => real(name, lo, lo + w));
    case 'integer':
      return fc.tuple(fc.integer({ min: -20, max: 20 }), fc.nat(10)).map(([lo, w]) => integer(name, lo, lo + w));
    case 'categorical':
      return fc.integer({ min: 1, max: 6 }).map((k) => categorical(name, Array.from({ length: k }, (_, j) => `c${j}`)));
    case 'binary':
      return fc.constant(binary(name));
  }
}

export function spaceArb(kinds: readonly VariableKind[] = VARIABLE_KINDS, maxLength = 12): fc.Arbitrary<SearchSpace> {
  return fc
    .array(fc.constantFrom(...kinds), { minLength: 1, maxLength })
    .chain((ks) => fc.tuple(...ks.map((k, i) => variableArb(k, i))))
    .map((vs) => new SearchSpace(vs));
}

export const seedArb = fc.integer({ min: 0, max: 2 ** 31 });
