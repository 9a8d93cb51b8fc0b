import type { SearchSpace } from '../../core/space.js';
import type { Genome, Variable } from '../../core/variables.js';

export interface FeatureOptions {
  /**
   * Add the products of every pair of one-hot blocks (K_i·K_j columns per pair): lets a linear
   * model see that two choices matter together (e.g. NAS-Bench-201 cells whose only path runs
   * through two particular edges). Default false.
   */
  readonly interactions?: boolean;
  /** Integers with at most this many values are one-hot encoded, wider ones scaled (default 32). */
  readonly maxOneHot?: number;
}

interface Block {
  readonly gene: number;
  readonly offset: number;
  /** One-hot with `width` columns, or a single column scaled to [0, 1]. */
  readonly oneHot: boolean;
  readonly width: number;
  readonly lower: number;
  readonly span: number;
}

/**
 * A genome as a numeric feature vector: categoricals (and narrow integers) one-hot, binaries as
 * 0/1, reals and wide integers scaled to [0, 1]; optionally pairwise one-hot interactions.
 */
export class GenomeFeatures {
  readonly size: number;
  private readonly blocks: readonly Block[];
  private readonly pairs: readonly (readonly [Block, Block, number])[];

  constructor(space: SearchSpace, options: FeatureOptions = {}) {
    const maxOneHot = options.maxOneHot ?? 32;
    let offset = 0;
    this.blocks = space.variables.map((v: Variable, gene) => {
      const b = blockOf(v, gene, offset, maxOneHot);
      offset += b.width;
      return b;
    });
    const pairs: [Block, Block, number][] = [];
    if (options.interactions === true) {
      const hot = this.blocks.filter((b) => b.oneHot && b.width > 1);
      for (let i = 0; i < hot.length; i++) {
        for (let j = i + 1; j < hot.length; j++) {
          const a = hot[i] as Block;
          const b = hot[j] as Block;
          pairs.push([a, b, offset]);
          offset += a.width * b.width;
        }
      }
    }
    this.pairs = pairs;
    this.size = offset;
  }

  encode(genome: Genome): Float64Array {
    const x = new Float64Array(this.size);
    for (const b of this.blocks) {
      const g = genome[b.gene] as number;
      if (b.oneHot) x[b.offset + (g - b.lower)] = 1;
      else x[b.offset] = b.span > 0 ? (g - b.lower) / b.span : 0;
    }
    for (const [a, b, offset] of this.pairs) {
      const i = (genome[a.gene] as number) - a.lower;
      const j = (genome[b.gene] as number) - b.lower;
      x[offset + i * b.width + j] = 1;
    }
    return x;
  }
}

function blockOf(v: Variable, gene: number, offset: number, maxOneHot: number): Block {
  switch (v.kind) {
    case 'categorical':
      return { gene, offset, oneHot: true, width: v.choices.length, lower: 0, span: v.choices.length - 1 };
    case 'binary':
      return { gene, offset, oneHot: false, width: 1, lower: 0, span: 1 };
    case 'integer': {
      const k = v.upper - v.lower + 1;
      return k <= maxOneHot ? { gene, offset, oneHot: true, width: k, lower: v.lower, span: k - 1 } : { gene, offset, oneHot: false, width: 1, lower: v.lower, span: v.upper - v.lower };
    }
    case 'real':
      return { gene, offset, oneHot: false, width: 1, lower: v.lower, span: v.upper - v.lower };
  }
}
