/**
 * Privacy by repair: a split below sMin would send data the device must keep (at s = 0 the raw
 * image), so such a genome is moved to the nearest allowed split, s = sMin. The problem also
 * reports sMin − s as a constraint, so a genome that bypassed the repair is still infeasible.
 */
import type { Repair } from '../../core/components.js';
import type { SearchSpace } from '../../core/space.js';
import type { Genome } from '../../core/variables.js';
import { InputError } from '../../core/errors.js';
import { SPLIT_GENE, checkSplit } from './search_space.js';

export class PrivacyRepair implements Repair {
  readonly name: string;

  constructor(readonly sMin: number) {
    checkSplit(sMin);
    this.name = `privacy-repair(s>=${sMin})`;
  }

  repair(space: SearchSpace, genome: Genome): Genome {
    const i = space.variables.findIndex((v) => v.name === SPLIT_GENE);
    if (i < 0) {
      // A fixed split is checked when the layout is built; nothing to repair in the genome.
      return genome;
    }
    const v = space.variables[i];
    if (v === undefined || (v.kind !== 'integer' && v.kind !== 'categorical')) throw new InputError(`privacy repair: gene ${SPLIT_GENE} is not integer or categorical`);
    // Categorical split genes hold the index of the label String(s), i.e. s itself.
    const s = genome[i] as number;
    if (s >= this.sMin) return genome;
    const out = [...genome];
    out[i] = this.sMin;
    return out;
  }
}
