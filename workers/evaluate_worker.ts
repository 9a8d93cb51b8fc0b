/**
 * Piscina worker entry: takes the weight store once from workerData (the manifest and the .bin
 * bytes the pool verified, in a SharedArrayBuffer — not the path, so a store replaced on disk
 * during a run cannot mix weights between workers), sees the evaluation and calibration images
 * through SharedArrayBuffers set up once by the pool (no per-task copies), and per task
 * evaluates one subnet on one image range (subnet_evaluator.ts).
 */
import { workerData } from 'piscina';
import type { BnMode } from './bn_statistics.js';
import { evaluateSubnet, type EvaluationOutcome, type EvaluationTask, type LabelledImages } from './subnet_evaluator.js';
import { WeightStore, type SharedStore } from './weight_store.js';

/** A deliberate failure for tests: tasks of this architecture throw or kill their worker. */
export interface FaultInjection {
  readonly architecture: string;
  readonly mode: 'throw' | 'exit';
  /** Fail only the first `times` tasks of that architecture (counted across workers); default always. */
  readonly times?: number;
}

export interface WorkerSetup {
  readonly store: SharedStore;
  readonly images: { readonly data: SharedArrayBuffer; readonly labels: SharedArrayBuffer; readonly count: number };
  readonly calibration?: { readonly data: SharedArrayBuffer; readonly count: number };
  readonly bn: BnMode;
  readonly batchSize: number;
  readonly calibrationBatchSize: number;
  readonly faults?: readonly FaultInjection[];
  /** One Int32 counter per fault, shared by all workers. */
  readonly faultCounters?: SharedArrayBuffer;
}

const setup = workerData as WorkerSetup;
// fp32 tensors are widened from the shared bytes on first use and cached per worker.
const store = WeightStore.fromShared(setup.store);
const images: LabelledImages = {
  data: new Float32Array(setup.images.data),
  labels: new Uint8Array(setup.images.labels),
  count: setup.images.count,
};
const calibration = setup.calibration === undefined ? undefined : { data: new Float32Array(setup.calibration.data), count: setup.calibration.count };

export default async function evaluate(task: EvaluationTask): Promise<EvaluationOutcome> {
  injectFault(task);
  return evaluateSubnet(store, images, task, {
    bn: setup.bn,
    batchSize: setup.batchSize,
    calibrationBatchSize: setup.calibrationBatchSize,
    ...(calibration === undefined ? {} : { calibration }),
  });
}

function injectFault(task: EvaluationTask): void {
  const faults = setup.faults ?? [];
  const key = task.architecture.join(',');
  faults.forEach((f, i) => {
    if (f.architecture !== key) return;
    if (f.times !== undefined && setup.faultCounters !== undefined) {
      const n = Atomics.add(new Int32Array(setup.faultCounters), i, 1);
      if (n >= f.times) return;
    }
    if (f.mode === 'exit') process.exit(3);
    throw new Error(`injected fault for architecture ${key}`);
  });
}
