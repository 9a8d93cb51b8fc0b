/**
 * `nasc accuracy`: top-1 accuracy of one subnet (weights inherited from the supernet store) on
 * the first N CIFAR-10 test images, with the payload precision applied at the split, e.g.
 *
 *   nasc accuracy --arch 7,7,…,7 --split 9 --precision int8 --images 1000 --json
 *     → {"accuracy":0.62,"images":1000,"seconds":7.1}
 *   nasc accuracy --arch k5_e6 --split 10 --bottleneck 16 --precision int8 --images 1000 --json
 *     (through the store's learned bottleneck of 16 channels at split 10)
 */
import { defaultWeights } from '../../paths.js';
import type { Argv, CommandModule } from 'yargs';
import { InputError } from '../../../core/errors.js';
import { PAYLOAD_PRECISIONS, type PayloadPrecision } from '../../../problems/nasc/accuracy_oracle.js';
import { parseArchitecture } from '../../../problems/nasc/search_space.js';
import { DEFAULT_BN_MODE, DEFAULT_CALIBRATION_IMAGES, OnnxAccuracyOracle } from '../../../workers/accuracy_pool.js';
import { BN_MODES, type BnMode } from '../../../workers/bn_statistics.js';
import { complementIndices, loadCifar10, selectImages, validationSplit } from '../../../workers/cifar10.js';
import { loadWeightStore } from '../../../workers/weight_store.js';
import { ensureCifar10 } from '../../data/data_dir.js';
import { Shutdown } from '../../shutdown.js';
import { positiveInteger, workersFlag } from '../validate.js';

export interface AccuracyArgs {
  arch: string;
  split: number;
  precision: string;
  bottleneck?: number;
  images?: number;
  weights?: string;
  workers?: number;
  bn?: string;
  'calibration-images'?: number;
  'batch-size'?: number;
  'data-dir'?: string;
  json: boolean;
}

export interface AccuracyReport {
  readonly accuracy: number;
  readonly images: number;
  readonly seconds: number;
  readonly failure?: string;
}

export { defaultWeights };

export async function accuracyReport(args: AccuracyArgs): Promise<AccuracyReport> {
  const started = performance.now();
  if (!(PAYLOAD_PRECISIONS as readonly string[]).includes(args.precision)) {
    throw new InputError(`--precision must be one of ${PAYLOAD_PRECISIONS.join(', ')}, got "${args.precision}"`);
  }
  const bn = (args.bn ?? DEFAULT_BN_MODE) as BnMode;
  if (!BN_MODES.includes(bn)) throw new InputError(`--bn must be one of ${BN_MODES.join(', ')}, got "${args.bn}"`);
  const architecture = parseArchitecture(args.arch);
  const bottleneck = args.bottleneck ?? 0;
  if (bottleneck !== 0 && args.precision !== 'int8') throw new InputError(`--bottleneck sends an int8 payload: pass --precision int8 (got ${args.precision})`);
  const weights = args.weights ?? defaultWeights();
  const store = loadWeightStore(weights);
  // --data-dir, NASC_DATA or the user cache (where `nasc search` puts it on first use).
  const dataDir = (await ensureCifar10({ ...(args['data-dir'] === undefined ? {} : { dataDir: args['data-dir'] }), fetch: false })).dir;
  const test = loadCifar10(dataDir, 'test', args.images);
  if (test.count === 0) throw new InputError('--images must be at least 1');
  let calibration: { pixels: Uint8Array } | undefined;
  if (bn === 'recalibrate') {
    // K training images that are not in the store's validation split (record order).
    const k = args['calibration-images'] ?? DEFAULT_CALIBRATION_IMAGES;
    const train = loadCifar10(dataDir, 'train');
    const { seed, validationPerClass } = store.manifest.split;
    const pool = complementIndices(train.count, validationSplit(train.labels, seed, validationPerClass));
    if (pool.length < k) throw new InputError(`--calibration-images ${k} exceeds the ${pool.length} training images outside the validation split`);
    calibration = selectImages(train, pool.slice(0, k));
  }
  // Ctrl-C lets the running evaluations finish before the workers end (no native abort).
  const shutdown = Shutdown.install();
  const oracle = new OnnxAccuracyOracle({
    weights,
    images: test,
    bn,
    signal: shutdown.signal,
    ...(calibration === undefined ? {} : { calibration }),
    ...(args.workers === undefined ? {} : { workers: args.workers }),
    ...(args['batch-size'] === undefined ? {} : { batchSize: args['batch-size'] }),
  });
  try {
    const [r] = await oracle.accuracy([{ architecture, split: args.split, precision: args.precision as PayloadPrecision, ...(bottleneck === 0 ? {} : { bottleneck }) }]);
    if (r === undefined) throw new Error('no result');
    const seconds = (performance.now() - started) / 1000;
    return { accuracy: r.accuracy, images: r.images, seconds, ...(r.failure === undefined ? {} : { failure: r.failure }) };
  } finally {
    await oracle.close();
    shutdown.dispose();
  }
}

export const accuracyCommand: CommandModule<object, AccuracyArgs> = {
  command: 'accuracy',
  describe: 'Top-1 accuracy of a subnet with inherited supernet weights on the first N CIFAR-10 test images',
  builder: (y: Argv) =>
    y
      .option('arch', { type: 'string', demandOption: true, describe: '22 comma-separated candidates, indices 0..8 or names k3_e1..skip (one item = all layers)' })
      .option('split', { coerce: positiveInteger('split', true), default: 0, describe: 'split point 0..22 (0 = image sent, 22 = device-only)' })
      .option('precision', { type: 'string', default: 'fp32', describe: 'payload precision at the split: fp32|fp16|int8' })
      .option('bottleneck', { coerce: positiveInteger('bottleneck', true), describe: 'width c of the store\'s learned bottleneck at the split (needs --precision int8; 0 = none)' })
      .option('images', { coerce: positiveInteger('images'), describe: 'first N test images (default: all 10,000)' })
      .option('weights', { type: 'string', describe: 'weight store .json or .bin (default: experiments/supernet/store/fbnet-cifar10.json)' })
      .option('workers', { coerce: workersFlag, describe: 'worker threads (default: one per core)' })
      .option('bn', { type: 'string', describe: `BatchNorm statistics: ${BN_MODES.join('|')} (default ${DEFAULT_BN_MODE})` })
      .option('calibration-images', { coerce: positiveInteger('calibration-images'), describe: `training images for --bn recalibrate (default ${DEFAULT_CALIBRATION_IMAGES})` })
      .option('batch-size', { coerce: positiveInteger('batch-size'), describe: 'images per inference batch (default 100)' })
      .option('data-dir', { type: 'string', describe: 'data directory (default: $NASC_DATA, else the user cache ~/.cache/nasc for CIFAR-10; tables found there win over the shipped data/)' })
      .option('json', { type: 'boolean', default: false, describe: 'print {accuracy, images, seconds}' }) as unknown as Argv<AccuracyArgs>,
  handler: async (args) => {
    const r = await accuracyReport(args);
    if (r.failure !== undefined) {
      process.stderr.write(`nasc: evaluation failed: ${r.failure}\n`);
      process.exitCode = 1;
    }
    if (args.json) {
      process.stdout.write(`${JSON.stringify({ accuracy: r.accuracy, images: r.images, seconds: Number(r.seconds.toFixed(3)) })}\n`);
      return;
    }
    process.stdout.write(`accuracy ${(100 * r.accuracy).toFixed(2)} % on ${r.images} test images (${r.seconds.toFixed(1)} s)\n`);
  },
};
