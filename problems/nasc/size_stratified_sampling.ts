/**
 * Initial NASC genomes spread over network size. Uniform sampling makes each layer a skip with
 * probability 1/9, so almost every initial network is mid-sized; at 30 ms / 10 Mbit/s those meet
 * the bound mostly when placed at s = 1 (the server runs them), and a population started there
 * can stay there and never find the small late-split networks that are fastest at moderate
 * accuracy (paper-extended-grid-v4, default cell, seed 2). Here each genome first draws its own
 * skip probability p ~ U(0, 1), then every layer is the skip candidate with probability p and a
 * uniformly chosen conv candidate otherwise: network sizes from nearly empty to all-conv are about
 * equally likely (the sandwich idea of BigNAS / Once-for-All applied to the starting population).
 * The split, precision and bottleneck genes stay uniform.
 */
import type { Sampling } from '../../core/components.js';
import type { Rng } from '../../core/rng.js';
import type { SearchSpace } from '../../core/space.js';
import { VARIABLE_KINDS, type Genome, type VariableKind } from '../../core/variables.js';
import { uniformGene } from '../../operators/sampling/uniform.js';
import { CANDIDATE_NAMES, SKIP_INDEX } from './fbnet_space.js';
import { layerGeneName } from './search_space.js';

export class SizeStratifiedSampling implements Sampling {
  readonly name = 'size-stratified-sampling';
  readonly kinds: ReadonlySet<VariableKind> = new Set(VARIABLE_KINDS);

  sample(space: SearchSpace, count: number, rng: Rng): Genome[] {
    const layerGenes = layerGeneIndices(space);
    const convCandidates = CANDIDATE_NAMES.length - 1;
    const out: Genome[] = [];
    for (let i = 0; i < count; i++) {
      const skipProb = rng.uniform(0, 1);
      out.push(
        space.variables.map((v, j) => {
          if (!layerGenes.has(j)) return uniformGene(v, rng);
          if (rng.uniform(0, 1) < skipProb) return SKIP_INDEX;
          const c = rng.index(convCandidates);
          return c >= SKIP_INDEX ? c + 1 : c; // the conv candidates, skipping SKIP_INDEX
        }),
      );
    }
    return out;
  }
}

/** Positions of the 22 layer genes; an error if the space is not a NASC genome. */
function layerGeneIndices(space: SearchSpace): ReadonlySet<number> {
  const found = new Set<number>();
  space.variables.forEach((v, j) => {
    if (v.kind === 'categorical' && /^layer\d+$/.test(v.name) && v.choices.length === CANDIDATE_NAMES.length) found.add(j);
  });
  if (found.size === 0 || !space.variables.some((v) => v.name === layerGeneName(0))) {
    throw new Error('size-stratified sampling needs the NASC genome (layer0 … layer21 genes)');
  }
  return found;
}
