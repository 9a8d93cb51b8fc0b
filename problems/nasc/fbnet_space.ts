/**
 * The FBNet search space of HW-NAS-Bench on 32×32 inputs (CIFAR layout): the 9 candidates per
 * layer and the fixed layer shapes. Its own file so that modules the genome needs (bottleneck.ts)
 * can use the shapes without importing the genome.
 */
/** Tensor shape [channels, height, width]. */
export type Shape = readonly [number, number, number];

export interface ConvCandidate {
  readonly kind: 'conv';
  readonly name: string;
  readonly kernel: number;
  readonly expansion: number;
  /** Groups of both 1×1 convs (2 adds a channel shuffle). */
  readonly groups: number;
}

export interface SkipCandidate {
  readonly kind: 'skip';
  readonly name: 'skip';
}

export type Candidate = ConvCandidate | SkipCandidate;

function conv(kernel: number, expansion: number, groups: number): ConvCandidate {
  return { kind: 'conv', name: `k${kernel}_e${expansion}${groups > 1 ? `_g${groups}` : ''}`, kernel, expansion, groups };
}

/** The 9 choices per layer, in HW-NAS-Bench's `op_idx_list` order (gene value = index). */
export const CANDIDATES: readonly Candidate[] = [
  conv(3, 1, 1),
  conv(3, 1, 2),
  conv(3, 3, 1),
  conv(3, 6, 1),
  conv(5, 1, 1),
  conv(5, 1, 2),
  conv(5, 3, 1),
  conv(5, 6, 1),
  { kind: 'skip', name: 'skip' },
];
export const CANDIDATE_NAMES: readonly string[] = CANDIDATES.map((c) => c.name);
export const SKIP_INDEX = 8;

export const NUM_LAYERS = 22;
/** The split runs from 0 (send the image) to NUM_LAYERS (device-only). */
export const MAX_SPLIT = NUM_LAYERS;
export const INPUT_SHAPE: Shape = [3, 32, 32];
export const STEM_CHANNELS = 16;
export const STEM_KERNEL = 3;
export const HEAD_CHANNELS = 1504;
export const STAGE_LAYERS: readonly number[] = [1, 4, 4, 4, 4, 4, 1];
export const STAGE_CHANNELS: readonly number[] = [16, 24, 32, 64, 112, 184, 352];
/** Stride of each stage's first layer; later layers of a stage have stride 1. */
export const STAGE_STRIDES: readonly number[] = [1, 1, 2, 2, 1, 2, 1];

export interface LayerShape {
  readonly index: number;
  readonly stage: number;
  readonly input: Shape;
  readonly output: Shape;
  readonly stride: number;
}

/** Shapes of the 22 searchable layers (independent of the chosen candidates in this space). */
export function layerShapes(input: Shape = INPUT_SHAPE): LayerShape[] {
  const out: LayerShape[] = [];
  // The stem keeps the resolution (3×3, stride 1, pad 1).
  let shape: Shape = [STEM_CHANNELS, input[1], input[2]];
  STAGE_LAYERS.forEach((count, stage) => {
    for (let j = 0; j < count; j++) {
      const stride = j === 0 ? (STAGE_STRIDES[stage] as number) : 1;
      // Padding k//2 with an odd kernel: out = ceil(in / stride).
      const output: Shape = [STAGE_CHANNELS[stage] as number, Math.ceil(shape[1] / stride), Math.ceil(shape[2] / stride)];
      out.push({ index: out.length, stage, input: shape, output, stride });
      shape = output;
    }
  });
  return out;
}

export const FBNET_LAYERS: readonly LayerShape[] = layerShapes();

export function stemOutputShape(input: Shape = INPUT_SHAPE): Shape {
  return [STEM_CHANNELS, input[1], input[2]];
}

/** Whether candidate `c` at a layer of this shape is a pure identity (no parameters, no cost). */
export function isIdentity(c: Candidate, layer: LayerShape): boolean {
  return c.kind === 'skip' && layer.input[0] === layer.output[0] && layer.stride === 1;
}
