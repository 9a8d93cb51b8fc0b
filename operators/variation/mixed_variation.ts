import type { Crossover, Mutation, Variation } from '../../core/components.js';
import type { Rng } from '../../core/rng.js';
import type { SearchSpace } from '../../core/space.js';
import { VARIABLE_KINDS, type Genome, type VariableKind } from '../../core/variables.js';
import { SimulatedBinaryCrossover } from '../crossover/sbx.js';
import { UniformCrossover } from '../crossover/uniform.js';
import { BitFlipMutation } from '../mutation/bit_flip.js';
import { PolynomialMutation } from '../mutation/polynomial.js';
import { RandomResetMutation } from '../mutation/random_reset.js';
import { checkProbability, genesOfKinds } from './genes.js';

export interface VariationOptions {
  /** Probability that a mating recombines at all (default 0.9). */
  crossoverProb?: number;
  /** SBX distribution index η (default 15). */
  crossoverEta?: number;
  /** Polynomial-mutation distribution index η (default 20). */
  mutationEta?: number;
  /** Per-gene mutation probability (default 1/n with n the whole genome length). */
  mutationProb?: number;
}

/**
 * Type-dispatched variation for a mixed genome (pymoo's MixedVariableMating): each kind gets the
 * operators that respect its structure. Reals and integers: SBX then polynomial mutation (both
 * rounding integers); categoricals: uniform crossover then random reset; binaries: uniform crossover
 * then bit flip. Every mutation uses the same per-gene probability, 1/n of the whole genome by
 * default, so a child gets about one mutated gene in total whatever the mix of kinds.
 */
export class MixedVariation implements Variation {
  readonly name = 'mixed-variation';
  readonly kinds: ReadonlySet<VariableKind> = new Set(VARIABLE_KINDS);
  readonly parents = 2;
  readonly children = 2;
  private readonly crossovers: readonly Crossover[];
  private readonly mutations: readonly Mutation[];

  constructor(options: VariationOptions = {}) {
    const prob = options.crossoverProb ?? 0.9;
    const mutationProb = options.mutationProb === undefined ? undefined : checkProbability(this.name, 'mutationProb', options.mutationProb);
    const perGene = mutationProb === undefined ? { probBase: 'genome' as const } : { prob: mutationProb };
    this.crossovers = [
      new SimulatedBinaryCrossover({ prob, kinds: ['real', 'integer'], ...(options.crossoverEta === undefined ? {} : { eta: options.crossoverEta }) }),
      new UniformCrossover({ prob, kinds: ['categorical', 'binary'] }),
    ];
    this.mutations = [
      new PolynomialMutation({ ...perGene, kinds: ['real', 'integer'], ...(options.mutationEta === undefined ? {} : { eta: options.mutationEta }) }),
      new RandomResetMutation({ ...perGene, kinds: ['categorical'] }),
      new BitFlipMutation(perGene),
    ];
  }

  vary(space: SearchSpace, parents: readonly Genome[], rng: Rng): Genome[] {
    // Operators whose kinds are absent from the space are skipped so they draw no random numbers.
    // Every space has some kind, so at least one crossover runs and the children are fresh arrays.
    let children: readonly Genome[] = parents;
    for (const c of this.crossovers) {
      if (genesOfKinds(space, c.kinds).length > 0) children = c.cross(space, children, rng);
    }
    for (const m of this.mutations) {
      if (genesOfKinds(space, m.kinds).length === 0) continue;
      children = children.map((c) => m.mutate(space, c, rng));
    }
    return [...children];
  }
}
