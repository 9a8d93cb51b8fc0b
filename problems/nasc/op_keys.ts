/**
 * The official HW-NAS-Bench op keys (`HW_metrics["fbnet"]` keys), derived from the space
 * definition rather than read from a precomputed list, so a table for another input size or a
 * local profile keyed the same way plugs in unchanged. H and W are always the op's INPUT size.
 */
import { CANDIDATES, HEAD_CHANNELS, INPUT_SHAPE, STEM_CHANNELS, STEM_KERNEL, type Candidate, type LayerShape, type Shape } from './search_space.js';

export function convBlockKey(layer: LayerShape, kernel: number, expansion: number, groups: number): string {
  const [cin, h, w] = layer.input;
  return `ConvBlock_H${h}_W${w}_Cin${cin}_Cout${layer.output[0]}_exp${expansion}_kernel${kernel}_stride${layer.stride}_group${groups}`;
}

export function skipKey(layer: LayerShape): string {
  const [cin, h, w] = layer.input;
  return `Skip_H${h}_W${w}_Cin${cin}_Cout${layer.output[0]}_stride${layer.stride}`;
}

export function candidateKey(layer: LayerShape, c: Candidate): string {
  return c.kind === 'skip' ? skipKey(layer) : convBlockKey(layer, c.kernel, c.expansion, c.groups);
}

/** The 9 keys of a layer, by candidate index. */
export function layerKeys(layer: LayerShape): string[] {
  return CANDIDATES.map((c) => candidateKey(layer, c));
}

/** Stem: 3×3 conv-BN-ReLU, stride 1, to 16 channels. */
export function stemKey(input: Shape = INPUT_SHAPE): string {
  const [cin, h, w] = input;
  return `ConvNorm_H${h}_W${w}_Cin${cin}_Cout${STEM_CHANNELS}_kernel${STEM_KERNEL}_stride1_group1`;
}

/** Head: 1×1 conv-BN-ReLU to 1504 channels, global average pool, FC to the classes. */
export function headKeys(lastOutput: Shape, numClasses: number): { conv: string; pool: string; fc: string } {
  const [c, h, w] = lastOutput;
  return {
    conv: `ConvNorm_H${h}_W${w}_Cin${c}_Cout${HEAD_CHANNELS}_kernel1_stride1_group1`,
    pool: `AvgP_H${h}_W${w}_Cin${HEAD_CHANNELS}_Cout${HEAD_CHANNELS}_kernel${h}_stride1`,
    fc: `FC_Cin${HEAD_CHANNELS}_Cout${numClasses}`,
  };
}
