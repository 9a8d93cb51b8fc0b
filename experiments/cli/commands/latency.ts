/**
 * `nasc latency`: the end-to-end latency breakdown of one (architecture, split, precision)
 * under a scenario, from the HW-NAS-Bench tables (or a profile), e.g.
 *
 *   nasc latency --scenario experiments/scenarios/default.json --arch k5_e6 --split 1 --precision int8 --json
 *   nasc latency --scenario default --arch k5_e6 --split 9 --bottleneck 8 --precision int8 --json   (payloadBytes 2,056)
 */
import type { Argv, CommandModule } from 'yargs';
import { InputError } from '../../../core/errors.js';
import { dataFile } from '../../../problems/data_dir.js';
import { PAYLOAD_PRECISIONS, type PayloadPrecision } from '../../../problems/nasc/accuracy_oracle.js';
import { LatencyTable, loadLatencyTable } from '../../../problems/nasc/latency_table.js';
import { SplitLatencyModel, type LatencyBreakdown } from '../../../problems/nasc/latency_model.js';
import { DEFAULT_LINK, checkLink, type LinkParams } from '../../../problems/nasc/link_model.js';
import { loadScenario, type Scenario } from '../../../problems/nasc/scenario.js';
import { resolveScenario } from '../../scenarios.js';
import { MAX_SPLIT, architectureNames, parseArchitecture } from '../../../problems/nasc/search_space.js';
import { BOTTLENECK_PATCH, levelOfWidth } from '../../../problems/nasc/bottleneck.js';
import { namedDataDir } from '../../data/data_dir.js';
import { checkLatenciesFinite } from '../../validation/run_inputs.js';

export interface LatencyArgs {
  scenario?: string;
  arch: string;
  split: string;
  precision?: string;
  bottleneck?: string;
  lut?: string;
  profile?: string[];
  device?: string;
  server?: string;
  bandwidth?: string;
  loss?: string;
  rtt?: string;
  'packet-bytes'?: string;
  'header-bytes'?: string;
  classes?: string;
  'data-dir'?: string;
  json: boolean;
}

export interface LatencyReport extends LatencyBreakdown {
  readonly architecture: string[];
  readonly split: number;
  readonly precision: PayloadPrecision;
  /** Width of the learned bottleneck at the split (0: none). */
  readonly bottleneck: number;
  readonly device: string;
  readonly server: string;
  readonly link: LinkParams;
}

function number(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n)) throw new InputError(`--${flag} must be a number, got "${text}"`);
  return n;
}

/** Everything `nasc latency` computes, without printing (tests call this). */
export function latencyReport(args: LatencyArgs): LatencyReport {
  const scenario: Scenario | undefined = args.scenario === undefined ? undefined : loadScenario(resolveScenario(args.scenario));
  const device = args.device ?? scenario?.device;
  const server = args.server ?? scenario?.server;
  const bandwidth = number('bandwidth', args.bandwidth) ?? scenario?.bandwidthMbps;
  if (device === undefined || server === undefined || bandwidth === undefined) {
    throw new InputError('give --scenario FILE, or all of --device, --server and --bandwidth');
  }
  const link: LinkParams = {
    bandwidthMbps: bandwidth,
    rttMs: number('rtt', args.rtt) ?? scenario?.rttMs ?? DEFAULT_LINK.rttMs,
    packetBytes: number('packet-bytes', args['packet-bytes']) ?? scenario?.packetBytes ?? DEFAULT_LINK.packetBytes,
    headerBytes: number('header-bytes', args['header-bytes']) ?? scenario?.headerBytes ?? DEFAULT_LINK.headerBytes,
    lossRate: number('loss', args.loss) ?? scenario?.lossRate ?? DEFAULT_LINK.lossRate,
  };
  checkLink(link, 'link flags');
  const numClasses = number('classes', args.classes) ?? scenario?.numClasses ?? 10;
  if (!Number.isInteger(numClasses) || numClasses < 1) throw new InputError(`--classes must be a positive integer, got ${numClasses}`);

  const precisionText = args.precision ?? scenario?.precision ?? 'fp32';
  if (precisionText === 'search') throw new InputError(`scenario ${scenario?.name ?? ''} searches the precision: pass --precision ${PAYLOAD_PRECISIONS.join('|')}`);
  if (!(PAYLOAD_PRECISIONS as readonly string[]).includes(precisionText)) throw new InputError(`--precision must be one of ${PAYLOAD_PRECISIONS.join(', ')}, got "${precisionText}"`);
  const precision = precisionText as PayloadPrecision;

  const architecture = parseArchitecture(args.arch);
  const split = number('split', args.split) as number;
  if (!Number.isInteger(split) || split < 0 || split > MAX_SPLIT) throw new InputError(`--split must be an integer in 0..${MAX_SPLIT}, got ${args.split}`);
  const bottleneck = number('bottleneck', args.bottleneck) ?? 0;
  if (bottleneck !== 0) {
    if (precision !== 'int8') throw new InputError(`--bottleneck sends an int8 payload: pass --precision int8 (got ${precision})`);
    levelOfWidth(split, bottleneck); // an InputError unless c is C/2, C/4, C/8 or C/16 at this split
  }

  const lut = args.lut ?? dataFile(namedDataDir(args['data-dir'])?.dir, 'fbnetLut');
  const table = LatencyTable.merge([loadLatencyTable(lut), ...(args.profile ?? []).map(loadLatencyTable)]);
  const model = SplitLatencyModel.fromTable(table, { device, server, link, numClasses });
  // A link too slow for a double (1e-320 Mbit/s) would print null: refuse it like bad input.
  checkLatenciesFinite(model, { name: scenario?.name ?? 'from the flags', precision });
  return { ...model.breakdown(architecture, split, precision, bottleneck), architecture: architectureNames(architecture), split, precision, bottleneck, device, server, link };
}

