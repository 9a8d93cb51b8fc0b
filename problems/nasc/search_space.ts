/**
 * The NASC genome over the FBNet space (fbnet_space.ts, re-exported here): 22 categorical layer genes, the split point and, when the scenario leaves it open,
 * the precision of the tensor sent at the split; in the extended space also the width level of
 * a learned bottleneck at the split (bottleneck.ts).
 */
import { InputError } from '../../core/errors.js';
import { SearchSpace } from '../../core/space.js';
import { categorical, integer, type Genome, type Variable } from '../../core/variables.js';
import { PAYLOAD_PRECISIONS, type PayloadPrecision } from './accuracy_oracle.js';
import { BOTTLENECK_LEVELS, levelOfWidth, type BottleneckSet } from './bottleneck.js';
import { CANDIDATES, CANDIDATE_NAMES, MAX_SPLIT, NUM_LAYERS } from './fbnet_space.js';

export * from './fbnet_space.js';

// ---------------------------------------------------------------------------------------------
// Genome

/** How the split appears in the genome: an ordinal integer gene, a categorical gene, or fixed. */
export type SplitGene = 'integer' | 'categorical' | { readonly fixed: number };

export interface GenomeLayout {
  readonly split: SplitGene;
  /** A fixed payload precision, or 'search' to add a categorical precision gene. */
  readonly precision: PayloadPrecision | 'search';
  /**
   * Extended space: the trained bottlenecks; adds a width-level gene 0..4 (none, C/2 … C/16)
   * after the split and precision genes. A level not trained at the genome's split means none.
   */
  readonly bottleneck?: BottleneckSet;
}

export interface DecodedGenome {
  /** 22 candidate indices. */
  readonly architecture: readonly number[];
  readonly split: number;
  /** The payload's precision; 'int8' whenever a bottleneck is used. */
  readonly precision: PayloadPrecision;
  /** Width c of the learned bottleneck at the split (0 or absent: none). */
  readonly bottleneck?: number;
}

export const SPLIT_GENE = 'split';
export const PRECISION_GENE = 'precision';
export const BOTTLENECK_GENE = 'bottleneck';

export function layerGeneName(i: number): string {
  return `layer${i}`;
}

export function nascVariables(layout: GenomeLayout): Variable[] {
  checkLayout(layout);
  const vars: Variable[] = [];
  for (let i = 0; i < NUM_LAYERS; i++) vars.push(categorical(layerGeneName(i), CANDIDATE_NAMES));
  if (layout.split === 'integer') vars.push(integer(SPLIT_GENE, 0, MAX_SPLIT));
  else if (layout.split === 'categorical') vars.push(categorical(SPLIT_GENE, Array.from({ length: MAX_SPLIT + 1 }, (_, s) => String(s))));
  if (layout.precision === 'search') vars.push(categorical(PRECISION_GENE, PAYLOAD_PRECISIONS));
  if (layout.bottleneck !== undefined) vars.push(integer(BOTTLENECK_GENE, 0, BOTTLENECK_LEVELS - 1));
  return vars;
}

/** The SearchSpace of a NASC genome with this layout. */
export function nascSearchSpace(layout: GenomeLayout): SearchSpace {
  return new SearchSpace(nascVariables(layout));
}

/** Position of the split gene, or -1 when the split is fixed. Categorical and integer genes both hold s itself. */
export function splitGeneIndex(layout: GenomeLayout): number {
  return typeof layout.split === 'object' ? -1 : NUM_LAYERS;
}

/** Position of the precision gene, or -1 when the precision is fixed. */
export function precisionGeneIndex(layout: GenomeLayout): number {
  if (layout.precision !== 'search') return -1;
  return NUM_LAYERS + (typeof layout.split === 'object' ? 0 : 1);
}

/** Position of the bottleneck width-level gene (the last one), or -1 outside the extended space. */
export function bottleneckGeneIndex(layout: GenomeLayout): number {
  return layout.bottleneck === undefined ? -1 : genomeLength(layout) - 1;
}

export function genomeLength(layout: GenomeLayout): number {
  return NUM_LAYERS + (typeof layout.split === 'object' ? 0 : 1) + (layout.precision === 'search' ? 1 : 0) + (layout.bottleneck === undefined ? 0 : 1);
}

