import type { Genome } from '../../core/variables.js';

/** The two parents of a 2 → 2 crossover; anything else is a wiring bug worth a loud error. */
export function parentPair(name: string, parents: readonly Genome[]): readonly [Genome, Genome] {
  const [a, b] = parents;
  if (parents.length !== 2 || a === undefined || b === undefined) {
    throw new Error(`${name} needs exactly 2 parents, got ${parents.length}`);
  }
  if (a.length !== b.length) throw new Error(`${name}: parents have ${a.length} and ${b.length} genes`);
  return [a, b];
}

/** Swaps genes `genes[from..to)` between the two children in place. */
export function swapGenes(c1: number[], c2: number[], genes: readonly number[], from: number, to: number): void {
  for (let k = from; k < to; k++) {
    const i = genes[k] as number;
    const t = c1[i] as number;
    c1[i] = c2[i] as number;
    c2[i] = t;
  }
}
