/**
 * Reads a nasc weight store (`<name>.json` manifest + `<name>.bin` tensors, STORE.md formats 1,
 * 2 and 3 — 2 adds learned bottlenecks at split positions, 3 their 2×2-patch form,
 * store_bottlenecks.ts)
 * and refuses anything that would make a graph silently wrong: wrong format/version, a .bin of
 * another size or hash, a tensor outside the file or misaligned, a missing tensor or one of
 * the wrong shape. Tensors come out as float32 (fp16 is widened once and cached).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../core/errors.js';
import type { Normalization } from './cifar10.js';
import { halfBytesToFloat32 } from './float16.js';
import { bottleneckTensors, parseBottlenecks, type BottleneckEntry } from './store_bottlenecks.js';
import { parseSpace, requiredTensors, type SupernetSpace } from './supernet_space.js';

export const STORE_FORMAT = 'nasc-weight-store';
/** The newest format this build reads; every older one is read too. */
export const STORE_VERSION = 3;
export const STORE_VERSIONS: readonly number[] = [1, 2, 3];

export type StoreDtype = 'float16' | 'float32';

export interface TensorEntry {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: StoreDtype;
  readonly offset: number;
  readonly byteLength: number;
}

export interface StoreManifest {
  readonly format: string;
  readonly version: number;
  readonly space: SupernetSpace;
  readonly normalization: Normalization;
  readonly tensors: readonly TensorEntry[];
  readonly byteLength: number;
  readonly sha256: string;
  readonly split: { readonly seed: number; readonly validationPerClass: number };
  /** Learned bottlenecks (format 2; empty for format 1). */
  readonly bottlenecks: readonly BottleneckEntry[];
  /** Free-form training record (steps, recipe, accuracies …); not interpreted here. */
  readonly training?: unknown;
}

export interface WeightStoreFiles {
  readonly json: string;
  readonly bin: string;
}

export interface LoadOptions {
  /** Check the .bin's sha256 against the manifest (default true; ≈ 40 ms per 22 MB). */
  readonly verifyHash?: boolean;
}

/** A validated store as it travels to worker threads. */
export interface SharedStore {
  readonly files: WeightStoreFiles;
  readonly manifest: StoreManifest;
  readonly bytes: SharedArrayBuffer;
}

/** A loaded, validated store. */
export class WeightStore {
  private readonly entries: Map<string, TensorEntry>;
  private readonly cache = new Map<string, Float32Array>();

  constructor(
    readonly files: WeightStoreFiles,
    readonly manifest: StoreManifest,
    private readonly bin: Uint8Array,
  ) {
    this.entries = new Map(manifest.tensors.map((t) => [t.name, t]));
  }

  get space(): SupernetSpace {
    return this.manifest.space;
  }

