import type { Argv, CommandModule } from 'yargs';
import { InputError } from '../../../core/errors.js';
import { individualFromJSON, individualToJSON, type Individual, type IndividualJSON } from '../../../core/individual.js';
import { hypervolume } from '../../../core/indicators/hypervolume.js';
import { gd, igd, igdPlus } from '../../../core/indicators/distance.js';
import { minimize, paretoFront } from '../../../core/minimize.js';
import { Rng } from '../../../core/rng.js';
import { anyOf, maxEvaluations, maxGenerations, type Termination } from '../../../core/termination.js';
import { readCheckpoint, writeCheckpoint } from '../../checkpoint.js';
import { checkOutputFile } from '../../io/output_target.js';
import { algorithms, problems } from '../../plugins.js';
import { closeInstance, problemOptionsOf, type ProblemSettings } from '../../plugin_types.js';
import { parseAlgorithmState, parseIndividualJson } from '../../resume/state_schema.js';
import { JsonFields } from '../../validation/json_fields.js';
import { EVALUATIONS, integerIn, POPULATION_SIZE, SEED } from '../../validation/numbers.js';
import { resolveDataDir } from '../../data/data_dir.js';
import { positiveInteger, ruleFlag, seedFlag } from '../validate.js';

/** Scalable benchmarks: beyond these sizes a run is an allocation failure, not a benchmark. */
const VARIABLES = integerIn(1, 10_000);
const OBJECTIVES = integerIn(1, 100);

interface RunArgs {
  problem?: string;
  algorithm?: string;
  pop?: number;
  offspring?: number;
  generations?: number;
  evaluations?: number;
  seed?: number;
  dataset?: string;
  device?: string;
  variables?: number;
  objectives?: number;
  'data-dir'?: string;
  checkpoint?: string;
  resume?: string;
  json: boolean;
}

/** Everything that determines the run, stored in the checkpoint so a resume rebuilds it exactly. */
interface RunConfig {
  problem: string;
  algorithm: string;
  populationSize?: number;
  offspringSize?: number;
  seed: number;
  dataset?: string;
  device?: string;
  variables?: number;
  objectives?: number;
}

interface RunDriver {
  /** Every evaluated individual, kept only for problems with archive-based indicators. */
  evaluated: IndividualJSON[];
}

export interface RunSummary {
  problem: string;
  algorithm: string;
  seed: number;
  front: number[][];
  indicators: Record<string, number>;
  evaluations: number;
  generations: number;
  seconds: number;
  stoppedBy: string;
}

