import { existsSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { SPLIT_REPAIRS, parseSplitRepair } from '../../../problems/nasc/best_split_repair.js';
import { parsePluginSpec, splitSpecList } from '../../../core/registry.js';
import { InputError } from '../../../core/errors.js';
import { PAYLOAD_PRECISIONS, type PayloadPrecision } from '../../../problems/nasc/accuracy_oracle.js';
import { loadScenario, overrideScenario, type Scenario } from '../../../problems/nasc/scenario.js';
import { BN_MODES, type BnMode } from '../../../workers/bn_statistics.js';
import { loadWeightStore } from '../../../workers/weight_store.js';
import { defaultWeights, versions } from '../../paths.js';
import { algorithms } from '../../plugins.js';
import { resolveScenario } from '../../scenarios.js';
import { readSearchConfig, runSearch, type SearchConfig } from '../../search/search_job.js';
import { resolveDataDir } from '../options.js';
import { positiveInteger, positiveNumber } from '../validate.js';

/**
 * Default sizes of the main job, chosen so that `npm start` stays within ten minutes on 2 cores
 * (see README "The main job"). Resolution: 400 validation images give a binomial standard error
 * of ≤ 2.5 points (enough to rank subnets during the search); reported points are re-measured on
 * 2,000 test images (≤ 1.1 points). The HWNAS baseline gets the search's own budget, so the
 * front plot compares equals; every budget is in the legend and in baselines.json.
 */
export const SEARCH_DEFAULTS = {
  strategy: 'nasc',
  evaluations: 300,
  populationSize: 20,
  valImages: 400,
  testImages: 2000,
  calibrationImages: 256,
  baselines: 'hwnas,fixed-architectures',
} as const;

export interface SearchArgs {
  scenario: string;
  strategy: string;
  seed: number;
  evaluations?: number;
  generations?: number;
  pop?: number;
  'val-images'?: number;
  'test-images'?: number;
  'calibration-images'?: number;
  'baseline-evaluations'?: number;
  baselines?: string;
  bn?: string;
  weights?: string;
  lut?: string;
  profile?: string[];
  workers?: number;
  'data-dir'?: string;
  out?: string;
  resume?: string;
  json: boolean;
  progress: boolean;
  device?: string;
  server?: string;
  bandwidth?: number;
  loss?: number;
  rtt?: number;
  bound?: number;
  's-min'?: number;
  precision?: string;
  'split-repair'?: string;
}

function buildConfig(args: SearchArgs): SearchConfig {
  parsePluginSpec(algorithms, args.strategy);
  const baselines = splitSpecList(args.baselines ?? SEARCH_DEFAULTS.baselines);
  for (const b of baselines) parsePluginSpec(algorithms, b);
  let scenario: Scenario = loadScenario(resolveScenario(args.scenario));
  const precision = args.precision as PayloadPrecision | 'search' | undefined;
  if (precision !== undefined && precision !== 'search' && !PAYLOAD_PRECISIONS.includes(precision)) {
    throw new InputError(`--precision must be one of ${[...PAYLOAD_PRECISIONS, 'search'].join(', ')}, got ${precision}`);
  }
  scenario = overrideScenario(scenario, {
    device: args.device,
    server: args.server,
    bandwidthMbps: args.bandwidth,
    lossRate: args.loss,
    rttMs: args.rtt,
    latencyBoundMs: args.bound,
    sMin: args['s-min'],
    precision,
  });
  const bn = (args.bn ?? 'recalibrate') as BnMode;
  if (!BN_MODES.includes(bn)) throw new InputError(`--bn must be one of ${BN_MODES.join(', ')}, got ${args.bn}`);
  const weightsFile = path.resolve(args.weights ?? defaultWeights());
  const store = loadWeightStore(weightsFile);
  const populationSize = args.pop ?? SEARCH_DEFAULTS.populationSize;
  const evaluations = args.evaluations ?? (args.generations === undefined ? SEARCH_DEFAULTS.evaluations : populationSize * (args.generations + 1));
  return {
    format: 'nasc-search',
    version: 2,
    scenario,
    scenarioSource: args.scenario,
    seed: args.seed,
    strategy: args.strategy,
    populationSize,
    evaluations,
    valImages: args['val-images'] ?? SEARCH_DEFAULTS.valImages,
    testImages: args['test-images'] ?? SEARCH_DEFAULTS.testImages,
    calibrationImages: args['calibration-images'] ?? SEARCH_DEFAULTS.calibrationImages,
    bn,
    weights: { file: weightsFile, sha256: store.manifest.sha256, steps: trainingSteps(store.manifest.training) },
    lut: args.lut === undefined ? null : path.resolve(args.lut),
    profiles: (args.profile ?? []).map((f) => path.resolve(f)),
    baselines: { strategies: baselines, evaluations: args['baseline-evaluations'] ?? evaluations },
    splitRepair: parseSplitRepair(args['split-repair']),
    versions: versions(),
  };
}

function trainingSteps(training: unknown): number | null {
  const steps = (training as { steps?: unknown } | undefined)?.steps;
  return typeof steps === 'number' ? steps : null;
}

export async function searchCommand(args: SearchArgs) {
  const dataDir = resolveDataDir(args['data-dir']);
  let config: SearchConfig;
  let out: string;
  if (args.resume !== undefined) {
    out = path.resolve(args.resume);
    config = readSearchConfig(out);
    if (args.evaluations !== undefined) config = { ...config, evaluations: args.evaluations };
  } else {
    config = buildConfig(args);
    out = path.resolve(args.out ?? path.join('results', `search-${config.scenario.name}-seed${config.seed}`));
    if (existsSync(out) && readdirSync(out).length > 0) {
      throw new InputError(`output folder ${out} exists and is not empty (use --resume ${out} to continue it, or another --out)`);
    }
  }
  return runSearch(config, { dataDir, out, progress: args.progress && !args.json ? true : args.progress, ...(args.workers === undefined ? {} : { workers: args.workers }) }, args.resume !== undefined);
}

export const searchCommandModule: CommandModule<object, SearchArgs> = {
  command: 'search',
  describe: 'NASC search on a scenario (supernet accuracy, HW-NAS-Bench latency), final front on test images, baselines, results folder',
  builder: (y: Argv) =>
    y
      .option('scenario', { type: 'string', default: 'default', describe: 'shipped scenario name (nasc list scenarios) or a JSON file' })
      .option('strategy', { type: 'string', default: SEARCH_DEFAULTS.strategy, describe: 'search strategy, name or name(key=value,…) (nasc list algorithms)' })
      .option('split-repair', { type: 'string', describe: `${SPLIT_REPAIRS.join(' | ')}: best (default) moves fp32 genomes to their latency-optimal split; none keeps the paper's free split gene (lifted to sMin only)` })
      .option('baselines', { type: 'string', describe: `baseline strategies run after the search on the same problem (default ${SEARCH_DEFAULTS.baselines}; '' for none)` })
      .option('seed', { type: 'number', default: 1, coerce: positiveInteger('seed', true) })
      .option('evaluations', { type: 'number', describe: `candidate evaluations (default ${SEARCH_DEFAULTS.evaluations})`, coerce: positiveInteger('evaluations') })
      .option('generations', { type: 'number', describe: 'generations after the initial population (instead of --evaluations)', coerce: positiveInteger('generations', true) })
      .option('pop', { type: 'number', describe: `population size (default ${SEARCH_DEFAULTS.populationSize})`, coerce: positiveInteger('pop') })
      .option('val-images', { type: 'number', describe: `validation images per candidate (default ${SEARCH_DEFAULTS.valImages})`, coerce: positiveInteger('val-images') })
      .option('test-images', { type: 'number', describe: `test images for the final front (default ${SEARCH_DEFAULTS.testImages})`, coerce: positiveInteger('test-images') })
      .option('calibration-images', { type: 'number', describe: `training images for per-subnet BN recalibration (default ${SEARCH_DEFAULTS.calibrationImages})`, coerce: positiveInteger('calibration-images') })
      .option('baseline-evaluations', { type: 'number', describe: 'evaluations per baseline (default: the search\'s own --evaluations)', coerce: positiveInteger('baseline-evaluations') })
      .option('bn', { type: 'string', describe: 'BatchNorm statistics: recalibrate (default) or running' })
      .option('weights', { type: 'string', describe: 'weight store .json/.bin (default: the shipped one)' })
      .option('lut', { type: 'string', describe: 'latency table (default: $NASC_DATA/hw-nas-bench/fbnet_cifar100_lut.json)' })
      .option('profile', { type: 'string', array: true, describe: 'tables from `nasc profile` (their devices become usable as --device/--server)' })
      .option('workers', { type: 'number', describe: `worker threads (default ${os.availableParallelism()}); results do not depend on it`, coerce: positiveInteger('workers') })
      .option('data-dir', { type: 'string', describe: 'data directory (default: $NASC_DATA)' })
      .option('out', { type: 'string', describe: 'results folder (default results/search-<scenario>-seed<seed>)' })
      .option('resume', { type: 'string', describe: 'continue the search in this results folder' })
      .option('device', { type: 'string', describe: 'override the scenario device' })
      .option('server', { type: 'string', describe: 'override the scenario server' })
      .option('bandwidth', { type: 'number', describe: 'override uplink bandwidth (Mbit/s)', coerce: positiveNumber('bandwidth') })
      .option('loss', { type: 'number', describe: 'override packet loss rate [0, 1)', coerce: positiveNumber('loss', true) })
      .option('rtt', { type: 'number', describe: 'override round trip (ms)', coerce: positiveNumber('rtt', true) })
      .option('bound', { type: 'number', describe: 'override the latency bound (ms)', coerce: positiveNumber('bound') })
      .option('s-min', { type: 'number', describe: 'override the privacy bound s ≥ s_min', coerce: positiveInteger('s-min', true) })
      .option('precision', { type: 'string', describe: 'payload precision fp32|fp16|int8|search' })
      .option('progress', { type: 'boolean', default: true, describe: 'progress on stderr (bar on a terminal, lines otherwise)' })
      .option('json', { type: 'boolean', default: false, describe: 'print the summary as one JSON object' }) as unknown as Argv<SearchArgs>,
  handler: async (args) => {
    const summary = await searchCommand(args);
    if (args.json) {
      process.stdout.write(`${JSON.stringify(summary)}\n`);
      return;
    }
    process.stdout.write(
      `search finished: ${summary.evaluations} evaluations in ${summary.seconds.toFixed(0)} s, ${summary.front.length} front points, HV ${summary.indicators.hv.toFixed(4)} (validation) / ${summary.indicators.testHv.toFixed(4)} (test)\nresults: ${summary.outDir}\n`,
    );
    for (const p of summary.front) {
      process.stdout.write(`  s=${String(p.split).padStart(2)} ${p.precision}  test acc ${(100 * p.testAccuracy).toFixed(1)}% (val ${(100 * p.valAccuracy).toFixed(1)}%)  total ${p.totalMs.toFixed(2)} ms (device ${p.deviceMs.toFixed(2)}, link ${p.linkMs.toFixed(2)}, server ${p.serverMs.toFixed(2)})\n`);
    }
  },
};