  get normalization(): Normalization {
    return this.manifest.normalization;
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  /** The learned bottleneck of width c at split s, if the store has one. */
  bottleneck(split: number, width: number): BottleneckEntry | undefined {
    return this.manifest.bottlenecks.find((b) => b.split === split && b.width === width);
  }

  shape(name: string): readonly number[] {
    return this.entry(name).shape;
  }

  /** The tensor as float32 (shared and cached: do not modify). */
  tensor(name: string): Float32Array {
    let t = this.cache.get(name);
    if (t === undefined) {
      const e = this.entry(name);
      const bytes = this.bin.subarray(e.offset, e.offset + e.byteLength);
      if (e.dtype === 'float16') {
        t = halfBytesToFloat32(bytes);
      } else {
        // Copy into an aligned buffer: offsets are 8-aligned in the file, not in memory.
        t = new Float32Array(e.byteLength / 4);
        new Uint8Array(t.buffer).set(bytes);
      }
      this.cache.set(name, t);
    }
    return t;
  }

  /**
   * The store as plain data for worker threads: the manifest and the .bin bytes in a
   * SharedArrayBuffer, so every worker sees exactly the bytes verified here (the file may be
   * replaced on disk while a run goes on, e.g. by a periodic export) and the .bin is held once.
   */
  share(): SharedStore {
    const bytes = new SharedArrayBuffer(this.bin.byteLength);
    new Uint8Array(bytes).set(this.bin);
    return { files: this.files, manifest: this.manifest, bytes };
  }

  /** A store from `share()`'s data (no re-validation: the sharing thread validated it). */
  static fromShared(shared: SharedStore): WeightStore {
    return new WeightStore(shared.files, shared.manifest, new Uint8Array(shared.bytes));
  }

  private entry(name: string): TensorEntry {
    const e = this.entries.get(name);
    if (e === undefined) throw new InputError(`${this.files.json}: no tensor ${name}`);
    return e;
  }
}

/** `<name>.json` and `<name>.bin` from either path (or the bare stem). */
export function storeFiles(file: string): WeightStoreFiles {
  const ext = path.extname(file);
  const stem = ext === '.json' || ext === '.bin' ? file.slice(0, -ext.length) : file;
  return { json: `${stem}.json`, bin: `${stem}.bin` };
}

export function loadWeightStore(file: string, options: LoadOptions = {}): WeightStore {
  const files = storeFiles(file);
  for (const f of [files.json, files.bin]) {
    if (!existsSync(f) || !statSync(f).isFile()) throw new InputError(`weight store file not found: ${f}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(files.json, 'utf8'));
  } catch (e) {
    throw new InputError(`${files.json}: not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  const manifest = parseManifest(raw, files.json);
  const bin = readFileSync(files.bin);
  if (bin.length !== manifest.byteLength) {
    throw new InputError(`${files.bin}: ${bin.length} bytes but the manifest says ${manifest.byteLength} (truncated or from another export)`);
  }
  if (options.verifyHash !== false) {
    const hash = createHash('sha256').update(bin).digest('hex');
    if (hash !== manifest.sha256.toLowerCase()) {
      throw new InputError(`${files.bin}: sha256 ${hash} does not match the manifest's ${manifest.sha256} (corrupt or from another export)`);
    }
  }
  checkTensors(manifest, files.json);
  return new WeightStore(files, manifest, new Uint8Array(bin.buffer, bin.byteOffset, bin.byteLength));
}

function parseManifest(raw: unknown, where: string): StoreManifest {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new InputError(`${where}: manifest must be a JSON object`);
  const o = raw as Record<string, unknown>;
  if (o.format !== STORE_FORMAT) throw new InputError(`${where}: format must be "${STORE_FORMAT}", got ${JSON.stringify(o.format)}`);
  if (typeof o.version !== 'number' || !STORE_VERSIONS.includes(o.version)) {
    throw new InputError(`${where}: unsupported store version ${JSON.stringify(o.version)} (this build reads versions ${STORE_VERSIONS.join(', ')})`);
  }
  const space = parseSpace(o.space, where);
  const bottlenecks = o.version >= 2 ? parseBottlenecks(o.bottlenecks, space, where, o.version) : [];
  const normalization = parseNormalization(o.normalization, where);
  if (typeof o.byteLength !== 'number' || !Number.isInteger(o.byteLength) || o.byteLength < 0) {
    throw new InputError(`${where}: byteLength must be a non-negative integer`);
  }
  if (typeof o.sha256 !== 'string' || !/^[0-9a-fA-F]{64}$/.test(o.sha256)) throw new InputError(`${where}: sha256 must be 64 hex digits`);
  const split = o.split as Record<string, unknown> | undefined;
  if (
    typeof split !== 'object' || split === null ||
    typeof split.seed !== 'number' || !Number.isInteger(split.seed) ||
    typeof split.validationPerClass !== 'number' || !Number.isInteger(split.validationPerClass)
  ) {
    throw new InputError(`${where}: split must be {"seed": int, "validationPerClass": int}`);
  }
  if (!Array.isArray(o.tensors)) throw new InputError(`${where}: tensors must be a list`);
  const tensors = o.tensors.map((t, i) => parseEntry(t, `${where}: tensors[${i}]`));
  return {
    format: o.format,
    version: o.version,
    space,
    normalization,
    tensors,
    byteLength: o.byteLength,
    sha256: o.sha256,
    split: { seed: split.seed, validationPerClass: split.validationPerClass },
    bottlenecks,
    training: o.training,
  };
}

function parseNormalization(v: unknown, where: string): Normalization {
  const o = v as Record<string, unknown> | undefined;
  const triple = (x: unknown): x is [number, number, number] =>
    Array.isArray(x) && x.length === 3 && x.every((n) => typeof n === 'number' && Number.isFinite(n));
  if (typeof o !== 'object' || o === null || !triple(o.mean) || !triple(o.std) || o.std.some((s) => s <= 0)) {
    throw new InputError(`${where}: normalization must be {"mean": [r,g,b], "std": [r,g,b]} with positive std`);
  }
  return { mean: o.mean, std: o.std };
}

function parseEntry(v: unknown, where: string): TensorEntry {
  const o = v as Record<string, unknown>;
  if (typeof o !== 'object' || o === null) throw new InputError(`${where} must be an object`);
  if (typeof o.name !== 'string') throw new InputError(`${where}.name must be a string`);
  const what = `${where} (${o.name})`;
  if (o.dtype !== 'float16' && o.dtype !== 'float32') throw new InputError(`${what}: dtype must be float16 or float32, got ${JSON.stringify(o.dtype)}`);
  if (!Array.isArray(o.shape) || o.shape.some((d) => typeof d !== 'number' || !Number.isInteger(d) || d < 0)) {
    throw new InputError(`${what}: shape must be a list of non-negative integers`);
  }
  for (const k of ['offset', 'byteLength'] as const) {
    const x = o[k];
    if (typeof x !== 'number' || !Number.isInteger(x) || x < 0) throw new InputError(`${what}: ${k} must be a non-negative integer`);
  }
  return { name: o.name, shape: o.shape as number[], dtype: o.dtype, offset: o.offset as number, byteLength: o.byteLength as number };
}

/** Offsets/lengths inside the .bin, lengths consistent with shape × dtype, required tensors present with the right shapes. */
function checkTensors(m: StoreManifest, where: string): void {
  const seen = new Set<string>();
  for (const t of m.tensors) {
    if (seen.has(t.name)) throw new InputError(`${where}: tensor ${t.name} listed twice`);
    seen.add(t.name);
    const elements = t.shape.reduce((a, b) => a * b, 1);
    const expected = elements * (t.dtype === 'float16' ? 2 : 4);
    if (t.byteLength !== expected) {
      throw new InputError(`${where}: tensor ${t.name} has byteLength ${t.byteLength}, but shape [${t.shape.join(', ')}] × ${t.dtype} needs ${expected}`);
    }
    if (t.offset % 8 !== 0) throw new InputError(`${where}: tensor ${t.name} offset ${t.offset} is not a multiple of 8`);
    if (t.offset + t.byteLength > m.byteLength) {
      throw new InputError(`${where}: tensor ${t.name} (bytes ${t.offset}..${t.offset + t.byteLength}) lies outside the ${m.byteLength}-byte .bin`);
    }
  }
  const byName = new Map(m.tensors.map((t) => [t.name, t]));
  const required = requiredTensors(m.space);
  for (const b of m.bottlenecks) for (const [name, shape] of bottleneckTensors(b)) required.set(name, shape);
  for (const [name, shape] of required) {
    const t = byName.get(name);
    if (t === undefined) throw new InputError(`${where}: the space needs tensor ${name} [${shape.join(', ')}], the store lacks it`);
    if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
      throw new InputError(`${where}: tensor ${name} has shape [${t.shape.join(', ')}], the space needs [${shape.join(', ')}]`);
    }
  }
}
