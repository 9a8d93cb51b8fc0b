/**
 * CIFAR-10 in the official binary record format: 3,073-byte records (label, then the R, G and B
 * planes of 32×32, row-major). Reads either the official batches
 * (`cifar-10-batches-bin/data_batch_1..5.bin`, `test_batch.bin`) or the concatenated
 * `train.bin` / `test.bin` of `<dataDir>/cifar10/`. Also the seeded validation split shared with
 * the Python trainer (experiments/supernet/STORE.md) and the uint8 → normalised float conversion.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../core/errors.js';

export const CIFAR10_RECORD_BYTES = 3073;
export const CIFAR10_IMAGE_BYTES = 3072;
export const CIFAR10_CLASSES = 10;

export type Cifar10Split = 'train' | 'test';

/** N images as uint8 planes (N × 3 × 32 × 32, record order) and their labels. */
export interface Cifar10Images {
  readonly count: number;
  /** N × 3072 bytes: R plane, G plane, B plane per image (already NCHW). */
  readonly pixels: Uint8Array;
  readonly labels: Uint8Array;
  /** Files the records came from, in order (for messages). */
  readonly files: readonly string[];
}

/** Per-channel normalisation applied to pixel/255 (the store's `normalization`). */
export interface Normalization {
  readonly mean: readonly [number, number, number];
  readonly std: readonly [number, number, number];
}

const OFFICIAL_DIR = 'cifar-10-batches-bin';
const OFFICIAL_FILES: Record<Cifar10Split, readonly string[]> = {
  train: ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin'],
  test: ['test_batch.bin'],
};

/**
 * The files holding a split, in record order. `<dataDir>/cifar10/{train,test}.bin` wins; the
 * official batch directory is looked for under `<dataDir>/cifar10/` and `<dataDir>/`.
 */
export function cifar10Files(dataDir: string, split: Cifar10Split): string[] {
  const root = path.join(dataDir, 'cifar10');
  const concatenated = path.join(root, `${split}.bin`);
  if (isFile(concatenated)) return [concatenated];
  for (const dir of [path.join(root, OFFICIAL_DIR), path.join(dataDir, OFFICIAL_DIR)]) {
    const files = OFFICIAL_FILES[split].map((f) => path.join(dir, f));
    if (files.every(isFile)) return files;
  }
  throw new InputError(
    `CIFAR-10 ${split} data not found: expected ${concatenated} or ${path.join(root, OFFICIAL_DIR)}/` +
      `${OFFICIAL_FILES[split].join(', ')}`,
  );
}

/**
 * Loads a split (all records, or only the first `limit`). Refuses files whose size is not a
 * whole number of records or that hold a label above 9 — both mean a truncated or wrong file.
 */
export function loadCifar10(dataDir: string, split: Cifar10Split, limit?: number): Cifar10Images {
  return loadCifar10Files(cifar10Files(dataDir, split), limit);
}

export function loadCifar10Files(files: readonly string[], limit?: number): Cifar10Images {
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 0)) {
    throw new InputError(`image count must be a non-negative integer, got ${limit}`);
  }
  const sizes = files.map((f) => {
    const size = statSync(f).size;
    if (size === 0 || size % CIFAR10_RECORD_BYTES !== 0) {
      throw new InputError(
        `${f}: ${size} bytes is not a whole number of ${CIFAR10_RECORD_BYTES}-byte CIFAR-10 records (truncated or not CIFAR-10)`,
      );
    }
    return size / CIFAR10_RECORD_BYTES;
  });
  const available = sizes.reduce((a, b) => a + b, 0);
  const count = limit === undefined ? available : Math.min(limit, available);
  if (limit !== undefined && limit > available) {
    throw new InputError(`asked for ${limit} images but ${files.join(', ')} hold only ${available}`);
  }
  const pixels = new Uint8Array(count * CIFAR10_IMAGE_BYTES);
  const labels = new Uint8Array(count);
  let n = 0;
  for (let f = 0; f < files.length && n < count; f++) {
    const file = files[f] as string;
    const take = Math.min(sizes[f] as number, count - n);
    const bytes = readFileSync(file).subarray(0, take * CIFAR10_RECORD_BYTES);
    for (let r = 0; r < take; r++) {
      const at = r * CIFAR10_RECORD_BYTES;
      const label = bytes[at] as number;
      if (label >= CIFAR10_CLASSES) {
        throw new InputError(`${file}: record ${r} has label ${label} (CIFAR-10 labels are 0..9; corrupt file)`);
      }
      labels[n] = label;
      pixels.set(bytes.subarray(at + 1, at + CIFAR10_RECORD_BYTES), n * CIFAR10_IMAGE_BYTES);
      n++;
    }
  }
  return { count, pixels, labels, files: [...files] };
}

