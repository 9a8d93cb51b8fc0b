/**
 * End-to-end latency of a split network:
 *
 *     T(arch, s) = device(stem + layers < s) + link(payload(s)) + server(layers ≥ s + head)
 *
 * s = 0 runs everything on the server (the uint8 image is sent), s = 22 everything on the
 * device including the head (the scores are sent). With a learned bottleneck of width c at the
 * split (extended space) the device also runs the encoder and the server the decoder, and the
 * payload is c·H·W int8 bytes + 8 (bottleneck.ts; their costs: bottleneck_latency.ts). Device energy (compute only, from the
 * table; radio energy is not modelled) is reported when the device has an energy metric.
 */
import { InputError } from '../../core/errors.js';
import type { PayloadPrecision } from './accuracy_oracle.js';
import { bottleneckPayloadBytes } from './bottleneck.js';
import { bottleneckOpCost, decoderCosts, encoderCosts, type BottleneckOpCosts } from './bottleneck_latency.js';
import { deviceCosts, metricName, type DeviceCosts, type LatencyTable } from './latency_table.js';
import { checkLink, linkMs, type LinkParams } from './link_model.js';
import { payloadBytes } from './payload.js';
import { MAX_SPLIT, NUM_LAYERS, checkArchitecture, checkSplit } from './search_space.js';

export interface LatencyBreakdown {
  /** Stem and layers < s on the device (the head too at s = 22). */
  readonly deviceMs: number;
  /** Bottleneck encoder on the device (0 without a bottleneck). */
  readonly encoderMs: number;
  readonly linkMs: number;
  /** Bottleneck decoder on the server (0 without a bottleneck). */
  readonly decoderMs: number;
  readonly serverMs: number;
  /** deviceMs + encoderMs + linkMs + decoderMs + serverMs. */
  readonly totalMs: number;
  readonly payloadBytes: number;
  /** Compute energy on the device (mJ), when the table has `<device>_energy`. */
  readonly deviceEnergyMj?: number;
}

export interface SplitCosts {
  readonly device: DeviceCosts;
  readonly server: DeviceCosts;
  readonly deviceEnergy?: DeviceCosts;
  /** Bottleneck encoder on the device / decoder on the server (absent: no estimate possible). */
  readonly encoder?: BottleneckOpCosts;
  readonly decoder?: BottleneckOpCosts;
  readonly encoderEnergy?: BottleneckOpCosts;
}

/** Σ stem + layers [0, s) (+ head when s = 22) of one cost table; 0 at s = 0 (nothing runs on the device). */
export function headCost(costs: DeviceCosts, arch: readonly number[], split: number): number {
  if (split === 0) return 0;
  let t = costs.stem;
  for (let i = 0; i < split; i++) t += (costs.layers[i] as readonly number[])[arch[i] as number] as number;
  return split === MAX_SPLIT ? t + costs.head : t;
}

/** Σ layers [s, 22) + head of one cost table, plus the stem at s = 0; 0 when s = 22. */
export function tailCost(costs: DeviceCosts, arch: readonly number[], split: number): number {
  if (split === MAX_SPLIT) return 0;
  let t = split === 0 ? costs.stem : 0;
  for (let i = split; i < NUM_LAYERS; i++) t += (costs.layers[i] as readonly number[])[arch[i] as number] as number;
  return t + costs.head;
}

/**
 * The breakdown of one (architecture, split, precision[, bottleneck width]) — a pure function of
 * tables and link. A bottleneck (width > 0) sends an int8 payload whatever `precision` says.
 */
export function splitLatency(
  costs: SplitCosts,
  link: LinkParams,
  numClasses: number,
  arch: readonly number[],
  split: number,
  precision: PayloadPrecision,
  bottleneck = 0,
): LatencyBreakdown {
  let bytes: number;
  let encoderMs = 0;
  let decoderMs = 0;
  let encoderMj = 0;
  if (bottleneck > 0) {
    if (costs.encoder === undefined || costs.decoder === undefined) {
      throw new InputError('no encoder/decoder latency estimate for these devices (their tables lack 1×1 conv entries)');
    }
    bytes = bottleneckPayloadBytes(split, bottleneck);
    encoderMs = bottleneckOpCost(costs.encoder, split, bottleneck);
    decoderMs = bottleneckOpCost(costs.decoder, split, bottleneck);
    if (costs.encoderEnergy !== undefined) encoderMj = bottleneckOpCost(costs.encoderEnergy, split, bottleneck);
  } else {
    bytes = payloadBytes(split, precision, numClasses);
  }
  const deviceMs = headCost(costs.device, arch, split);
  const l = linkMs(bytes, link);
  const serverMs = tailCost(costs.server, arch, split);
  return {
    deviceMs,
    encoderMs,
    linkMs: l,
    decoderMs,
    serverMs,
    totalMs: deviceMs + encoderMs + l + decoderMs + serverMs,
    payloadBytes: bytes,
    ...(costs.deviceEnergy === undefined ? {} : { deviceEnergyMj: headCost(costs.deviceEnergy, arch, split) + encoderMj }),
  };
}

