/**
 * Random damage to a JSON document for fuzzing the readers of nasc's files: a mutation picks a
 * node by index among all nodes (pre-order) and deletes it, swaps its type, puts an
 * out-of-range number there, or truncates an array.
 */
import fc from 'fast-check';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

type Path = (string | number)[];

export function allPaths(v: Json, prefix: Path = []): Path[] {
  const out: Path[] = [prefix];
  if (Array.isArray(v)) v.forEach((x, i) => out.push(...allPaths(x, [...prefix, i])));
  else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) out.push(...allPaths(x, [...prefix, k]));
  return out;
}

export type Mutation =
  | { readonly kind: 'delete'; readonly at: number }
  | { readonly kind: 'replace'; readonly at: number; readonly value: Json }
  | { readonly kind: 'truncate'; readonly at: number; readonly keep: number };

/** Values that break types and ranges: wrong types, negative, fractional, huge, tiny. */
export const hostileValue: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(null, true, false, '', 'abc', '1', [], {}, 0, -1, -0, 0.5, 1.5, 1e308, -1e308, 5e-324, 2 ** 53, 2 ** 32, 4294967296, 1e-320, 'Infinity', 'NaN'),
  fc.integer({ min: -1000, max: 1_000_000 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.string({ maxLength: 8 }),
);

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), value: hostileValue }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat(), keep: fc.nat({ max: 3 }) }),
);

/** A deep copy of `doc` with the mutations applied in order (indices taken modulo the node count). */
export function mutate(doc: Json, mutations: readonly Mutation[]): Json {
  let cur = structuredClone(doc);
  for (const m of mutations) {
    const paths = allPaths(cur);
    const p = paths[m.at % paths.length] as Path;
    if (p.length === 0) {
      if (m.kind === 'replace') cur = m.value;
      continue;
    }
    const parent = get(cur, p.slice(0, -1));
    const key = p[p.length - 1] as string | number;
    if (m.kind === 'delete') {
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else if (parent !== null && typeof parent === 'object') delete (parent as Record<string, Json>)[key as string];
    } else if (m.kind === 'replace') {
      (parent as Record<string | number, Json>)[key] = m.value;
    } else {
      const target = (parent as Record<string | number, Json>)[key];
      if (Array.isArray(target)) target.length = Math.min(target.length, m.keep);
      else (parent as Record<string | number, Json>)[key] = m.keep;
    }
  }
  return cur;
}

function get(v: Json, p: Path): Json {
  let cur: Json = v;
  for (const k of p) cur = (cur as Record<string | number, Json>)[k] as Json;
  return cur;
}
