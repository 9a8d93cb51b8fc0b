/**
 * Evaluates one subnet query on a range of images inside one thread: BN statistics (stored or
 * recalibrated), one evaluation graph with the payload round trip at the split, one session,
 * fixed batches, correct-count. The Piscina worker and the benchmark's plain baseline both run
 * this, so they measure the same work.
 *
 * Determinism: a range is cut into batches at fixed multiples of `batchSize` from image 0, so
 * every image is always evaluated in the same batch whichever worker gets which range; the
 * result is an integer count, so the order in which ranges complete cannot change the sum.
 */
import * as ort from 'onnxruntime-node';
import type { PayloadPrecision } from '../problems/nasc/accuracy_oracle.js';
import { recalibrateBn, type BnMode, type FloatImages } from './bn_statistics.js';
import { buildEvaluationModel, IMAGE, LOGITS, type BnStatistics } from './graph_builder.js';
import { batchView, createSession } from './onnx_session.js';
import type { WeightStore } from './weight_store.js';

export interface LabelledImages extends FloatImages {
  readonly labels: Uint8Array;
}

export interface EvaluationTask {
  readonly architecture: readonly number[];
  readonly split: number;
  readonly precision: PayloadPrecision;
  /** Width of the store's learned bottleneck at the split (0 or absent: none). */
  readonly bottleneck?: number;
  /** Image range [start, end) of the evaluation set. */
  readonly start: number;
  readonly end: number;
}

/**
 * BN statistics of a learned bottleneck's two BNs under `bn: 'recalibrate'`: measured with the
 * subnet ('recalibrate', on the clean split tensor) or the ones stored with it ('stored', the
 * training-time running averages over random subnets). See experiments/supernet/README.md for
 * the measurement behind the default.
 */
export type BottleneckBn = 'recalibrate' | 'stored';
export const DEFAULT_BOTTLENECK_BN: BottleneckBn = 'recalibrate';

export interface EvaluationSettings {
  readonly bn: BnMode;
  readonly bottleneckBn?: BottleneckBn;
  readonly batchSize: number;
  /** Calibration images for `bn: 'recalibrate'` (training images, never validation/test). */
  readonly calibration?: FloatImages;
  readonly calibrationBatchSize?: number;
}

export interface EvaluationOutcome {
  readonly correct: number;
  readonly images: number;
  readonly calibrateMs: number;
  readonly buildMs: number;
  readonly sessionMs: number;
  readonly runMs: number;
}

export async function evaluateSubnet(store: WeightStore, images: LabelledImages, task: EvaluationTask, settings: EvaluationSettings): Promise<EvaluationOutcome> {
  if (!(task.start >= 0 && task.end <= images.count && task.start <= task.end)) {
    throw new RangeError(`image range ${task.start}..${task.end} outside 0..${images.count}`);
  }
  const t0 = performance.now();
  let statistics: BnStatistics | undefined;
  if (settings.bn === 'recalibrate') {
    if (settings.calibration === undefined) throw new Error("bn 'recalibrate' needs calibration images");
    const withBottleneck = (task.bottleneck ?? 0) > 0 && (settings.bottleneckBn ?? DEFAULT_BOTTLENECK_BN) === 'recalibrate';
    statistics = await recalibrateBn(
      store,
      task.architecture,
      settings.calibration,
      settings.calibrationBatchSize ?? settings.batchSize,
      withBottleneck ? { split: task.split, width: task.bottleneck as number } : undefined,
    );
  }
  const t1 = performance.now();
  const model = buildEvaluationModel(store, task.architecture, task.split, task.precision, {
    ...(statistics === undefined ? {} : { statistics }),
    ...(task.bottleneck ? { bottleneck: task.bottleneck } : {}),
  });
  const t2 = performance.now();
  const session = await createSession(model);
  const t3 = performance.now();
  let correct = 0;
  try {
    const [c, h, w] = store.space.input;
    const per = c * h * w;
    const classes = store.space.numClasses;
    const B = settings.batchSize;
    for (let b = task.start; b < task.end; ) {
      const stop = Math.min(task.end, (Math.floor(b / B) + 1) * B);
      const n = stop - b;
      const input = new ort.Tensor('float32', batchView(images.data, b * per, stop * per), [n, c, h, w]);
      const out = await session.run({ [IMAGE]: input }, [LOGITS]);
      const logits = out[LOGITS]?.data as Float32Array;
      for (let i = 0; i < n; i++) {
        if (argmax(logits, i * classes, classes) === images.labels[b + i]) correct++;
      }
      b = stop;
    }
  } finally {
    await session.release();
  }
  const t4 = performance.now();
  return { correct, images: task.end - task.start, calibrateMs: t1 - t0, buildMs: t2 - t1, sessionMs: t3 - t2, runMs: t4 - t3 };
}

/** Index of the largest of `n` values from `offset` (first on ties; NaN never wins → −1 if all NaN). */
export function argmax(v: Float32Array, offset: number, n: number): number {
  let best = -1;
  let bestValue = -Infinity;
  for (let k = 0; k < n; k++) {
    const x = v[offset + k] as number;
    if (x > bestValue) {
      bestValue = x;
      best = k;
    }
  }
  return best;
}
