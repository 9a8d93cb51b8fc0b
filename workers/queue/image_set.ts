/**
 * Image sets named by data instead of paths. The search side describes the images it would
 * evaluate on (which records, how many, BN mode, batch size, and their sha256); a worker
 * rebuilds them from its own data folder and the weight store's validation split, and refuses
 * when its bytes hash differently (another CIFAR-10 copy, another split, truncated files).
 */
import { InputError } from '../../core/errors.js';
import type { UintImages } from '../accuracy_pool.js';
import type { BnMode } from '../bn_statistics.js';
import { complementIndices, loadCifar10, selectImages, validationSplit, type Cifar10Images } from '../cifar10.js';
import type { StoreManifest } from '../weight_store.js';
import { imageSetDigest, type ImageSetSpec, type ImageSource } from './accuracy_job.js';

export interface BuiltImageSet {
  readonly images: UintImages;
  /** Training images for BN recalibration (present when spec.bn is 'recalibrate'). */
  readonly calibration?: { readonly pixels: Uint8Array };
}

/** The description of images a caller already holds (the digest is of exactly these bytes). */
export function describeImageSet(
  source: ImageSource,
  images: UintImages,
  calibration: { readonly pixels: Uint8Array } | undefined,
  settings: { readonly bn: BnMode; readonly batchSize: number },
): ImageSetSpec {
  const cal = settings.bn === 'recalibrate' ? calibration : undefined;
  if (settings.bn === 'recalibrate' && (cal === undefined || cal.pixels.length === 0)) throw new InputError("BN mode 'recalibrate' needs calibration images");
  return {
    source,
    count: images.labels.length,
    calibration: cal === undefined ? 0 : cal.pixels.length / 3072,
    bn: settings.bn,
    batchSize: settings.batchSize,
    sha256: imageSetDigest(images, cal),
  };
}

/**
 * Rebuilds a described set from `dataDir` (CIFAR-10 binaries) and the store's split:
 * validation = the first `count` held-out training records, test = the first `count` test
 * records, calibration = the first `calibration` training records outside the validation split.
 * Throws an InputError naming what differs when the data cannot give the same bytes.
 */
export function buildImageSet(spec: ImageSetSpec, dataDir: string, split: StoreManifest['split']): BuiltImageSet {
  let train: Cifar10Images | undefined;
  let validation: number[] | undefined;
  const loadTrain = (): { train: Cifar10Images; validation: number[] } => {
    train ??= loadCifar10(dataDir, 'train');
    validation ??= validationSplit(train.labels, split.seed, split.validationPerClass);
    return { train, validation };
  };
  let images: UintImages;
  if (spec.source === 'validation') {
    const t = loadTrain();
    if (spec.count > t.validation.length) throw new InputError(`the job asks for ${spec.count} validation images, the split here has ${t.validation.length}`);
    images = selectImages(t.train, t.validation.slice(0, spec.count));
  } else {
    const test = loadCifar10(dataDir, 'test', spec.count);
    if (test.count < spec.count) throw new InputError(`the job asks for ${spec.count} test images, the data here has ${test.count}`);
    images = test;
  }
  let calibration: { pixels: Uint8Array } | undefined;
  if (spec.bn === 'recalibrate') {
    const t = loadTrain();
    const rest = complementIndices(t.train.count, t.validation);
    if (spec.calibration > rest.length) throw new InputError(`the job asks for ${spec.calibration} calibration images, the data here has ${rest.length}`);
    calibration = selectImages(t.train, rest.slice(0, spec.calibration));
  }
  const digest = imageSetDigest(images, calibration);
  if (digest !== spec.sha256) {
    throw new InputError(`the ${spec.source} image set (${spec.count} images, ${spec.calibration} calibration) hashes to ${digest.slice(0, 16)}… here, the job expects ${spec.sha256.slice(0, 16)}… (other CIFAR-10 data or another split)`);
  }
  return calibration === undefined ? { images } : { images, calibration };
}
