import type { Mutation } from '../../core/components.js';
import type { Rng } from '../../core/rng.js';
import type { SearchSpace } from '../../core/space.js';
import type { Genome, VariableKind } from '../../core/variables.js';
import { checkProbability, genesOfKinds, perGeneProbability, type ProbabilityBase } from '../variation/genes.js';

export interface BitFlipMutationOptions {
  /** Per-gene flip probability (default 1/n, see `probBase`). */
  prob?: number;
  /** What n counts in the default 1/n: the binary genes (default) or the whole genome. */
  probBase?: ProbabilityBase;
}

/** Bit-flip mutation (DEAP `mutFlipBit`, pymoo `BitflipMutation`): each binary gene flips with probability p. */
export class BitFlipMutation implements Mutation {
  readonly name = 'bit-flip-mutation';
  readonly kinds: ReadonlySet<VariableKind> = new Set<VariableKind>(['binary']);
  readonly prob: number | undefined;
  readonly probBase: ProbabilityBase;

  constructor(options: BitFlipMutationOptions = {}) {
    this.prob = options.prob === undefined ? undefined : checkProbability(this.name, 'prob', options.prob);
    this.probBase = options.probBase ?? 'kinds';
  }

  mutate(space: SearchSpace, genome: Genome, rng: Rng): Genome {
    const out = genome.slice();
    const genes = genesOfKinds(space, this.kinds);
    if (genes.length === 0) return out;
    const p = perGeneProbability(this.prob, this.probBase, space, genes.length);
    for (const i of genes) {
      if (rng.random() < p) out[i] = out[i] === 1 ? 0 : 1;
    }
    return out;
  }
}