export function decodeGenome(layout: GenomeLayout, genome: Genome): DecodedGenome {
  const n = genomeLength(layout);
  if (genome.length !== n) throw new InputError(`nasc genome has ${genome.length} genes, expected ${n}`);
  const architecture = genome.slice(0, NUM_LAYERS);
  checkArchitecture(architecture);
  const si = splitGeneIndex(layout);
  const split = typeof layout.split === 'object' ? layout.split.fixed : (genome[si] as number);
  checkSplit(split);
  const pi = precisionGeneIndex(layout);
  let precision: PayloadPrecision;
  if (layout.precision === 'search') {
    const p = genome[pi] as number;
    if (!Number.isInteger(p) || p < 0 || p >= PAYLOAD_PRECISIONS.length) throw new InputError(`nasc genome: precision gene ${p} is not in 0..${PAYLOAD_PRECISIONS.length - 1}`);
    precision = PAYLOAD_PRECISIONS[p] as PayloadPrecision;
  } else {
    precision = layout.precision;
  }
  if (layout.bottleneck === undefined) return { architecture, split, precision };
  const level = genome[bottleneckGeneIndex(layout)] as number;
  if (!Number.isInteger(level) || level < 0 || level >= BOTTLENECK_LEVELS) throw new InputError(`nasc genome: bottleneck gene ${level} is not in 0..${BOTTLENECK_LEVELS - 1}`);
  const bottleneck = layout.bottleneck.decodeLevel(split, level);
  return bottleneck > 0 ? { architecture, split, precision: 'int8', bottleneck } : { architecture, split, precision, bottleneck: 0 };
}

export function encodeGenome(layout: GenomeLayout, decoded: DecodedGenome): number[] {
  checkArchitecture(decoded.architecture);
  checkSplit(decoded.split);
  const genes = [...decoded.architecture];
  if (typeof layout.split === 'object') {
    if (decoded.split !== layout.split.fixed) throw new InputError(`nasc genome: split ${decoded.split} differs from the fixed split ${layout.split.fixed}`);
  } else {
    genes.push(decoded.split);
  }
  const width = decoded.bottleneck ?? 0;
  if (layout.precision === 'search') genes.push(PAYLOAD_PRECISIONS.indexOf(decoded.precision));
  else if (decoded.precision !== layout.precision && width === 0) throw new InputError(`nasc genome: precision ${decoded.precision} differs from the fixed precision ${layout.precision}`);
  if (layout.bottleneck !== undefined) {
    if (width > 0 && !layout.bottleneck.has(decoded.split, width)) throw new InputError(`nasc genome: no trained bottleneck of width ${width} at split ${decoded.split}`);
    genes.push(levelOfWidth(decoded.split, width));
  } else if (width > 0) {
    throw new InputError('nasc genome: a bottleneck needs the extended space');
  }
  return genes;
}

export function checkArchitecture(arch: readonly number[]): void {
  if (arch.length !== NUM_LAYERS) throw new InputError(`nasc architecture has ${arch.length} layers, expected ${NUM_LAYERS}`);
  arch.forEach((a, i) => {
    if (!Number.isInteger(a) || a < 0 || a >= CANDIDATES.length) {
      throw new InputError(`nasc architecture: layer ${i} = ${a} is not a candidate index 0..${CANDIDATES.length - 1}`);
    }
  });
}

export function checkSplit(s: number): void {
  if (!Number.isInteger(s) || s < 0 || s > MAX_SPLIT) throw new InputError(`nasc split ${s} is not an integer in 0..${MAX_SPLIT}`);
}

function checkLayout(layout: GenomeLayout): void {
  if (typeof layout.split === 'object') checkSplit(layout.split.fixed);
  if (layout.precision !== 'search' && !PAYLOAD_PRECISIONS.includes(layout.precision)) {
    throw new InputError(`nasc precision ${String(layout.precision)} is not one of ${PAYLOAD_PRECISIONS.join(', ')}, search`);
  }
}

/**
 * Parses "a0,…,a21" where each item is a candidate index (0..8) or name (k3_e1 … skip).
 * A single item stands for all 22 layers (e.g. "k5_e6").
 */
export function parseArchitecture(text: string): number[] {
  const items = text.split(',').map((s) => s.trim());
  if (items.length !== 1 && items.length !== NUM_LAYERS) {
    throw new InputError(`architecture "${text}" has ${items.length} items, expected ${NUM_LAYERS} (or one for all layers)`);
  }
  const arch = items.map((item, i) => {
    const byName = CANDIDATE_NAMES.indexOf(item);
    if (byName >= 0) return byName;
    if (/^\d+$/.test(item) && Number(item) < CANDIDATES.length) return Number(item);
    throw new InputError(`architecture item ${i} "${item}" is neither a candidate index 0..${CANDIDATES.length - 1} nor one of ${CANDIDATE_NAMES.join(', ')}`);
  });
  return arch.length === 1 ? Array.from({ length: NUM_LAYERS }, () => arch[0] as number) : arch;
}

export function architectureNames(arch: readonly number[]): string[] {
  return arch.map((a) => CANDIDATE_NAMES[a] ?? String(a));
}