export async function runCommand(args: RunArgs): Promise<RunSummary> {
  // The checkpoint target is checked before any work, so a run cannot end failing to write it.
  if (args.checkpoint !== undefined) checkOutputFile(args.checkpoint, { flag: '--checkpoint' });
  const resumed = args.resume === undefined ? undefined : readCheckpoint<unknown, unknown>(args.resume, 'run');
  const config: RunConfig = resumed === undefined ? configFromArgs(args) : parseRunConfig(resumed.config, `${args.resume}: config`);
  if (resumed !== undefined) checkResumeMatches(args, config);
  if (args.generations === undefined && args.evaluations === undefined) {
    throw new InputError('give a budget: --generations N and/or --evaluations N');
  }
  const settings: ProblemSettings = { ...problemOptionsOf(config), dataDir: () => resolveDataDir(args['data-dir']) };
  const instance = problems.get(config.problem).create(settings);
  const { problem } = instance;
  const algorithm = algorithms.get(config.algorithm).create(
    problem,
    {
      ...(config.populationSize === undefined ? {} : { populationSize: config.populationSize }),
      ...(config.offspringSize === undefined ? {} : { offspringSize: config.offspringSize }),
      ...(instance.repair === undefined ? {} : { repair: instance.repair }),
      ...(instance.screening === undefined ? {} : { screening: instance.screening }),
    },
    Rng.fromSeed(config.seed),
  );
  const keepArchive = instance.indicators !== undefined;
  const evaluated: Individual[] = [];
  if (resumed !== undefined) {
    const where = args.resume as string;
    const shape = { space: problem.space, objectives: problem.objectiveNames.length, constraints: problem.constraintNames.length };
    const driver = JsonFields.of(resumed.driver, `${where}: driver`);
    const archive = driver.objects('evaluated').map((o) => individualFromJSON(parseIndividualJson(o, shape, undefined, false)));
    const state = parseAlgorithmState(JsonFields.of(resumed.state, `${where}: state`), shape);
    try {
      algorithm.loadState(state);
    } catch (e) {
      throw new InputError(`${where}: the state does not fit ${config.algorithm} on ${config.problem} (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`);
    }
    evaluated.push(...archive);
  }
  const terms: Termination[] = [];
  if (args.generations !== undefined) terms.push(maxGenerations(args.generations));
  if (args.evaluations !== undefined) terms.push(maxEvaluations(args.evaluations));
  const result = await minimize(problem, algorithm, {
    termination: anyOf(...terms),
    elapsedOffsetMs: resumed?.elapsedMs ?? 0,
    onGeneration: (report) => {
      if (keepArchive) evaluated.push(...report.evaluated);
      if (args.checkpoint !== undefined) {
        writeCheckpoint<RunConfig, RunDriver>(args.checkpoint, {
          kind: 'run',
          config,
          state: report.algorithm.saveState(),
          driver: { evaluated: keepArchive ? evaluated.map((ind) => individualToJSON(ind)) : [] },
          elapsedMs: report.progress.elapsedMs,
        });
      }
    },
  });
  await closeInstance(instance);
  const front = paretoFront(result.population)
    .map((ind) => [...ind.objectives])
    .sort((a, b) => (a[0] as number) - (b[0] as number) || (a[1] ?? 0) - (b[1] ?? 0));
  const indicators: Record<string, number> = {};
  if (problem.referencePoint !== undefined) indicators.hv = hypervolume(front, problem.referencePoint);
  const trueFront = problem.trueFront?.(1000);
  if (trueFront !== undefined && front.length > 0) {
    indicators.igd = igd(front, trueFront);
    indicators.igdPlus = igdPlus(front, trueFront);
    indicators.gd = gd(front, trueFront);
  }
  if (instance.indicators !== undefined) Object.assign(indicators, instance.indicators(evaluated));
  return {
    problem: config.problem,
    algorithm: config.algorithm,
    seed: config.seed,
    front,
    indicators,
    evaluations: result.evaluations,
    generations: result.generation,
    seconds: result.seconds + (resumed?.elapsedMs ?? 0) / 1000,
    stoppedBy: result.stoppedBy,
  };
}

function configFromArgs(args: RunArgs): RunConfig {
  if (args.problem === undefined) throw new InputError('--problem is required (nasc list problems shows them)');
  problems.get(args.problem);
  const algorithm = args.algorithm ?? DEFAULT_ALGORITHM;
  algorithms.get(algorithm);
  return {
    problem: args.problem,
    algorithm,
    seed: args.seed ?? DEFAULT_SEED,
    ...(args.pop === undefined ? {} : { populationSize: args.pop }),
    ...(args.offspring === undefined ? {} : { offspringSize: args.offspring }),
    ...problemOptionsOf(args),
  };
}

const DEFAULT_ALGORITHM = 'nsga2';
const DEFAULT_SEED = 1;

/** A checkpoint's run config, read with the rules the flags get. */
function parseRunConfig(json: unknown, where: string): RunConfig {
  const f = JsonFields.of(json, where).onlyKeys(['problem', 'algorithm', 'populationSize', 'offspringSize', 'seed', 'dataset', 'device', 'variables', 'objectives', 'scenario', 'valImages', 'splitRepair', 'weights']);
  const problem = f.oneOf('problem', problems.names());
  const algorithm = f.oneOf('algorithm', algorithms.names());
  const populationSize = f.optionalNumber('populationSize', POPULATION_SIZE);
  const offspringSize = f.optionalNumber('offspringSize', POPULATION_SIZE);
  const variables = f.optionalNumber('variables', VARIABLES);
  const objectives = f.optionalNumber('objectives', OBJECTIVES);
  const optionalString = (k: string) => (f.has(k) ? { [k]: f.string(k) } : {});
  return {
    problem,
    algorithm,
    seed: f.number('seed', SEED),
    ...(populationSize === undefined ? {} : { populationSize }),
    ...(offspringSize === undefined ? {} : { offspringSize }),
    ...(variables === undefined ? {} : { variables }),
    ...(objectives === undefined ? {} : { objectives }),
    ...optionalString('dataset'),
    ...optionalString('device'),
  };
}

