/**
 * Datasets `nasc data fetch` knows: where the archive lives, its size and checksum (the ones
 * torchvision checks), which archive members to keep and where, and how the project's loader
 * confirms the result.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../../core/errors.js';
import { loadCifar10Files } from '../../workers/cifar10.js';

export interface DatasetSpec {
  readonly name: string;
  readonly description: string;
  readonly url: string;
  /** Bytes of the archive. */
  readonly size: number;
  /** MD5 of the archive, lower-case hex. */
  readonly md5: string;
  /** File name of the archive (for the temporary download). */
  readonly archiveName: string;
  /** Archive folder whose regular files are extracted (direct children only). */
  readonly member: string;
  /** Where they go, relative to the data directory. */
  readonly target: readonly string[];
  /** Other folders (relative to the data directory) where the loader also finds these files. */
  readonly alsoAt: readonly (readonly string[])[];
  /** Files that must be in the archive, by base name. */
  readonly required: readonly string[];
  /** Record counts of the official archive; checked only when the archive is the official one (its MD5). */
  readonly records: Readonly<Record<string, number>>;
  /**
   * Loads the extracted files with the project's loader and returns the records per split.
   * `file(base)` maps a required base name to where it currently lies.
   */
  readonly verify: (file: (base: string) => string) => Record<string, number>;
  /** Things the user should know once the files are in place (e.g. other files the loader prefers). */
  readonly notes: (dataDir: string) => string[];
}

const CIFAR10_TRAIN = ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin'];
const CIFAR10_TEST = ['test_batch.bin'];

export const DATASETS: readonly DatasetSpec[] = [
  {
    name: 'cifar10',
    description: 'CIFAR-10, official binary version (5 training batches + 1 test batch, 3,073-byte records)',
    url: 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz',
    size: 170_052_171,
    md5: 'c32a1d4ab5d03f1284b67883e8d87530',
    archiveName: 'cifar-10-binary.tar.gz',
    member: 'cifar-10-batches-bin',
    target: ['cifar10', 'cifar-10-batches-bin'],
    alsoAt: [['cifar-10-batches-bin']],
    required: [...CIFAR10_TRAIN, ...CIFAR10_TEST],
    records: { train: 50_000, test: 10_000 },
    verify: (file) => ({
      train: loadCifar10Files(CIFAR10_TRAIN.map(file)).count,
      test: loadCifar10Files(CIFAR10_TEST.map(file)).count,
    }),
    notes: (dataDir) =>
      ['train', 'test']
        .map((split) => path.join(dataDir, 'cifar10', `${split}.bin`))
        .filter((f) => existsSync(f))
        .map((f) => `${f} exists and the loader reads it instead of the batches (move it away to use them)`),
  },
];

export function datasetNames(): string[] {
  return DATASETS.map((d) => d.name);
}

export function getDataset(name: string): DatasetSpec {
  const spec = DATASETS.find((d) => d.name === name);
  if (spec === undefined) {
    throw new InputError(`unknown dataset '${name}' (known: ${datasetNames().join(', ')})`);
  }
  return spec;
}

