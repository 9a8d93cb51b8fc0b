/**
 * A weight store with seeded random weights in the STORE.md format: for tests (narrow space)
 * and for benchmarks when no trained store is present (inference speed does not depend on the
 * weights' values). Conv weights Kaiming-normal, BN γ ∈ [0.8, 1.2), β and running means small,
 * running variances ∈ [0.5, 1.5).
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Rng } from '../core/rng.js';
import { floatToHalf } from './float16.js';
import { requiredTensors, type CandidateSpec, type SupernetSpace } from './supernet_space.js';

/** The nine FBNet candidates in HW-NAS-Bench order. */
export const FBNET_CANDIDATES: readonly CandidateSpec[] = [
  { name: 'k3_e1', kernel: 3, expansion: 1, groups: 1 },
  { name: 'k3_e1_g2', kernel: 3, expansion: 1, groups: 2 },
  { name: 'k3_e3', kernel: 3, expansion: 3, groups: 1 },
  { name: 'k3_e6', kernel: 3, expansion: 6, groups: 1 },
  { name: 'k5_e1', kernel: 5, expansion: 1, groups: 1 },
  { name: 'k5_e1_g2', kernel: 5, expansion: 1, groups: 2 },
  { name: 'k5_e3', kernel: 5, expansion: 3, groups: 1 },
  { name: 'k5_e6', kernel: 5, expansion: 6, groups: 1 },
  { name: 'skip' },
];

const STRIDES = [1, 1, 2, 2, 1, 2, 1];
const LAYERS = [1, 4, 4, 4, 4, 4, 1];

function fbnetSpace(stem: number, channels: readonly number[], head: number): SupernetSpace {
  return {
    input: [3, 32, 32],
    numClasses: 10,
    stemChannels: stem,
    stages: channels.map((c, i) => ({ layers: LAYERS[i] as number, channels: c, stride: STRIDES[i] as number })),
    headChannels: head,
    candidates: FBNET_CANDIDATES,
    bnEps: 1e-5,
  };
}

/** Full-width FBNet-CIFAR (REFERENCE.md). */
export const FBNET_CIFAR_SPACE = fbnetSpace(16, [16, 24, 32, 64, 112, 184, 352], 1504);
/** experiments/supernet/model.py `narrow_space()`. */
export const NARROW_SPACE = fbnetSpace(4, [4, 4, 8, 8, 8, 8, 8], 16);

export interface SyntheticStoreOptions {
  readonly space?: SupernetSpace;
  readonly dtype?: 'float16' | 'float32';
  readonly seed?: number;
  /** Folder to write into (a fresh temporary one when omitted). */
  readonly dir?: string;
  readonly name?: string;
}

/** Writes `<dir>/<name>.json` + `.bin`; returns the .json path. */
export function writeSyntheticStore(options: SyntheticStoreOptions = {}): string {
  const dtype = options.dtype ?? 'float32';
  const space = options.space ?? NARROW_SPACE;
  const rng = Rng.fromSeed(options.seed ?? 1);
  const dir = options.dir ?? mkdtempSync(path.join(tmpdir(), 'nasc-store-'));
  const name = options.name ?? 'synthetic';
  const tensors: { name: string; shape: number[]; dtype: string; offset: number; byteLength: number }[] = [];
  const chunks: Buffer[] = [];
  let offset = 0;
  for (const [tname, shape] of requiredTensors(space)) {
    const n = shape.reduce((a, b) => a * b, 1);
    const fanIn = shape.length === 4 ? (shape[1] as number) * (shape[2] as number) * (shape[3] as number) : (shape[1] ?? 1);
    const values = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      if (tname.endsWith('running_var')) values[i] = 0.5 + rng.random();
      else if (tname.endsWith('running_mean')) values[i] = 0.2 * rng.normal();
      else if (/bn\d?\.weight$/.test(tname)) values[i] = 0.8 + 0.4 * rng.random();
      else if (tname.endsWith('.bias')) values[i] = 0.1 * rng.normal();
      else values[i] = rng.normal() * Math.sqrt(2 / fanIn);
    }
    const bytes = dtype === 'float16' ? Buffer.from(Uint16Array.from(values, floatToHalf).buffer) : Buffer.from(values.buffer);
    const pad = (8 - (bytes.length % 8)) % 8;
    tensors.push({ name: tname, shape: [...shape], dtype, offset, byteLength: bytes.length });
    chunks.push(bytes, Buffer.alloc(pad));
    offset += bytes.length + pad;
  }
  const bin = Buffer.concat(chunks);
  const manifest = {
    format: 'nasc-weight-store',
    version: 1,
    space,
    normalization: { mean: [124.96 / 255, 122.45 / 255, 113.56 / 255], std: [62.68 / 255, 61.96 / 255, 66.6 / 255] },
    tensors,
    byteLength: bin.length,
    sha256: createHash('sha256').update(bin).digest('hex'),
    split: { seed: 0, validationPerClass: 5 },
    training: { steps: 0, recipe: 'synthetic: seeded random weights (workers/synthetic_store.ts)' },
  };
  const json = path.join(dir, `${name}.json`);
  writeFileSync(json, JSON.stringify(manifest));
  writeFileSync(path.join(dir, `${name}.bin`), bin);
  return json;
}
