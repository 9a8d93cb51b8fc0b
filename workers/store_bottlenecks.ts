/**
 * The `bottlenecks` section of a weight store of format version 2 or 3 (STORE.md): learned
 * encoder/decoder pairs at split positions. Each entry names a split s (1..L−1), the channels C
 * of the tensor there, the width c (its payload is c·H·W int8 values), the prefix of its ten
 * tensors and (format 3) its patch P — 1 unless given:
 *
 *   P = 1: <prefix>.enc.weight [c, C, 1, 1], <prefix>.enc_bn.* [c], <prefix>.dec.weight [C, c, 1, 1]
 *   P = 2: <prefix>.enc.weight [4c, C, 2, 2] (conv, stride 2: 4c channels at H/2 × W/2),
 *          <prefix>.enc_bn.* [4c], <prefix>.dec.weight [4c, C, 2, 2] (transposed conv, stride 2)
 *   both:  <prefix>.dec_bn.{weight,bias,running_mean,running_var} [C]
 *
 * (encoder + BN on the device, the int8 payload, decoder + BN on the server, no ReLU after
 * either).
 */
import { InputError } from '../core/errors.js';
import { BottleneckSet } from '../problems/nasc/bottleneck.js';
import { layerCount, splitTensorShape, type SupernetSpace } from './supernet_space.js';

export const BOTTLENECK_PATCHES: readonly number[] = [1, 2];

export interface BottleneckEntry {
  readonly split: number;
  readonly channels: number;
  readonly width: number;
  readonly prefix: string;
  /** Side of the square patch the encoder reads (1: a 1×1 conv; 2: 2×2 with stride 2). */
  readonly patch: number;
}

/** Channels of the payload: P²·c (at H/P × W/P, so c·H·W values whatever P). */
export function sentChannels(b: Pick<BottleneckEntry, 'width' | 'patch'>): number {
  return b.patch * b.patch * b.width;
}

const BN_PARTS = ['weight', 'bias', 'running_mean', 'running_var'] as const;

/** Validates the manifest's `bottlenecks` list against the space. */
export function parseBottlenecks(raw: unknown, space: SupernetSpace, where: string, version = 3): BottleneckEntry[] {
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
    const [c, h, w] = splitTensorShape(space, split);
    const channels = int('channels', c, c);
    const width = int('width', 1, channels);
    if (o.patch !== undefined && version < 3) throw new InputError(`${what}: patch needs store format 3 (this store says version ${version})`);
    const patch = o.patch === undefined ? 1 : int('patch', 1, Math.max(...BOTTLENECK_PATCHES));
    if (h % patch !== 0 || w % patch !== 0) throw new InputError(`${what}: patch ${patch} does not tile the ${h}×${w} tensor at split ${split}`);
    if (typeof o.prefix !== 'string' || o.prefix === '') throw new InputError(`${what}: prefix must be a non-empty string`);
    const key = `${split}/${width}`;
    if (seen.has(key)) throw new InputError(`${what}: a second bottleneck of width ${width} at split ${split}`);
    seen.add(key);
    return { split, channels, width, prefix: o.prefix, patch };
  });
}

/** The tensors one bottleneck needs, with their shapes. */
export function bottleneckTensors(b: BottleneckEntry): Map<string, readonly number[]> {
  const out = new Map<string, readonly number[]>();
  const sent = sentChannels(b);
  out.set(`${b.prefix}.enc.weight`, [sent, b.channels, b.patch, b.patch]);
  for (const p of BN_PARTS) out.set(`${b.prefix}.enc_bn.${p}`, [sent]);
  // A transposed conv's weight is [in, out, kH, kW]; a 1×1 conv's [out, in, 1, 1].
  out.set(`${b.prefix}.dec.weight`, b.patch === 1 ? [b.channels, b.width, 1, 1] : [sent, b.channels, b.patch, b.patch]);
  for (const p of BN_PARTS) out.set(`${b.prefix}.dec_bn.${p}`, [b.channels]);
  return out;
}

/**
 * A store's bottlenecks as the FBNet problem's set of trained (split, width) pairs; undefined
 * when they are not FBNet widths (a store of another space, e.g. the narrow test store).
 */
export function fbnetBottleneckSet(entries: readonly BottleneckEntry[]): BottleneckSet | undefined {
  try {
    // The patch comes along: the extended space refuses a set whose form is not its own (scenarioLayout).
    return new BottleneckSet(entries.map(({ split, width, patch }) => ({ split, width, patch })));
  } catch (e) {
    if (e instanceof InputError) return undefined;
    throw e;
  }
}
