import type { DuplicateElimination } from '../../core/components.js';
import type { SearchSpace } from '../../core/space.js';
import type { Genome } from '../../core/variables.js';

/**
 * Exact duplicate elimination through `space.key`: O(n + m) with a hash set. Exact equality is the
 * right notion for discrete genomes; for reals it only catches bit-identical copies.
 */
export class HashDuplicateElimination implements DuplicateElimination {
  readonly name = 'hash-duplicates';

  filter(space: SearchSpace, candidates: readonly Genome[], existing: readonly Genome[]): Genome[] {
    const seen = new Set<string>();
    for (const g of existing) seen.add(space.key(g));
    const out: Genome[] = [];
    for (const g of candidates) {
      const k = space.key(g);
      if (seen.has(k)) continue;
      seen.add(k);
      out.push(g);
    }
    return out;
  }
}
