import type { Mutation } from '../../core/components.js';
import type { Rng } from '../../core/rng.js';
import type { SearchSpace } from '../../core/space.js';
import type { Genome, VariableKind } from '../../core/variables.js';
import {
  boundsOf,
  checkProbability,
  genesOfKinds,
  operatorKinds,
  perGeneProbability,
  type ProbabilityBase,
} from '../variation/genes.js';

export interface RandomResetMutationOptions {
  /** Per-gene mutation probability (default 1/n, see `probBase`). */
  prob?: number;
  /** What n counts in the default 1/n: the genes this operator mutates (default) or the whole genome. */
  probBase?: ProbabilityBase;
  /** Restrict to some of the supported kinds (default categorical and integer); other genes pass through. */
  kinds?: readonly ('categorical' | 'integer')[];
  /**
   * Restrict to the genes of these names (e.g. a split point whose neighbours are not similar,
   * so it needs jumps a step-wise mutation cannot make); `prob` then applies to each of them.
   */
  genes?: readonly string[];
}

/**
 * Random reset (pymoo `ChoiceRandomMutation`, DEAP `mutUniformInt`): a mutated gene takes a value
 * drawn uniformly from the OTHER values of its domain, so every mutation really changes the genome
 * (redrawing the same choice would waste an evaluation). Single-valued domains are left alone.
 */
export class RandomResetMutation implements Mutation {
  readonly name = 'random-reset-mutation';
  readonly kinds: ReadonlySet<VariableKind>;
  readonly prob: number | undefined;
  readonly probBase: ProbabilityBase;
  readonly geneNames: readonly string[] | undefined;
  private readonly named = new WeakMap<SearchSpace, readonly number[]>();

  constructor(options: RandomResetMutationOptions = {}) {
    this.kinds = operatorKinds(this.name, ['categorical', 'integer'], options.kinds);
    this.prob = options.prob === undefined ? undefined : checkProbability(this.name, 'prob', options.prob);
    this.probBase = options.probBase ?? 'kinds';
    if (options.genes !== undefined && options.genes.length === 0) throw new Error(`${this.name}: genes must not be empty`);
    this.geneNames = options.genes === undefined ? undefined : [...options.genes];
  }

  mutate(space: SearchSpace, genome: Genome, rng: Rng): Genome {
    const out = genome.slice();
    const genes = this.genesOf(space);
    if (genes.length === 0) return out;
    const p = perGeneProbability(this.prob, this.probBase, space, genes.length);
    const { lower, upper } = boundsOf(space);
    for (const i of genes) {
      if (!(rng.random() < p)) continue;
      const lo = lower[i] as number;
      const hi = upper[i] as number;
      if (lo === hi) continue;
      // Draw from a domain one value short and step over the current value.
      const r = rng.integer(lo, hi - 1);
      out[i] = r >= (out[i] as number) ? r + 1 : r;
    }
    return out;
  }

  /** The genes this operator may touch in `space`: by name when named, else by kind. */
  private genesOf(space: SearchSpace): readonly number[] {
    if (this.geneNames === undefined) return genesOfKinds(space, this.kinds);
    let idx = this.named.get(space);
    if (idx === undefined) {
      idx = this.geneNames.map((name) => {
        const i = space.variables.findIndex((v) => v.name === name);
        const v = space.variables[i];
        if (v === undefined) throw new Error(`${this.name}: the space has no gene named ${name}`);
        if (!this.kinds.has(v.kind)) throw new Error(`${this.name}: gene ${name} is ${v.kind}, not one of ${[...this.kinds].join(', ')}`);
        return i;
      });
      this.named.set(space, idx);
    }
    return idx;
  }
}
