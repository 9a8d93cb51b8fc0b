import type { Rng } from '../../core/rng.js';
import type { SearchSpace } from '../../core/space.js';
import type { Genome } from '../../core/variables.js';
import { BoostedTrees } from './boosted_trees.js';
import { GenomeFeatures } from './features.js';
import { Mlp } from './mlp.js';
import type { Regressor } from './regressor.js';
import { RidgeRegression } from './ridge.js';

/**
 * Which predictor: `ridge` (one-hot, additive), `ridge-pairwise` (one-hot plus pairwise
 * interactions), `boosted-trees` (depth 4, 200 trees, η 0.1), `boosted-stumps` (depth 1), `mlp` (one hidden layer).
 */
export type SurrogateKind = 'ridge' | 'ridge-pairwise' | 'boosted-trees' | 'boosted-stumps' | 'mlp';
export const SURROGATE_KINDS: readonly SurrogateKind[] = ['ridge', 'ridge-pairwise', 'boosted-trees', 'boosted-stumps', 'mlp'];

export interface SurrogateModelOptions {
  readonly kind?: SurrogateKind;
  /** Ridge penalty λ (default 1). */
  readonly lambda?: number;
}

/** Predicts several targets (objectives, constraints) of a genome, one regressor per target. */
export class SurrogateModel {
  readonly kind: SurrogateKind;
  private readonly features: GenomeFeatures;
  private regressors: Regressor[] = [];

  constructor(
    space: SearchSpace,
    private readonly options: SurrogateModelOptions = {},
  ) {
    this.kind = options.kind ?? 'ridge-pairwise';
    this.features = new GenomeFeatures(space, { interactions: this.kind === 'ridge-pairwise' });
  }

  /** Fits on genomes and their targets (targets[i][t]: target t of genome i; all finite). */
  fit(genomes: readonly Genome[], targets: readonly (readonly number[])[], rng: Rng): void {
    if (genomes.length !== targets.length || genomes.length === 0) throw new RangeError(`surrogate needs matching, non-empty data (${genomes.length}/${targets.length})`);
    const x = genomes.map((g) => this.features.encode(g));
    const count = (targets[0] as readonly number[]).length;
    this.regressors = Array.from({ length: count }, (_, t) => {
      const r = this.makeRegressor(rng);
      r.fit(x, targets.map((row) => row[t] as number));
      return r;
    });
  }

  /** Predicted targets of each genome. */
  predict(genomes: readonly Genome[]): number[][] {
    return genomes.map((g) => {
      const x = this.features.encode(g);
      return this.regressors.map((r) => r.predict(x));
    });
  }

  private makeRegressor(rng: Rng): Regressor {
    switch (this.kind) {
      case 'ridge':
      case 'ridge-pairwise':
        return new RidgeRegression({ lambda: this.options.lambda ?? 1 });
      case 'boosted-trees':
        return new BoostedTrees({ depth: 4, trees: 200, learningRate: 0.1 });
      case 'boosted-stumps':
        return new BoostedTrees({ depth: 1, trees: 300 });
      case 'mlp':
        return new Mlp({}, rng.spawn());
    }
  }
}
