import { existsSync, readFileSync } from 'node:fs';
import type { AlgorithmState } from '../core/algorithm.js';
import { InputError } from '../core/errors.js';
import { writeJsonAtomic } from './io/atomic_write.js';

/**
 * A run's checkpoint: the configuration that built it (so a resume rebuilds the same algorithm),
 * the algorithm's whole state, and what the driver itself accumulates (evaluation log, history).
 */
export interface Checkpoint<Config, Driver> {
  readonly format: 'nasc-checkpoint';
  readonly version: 1;
  readonly kind: string;
  readonly config: Config;
  readonly state: AlgorithmState;
  readonly driver: Driver;
  readonly elapsedMs: number;
}

export function writeCheckpoint<Config, Driver>(file: string, checkpoint: Omit<Checkpoint<Config, Driver>, 'format' | 'version'>): void {
  writeJsonAtomic(file, { format: 'nasc-checkpoint', version: 1, ...checkpoint });
}

export function readCheckpoint<Config, Driver>(file: string, kind: string): Checkpoint<Config, Driver> {
  if (!existsSync(file)) throw new InputError(`checkpoint ${file} does not exist`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw new InputError(`checkpoint ${file} is not valid JSON (truncated or corrupt)`);
  }
  const c = parsed as Partial<Checkpoint<Config, Driver>> | null;
  if (c === null || typeof c !== 'object' || c.format !== 'nasc-checkpoint' || c.version !== 1) {
    throw new InputError(`checkpoint ${file} is not a nasc checkpoint (format/version)`);
  }
  if (c.kind !== kind) throw new InputError(`checkpoint ${file} is for '${String(c.kind)}', not '${kind}'`);
  if (c.state === undefined || c.config === undefined || c.driver === undefined || typeof c.elapsedMs !== 'number') {
    throw new InputError(`checkpoint ${file} lacks its state, config or driver fields`);
  }
  return c as Checkpoint<Config, Driver>;
}
