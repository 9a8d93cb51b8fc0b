/**
 * What crosses the link at split s:
 * - s = 0: the raw image as uint8 (3·32·32 = 3,072 B), whatever the precision;
 * - 1 ≤ s ≤ 21: layer s−1's output tensor (stem + layers 0..s−1 ran on the device), at
 *   fp32 4 B, fp16 2 B or int8 1 B per element; int8 adds one fp32 scale and one fp32
 *   zero-point (8 B, per-tensor affine quantisation);
 * - s = 22: the class scores as fp32 (numClasses · 4 B). We send scores rather than the argmax
 *   so the server can still threshold or ensemble; it is ≤ 400 B either way, i.e. ≤ 0.32 ms at
 *   10 Mbit/s, so the choice hardly moves any figure.
 */
import type { PayloadPrecision } from './accuracy_oracle.js';
import { FBNET_LAYERS, INPUT_SHAPE, MAX_SPLIT, checkSplit, type LayerShape, type Shape } from './search_space.js';

export const BYTES_PER_ELEMENT: Readonly<Record<PayloadPrecision, number>> = { fp32: 4, fp16: 2, int8: 1 };
/** Per-tensor scale + zero-point sent with an int8 payload. */
export const INT8_QUANT_PARAMS_BYTES = 8;
export const SCORE_BYTES = 4;

export function elements(shape: Shape): number {
  return shape[0] * shape[1] * shape[2];
}

/** Shape of the tensor sent at split s (undefined at s = 22, where scores are sent). */
export function payloadShape(split: number, shapes: readonly LayerShape[] = FBNET_LAYERS, input: Shape = INPUT_SHAPE): Shape | undefined {
  checkSplit(split);
  if (split === 0) return input;
  if (split === MAX_SPLIT) return undefined;
  return (shapes[split - 1] as LayerShape).output;
}

export function payloadBytes(
  split: number,
  precision: PayloadPrecision,
  numClasses: number,
  shapes: readonly LayerShape[] = FBNET_LAYERS,
  input: Shape = INPUT_SHAPE,
): number {
  const shape = payloadShape(split, shapes, input);
  if (shape === undefined) return numClasses * SCORE_BYTES;
  if (split === 0) return elements(shape); // uint8 image
  const n = elements(shape) * BYTES_PER_ELEMENT[precision];
  return precision === 'int8' ? n + INT8_QUANT_PARAMS_BYTES : n;
}

/** Whether the sent tensor is exactly what the unsplit network computes (accuracy independent of s). */
export function isLossless(split: number, precision: PayloadPrecision): boolean {
  return split === 0 || split === MAX_SPLIT || precision === 'fp32';
}
