/**
 * Inherited-weight quality of a weight store on the CIFAR-10 test set, through the same
 * onnxruntime-node pool the search uses (per-subnet BN recalibration, the default):
 * the largest subnet (all k5_e6) and N seeded random subnets, each device-only (fp32, s = 22)
 * and split at a random s in 1..21 with an int8 payload — the same genome both ways, so the
 * difference is the cost of quantising the tensor on the link.
 *
 *   npx tsx experiments/supernet/quality.ts --images 2000 --subnets 50 --seed 0 \
 *       [--weights STORE.json] [--data-dir DIR] [--out results.json]
 *
 * Prints one JSON object: per genome accuracies, and min/median/max over the random subnets.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { quantile } from 'd3-array';
import { Rng } from '../../core/rng.js';
import { CANDIDATE_NAMES, NUM_LAYERS } from '../../problems/nasc/search_space.js';
import type { SubnetQuery } from '../../problems/nasc/accuracy_oracle.js';
import { DEFAULT_CALIBRATION_IMAGES, OnnxAccuracyOracle } from '../../workers/accuracy_pool.js';
import { complementIndices, loadCifar10, selectImages, validationSplit } from '../../workers/cifar10.js';
import { loadWeightStore } from '../../workers/weight_store.js';
import { resolveDataDir } from '../data/data_dir.js';
import { writeFileAtomic } from '../io/atomic_write.js';
import { defaultWeights } from '../paths.js';

const LARGEST = CANDIDATE_NAMES.indexOf('k5_e6');

interface GenomeQuality {
  readonly name: string;
  readonly architecture: readonly number[];
  readonly deviceOnly: number;
  readonly split: number;
  readonly int8Split: number;
}

function summary(values: readonly number[]): { min: number; median: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  return { min: sorted[0] ?? Number.NaN, median: quantile(sorted, 0.5) ?? Number.NaN, max: sorted[sorted.length - 1] ?? Number.NaN };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      images: { type: 'string', default: '2000' },
      subnets: { type: 'string', default: '50' },
      seed: { type: 'string', default: '0' },
      weights: { type: 'string' },
      'data-dir': { type: 'string' },
      workers: { type: 'string' },
      out: { type: 'string' },
    },
  });
  const started = performance.now();
  const images = Number(values.images);
  const subnets = Number(values.subnets);
  const weights = values.weights ?? defaultWeights();
  const store = loadWeightStore(weights);
  const dataDir = resolveDataDir(values['data-dir']);
  const test = loadCifar10(dataDir, 'test', images);
  const train = loadCifar10(dataDir, 'train');
  const { seed: splitSeed, validationPerClass } = store.manifest.split;
  const pool = complementIndices(train.count, validationSplit(train.labels, splitSeed, validationPerClass));
  const calibration = selectImages(train, pool.slice(0, DEFAULT_CALIBRATION_IMAGES));

  const rng = Rng.fromSeed(Number(values.seed));
  const genomes: { name: string; architecture: number[]; split: number }[] = [
    { name: 'largest (all k5_e6)', architecture: new Array<number>(NUM_LAYERS).fill(LARGEST), split: rng.integer(1, NUM_LAYERS - 1) },
  ];
  for (let k = 0; k < subnets; k++) {
    const architecture = Array.from({ length: NUM_LAYERS }, () => rng.index(CANDIDATE_NAMES.length));
    genomes.push({ name: `random${k}`, architecture, split: rng.integer(1, NUM_LAYERS - 1) });
  }
  const queries: SubnetQuery[] = genomes.flatMap((g) => [
    { architecture: g.architecture, split: NUM_LAYERS, precision: 'fp32' as const },
    { architecture: g.architecture, split: g.split, precision: 'int8' as const },
  ]);
  const oracle = new OnnxAccuracyOracle({
    weights, images: test, bn: 'recalibrate', calibration,
    ...(values.workers === undefined ? {} : { workers: Number(values.workers) }),
  });
  let results;
  try {
    results = await oracle.accuracy(queries);
  } finally {
    await oracle.close();
  }
  const rows: GenomeQuality[] = genomes.map((g, i) => ({
    name: g.name,
    architecture: g.architecture,
    deviceOnly: results[2 * i]?.accuracy ?? Number.NaN,
    split: g.split,
    int8Split: results[2 * i + 1]?.accuracy ?? Number.NaN,
  }));
  const random = rows.slice(1);
  const report = {
    weights: path.relative(process.cwd(), weights),
    training: store.manifest.training,
    testImages: test.count,
    bn: `recalibrate (${DEFAULT_CALIBRATION_IMAGES} training images outside the validation split)`,
    largest: rows[0],
    random: {
      count: random.length,
      deviceOnly: summary(random.map((r) => r.deviceOnly)),
      int8Split: summary(random.map((r) => r.int8Split)),
      int8MinusDeviceOnly: summary(random.map((r) => r.int8Split - r.deviceOnly)),
    },
    best: rows.reduce((a, b) => (b.deviceOnly > a.deviceOnly ? b : a)),
    rows,
    seconds: (performance.now() - started) / 1000,
  };
  const text = `${JSON.stringify(report, null, 1)}\n`;
  if (values.out !== undefined) writeFileAtomic(values.out, text);
  process.stdout.write(text);
}

await main();
