import os from 'node:os';
import path from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { InputError } from '../../../core/errors.js';
import { splitSpecList } from '../../../core/registry.js';
import { parseSplitRepair } from '../../../problems/nasc/best_split_repair.js';
import { SPACE_NAMES, loadScenario, overrideScenario, type SpaceName } from '../../../problems/nasc/scenario.js';
import { BN_MODES, type BnMode } from '../../../workers/bn_statistics.js';
import { NASC_COMPARE_DEFAULTS } from '../../nasc/instance.js';
import { defaultWeights } from '../../paths.js';
import { algorithms } from '../../plugins.js';
import { readStudyRuns, savedStudyBudget, runPaperStudy, writeStudyOutputs } from '../../reproduce/paper_study.js';
import { familyMembers } from '../../reproduce/validation_selection.js';
import { resolveScenario } from '../../scenarios.js';
import { resolveDataDir } from '../../data/data_dir.js';
import { Shutdown } from '../../shutdown.js';
import { positiveInteger } from '../validate.js';

interface PaperArgs {
  scenario: string;
  space?: string;
  bandwidths: string;
  bounds: string;
  seeds: number;
  seed: number;
  evaluations: number;
  pop: number;
  strategies?: string;
  reference?: string;
  'split-repair'?: string;
  'val-images': number;
  'test-images': number;
  'calibration-images': number;
  bn: string;
  weights?: string;
  lut?: string;
  workers?: number;
  queue?: string;
  'data-dir'?: string;
  out?: string;
  'summarise-only': boolean;
  'select-on-validation'?: string;
  json: boolean;
}

/** The study's defaults: the paper's grid, ≥ 5 seeds, ≥ 200 evaluations per method. */
export const PAPER_DEFAULTS = {
  bandwidths: '1,5,10,50',
  bounds: '20,30,40',
  seeds: 5,
  evaluations: 200,
  pop: 20,
  strategies: 'nasc,hwnas,nasc(split-repair=none)',
  /**
   * In the extended space, like for like (grid-v5): every method starts from the size-stratified
   * initial population and screens offspring with the same surrogate. HWNAS deployed at its best
   * plain split, and the two-stage HWNAS + C/8 and + C/16 (validation picked one of these two in
   * 27 of 29 cell-seeds of grid-v4 among all five widths; never C/4), against NASC whose bottleneck
   * genomes are placed at their fastest trained cut (split-repair=deployment, the main job's method).
   */
  extendedStrategies:
    'hwnas(surrogate=true,init=size-stratified),hwnas(surrogate=true,max-bottleneck=3,init=size-stratified),hwnas(surrogate=true,max-bottleneck=4,init=size-stratified),nasc(surrogate=true,split-repair=deployment,init=size-stratified)',
  reference: 'hwnas',
} as const;

function positiveList(flag: string, text: string): number[] {
  const xs = text.split(',').map((s) => s.trim());
  const out = xs.map((s) => Number(s));
  if (xs.length === 0 || out.some((x, i) => xs[i] === '' || !Number.isFinite(x) || x <= 0)) throw new InputError(`--${flag} takes positive numbers separated by commas, got "${text}"`);
  if (new Set(out).size !== out.length) throw new InputError(`--${flag} lists a value twice: "${text}"`);
  return out;
}

/** Plain HWNAS when it runs, else the first HWNAS variant listed (e.g. hwnas(surrogate=true)). */
export function defaultReference(strategies: readonly string[]): string {
  if (strategies.includes(PAPER_DEFAULTS.reference)) return PAPER_DEFAULTS.reference;
  return strategies.find((s) => s.startsWith(`${PAPER_DEFAULTS.reference}(`)) ?? PAPER_DEFAULTS.reference;
}

/** The family reported as one method chosen on validation: as given ('none': no such method), else HWNAS when it runs in two or more configurations. */
export function defaultSelection(flag: string | undefined, strategies: readonly string[]): string | undefined {
  if (flag === 'none') return undefined;
  if (flag !== undefined) return flag;
  return familyMembers(PAPER_DEFAULTS.reference, strategies).length >= 2 ? PAPER_DEFAULTS.reference : undefined;
}

