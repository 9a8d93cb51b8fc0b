/**
 * Latency (and energy) of the bottleneck's encoder on the device and decoder on the server.
 * HW-NAS-Bench does not list them, so they are estimated from each device's own table: a
 * least-squares line cost = a + b·MACs over the table's single 1×1 conv-BN(-ReLU) ops — the
 * FBNet "skip" candidates that change the shape (1×1 conv + BN + ReLU, stride 1 or 2), the
 * same kind of op as the encoder and decoder: one dense conv + BN each (a 2×2 conv with
 * stride 2 to 4c channels, and its transpose back; P²·H·W·C·c MACs with P = 2, four times a 1×1
 * pair's at the same payload; the int8 (de)quantisation of c·H·W ≤ 8,192 values is left out).
 * The fit's error is reported (leave-one-out RMS).
 *
 * A measured value overrides the fit: when the device's metric (e.g. from `nasc profile`) has
 * the op's own key — `ConvNorm_H{H}_W{W}_Cin{C}_Cout{4c}_kernel2_stride2_group1` for the
 * encoder, `ConvTransposeNorm_H{H/2}_W{W/2}_Cin{4c}_Cout{C}_kernel2_stride2_group1` for the
 * decoder, in HW-NAS-Bench's key format — that value is used.
 */
import { InputError } from '../../core/errors.js';
import { BOTTLENECK_LEVELS, BOTTLENECK_PATCH, bottleneckInputShape, widthOfLevel } from './bottleneck.js';
import type { CostKind, LatencyTable } from './latency_table.js';
import { MAX_SPLIT } from './search_space.js';

const SKIP_KEY = /^Skip_H(\d+)_W(\d+)_Cin(\d+)_Cout(\d+)_stride(\d+)$/;

/** cost = max(0, intercept + perMac·MACs), fitted on one metric's 1×1 conv ops. */
export interface ConvCostFit {
  readonly metric: string;
  /** Fixed cost per op (ms or mJ). */
  readonly intercept: number;
  /** Cost per multiply-accumulate. */
  readonly perMac: number;
  /** The table entries it was fitted on. */
  readonly points: number;
  /** Smallest and largest MACs among them. */
  readonly macRange: readonly [number, number];
  /** RMS of the residuals, and of the leave-one-out prediction errors. */
  readonly rms: number;
  readonly looRms: number;
  /** Largest absolute leave-one-out error. */
  readonly looMaxAbs: number;
  /** Mean cost of the points (to read the errors against). */
  readonly mean: number;
}

/** Key of the encoder at split s for payload width c: P×P conv, stride P, C → P²c (P = BOTTLENECK_PATCH). */
export function encoderKey(split: number, width: number): string {
  const [c, h, w] = bottleneckInputShape(split);
  const p = BOTTLENECK_PATCH;
  return `ConvNorm_H${h}_W${w}_Cin${c}_Cout${p * p * width}_kernel${p}_stride${p}_group1`;
}

/** Key of the decoder: P×P transposed conv, stride P, P²c → C, on the H/P × W/P code. */
export function decoderKey(split: number, width: number): string {
  const [c, h, w] = bottleneckInputShape(split);
  const p = BOTTLENECK_PATCH;
  return `ConvTransposeNorm_H${h / p}_W${w / p}_Cin${p * p * width}_Cout${c}_kernel${p}_stride${p}_group1`;
}

/** MACs of the encoder or the decoder at split s: P²·H·W·C·c either way. */
export function bottleneckMacs(split: number, width: number): number {
  const [c, h, w] = bottleneckInputShape(split);
  return BOTTLENECK_PATCH * BOTTLENECK_PATCH * h * w * c * width;
}

/** The 1×1 conv ops of a metric: (MACs, cost) of every shape-changing skip entry. */
export function conv1x1Points(table: LatencyTable, metric: string): { key: string; macs: number; cost: number }[] {
  const out: { key: string; macs: number; cost: number }[] = [];
  for (const [key, cost] of table.entries(metric)) {
    const m = SKIP_KEY.exec(key);
    if (m === null) continue;
    const [h, w, cin, cout, stride] = m.slice(1).map(Number) as [number, number, number, number, number];
    if (cin === cout && stride === 1) continue; // identity: no conv
    const ho = Math.ceil(h / stride);
    const wo = Math.ceil(w / stride);
    out.push({ key, macs: ho * wo * cin * cout, cost });
  }
  return out;
}

