import type { Mutation, Variation } from '../../core/components.js';
import type { Rng } from '../../core/rng.js';
import type { SearchSpace } from '../../core/space.js';
import type { Genome, VariableKind } from '../../core/variables.js';

/**
 * A variation followed by extra mutations applied to every child — e.g. the usual mixed-variable
 * variation plus a random reset of one gene with its own probability (a split point that must be
 * able to jump anywhere, which step-wise integer operators cannot do).
 */
export class VariationThenMutation implements Variation {
  readonly name: string;
  readonly kinds: ReadonlySet<VariableKind>;
  readonly parents: number;
  readonly children: number;

  constructor(
    readonly variation: Variation,
    readonly mutations: readonly Mutation[],
  ) {
    if (mutations.length === 0) throw new Error('VariationThenMutation needs at least one mutation');
    this.name = `${variation.name}+${mutations.map((m) => m.name).join('+')}`;
    // A gene kind is handled when the variation handles it; the extra mutations touch their own genes only.
    this.kinds = variation.kinds;
    this.parents = variation.parents;
    this.children = variation.children;
  }

  vary(space: SearchSpace, parents: readonly Genome[], rng: Rng): Genome[] {
    let children = this.variation.vary(space, parents, rng);
    for (const m of this.mutations) children = children.map((c) => m.mutate(space, c, rng));
    return children;
  }
}
