import type { Argv, CommandModule } from 'yargs';
import { InputError } from '../../../core/errors.js';
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

/** A plain-text table: final median [q1, q3] per strategy and indicator, then who leads at each budget. */
export function formatReport(report: CompareReport): string {
  const names = Object.keys(report.strategies);
  const indicators = report.indicators;
  const cell = (s: { median: number; q1: number; q3: number } | undefined) => (s === undefined ? '—' : `${fmt(s.median)} [${fmt(s.q1)}, ${fmt(s.q3)}]`);
  const header = ['strategy', ...indicators];
  const rows = names.map((n) => [n, ...indicators.map((ind) => cell(report.strategies[n]?.[ind]))]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (r: readonly string[]) => r.map((c, i) => c.padEnd(widths[i] as number)).join('  ');
  const out = [`${report.problem}: ${report.evaluations} evaluations, seeds ${report.seeds[0]}..${report.seeds[report.seeds.length - 1]} (median [q1, q3])`, line(header), ...rows.map(line)];
  for (const b of report.atBudgets) {
    const leads = indicators.map((ind) => {
      const l = b.leader[ind];
      return l === undefined ? '' : `${ind}: ${l.strategy}${l.p === undefined ? '' : ` (p=${fmt(l.p)} vs ${l.runnerUp})`}`;
    });
    out.push(`at ${b.evaluations}: ${leads.filter((s) => s !== '').join('; ')}`);
  }
  if (report.files.length > 0) out.push(`wrote ${report.files.length} files to ${report.files[0]?.replace(/[\\/][^\\/]*$/, '')}`);
  return `${out.join('\n')}\n`;
}

function fmt(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x !== 0 && Math.abs(x) < 1e-3) return x.toExponential(2);
  return Number(x.toPrecision(4)).toString();
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
      .option('split-repair', { type: 'string', describe: 'nasc: privacy (default) | best' })
      .option('weights', { type: 'string', describe: 'nasc: weight store .json (default: the shipped one)' })
      .option('variables', { type: 'number', describe: 'number of variables of a scalable benchmark', coerce: positiveInteger('variables') })
      .option('objectives', { type: 'number', describe: 'number of objectives of a scalable benchmark', coerce: positiveInteger('objectives') })
      .option('strategies', { type: 'string', demandOption: true, describe: 'comma-separated strategy names (nasc list algorithms)' })
      .option('seeds', { type: 'number', default: 10, describe: 'runs per strategy (seeds seed..seed+K-1)', coerce: positiveInteger('seeds') })
      .option('evaluations', { type: 'number', demandOption: true, describe: 'budget of distinct evaluations per run', coerce: positiveInteger('evaluations') })
      .option('seed', { type: 'number', default: 1, describe: 'base seed', coerce: positiveInteger('seed', true) })
      .option('pop', { type: 'number', describe: 'population / batch size for every strategy', coerce: positiveInteger('pop') })
      .option('workers', { type: 'number', default: 1, describe: 'worker threads (same results as sequential)', coerce: positiveInteger('workers') })
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
