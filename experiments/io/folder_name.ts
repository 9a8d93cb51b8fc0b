import path from 'node:path';
import { InputError } from '../../core/errors.js';

/**
 * A name from user data (a scenario's `name`) made safe as one folder-name component: letters,
 * digits, '_' and '-' only (every other run of characters becomes one '-'), at most 64
 * characters. `x/../../../y` becomes `x-y`, so a derived folder never leaves its parent.
 */
export function safeFolderName(name: string, fallback = 'unnamed'): string {
  const cleaned = name
    .replace(/[^A-Za-z0-9_-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64)
    .replace(/-+$/, '');
  return cleaned === '' ? fallback : cleaned;
}

/** `parent/child` where child is one sanitised component; refuses anything that would leave `parent`. */
export function childFolder(parent: string, child: string): string {
  const base = path.resolve(parent);
  const p = path.resolve(base, safeFolderName(child));
  const rel = path.relative(base, p);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) throw new InputError(`folder name ${JSON.stringify(child)} leaves ${base}`);
  return p;
}
