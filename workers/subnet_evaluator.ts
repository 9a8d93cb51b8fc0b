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
  /** Image range [start, end) of the evaluation set (empty: only recalibrate). */
  readonly start: number;
  readonly end: number;
  /**
   * The architecture's recalibrated BN statistics when already known (they depend on the
   * architecture and the calibration images only, not on the split, precision or image range);
   * absent under `bn: 'recalibrate'` = recalibrate here and return them.
   */
  readonly statistics?: BnStatistics;
}

export interface EvaluationSettings {
  readonly bn: BnMode;
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
  /** The statistics recalibrated for this task (absent when given or under `bn: 'running'`). */
  readonly statistics?: BnStatistics;
}

export async function evaluateSubnet(store: WeightStore, images: LabelledImages, task: EvaluationTask, settings: EvaluationSettings): Promise<EvaluationOutcome> {
  if (!(task.start >= 0 && task.end <= images.count && task.start <= task.end)) {
    throw new RangeError(`image range ${task.start}..${task.end} outside 0..${images.count}`);
  }
  const t0 = performance.now();
  let statistics: BnStatistics | undefined = task.statistics;
  let recalibrated: BnStatistics | undefined;
  if (settings.bn === 'recalibrate' && statistics === undefined) {
    if (settings.calibration === undefined) throw new Error("bn 'recalibrate' needs calibration images");
    recalibrated = await recalibrateBn(store, task.architecture, settings.calibration, settings.calibrationBatchSize ?? settings.batchSize);
    statistics = recalibrated;
  }
  const t1 = performance.now();
  const timing = { calibrateMs: t1 - t0, buildMs: 0, sessionMs: 0, runMs: 0 };
  const withStatistics = recalibrated === undefined ? {} : { statistics: recalibrated };
  if (task.start === task.end) return { correct: 0, images: 0, ...timing, ...withStatistics };
  const model = buildEvaluationModel(store, task.architecture, task.split, task.precision, statistics === undefined ? {} : { statistics });
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
  return { correct, images: task.end - task.start, ...timing, buildMs: t2 - t1, sessionMs: t3 - t2, runMs: t4 - t3, ...withStatistics };
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
