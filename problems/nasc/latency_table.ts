/**
 * Per-op cost tables: HW-NAS-Bench's `raw_lut` (`{metric: {opKey: value}}`, metrics named
 * `<device>_latency` in ms and `<device>_energy` in mJ) and local profiles written by
 * `nasc profile` in the same layout (e.g. `local_latency`). A device's cost of every op of the
 * FBNet space is then looked up by keys derived from the space definition (op_keys.ts).
 */
import { readFileSync } from 'node:fs';
import { InputError } from '../../core/errors.js';
import { candidateKey, headKeys, stemKey } from './op_keys.js';
import { CANDIDATES, FBNET_LAYERS, INPUT_SHAPE, type LayerShape, type Shape } from './search_space.js';

export type CostKind = 'latency' | 'energy';
export const COST_KINDS: readonly CostKind[] = ['latency', 'energy'];
/** The devices of HW-NAS-Bench's FBNet table (energy only for edgegpu, eyeriss, fpga). */
export const HW_NAS_BENCH_DEVICES: readonly string[] = ['edgegpu', 'raspi4', 'pixel3', 'eyeriss', 'fpga'];

const METRIC = /^(.+)_(latency|energy)$/;

export function metricName(device: string, kind: CostKind): string {
  return `${device}_${kind}`;
}

/** A validated `{metric: {key: value}}` table: every value a finite number ≥ 0. */
export class LatencyTable {
  private constructor(
    private readonly table: ReadonlyMap<string, ReadonlyMap<string, number>>,
    /** Where each metric came from (file names), for error messages. */
    private readonly origin: ReadonlyMap<string, string>,
  ) {}

  /**
   * Validates a parsed JSON document. A document with `raw_lut` (the HW-NAS-Bench file) uses
   * that; otherwise (a profile) every top-level key named `<device>_latency|energy` is a metric
   * and other keys are metadata.
   */
  static parse(json: unknown, source: string): LatencyTable {
    if (!isRecord(json)) throw new InputError(`latency table ${source}: not a JSON object`);
    let metrics: Record<string, unknown>;
    if ('raw_lut' in json) {
      const raw = json.raw_lut;
      if (!isRecord(raw)) throw new InputError(`latency table ${source}: raw_lut is not an object`);
      metrics = raw;
    } else {
      metrics = Object.fromEntries(Object.entries(json).filter(([k]) => METRIC.test(k)));
    }
    const table = new Map<string, Map<string, number>>();
    for (const [metric, entries] of Object.entries(metrics)) {
      if (!METRIC.test(metric)) throw new InputError(`latency table ${source}: metric "${metric}" is not named <device>_latency or <device>_energy`);
      if (!isRecord(entries)) throw new InputError(`latency table ${source}: metric ${metric} is not an object of op key -> value`);
      const m = new Map<string, number>();
      for (const [key, v] of Object.entries(entries)) {
        if (typeof v !== 'number') throw new InputError(`latency table ${source}: ${metric}["${key}"] is ${describe(v)}, not a number`);
        if (!Number.isFinite(v)) throw new InputError(`latency table ${source}: ${metric}["${key}"] is ${v}, not finite`);
        if (v < 0) throw new InputError(`latency table ${source}: ${metric}["${key}"] = ${v} is negative`);
        m.set(key, v);
      }
      table.set(metric, m);
    }
    if (table.size === 0) throw new InputError(`latency table ${source}: no <device>_latency or <device>_energy metric`);
    return new LatencyTable(table, new Map([...table.keys()].map((k) => [k, source])));
  }

  /** Later tables override metrics of earlier ones (a local profile may replace a device). */
  static merge(tables: readonly LatencyTable[]): LatencyTable {
    const table = new Map<string, ReadonlyMap<string, number>>();
    const origin = new Map<string, string>();
    for (const t of tables) {
      for (const [m, entries] of t.table) {
        table.set(m, entries);
        origin.set(m, t.origin.get(m) ?? '?');
      }
    }
    return new LatencyTable(table, origin);
  }

