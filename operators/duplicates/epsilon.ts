import type { DuplicateElimination } from '../../core/components.js';
import type { SearchSpace } from '../../core/space.js';
import type { Genome } from '../../core/variables.js';

/**
 * Duplicates up to a tolerance: two genomes whose largest gene difference is ≤ ε count as the same
 * (pymoo's default elimination, with the max-norm instead of the Euclidean one). Pairwise, so
 * O(n·(n + m)·d) in the worst case; the comparison stops at the first gene that differs, which on
 * real genomes is almost always the first, so a generation of a few hundred costs well under 1 ms.
 */
export class EpsilonDuplicateElimination implements DuplicateElimination {
  readonly name = 'epsilon-duplicates';

  constructor(readonly epsilon = 1e-16) {
    if (!(epsilon >= 0 && Number.isFinite(epsilon))) throw new Error(`${this.name}: epsilon must be finite and >= 0, got ${epsilon}`);
  }

  filter(_space: SearchSpace, candidates: readonly Genome[], existing: readonly Genome[]): Genome[] {
    const out: Genome[] = [];
    for (const g of candidates) {
      if (!this.matchesAny(g, existing) && !this.matchesAny(g, out)) out.push(g);
    }
    return out;
  }

  private matchesAny(g: Genome, others: readonly Genome[]): boolean {
    const eps = this.epsilon;
    const n = g.length;
    outer: for (const o of others) {
      if (o.length !== n) continue;
      for (let i = 0; i < n; i++) {
        // Written so that NaN genes never count as equal.
        if (!(Math.abs((g[i] as number) - (o[i] as number)) <= eps)) continue outer;
      }
      return true;
    }
    return false;
  }
}
