import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../../core/errors.js';

/**
 * The data directory: `--data-dir` wins over `NASC_DATA`. Missing → an InputError naming both,
 * so a user knows how to point nasc at its data.
 */
export function resolveDataDir(flag: string | undefined): string {
  const dir = flag ?? process.env.NASC_DATA;
  if (dir === undefined || dir === '') {
    throw new InputError('no data directory: pass --data-dir DIR or set NASC_DATA');
  }
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new InputError(`data directory ${dir} (from ${flag === undefined ? 'NASC_DATA' : '--data-dir'}) does not exist`);
  }
  return path.resolve(dir);
}

export function requireFile(file: string, what: string, hint = ''): string {
  if (!existsSync(file) || !statSync(file).isFile()) {
    throw new InputError(`${what} not found: ${file}${hint ? ` (${hint})` : ''}`);
  }
  return file;
}