/** Ordinary least squares of cost on [1, MACs]. */
function line(xs: readonly number[], ys: readonly number[]): [number, number] {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += ((xs[i] as number) - mx) * ((ys[i] as number) - my);
    sxx += ((xs[i] as number) - mx) ** 2;
  }
  const b = sxx > 0 ? sxy / sxx : 0;
  return [my - b * mx, b];
}

/** The fit for one device and cost kind; an InputError when the metric has < 3 such ops. */
export function fitConvCost(table: LatencyTable, device: string, kind: CostKind = 'latency'): ConvCostFit {
  const metric = table.requireDevice(device, kind);
  const pts = conv1x1Points(table, metric);
  if (pts.length < 3) {
    throw new InputError(`${metric}: ${pts.length} shape-changing skip (1×1 conv) entries, the encoder/decoder estimate needs at least 3`);
  }
  const xs = pts.map((p) => p.macs);
  const ys = pts.map((p) => p.cost);
  const [a, b] = line(xs, ys);
  let ss = 0;
  let loo = 0;
  let looMax = 0;
  for (let i = 0; i < xs.length; i++) {
    ss += (a + b * (xs[i] as number) - (ys[i] as number)) ** 2;
    const [ai, bi] = line(
      xs.filter((_, j) => j !== i),
      ys.filter((_, j) => j !== i),
    );
    const e = Math.abs(ai + bi * (xs[i] as number) - (ys[i] as number));
    loo += e * e;
    looMax = Math.max(looMax, e);
  }
  return {
    metric,
    intercept: a,
    perMac: b,
    points: xs.length,
    macRange: [Math.min(...xs), Math.max(...xs)],
    rms: Math.sqrt(ss / xs.length),
    looRms: Math.sqrt(loo / xs.length),
    looMaxAbs: looMax,
    mean: ys.reduce((x, y) => x + y, 0) / ys.length,
  };
}

export function predictConvCost(fit: ConvCostFit, macs: number): number {
  return Math.max(0, fit.intercept + fit.perMac * macs);
}

/** Encoder or decoder cost on one device for every (split 1..21, level 1..4). */
export interface BottleneckOpCosts {
  readonly metric: string;
  readonly fit: ConvCostFit;
  /** costs[s][level]: cost at split s, width level (index 0 unused = no bottleneck = 0). */
  readonly costs: readonly (readonly number[])[];
  /** How many of them came from the table's own keys instead of the fit. */
  readonly measured: number;
}

function opCosts(table: LatencyTable, device: string, kind: CostKind, side: 'encoder' | 'decoder'): BottleneckOpCosts {
  const fit = fitConvCost(table, device, kind);
  const costs: number[][] = [];
  let measured = 0;
  for (let s = 0; s < MAX_SPLIT; s++) {
    const row = [0];
    for (let level = 1; level < BOTTLENECK_LEVELS; level++) {
      if (s === 0) {
        row.push(Number.NaN);
        continue;
      }
      const width = widthOfLevel(s, level);
      const key = side === 'encoder' ? encoderKey(s, width) : decoderKey(s, width);
      const own = table.lookup(fit.metric, key);
      if (own !== undefined) measured++;
      row.push(own ?? predictConvCost(fit, bottleneckMacs(s, width)));
    }
    costs.push(row);
  }
  return { metric: fit.metric, fit, costs, measured };
}

/** Encoder cost on `device` (latency ms, or energy mJ) per (split, level). */
export function encoderCosts(table: LatencyTable, device: string, kind: CostKind = 'latency'): BottleneckOpCosts {
  return opCosts(table, device, kind, 'encoder');
}

/** Decoder cost on `server` per (split, level). */
export function decoderCosts(table: LatencyTable, server: string, kind: CostKind = 'latency'): BottleneckOpCosts {
  return opCosts(table, server, kind, 'decoder');
}

/** Cost of width c at split s from a per-level table (0 for c = 0). */
export function bottleneckOpCost(costs: BottleneckOpCosts, split: number, width: number): number {
  if (width === 0) return 0;
  for (let level = 1; level < BOTTLENECK_LEVELS; level++) {
    if (widthOfLevel(split, level) === width) return (costs.costs[split] as readonly number[])[level] as number;
  }
  throw new InputError(`bottleneck width ${width} is not a C/2..C/16 width at split ${split}`);
}