export function formatLatency(r: LatencyReport): string {
  const ms = (x: number): string => `${x.toFixed(3)} ms`;
  const rows: [string, string][] = [
    ['architecture', r.architecture.join(',')],
    ['split', `${r.split} (${r.split === 0 ? 'server-only, image sent' : r.split === MAX_SPLIT ? 'device-only, scores sent' : `stem + layers 0..${r.split - 1} on ${r.device}`})`],
    ['precision', r.precision],
    ...(r.bottleneck === 0 ? [] : [['bottleneck', `width ${r.bottleneck} (learned 2×2-patch encoder/decoder: ${BOTTLENECK_PATCH ** 2 * r.bottleneck} channels at half the side)`] as [string, string]]),
    ['link', `${r.link.bandwidthMbps} Mbit/s, rtt ${r.link.rttMs} ms, ${r.link.packetBytes} B/packet + ${r.link.headerBytes} B header, loss ${r.link.lossRate}`],
    [`device (${r.device})`, ms(r.deviceMs)],
    ...(r.bottleneck === 0 ? [] : [[`encoder (${r.device}, estimated)`, ms(r.encoderMs)] as [string, string]]),
    ['link', `${ms(r.linkMs)} (${r.payloadBytes} B)`],
    ...(r.bottleneck === 0 ? [] : [[`decoder (${r.server}, estimated)`, ms(r.decoderMs)] as [string, string]]),
    [`server (${r.server})`, ms(r.serverMs)],
    ['total', ms(r.totalMs)],
    ...(r.deviceEnergyMj === undefined ? [] : [['device energy', `${r.deviceEnergyMj.toFixed(3)} mJ`] as [string, string]]),
  ];
  const w = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join('\n');
}

export const latencyCommand: CommandModule<object, LatencyArgs> = {
  command: 'latency',
  describe: 'End-to-end latency (device + link + server) of an architecture split at s',
  builder: (y: Argv) =>
    y
      .option('scenario', { type: 'string', describe: 'scenario JSON (experiments/scenarios/*.json)' })
      .option('arch', { type: 'string', demandOption: true, describe: '22 comma-separated candidates, indices 0..8 or names k3_e1..skip (one item = all layers)' })
      .option('split', { type: 'string', demandOption: true, describe: `split point 0..${MAX_SPLIT} (0 = send the image, ${MAX_SPLIT} = device-only)` })
      .option('precision', { type: 'string', describe: 'payload precision fp32|fp16|int8 (default: the scenario\'s)' })
      .option('bottleneck', { type: 'string', describe: 'width c of a learned bottleneck at the split (C/2, C/4, C/8 or C/16; int8 payload c·H·W + 8 B, sent as 4c channels at H/2 × W/2); 0 = none' })
      .option('lut', { type: 'string', describe: 'cost table (default: <data-dir>/hw-nas-bench/fbnet_cifar100_lut.json if there, else the shipped data/hw-nas-bench one)' })
      .option('profile', { type: 'string', array: true, describe: 'extra {metric: {key: value}} tables (e.g. from nasc profile); override metrics of --lut' })
      .option('device', { type: 'string', describe: 'IoT device (edgegpu, raspi4, pixel3, eyeriss, fpga, or a profiled one)' })
      .option('server', { type: 'string', describe: 'edge server' })
      .option('bandwidth', { type: 'string', describe: 'uplink bandwidth, Mbit/s' })
      .option('loss', { type: 'string', describe: 'packet loss rate in [0, 1)' })
      .option('rtt', { type: 'string', describe: 'round trip / fixed overhead, ms' })
      .option('packet-bytes', { type: 'string', describe: 'payload bytes per packet (default 1460)' })
      .option('header-bytes', { type: 'string', describe: 'header bytes per packet (default 0)' })
      .option('classes', { type: 'string', describe: 'number of classes (FC_Cin1504_Cout<N> must be in the table; default 10)' })
      .option('data-dir', { type: 'string', describe: 'data directory (default: $NASC_DATA, else the user cache ~/.cache/nasc for CIFAR-10; tables found there win over the shipped data/)' })
      .option('json', { type: 'boolean', default: false, describe: 'print {deviceMs, encoderMs, linkMs, decoderMs, serverMs, totalMs, payloadBytes}' }) as unknown as Argv<LatencyArgs>,
  handler: (args) => {
    const r = latencyReport(args);
    if (args.json) {
      const { deviceMs, encoderMs, linkMs, decoderMs, serverMs, totalMs, payloadBytes, deviceEnergyMj } = r;
      process.stdout.write(`${JSON.stringify({ deviceMs, encoderMs, linkMs, decoderMs, serverMs, totalMs, payloadBytes, ...(deviceEnergyMj === undefined ? {} : { deviceEnergyMj }) })}\n`);
      return;
    }
    process.stdout.write(`${formatLatency(r)}\n`);
  },
};
