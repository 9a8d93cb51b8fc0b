/**
 * Where a subnet's BatchNorm statistics come from. Inherited running statistics were averaged
 * over the many paths sampled during supernet training, so they rarely match one subnet's
 * activations; recalibration re-estimates them for the subnet (as OFA and SPOS do):
 *
 * - `running`: the stored running_mean / running_var.
 * - `recalibrate`: forward K training images (never validation or test ones) through the subnet
 *   with every BN normalising by its batch statistics — PyTorch's train-mode forward — and take
 *   each BN's mean over the batches of its batch mean and unbiased batch variance: exactly what
 *   PyTorch's BN with momentum=None accumulates (experiments/supernet/bn.py `recalibrate_bn`),
 *   so both sides recalibrate alike. The result is folded into the evaluation graph's convs.
 *   With a learned bottleneck at the split, its two BNs are measured in the same pass on the
 *   clean split tensor (graph_builder.ts `buildCalibrationModel`).
 */
import * as ort from 'onnxruntime-node';
import { buildCalibrationModel, IMAGE, type BnStatistics, type BnStats } from './graph_builder.js';
import { batchView, withSession } from './onnx_session.js';
import type { WeightStore } from './weight_store.js';

export type BnMode = 'running' | 'recalibrate';
export const BN_MODES: readonly BnMode[] = ['running', 'recalibrate'];

/** Normalised images (float32 NCHW), e.g. a view of a SharedArrayBuffer. */
export interface FloatImages {
  readonly data: Float32Array;
  readonly count: number;
}

/**
 * Re-estimates every BN statistic of the subnet on `images` in consecutive batches of
 * `batchSize` (the last may be smaller; every batch weighs the same, as in PyTorch).
 * Deterministic: the same images and batch size give the same numbers.
 */
export async function recalibrateBn(
  store: WeightStore,
  architecture: readonly number[],
  images: FloatImages,
  batchSize: number,
  bottleneck?: { readonly split: number; readonly width: number },
  prefixOnly = false,
): Promise<BnStatistics> {
  if (images.count === 0) throw new Error('BN recalibration needs at least one calibration image');
  const { model, outputs } = buildCalibrationModel(store, architecture, bottleneck, prefixOnly);
  const [c, h, w] = store.space.input;
  const per = c * h * w;
  const batches: [number, number][] = [];
  for (let b = 0; b < images.count; b += batchSize) batches.push([b, Math.min(batchSize, images.count - b)]);
  const sums = outputs.map((o) => ({ mean: new Float64Array(o.channels), variance: new Float64Array(o.channels) }));
  await withSession(model, async (session) => {
    for (const [start, n] of batches) {
      const input = new ort.Tensor('float32', batchView(images.data, start * per, (start + n) * per), [n, c, h, w]);
      const result = await session.run({ [IMAGE]: input });
      outputs.forEach((o, k) => {
        const m = result[o.mean]?.data as Float32Array;
        const v = result[o.variance]?.data as Float32Array;
        const s = sums[k] as { mean: Float64Array; variance: Float64Array };
        const count = n * o.spatial;
        const unbiased = count > 1 ? count / (count - 1) : 1;
        for (let ch = 0; ch < o.channels; ch++) {
          s.mean[ch] = (s.mean[ch] as number) + (m[ch] as number);
          s.variance[ch] = (s.variance[ch] as number) + (v[ch] as number) * unbiased;
        }
      });
    }
  });
  const stats = new Map<string, BnStats>();
  outputs.forEach((o, k) => {
    const s = sums[k] as { mean: Float64Array; variance: Float64Array };
    stats.set(o.prefix, {
      mean: Float32Array.from(s.mean, (x) => x / batches.length),
      variance: Float32Array.from(s.variance, (x) => x / batches.length),
    });
  });
  return stats;
}