/** Images at the given record indices (ascending or not), as a new set. */
export function selectImages(images: Cifar10Images, indices: ArrayLike<number>): Cifar10Images {
  const pixels = new Uint8Array(indices.length * CIFAR10_IMAGE_BYTES);
  const labels = new Uint8Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const k = indices[i] as number;
    if (!(k >= 0 && k < images.count)) throw new RangeError(`image index ${k} outside 0..${images.count - 1}`);
    pixels.set(images.pixels.subarray(k * CIFAR10_IMAGE_BYTES, (k + 1) * CIFAR10_IMAGE_BYTES), i * CIFAR10_IMAGE_BYTES);
    labels[i] = images.labels[k] as number;
  }
  return { count: indices.length, pixels, labels, files: images.files };
}

const MASK64 = (1n << 64n) - 1n;

/** splitmix64 finaliser over unsigned 64-bit integers, exactly as STORE.md writes it. */
export function splitmix64(x: bigint): bigint {
  let z = (x + 0x9e3779b97f4a7c15n) & MASK64;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  return z ^ (z >> 31n);
}

/**
 * The held-out validation records (STORE.md): per class, the `perClass` records with the
 * smallest key splitmix64((seed << 32) | recordIndex), returned in ascending record order.
 * Throws an InputError when a class has fewer than `perClass` records.
 */
export function validationSplit(labels: ArrayLike<number>, seed: number, perClass: number): number[] {
  if (!Number.isSafeInteger(seed) || seed < 0 || seed >= 2 ** 32) {
    throw new InputError(`validation seed must be an integer in [0, 2^32), got ${seed}`);
  }
  if (!Number.isInteger(perClass) || perClass < 0) {
    throw new InputError(`validationPerClass must be a non-negative integer, got ${perClass}`);
  }
  if (labels.length >= 2 ** 32) throw new InputError('too many records for the validation split');
  const high = BigInt(seed) << 32n;
  const byClass = new Map<number, { key: bigint; index: number }[]>();
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i] as number;
    let list = byClass.get(c);
    if (list === undefined) byClass.set(c, (list = []));
    list.push({ key: splitmix64(high | BigInt(i)), index: i });
  }
  const chosen: number[] = [];
  for (const [c, list] of [...byClass.entries()].sort((a, b) => a[0] - b[0])) {
    if (list.length < perClass) {
      throw new InputError(`validation split needs ${perClass} images of class ${c}, the training data has ${list.length}`);
    }
    list.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    for (let k = 0; k < perClass; k++) chosen.push((list[k] as { index: number }).index);
  }
  return chosen.sort((a, b) => a - b);
}

/** Record indices 0..count−1 that are not in `excluded` (e.g. the training records). */
export function complementIndices(count: number, excluded: readonly number[]): number[] {
  const out = new Uint8Array(count);
  for (const i of excluded) out[i] = 1;
  const rest: number[] = [];
  for (let i = 0; i < count; i++) if (out[i] === 0) rest.push(i);
  return rest;
}

/**
 * Images `start..start+count−1` as float32 NCHW, (pixel/255 − mean)/std per channel, written
 * into `out` (a fresh array when omitted). The arithmetic is float32 throughout, like PyTorch's
 * ToTensor + Normalize, so the TS and Python inputs agree bit for bit.
 */
export function toFloatBatch(
  pixels: Uint8Array,
  normalization: Normalization,
  start = 0,
  count = pixels.length / CIFAR10_IMAGE_BYTES - start,
  out: Float32Array = new Float32Array(count * CIFAR10_IMAGE_BYTES),
): Float32Array {
  if (out.length < count * CIFAR10_IMAGE_BYTES) throw new RangeError('output too small');
  const plane = 1024;
  // Per channel, a 256-entry table: the exact float32 value of each pixel level.
  const tables = [0, 1, 2].map((c) => {
    const t = new Float32Array(256);
    const m = Math.fround(normalization.mean[c] as number);
    const s = Math.fround(normalization.std[c] as number);
    for (let v = 0; v < 256; v++) t[v] = Math.fround(Math.fround(Math.fround(v / 255) - m) / s);
    return t;
  });
  const base = start * CIFAR10_IMAGE_BYTES;
  for (let i = 0; i < count * CIFAR10_IMAGE_BYTES; i++) {
    const c = Math.floor(i / plane) % 3;
    out[i] = (tables[c] as Float32Array)[pixels[base + i] as number] as number;
  }
  return out;
}

function isFile(f: string): boolean {
  return existsSync(f) && statSync(f).isFile();
}
