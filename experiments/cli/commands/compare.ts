import type { Argv, CommandModule } from 'yargs';
import { InputError } from '../../../core/errors.js';
import { formatReport } from '../../compare/format_report.js';
import { runCompare, type CompareArgs, type CompareReport } from '../../compare/run_compare.js';
import { algorithms, problems } from '../../plugins.js';
import { positiveInteger } from '../validate.js';

interface CompareCliArgs {
  problem: string;
  dataset?: string;
  device?: string;
  variables?: number;
  objectives?: number;
  scenario?: string;
  'val-images'?: number;
  'test-images'?: number;
  'calibration-images'?: number;
  'cache-dir'?: string;
  queue?: string;
  'split-repair'?: string;
  weights?: string;
  strategies: string;
  seeds: number;
  evaluations: number;
  seed: number;
  pop?: number;
  out?: string;
  workers: number;
  'report-at'?: string;
  'data-dir'?: string;
  json: boolean;
}

/** The registry module the worker threads import (the same file as `plugins` above). */
const pluginsModule = new URL(import.meta.url.endsWith('.ts') ? '../../plugins.ts' : '../../plugins.js', import.meta.url).href;

export async function compareFromCli(args: CompareCliArgs): Promise<CompareReport> {
  const reportAt = args['report-at']?.split(',').map((s) => {
    const n = Number(s.trim());
    if (!Number.isSafeInteger(n) || n < 1) throw new InputError(`--report-at takes positive integers, got ${s}`);
    return n;
  });
  const compareArgs: CompareArgs = {
    problem: args.problem,
    strategies: args.strategies,
    seeds: args.seeds,
    evaluations: args.evaluations,
    seed: args.seed,
    workers: args.workers,
    ...(args.dataset === undefined ? {} : { dataset: args.dataset }),
    ...(args.device === undefined ? {} : { device: args.device }),
    ...(args.variables === undefined ? {} : { variables: args.variables }),
    ...(args.objectives === undefined ? {} : { objectives: args.objectives }),
    ...(args.scenario === undefined ? {} : { scenario: args.scenario }),
    ...(args['val-images'] === undefined ? {} : { valImages: args['val-images'] }),
    ...(args['test-images'] === undefined ? {} : { testImages: args['test-images'] }),
    ...(args['calibration-images'] === undefined ? {} : { calibrationImages: args['calibration-images'] }),
    ...(args['cache-dir'] === undefined ? {} : { cacheDir: args['cache-dir'] }),
    ...(args.queue === undefined ? {} : { queue: args.queue }),
    ...(args['split-repair'] === undefined ? {} : { splitRepair: args['split-repair'] }),
    ...(args.weights === undefined ? {} : { weights: args.weights }),
    ...(args.pop === undefined ? {} : { pop: args.pop }),
    ...(args.out === undefined ? {} : { out: args.out }),
    ...(reportAt === undefined ? {} : { reportAt }),
    ...(args['data-dir'] === undefined ? {} : { dataDir: args['data-dir'] }),
    ...(args.json || !process.stderr.isTTY
      ? {}
      : { onRun: (r, done, total) => process.stderr.write(`\r${done}/${total} runs (${r.strategy}, seed ${r.seed}: ${r.seconds.toFixed(1)} s)   `) }),
  };
  return runCompare(compareArgs, { problems, algorithms, module: pluginsModule });
}

export const compareCommand: CommandModule<object, CompareCliArgs> = {
  command: 'compare',
  describe: 'Compare search strategies on one problem: same budget, several seeds, indicators, p-values, plots',
  builder: (y: Argv) =>
    y
      .option('problem', { type: 'string', demandOption: true, describe: 'problem name (nasc list problems)' })
      .option('dataset', { type: 'string', describe: 'dataset of a tabular problem (nb201: cifar10, cifar100, ImageNet16-120)' })
      .option('device', { type: 'string', describe: 'device of a tabular problem (nb201: raspi4, pixel3, eyeriss, fpga)' })
      .option('scenario', { type: 'string', describe: 'nasc: scenario name or file (default: default)' })
      .option('val-images', { coerce: positiveInteger('val-images'), describe: 'nasc: validation images per candidate (default 200)' })
      .option('test-images', { coerce: positiveInteger('test-images', true), describe: 'nasc: test images each run\'s front is re-measured on (default 2000; 0: none)' })
      .option('calibration-images', { coerce: positiveInteger('calibration-images'), describe: 'nasc: training images for per-subnet BN recalibration (default 128)' })
      .option('cache-dir', { type: 'string', describe: 'nasc: folder for disk-backed accuracy caches, shared by reruns' })
      .option('split-repair', { type: 'string', describe: 'nasc: best (default) | deployment (extended space: also bottleneck genomes at their fastest trained cut) | none (the paper\'s free split gene)' })
      .option('queue', { type: 'string', describe: 'nasc: evaluate on `nasc worker`s through this Redis queue (redis://host:port[/db], rediss://…)' })
      .option('weights', { type: 'string', describe: 'nasc: weight store .json (default: the shipped one)' })
      .option('variables', { type: 'number', describe: 'number of variables of a scalable benchmark', coerce: positiveInteger('variables') })
      .option('objectives', { type: 'number', describe: 'number of objectives of a scalable benchmark', coerce: positiveInteger('objectives') })
      .option('strategies', { type: 'string', demandOption: true, describe: 'comma-separated strategies, each name or name(key=value,…) (nasc list algorithms)' })
      .option('seeds', { type: 'number', default: 10, describe: 'runs per strategy (seeds seed..seed+K-1)', coerce: positiveInteger('seeds') })
      .option('evaluations', { type: 'number', demandOption: true, describe: 'budget of distinct evaluations per run', coerce: positiveInteger('evaluations') })
      .option('seed', { type: 'number', default: 1, describe: 'base seed', coerce: positiveInteger('seed', true) })
      .option('pop', { type: 'number', describe: 'population / batch size for every strategy', coerce: positiveInteger('pop') })
      .option('workers', { type: 'number', default: 1, describe: 'worker threads (same results as sequential; nasc: inference threads)', coerce: positiveInteger('workers') })
      .option('report-at', { type: 'string', describe: 'budgets for the "who leads" table, e.g. 500,1000,1500 (default ⅓, ⅔, all)' })
      .option('out', { type: 'string', describe: 'directory for compare.json, CSV tables and SVG/PNG plots' })
      .option('data-dir', { type: 'string', describe: 'data directory (default: $NASC_DATA, else the user cache ~/.cache/nasc for CIFAR-10; tables found there win over the shipped data/)' })
      .option('json', { type: 'boolean', default: false, describe: 'print one JSON object' }) as unknown as Argv<CompareCliArgs>,
  handler: async (args) => {
    const report = await compareFromCli(args);
    if (!args.json && process.stderr.isTTY) process.stderr.write('\n');
    process.stdout.write(args.json ? `${JSON.stringify(report)}\n` : formatReport(report));
  },
};
