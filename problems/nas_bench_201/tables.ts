/**
 * NAS-Bench-201 tables: test accuracy (%) after 200 epochs for three datasets
 * (nas-bench-201/nb201_test_acc_200ep.json) and per-architecture latency (ms) on four devices
 * from HW-NAS-Bench (hw-nas-bench/nb201_hw.json; the 10-class network, the only variant
 * available, used for every dataset). Both are indexed by the NAS-Bench-201 index; the loader
 * checks that their architecture lists agree.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../../core/errors.js';
import { dataFile } from '../data_dir.js';
import { parseArchString } from './arch_string.js';

export const NB201_DATASETS = ['cifar10', 'cifar100', 'ImageNet16-120'] as const;
export type Nb201Dataset = (typeof NB201_DATASETS)[number];
export const NB201_DEVICES = ['raspi4', 'pixel3', 'eyeriss', 'fpga'] as const;
export type Nb201Device = (typeof NB201_DEVICES)[number];

export interface Nb201Tables {
  readonly archStrings: readonly string[];
  readonly genomes: readonly (readonly number[])[];
  readonly accuracy: Readonly<Record<Nb201Dataset, readonly number[]>>;
  readonly latencyMs: Readonly<Record<Nb201Device, readonly number[]>>;
  /** Index of an arch string (NAS-Bench-201 index). */
  readonly indexOf: ReadonlyMap<string, number>;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function archList(json: Record<string, unknown>, source: string): string[] {
  const a = json.arch_str;
  if (!Array.isArray(a) || a.length === 0) throw new InputError(`${source}: arch_str is missing or not a non-empty array`);
  return a.map((s, i) => {
    if (typeof s !== 'string') throw new InputError(`${source}: arch_str[${i}] is not a string`);
    return s;
  });
}

function numberList(x: unknown, n: number, source: string, key: string, check: (v: number) => boolean, rule: string): number[] {
  if (!Array.isArray(x)) throw new InputError(`${source}: ${key} is ${x === undefined ? 'missing' : 'not an array'}`);
  if (x.length !== n) throw new InputError(`${source}: ${key} has ${x.length} entries, arch_str has ${n}`);
  return x.map((v, i) => {
    if (typeof v !== 'number' || !Number.isFinite(v) || !check(v)) throw new InputError(`${source}: ${key}[${i}] = ${JSON.stringify(v)} must be ${rule}`);
    return v;
  });
}

export function parseNb201Accuracy(json: unknown, source: string): { archStrings: string[]; accuracy: Record<Nb201Dataset, number[]> } {
  if (!isRecord(json)) throw new InputError(`${source}: not a JSON object`);
  const archStrings = archList(json, source);
  const ta = json.test_accuracy;
  if (!isRecord(ta)) throw new InputError(`${source}: test_accuracy is missing or not an object`);
  const accuracy = Object.fromEntries(
    NB201_DATASETS.map((d) => [d, numberList(ta[d], archStrings.length, source, `test_accuracy.${d}`, (v) => v >= 0 && v <= 100, 'a percentage in [0, 100]')]),
  ) as Record<Nb201Dataset, number[]>;
  return { archStrings, accuracy };
}

export function parseNb201Hardware(json: unknown, source: string): { archStrings: string[]; latencyMs: Record<Nb201Device, number[]> } {
  if (!isRecord(json)) throw new InputError(`${source}: not a JSON object`);
  const archStrings = archList(json, source);
  const lat = json.latency_ms;
  if (!isRecord(lat)) throw new InputError(`${source}: latency_ms is missing or not an object`);
  const latencyMs = Object.fromEntries(
    NB201_DEVICES.map((d) => [d, numberList(lat[d], archStrings.length, source, `latency_ms.${d}`, (v) => v >= 0, 'a number >= 0')]),
  ) as Record<Nb201Device, number[]>;
  return { archStrings, latencyMs };
}

/** Joins the two tables; they must list the same architectures in the same order. */
export function nb201Tables(acc: ReturnType<typeof parseNb201Accuracy>, hw: ReturnType<typeof parseNb201Hardware>, sources = ['accuracy table', 'hardware table']): Nb201Tables {
  if (acc.archStrings.length !== hw.archStrings.length) {
    throw new InputError(`nas-bench-201: ${sources[0]} has ${acc.archStrings.length} architectures, ${sources[1]} has ${hw.archStrings.length}`);
  }
  const indexOf = new Map<string, number>();
  const genomes = acc.archStrings.map((s, i) => {
    if (s !== hw.archStrings[i]) throw new InputError(`nas-bench-201: arch_str[${i}] differs between ${sources[0]} and ${sources[1]}`);
    let g: number[];
    try {
      g = parseArchString(s);
    } catch (e) {
      throw new InputError(`${sources[0]}: arch_str[${i}]: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (indexOf.has(s)) throw new InputError(`${sources[0]}: arch_str[${i}] repeats arch_str[${indexOf.get(s)}]`);
    indexOf.set(s, i);
    return g;
  });
  return { archStrings: acc.archStrings, genomes, accuracy: acc.accuracy, latencyMs: hw.latencyMs, indexOf };
}

function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError(`${file}: cannot read (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InputError(`${file}: not valid JSON (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`);
  }
}

export function loadNb201Files(accuracyFile: string, hardwareFile: string): Nb201Tables {
  const acc = parseNb201Accuracy(readJson(accuracyFile), accuracyFile);
  const hw = parseNb201Hardware(readJson(hardwareFile), hardwareFile);
  return nb201Tables(acc, hw, [path.basename(accuracyFile), path.basename(hardwareFile)]);
}

/** Loads both tables: a data directory's copies when it has them, else the shipped ones (problems/data_dir.ts). */
export function loadNb201(dataDir?: string): Nb201Tables {
  return loadNb201Files(dataFile(dataDir, 'nb201Accuracy'), dataFile(dataDir, 'nb201Hardware'));
}
