import type { Crossover, Mutation, Variation } from '../../core/components.js';
import type { Rng } from '../../core/rng.js';
import type { SearchSpace } from '../../core/space.js';
import type { Genome, VariableKind } from '../../core/variables.js';
import { assertAccepts } from './genes.js';

export interface CrossoverThenMutationOptions {
  /** Check at construction that both operators accept every kind of this space. */
  space?: SearchSpace;
  /** Name shown in logs (default `crossover+mutation`). */
  name?: string;
}

/** The classic GA variation: recombine the parents, then mutate every child. */
export class CrossoverThenMutation implements Variation {
  readonly name: string;
  /** Kinds both operators accept. */
  readonly kinds: ReadonlySet<VariableKind>;
  readonly parents: number;
  readonly children: number;
  /** Spaces already checked, so `vary` validates each space once rather than per mating. */
  private readonly checked = new WeakSet<SearchSpace>();

  constructor(
    readonly crossover: Crossover,
    readonly mutation: Mutation,
    options: CrossoverThenMutationOptions = {},
  ) {
    this.name = options.name ?? `${crossover.name}+${mutation.name}`;
    this.kinds = new Set([...crossover.kinds].filter((k) => mutation.kinds.has(k)));
    this.parents = crossover.parents;
    this.children = crossover.children;
    if (options.space !== undefined) this.check(options.space);
  }

  /** Throws naming the operator and the kind when either operator cannot handle the space. */
  check(space: SearchSpace): void {
    if (this.checked.has(space)) return;
    assertAccepts(this.crossover, space);
    assertAccepts(this.mutation, space);
    this.checked.add(space);
  }

  vary(space: SearchSpace, parents: readonly Genome[], rng: Rng): Genome[] {
    this.check(space);
    return this.crossover.cross(space, parents, rng).map((child) => this.mutation.mutate(space, child, rng));
  }
}