export interface LatencyModelConfig {
  readonly device: string;
  readonly server: string;
  readonly link: LinkParams;
  readonly numClasses: number;
}

/** Cost tables of a device/server pair and a link, with the checks done once. */
export class SplitLatencyModel {
  readonly costs: SplitCosts;

  constructor(
    costs: SplitCosts,
    readonly link: LinkParams,
    readonly numClasses: number,
  ) {
    checkLink(link);
    checkNumClasses(numClasses);
    this.costs = costs;
  }

  /** Looks up the device's and server's latency (and the device's energy, if any) in `table`. */
  static fromTable(table: LatencyTable, config: LatencyModelConfig): SplitLatencyModel {
    checkNumClasses(config.numClasses);
    const device = deviceCosts(table, config.device, 'latency', config.numClasses);
    const server = deviceCosts(table, config.server, 'latency', config.numClasses);
    const hasEnergy = table.hasMetric(metricName(config.device, 'energy'));
    const energy = hasEnergy ? deviceCosts(table, config.device, 'energy', config.numClasses) : undefined;
    const encoder = optional(() => encoderCosts(table, config.device));
    const decoder = optional(() => decoderCosts(table, config.server));
    const encoderEnergy = hasEnergy ? optional(() => encoderCosts(table, config.device, 'energy')) : undefined;
    return new SplitLatencyModel(
      {
        device,
        server,
        ...(energy === undefined ? {} : { deviceEnergy: energy }),
        ...(encoder === undefined || decoder === undefined ? {} : { encoder, decoder }),
        ...(encoderEnergy === undefined ? {} : { encoderEnergy }),
      },
      config.link,
      config.numClasses,
    );
  }

  get hasDeviceEnergy(): boolean {
    return this.costs.deviceEnergy !== undefined;
  }

  /** `bottleneck`: width c of a learned bottleneck at the split (0 = none). */
  breakdown(arch: readonly number[], split: number, precision: PayloadPrecision, bottleneck = 0): LatencyBreakdown {
    checkArchitecture(arch);
    checkSplit(split);
    return splitLatency(this.costs, this.link, this.numClasses, arch, split, precision, bottleneck);
  }

  /** Breakdowns for every split 0..22 (index = s). */
  sweep(arch: readonly number[], precision: PayloadPrecision): LatencyBreakdown[] {
    checkArchitecture(arch);
    return Array.from({ length: MAX_SPLIT + 1 }, (_, s) => splitLatency(this.costs, this.link, this.numClasses, arch, s, precision));
  }

  /**
   * Neurosurgeon-style sweep: the split s ≥ sMin with the least total latency (ties: the larger
   * s, which keeps more of the network — and the data — on the device).
   */
  bestSplit(arch: readonly number[], precision: PayloadPrecision, sMin = 0): { split: number; latency: LatencyBreakdown } {
    checkSplit(sMin);
    const all = this.sweep(arch, precision);
    let best = MAX_SPLIT;
    for (let s = MAX_SPLIT - 1; s >= sMin; s--) {
      if ((all[s] as LatencyBreakdown).totalMs < (all[best] as LatencyBreakdown).totalMs) best = s;
    }
    return { split: best, latency: all[best] as LatencyBreakdown };
  }

  /** Whole network on the device (what a device-only hardware-aware NAS measures). */
  deviceOnlyMs(arch: readonly number[]): number {
    checkArchitecture(arch);
    return headCost(this.costs.device, arch, MAX_SPLIT);
  }

  /** The same model with another link (for bandwidth / loss sweeps). */
  withLink(link: LinkParams): SplitLatencyModel {
    return new SplitLatencyModel(this.costs, link, this.numClasses);
  }
}

/** The value, or undefined when the tables cannot give it (an InputError); other errors propagate. */
function optional<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch (e) {
    if (e instanceof InputError) return undefined;
    throw e;
  }
}

function checkNumClasses(n: number): void {
  if (!(Number.isInteger(n) && n >= 1)) throw new InputError(`numClasses = ${n} must be an integer >= 1`);
}