async function paper(args: PaperArgs) {
  if (args.space !== undefined && !(SPACE_NAMES as readonly string[]).includes(args.space)) throw new InputError(`--space must be one of ${SPACE_NAMES.join(', ')}, got "${args.space}"`);
  const space = args.space as SpaceName | undefined;
  const out = path.resolve(args.out ?? path.join('results', `reproduce-paper-${path.basename(args.scenario).replace(/\.json$/, '')}${space === 'extended' ? '-extended' : ''}`));
  const strategies = splitSpecList(args.strategies ?? (space === 'extended' ? PAPER_DEFAULTS.extendedStrategies : PAPER_DEFAULTS.strategies));
  const reference = args.reference ?? defaultReference(strategies);
  const selectFamily = defaultSelection(args['select-on-validation'], strategies);
  if (args['summarise-only']) {
    const runs = readStudyRuns(out);
    return writeStudyOutputs(out, runs, reference, strategies, savedStudyBudget(out, runs), selectFamily);
  }
  const bn = args.bn as BnMode;
  if (!BN_MODES.includes(bn)) throw new InputError(`--bn must be one of ${BN_MODES.join(', ')}, got ${args.bn}`);
  const bandwidths = positiveList('bandwidths', args.bandwidths);
  const bounds = positiveList('bounds', args.bounds);
  const base = loadScenario(resolveScenario(args.scenario));
  const scenario = space === undefined ? base : overrideScenario(base, { space });
  const dataDir = resolveDataDir(args['data-dir']);
  // A Ctrl-C or SIGTERM lets running evaluations end and the workers stop before exiting (onnxruntime aborts the process otherwise).
  const shutdown = Shutdown.install();
  const signal = shutdown.signal;
  try {
    return await runPaperStudy(
      {
        setup: {
          dataDir,
          weights: path.resolve(args.weights ?? defaultWeights()),
          lut: args.lut === undefined ? null : path.resolve(args.lut),
          valImages: args['val-images'],
          testImages: args['test-images'],
          calibrationImages: args['calibration-images'],
          bn,
          ...(args.workers === undefined ? {} : { workers: args.workers }),
          signal,
        },
        scenario,
        bandwidths,
        bounds,
        seeds: args.seeds,
        baseSeed: args.seed,
        evaluations: args.evaluations,
        populationSize: args.pop,
        strategies,
        reference,
        splitRepair: parseSplitRepair(args['split-repair']),
        out,
        ...(args.queue === undefined ? {} : { queue: args.queue }),
        ...(selectFamily === undefined ? {} : { selectOnValidation: selectFamily }),
        ...(args.json
          ? {}
          : {
              onRun: (r, done, total, cached) =>
                process.stderr.write(
                  `[${done}/${total}] ${r.boundMs} ms, ${r.bandwidthMbps} Mbit/s, seed ${r.seed}, ${r.strategy}: ${r.evaluations} evaluations, best test acc ${fmtPct(r.final.test_bestFeasibleAccuracy)}, test HV ${fmtNum(r.final.test_hv)}${cached ? ' (saved)' : ''}\n`,
                ),
            }),
      },
      { algorithms },
    );
  } finally {
    shutdown.dispose();
  }
}

const fmtPct = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '—' : `${(100 * x).toFixed(1)}%`);
const fmtNum = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(3));

