/**
 * The accuracy oracle of a NASC search: validation images (the store's held-out split) and
 * BN-calibration images (training images outside it), and the worker pool that measures subnets
 * on them. Shared by `nasc search`, `nasc compare --problem nasc` and the paper comparison.
 */
import { InputError } from '../../core/errors.js';
import { OnnxAccuracyOracle } from '../../workers/accuracy_pool.js';
import { complementIndices, loadCifar10, selectImages, validationSplit } from '../../workers/cifar10.js';
import type { loadWeightStore } from '../../workers/weight_store.js';
import type { SearchConfig } from './search_job.js';

export function searchImages(dataDir: string, config: Pick<SearchConfig, 'valImages' | 'calibrationImages'>, store: ReturnType<typeof loadWeightStore>) {
  const train = loadCifar10(dataDir, 'train');
  const split = store.manifest.split ?? { seed: 0, validationPerClass: 500 };
  const valIdx = validationSplit(train.labels, split.seed, split.validationPerClass);
  if (config.valImages > valIdx.length) {
    throw new InputError(`--val-images ${config.valImages} exceeds the ${valIdx.length} validation images of the split`);
  }
  const val = selectImages(train, valIdx.slice(0, config.valImages));
  const calibration = selectImages(train, complementIndices(train.count, valIdx).slice(0, config.calibrationImages));
  return { val, calibration };
}

export function makeOracle(config: Pick<SearchConfig, 'weights' | 'bn'>, images: { pixels: Uint8Array; labels: Uint8Array }, calibration: { pixels: Uint8Array }, workers: number | undefined): OnnxAccuracyOracle {
  return new OnnxAccuracyOracle({
    weights: config.weights.file,
    images,
    bn: config.bn,
    ...(config.bn === 'recalibrate' ? { calibration } : {}),
    ...(workers === undefined ? {} : { workers }),
  });
}

