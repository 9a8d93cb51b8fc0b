/**
 * The nasc package root: the nearest ancestor of this file whose package.json is named "nasc".
 * Works from the sources (tsx) and from dist/ (compiled), so shipped files (data/, the weight
 * store) are found wherever the package lies.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

export function packageRoot(): string {
  if (root !== undefined) return root;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'nasc') {
      root = dir;
      return dir;
    }
    const up = path.dirname(dir);
    if (up === dir) throw new Error('cannot find the nasc package root');
    dir = up;
  }
}
