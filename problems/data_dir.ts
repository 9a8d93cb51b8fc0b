/**
 * Where the tables live. They ship with nasc under `<package>/data/` (data/README.md: sources
 * and licences), laid out like a data directory; a copy in the user's data directory (given by
 * --data-dir or NASC_DATA; resolving that is experiments/data/data_dir.ts's business) wins when
 * present, so a re-derived table can replace the shipped one without editing the package.
 * Problems never hard-code a directory.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../core/errors.js';
import { packageRoot } from '../core/package_root.js';

export const DATA_FILES = {
  fbnetLut: 'hw-nas-bench/fbnet_cifar100_lut.json',
  nb201Hardware: 'hw-nas-bench/nb201_hw.json',
  nb201Accuracy: 'nas-bench-201/nb201_test_acc_200ep.json',
} as const;

export type DataFile = keyof typeof DATA_FILES;

/** The folder of the tables shipped with the package. */
export function shippedDataDir(): string {
  return path.join(packageRoot(), 'data');
}

/**
 * Path of a known table: `<dataDir>/<file>` when `dataDir` is given and holds it, else the
 * shipped copy; an InputError naming both places when neither has it.
 */
export function dataFile(dataDir: string | undefined, which: DataFile): string {
  const rel = DATA_FILES[which];
  const candidates = [...(dataDir === undefined ? [] : [path.join(dataDir, rel)]), path.join(shippedDataDir(), rel)];
  const found = candidates.find(isFile);
  if (found === undefined) {
    throw new InputError(`data file ${rel} not found in ${dataDir === undefined ? '' : `data directory ${dataDir} nor in `}the shipped tables ${shippedDataDir()}`);
  }
  return found;
}

function isFile(f: string): boolean {
  return existsSync(f) && statSync(f).isFile();
}
