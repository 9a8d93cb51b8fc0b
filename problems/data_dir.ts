/**
 * Where the tables live inside a data directory (given by --data-dir or NASC_DATA; resolving
 * that is the CLI's business). Problems never hard-code the directory itself.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../core/errors.js';

export const DATA_FILES = {
  fbnetLut: 'hw-nas-bench/fbnet_cifar100_lut.json',
  nb201Hardware: 'hw-nas-bench/nb201_hw.json',
  nb201Accuracy: 'nas-bench-201/nb201_test_acc_200ep.json',
} as const;

export type DataFile = keyof typeof DATA_FILES;

/** Path of a known table inside `dataDir`; an InputError when it is not there. */
export function dataFile(dataDir: string, which: DataFile): string {
  const file = path.join(dataDir, DATA_FILES[which]);
  if (!existsSync(file) || !statSync(file).isFile()) {
    throw new InputError(`data file ${DATA_FILES[which]} not found in data directory ${dataDir}`);
  }
  return file;
}
