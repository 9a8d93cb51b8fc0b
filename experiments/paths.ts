import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../core/package_root.js';

export { packageRoot };

/** The trained weight store shipped with nasc. */
export function defaultWeights(): string {
  return path.join(packageRoot(), 'experiments', 'supernet', 'store', 'fbnet-cifar10.json');
}

/** Versions recorded in a results folder, so a run can be reproduced. */
export function versions(): Record<string, string> {
  const out: Record<string, string> = { node: process.version };
  const read = (p: string): string | undefined => {
    try {
      return (JSON.parse(readFileSync(p, 'utf8')) as { version?: string }).version;
    } catch {
      return undefined;
    }
  };
  out.nasc = read(path.join(packageRoot(), 'package.json')) ?? 'unknown';
  for (const dep of ['onnxruntime-node', 'piscina', 'onnx-proto']) {
    const v = read(path.join(packageRoot(), 'node_modules', dep, 'package.json'));
    if (v !== undefined) out[dep] = v;
  }
  out.gitCommit = gitCommit() ?? 'unknown';
  return out;
}

function gitCommit(): string | undefined {
  try {
    const head = readFileSync(path.join(packageRoot(), '.git', 'HEAD'), 'utf8').trim();
    if (!head.startsWith('ref: ')) return head;
    const ref = head.slice(5);
    const loose = path.join(packageRoot(), '.git', ref);
    if (existsSync(loose)) return readFileSync(loose, 'utf8').trim();
    const packed = readFileSync(path.join(packageRoot(), '.git', 'packed-refs'), 'utf8');
    return packed.split('\n').find((l) => l.endsWith(` ${ref}`))?.split(' ')[0];
  } catch {
    return undefined;
  }
}