const paperCommand: CommandModule<object, PaperArgs> = {
  command: 'paper',
  describe: 'NASC vs HWNAS (+ best split) over bandwidths × latency bounds × seeds, same budget per method, fronts re-measured on test images; table.md, summary.json, reduction figure',
  builder: (y: Argv) =>
    y
      .option('scenario', { type: 'string', default: 'default', describe: 'base scenario (each cell overrides bandwidth and bound)' })
      .option('bandwidths', { type: 'string', default: PAPER_DEFAULTS.bandwidths, describe: 'uplink bandwidths, Mbit/s' })
      .option('bounds', { type: 'string', default: PAPER_DEFAULTS.bounds, describe: 'latency bounds, ms' })
      .option('seeds', { type: 'number', default: PAPER_DEFAULTS.seeds, coerce: positiveInteger('seeds'), describe: 'seeds per cell and strategy' })
      .option('seed', { type: 'number', default: 1, coerce: positiveInteger('seed', true), describe: 'first seed' })
      .option('evaluations', { type: 'number', default: PAPER_DEFAULTS.evaluations, coerce: positiveInteger('evaluations'), describe: 'distinct accuracy evaluations per run (every strategy)' })
      .option('pop', { type: 'number', default: PAPER_DEFAULTS.pop, coerce: positiveInteger('pop'), describe: 'population size of every strategy' })
      .option('space', { type: 'string', describe: 'fbnet | extended (learned bottlenecks at the split); default: the scenario\'s' })
      .option('strategies', { type: 'string', describe: `strategy specs (nasc list algorithms); default ${PAPER_DEFAULTS.strategies}, in the extended space ${PAPER_DEFAULTS.extendedStrategies}` })
      .option('reference', { type: 'string', describe: `the strategy the others are compared with (default ${PAPER_DEFAULTS.reference}, or the first ${PAPER_DEFAULTS.reference}(…) variant among --strategies)` })
      .option('split-repair', { type: 'string', describe: 'best (default) | deployment | none, for strategies that take the problem\'s repair' })
      .option('val-images', { type: 'number', default: NASC_COMPARE_DEFAULTS.valImages, coerce: positiveInteger('val-images'), describe: 'validation images per accuracy query' })
      .option('test-images', { type: 'number', default: NASC_COMPARE_DEFAULTS.testImages, coerce: positiveInteger('test-images'), describe: 'test images each reported point is re-measured on' })
      .option('calibration-images', { type: 'number', default: NASC_COMPARE_DEFAULTS.calibrationImages, coerce: positiveInteger('calibration-images'), describe: 'training images for per-subnet BN recalibration' })
      .option('bn', { type: 'string', default: 'recalibrate', describe: 'BN statistics: recalibrate | running' })
      .option('weights', { type: 'string', describe: 'weight store (default: the shipped one)' })
      .option('lut', { type: 'string', describe: 'latency table (default: the data directory\'s)' })
      .option('workers', { type: 'number', coerce: positiveInteger('workers'), describe: `inference threads (default ${os.availableParallelism()})` })
      .option('queue', { type: 'string', describe: 'evaluate on `nasc worker`s through this Redis queue (redis://host:port[/db], rediss://…)' })
      .option('data-dir', { type: 'string', describe: 'data directory (default: $NASC_DATA)' })
      .option('out', { type: 'string', describe: 'output folder; rerunning with the same one continues the study' })
      .option('select-on-validation', {
        type: 'string',
        describe: 'a strategy listed in several configurations: also report it as one method, per cell the configuration with the best median validation HV ("<name>[best on validation]", which may be the --reference); default hwnas when two or more hwnas configurations run, "none" for no such method',
      })
      .option('summarise-only', { type: 'boolean', default: false, describe: 'only tabulate the runs already in --out' })
      .option('json', { type: 'boolean', default: false, describe: 'print the summary as JSON' }) as unknown as Argv<PaperArgs>,
  handler: async (args) => {
    const r = await paper(args);
    process.stdout.write(args.json ? `${JSON.stringify({ cells: r.cells, files: r.files })}\n` : `${r.table}\nwrote ${r.files.length} files to ${path.dirname(r.files[0] ?? '.')}\n`);
  },
};

export const reproduceCommand: CommandModule<object, object> = {
  command: 'reproduce',
  describe: 'Reproduce a published study (paper: the NASC paper\'s comparison with HWNAS)',
  builder: (y: Argv) => y.command(paperCommand as unknown as CommandModule<object, object>).demandCommand(1, 'name the study: nasc reproduce paper'),
  handler: () => undefined,
};
