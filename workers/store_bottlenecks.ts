/**
 * The `bottlenecks` section of a weight store of format version 2 (STORE.md): learned
 * encoder/decoder pairs at split positions. Each entry names a split s (1..L−1), the channels C
 * of the tensor there, the width c it sends and the prefix of its ten tensors:
 *
 *   <prefix>.enc.weight [c, C, 1, 1], <prefix>.enc_bn.{weight,bias,running_mean,running_var} [c],
 *   <prefix>.dec.weight [C, c, 1, 1], <prefix>.dec_bn.{…} [C]
 *
 * (encoder 1×1 conv + BN on the device, the int8 payload, decoder 1×1 conv + BN on the server,
 * no ReLU after either).
 */
import { InputError } from '../core/errors.js';
import { BottleneckSet } from '../problems/nasc/bottleneck.js';
import { layerCount, splitTensorShape, type SupernetSpace } from './supernet_space.js';

export interface BottleneckEntry {
  readonly split: number;
  readonly channels: number;
  readonly width: number;
  readonly prefix: string;
}

const BN_PARTS = ['weight', 'bias', 'running_mean', 'running_var'] as const;

/** Validates the manifest's `bottlenecks` list against the space. */
export function parseBottlenecks(raw: unknown, space: SupernetSpace, where: string): BottleneckEntry[] {
  if (!Array.isArray(raw)) throw new InputError(`${where}: bottlenecks must be a list (format version 2)`);
  const n = layerCount(space);
  const seen = new Set<string>();
  return raw.map((v, i) => {
    const what = `${where}: bottlenecks[${i}]`;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new InputError(`${what} must be an object`);
    const o = v as Record<string, unknown>;
    const int = (k: string, lo: number, hi: number): number => {
      const x = o[k];
      if (typeof x !== 'number' || !Number.isInteger(x) || x < lo || x > hi) throw new InputError(`${what}: ${k} = ${JSON.stringify(x)} must be an integer in ${lo}..${hi}`);
      return x;
    };
    const split = int('split', 1, n - 1);
    const [c] = splitTensorShape(space, split);
    const channels = int('channels', c, c);
    const width = int('width', 1, channels);
    if (typeof o.prefix !== 'string' || o.prefix === '') throw new InputError(`${what}: prefix must be a non-empty string`);
    const key = `${split}/${width}`;
    if (seen.has(key)) throw new InputError(`${what}: a second bottleneck of width ${width} at split ${split}`);
    seen.add(key);
    return { split, channels, width, prefix: o.prefix };
  });
}

/** The tensors one bottleneck needs, with their shapes. */
export function bottleneckTensors(b: BottleneckEntry): Map<string, readonly number[]> {
  const out = new Map<string, readonly number[]>();
  out.set(`${b.prefix}.enc.weight`, [b.width, b.channels, 1, 1]);
  for (const p of BN_PARTS) out.set(`${b.prefix}.enc_bn.${p}`, [b.width]);
  out.set(`${b.prefix}.dec.weight`, [b.channels, b.width, 1, 1]);
  for (const p of BN_PARTS) out.set(`${b.prefix}.dec_bn.${p}`, [b.channels]);
  return out;
}

/**
 * A store's bottlenecks as the FBNet problem's set of trained (split, width) pairs; undefined
 * when they are not FBNet widths (a store of another space, e.g. the narrow test store).
 */
export function fbnetBottleneckSet(entries: readonly BottleneckEntry[]): BottleneckSet | undefined {
  try {
    return new BottleneckSet(entries);
  } catch (e) {
    if (e instanceof InputError) return undefined;
    throw e;
  }
}
