/**
 * Test helper: writes a narrow weight store (STORE.md format, random weights from a seeded Rng)
 * so the loader, graph builder and pool can be tested without the trained supernet.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Rng } from '../../core/rng.js';
import { floatToHalf } from '../../workers/float16.js';
import { requiredTensors, type SupernetSpace } from '../../workers/supernet_space.js';

export const CANDIDATES = [
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

/** The narrow space of experiments/supernet/model.py `narrow_space()`. */
export const TINY_SPACE: SupernetSpace = {
  input: [3, 32, 32],
  numClasses: 10,
  stemChannels: 4,
  stages: [
    { layers: 1, channels: 4, stride: 1 },
    { layers: 4, channels: 4, stride: 1 },
    { layers: 4, channels: 8, stride: 2 },
    { layers: 4, channels: 8, stride: 2 },
    { layers: 4, channels: 8, stride: 1 },
    { layers: 4, channels: 8, stride: 2 },
    { layers: 1, channels: 8, stride: 1 },
  ],
  headChannels: 16,
  candidates: CANDIDATES,
  bnEps: 1e-5,
};

export interface TinyStoreOptions {
  readonly dtype?: 'float16' | 'float32';
  readonly seed?: number;
  readonly dir?: string;
  readonly name?: string;
  readonly space?: SupernetSpace;
}

/** Writes `<dir>/<name>.json` + `.bin`; returns the .json path. */
export function writeTinyStore(options: TinyStoreOptions = {}): string {
  const dtype = options.dtype ?? 'float32';
  const space = options.space ?? TINY_SPACE;
  const rng = Rng.fromSeed(options.seed ?? 1);
  const dir = options.dir ?? mkdtempSync(path.join(tmpdir(), 'nasc-store-'));
  const name = options.name ?? 'tiny';
  const tensors: { name: string; shape: number[]; dtype: string; offset: number; byteLength: number }[] = [];
  const chunks: Buffer[] = [];
  let offset = 0;
  for (const [tname, shape] of requiredTensors(space)) {
    const n = shape.reduce((a, b) => a * b, 1);
    const fanIn = shape.length === 4 ? (shape[1] as number) * (shape[2] as number) * (shape[3] as number) : (shape[1] ?? 1);
    const values = Array.from({ length: n }, () => {
      if (tname.endsWith('running_var')) return 0.5 + rng.random();
      if (tname.endsWith('running_mean')) return 0.2 * rng.normal();
      if (/bn\d?\.weight$/.test(tname)) return 0.8 + 0.4 * rng.random();
      if (tname.endsWith('.bias')) return 0.1 * rng.normal();
      return rng.normal() * Math.sqrt(2 / fanIn);
    });
    const bytes = dtype === 'float16' ? Buffer.from(new Uint16Array(values.map(floatToHalf)).buffer) : Buffer.from(Float32Array.from(values).buffer);
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
    normalization: { mean: [0.4914, 0.4822, 0.4465], std: [0.247, 0.2435, 0.2616] },
    tensors,
    byteLength: bin.length,
    sha256: createHash('sha256').update(bin).digest('hex'),
    split: { seed: 0, validationPerClass: 5 },
    training: { steps: 0, recipe: 'random (test helper)' },
  };
  const json = path.join(dir, `${name}.json`);
  writeFileSync(json, JSON.stringify(manifest));
  writeFileSync(path.join(dir, `${name}.bin`), bin);
  return json;
}

/** Deterministic pseudo-images (uint8 planes) and labels for tests. */
export function fakeImages(count: number, seed = 7): { pixels: Uint8Array; labels: Uint8Array } {
  const rng = Rng.fromSeed(seed);
  const pixels = new Uint8Array(count * 3072);
  for (let i = 0; i < pixels.length; i++) pixels[i] = rng.integer(0, 255);
  const labels = Uint8Array.from({ length: count }, (_, i) => i % 10);
  return { pixels, labels };
}