/** A flag given together with --resume must agree with the checkpoint, or the resume is not the same run. */
function checkResumeMatches(args: RunArgs, config: RunConfig): void {
  const given: [string, unknown, unknown][] = [
    ['problem', args.problem, config.problem],
    ['algorithm', args.algorithm, config.algorithm],
    ['seed', args.seed, config.seed],
    ['pop', args.pop, config.populationSize],
    ['offspring', args.offspring, config.offspringSize],
    ['dataset', args.dataset, config.dataset],
    ['device', args.device, config.device],
    ['variables', args.variables, config.variables],
    ['objectives', args.objectives, config.objectives],
  ];
  for (const [flag, value, stored] of given) {
    if (value !== undefined && value !== stored) {
      throw new InputError(`--${flag} ${String(value)} differs from the checkpoint's ${String(stored)}`);
    }
  }
}

export const runCommandModule: CommandModule<object, RunArgs> = {
  command: 'run',
  describe: 'Run a search strategy on a registered problem (benchmarks, NAS-Bench-201)',
  builder: (y: Argv) =>
    y
      .option('problem', { type: 'string', describe: 'problem name (nasc list problems)' })
      .option('algorithm', { type: 'string', describe: `strategy name (nasc list algorithms; default ${DEFAULT_ALGORITHM})` })
      .option('pop', { type: 'number', describe: 'population size (any positive integer)', coerce: ruleFlag('pop', POPULATION_SIZE) })
      .option('offspring', { type: 'number', describe: 'offspring per generation (default: population size)', coerce: ruleFlag('offspring', POPULATION_SIZE) })
      .option('generations', { type: 'number', describe: 'generations after the initial population', coerce: positiveInteger('generations', true) })
      .option('evaluations', { type: 'number', describe: 'evaluation budget (distinct genomes on discrete problems)', coerce: ruleFlag('evaluations', EVALUATIONS) })
      .option('seed', { type: 'number', describe: `random seed (default ${DEFAULT_SEED})`, coerce: seedFlag })
      .option('dataset', { type: 'string', describe: 'dataset of a tabular problem (nb201: cifar10, cifar100, ImageNet16-120)' })
      .option('device', { type: 'string', describe: 'device of a tabular problem (nb201: raspi4, pixel3, eyeriss, fpga)' })
      .option('variables', { type: 'number', describe: 'number of variables of a scalable benchmark', coerce: ruleFlag('variables', VARIABLES) })
      .option('objectives', { type: 'number', describe: 'number of objectives of a scalable benchmark (DTLZ)', coerce: ruleFlag('objectives', OBJECTIVES) })
      .option('data-dir', { type: 'string', describe: 'data directory (default: $NASC_DATA, else the user cache ~/.cache/nasc for CIFAR-10; tables found there win over the shipped data/)' })
      .option('checkpoint', { type: 'string', describe: 'write the whole state to FILE after every generation' })
      .option('resume', { type: 'string', describe: 'continue from a checkpoint FILE up to the budget' })
      .option('json', { type: 'boolean', default: false, describe: 'print one JSON object' }) as unknown as Argv<RunArgs>,
  handler: async (args) => {
    const summary = await runCommand(args);
    if (args.json) {
      process.stdout.write(`${JSON.stringify(summary)}\n`);
      return;
    }
    const ind = Object.entries(summary.indicators)
      .map(([k, v]) => `${k} ${v.toPrecision(6)}`)
      .join(', ');
    process.stdout.write(
      `${summary.algorithm} on ${summary.problem} (seed ${summary.seed}): ${summary.evaluations} evaluations, ${summary.generations} generations, ${summary.seconds.toFixed(3)} s\n` +
        `front: ${summary.front.length} points; ${ind}\n`,
    );
  },
};