  get metrics(): string[] {
    return [...this.table.keys()];
  }

  /** Devices with a latency metric. */
  get devices(): string[] {
    return this.metrics.flatMap((m) => {
      const match = METRIC.exec(m);
      return match && match[2] === 'latency' ? [match[1] as string] : [];
    });
  }

  hasMetric(metric: string): boolean {
    return this.table.has(metric);
  }

  /** Cost of one op; an InputError naming the metric and key when absent. */
  value(metric: string, key: string): number {
    const entries = this.table.get(metric);
    if (entries === undefined) throw new InputError(`latency table has no metric ${metric} (has ${this.metrics.join(', ')})`);
    const v = entries.get(key);
    if (v === undefined) throw new InputError(`latency table ${this.origin.get(metric) ?? ''}: ${metric} has no entry for op key ${key}`);
    return v;
  }

  /** The value of one op if the metric lists it (undefined otherwise, also for an unknown metric). */
  lookup(metric: string, key: string): number | undefined {
    return this.table.get(metric)?.get(key);
  }

  /** All (op key, value) entries of a metric (none for an unknown metric). */
  entries(metric: string): [string, number][] {
    return [...(this.table.get(metric) ?? new Map<string, number>())];
  }

  /** Throws unless `device` has a metric of this kind. */
  requireDevice(device: string, kind: CostKind = 'latency'): string {
    const metric = metricName(device, kind);
    if (!this.table.has(metric)) {
      const have = kind === 'latency' ? this.devices : this.metrics.filter((m) => m.endsWith(`_${kind}`)).map((m) => m.replace(METRIC, '$1'));
      throw new InputError(`device "${device}" has no ${kind} in the latency table (available: ${have.join(', ') || 'none'})`);
    }
    return metric;
  }
}

export function loadLatencyTable(file: string): LatencyTable {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError(`latency table ${file}: cannot read (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new InputError(`latency table ${file}: not valid JSON (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`);
  }
  return LatencyTable.parse(json, file);
}

/** One device's cost (one metric) of every op of the FBNet space, ready for summing. */
export interface DeviceCosts {
  readonly device: string;
  readonly metric: string;
  readonly stem: number;
  /** layers[i][c]: cost of candidate c at layer i. */
  readonly layers: readonly (readonly number[])[];
  readonly headConv: number;
  readonly headPool: number;
  readonly fc: number;
  /** headConv + headPool + fc, summed in that order. */
  readonly head: number;
}

/** Looks every op of the space up for one device; a missing op is an InputError naming its key. */
export function deviceCosts(
  table: LatencyTable,
  device: string,
  kind: CostKind,
  numClasses: number,
  shapes: readonly LayerShape[] = FBNET_LAYERS,
  input: Shape = INPUT_SHAPE,
): DeviceCosts {
  const metric = table.requireDevice(device, kind);
  const last = shapes[shapes.length - 1];
  if (last === undefined) throw new InputError('latency table: the space has no layers');
  const hk = headKeys(last.output, numClasses);
  const headConv = table.value(metric, hk.conv);
  const headPool = table.value(metric, hk.pool);
  const fc = table.value(metric, hk.fc);
  return {
    device,
    metric,
    stem: table.value(metric, stemKey(input)),
    layers: shapes.map((layer) => CANDIDATES.map((c) => table.value(metric, candidateKey(layer, c)))),
    headConv,
    headPool,
    fc,
    head: headConv + headPool + fc,
  };
}

/** Cost of the whole network on one device: stem + Σ layers + head (HW-NAS-Bench's composition). */
export function wholeNetworkCost(costs: DeviceCosts, arch: readonly number[]): number {
  let t = costs.stem;
  for (let i = 0; i < arch.length; i++) t += (costs.layers[i] as readonly number[])[arch[i] as number] as number;
  return t + costs.head;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 20 ? `${v.slice(0, 20)}…` : v)}`;
  return `a ${typeof v}`;
}
