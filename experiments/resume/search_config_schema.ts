/**
 * config.json of a search folder, read back with the rules fresh input gets: the same seed,
 * population, evaluation and image rules as the flags, the scenario through parseScenario, the
 * strategy against the registry. A hand-edited `"seed": "abc"` or `"populationSize": 0` is a
 * one-line InputError naming the file and the field, not a TypeError mid-run.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../../core/errors.js';
import { parseSplitRepair } from '../../problems/nasc/best_split_repair.js';
import { parseScenario } from '../../problems/nasc/scenario.js';
import { BN_MODES } from '../../workers/bn_statistics.js';
import type { SearchConfig } from '../search/config.js';
import { JsonFields } from '../validation/json_fields.js';
import { EVALUATIONS, NON_NEGATIVE_INTEGER, POPULATION_SIZE, POSITIVE_INTEGER, SEED, integerIn, MAX_EVALUATIONS } from '../validation/numbers.js';
import type { NumberRule } from '../validation/numbers.js';

/** CIFAR-10's validation images cannot exceed its training set. */
const MAX_IMAGES = 50_000;
const POSITIVE_NUMBER: NumberRule = { accepts: (n) => Number.isFinite(n) && n > 0, text: 'a number > 0' };

export const SEARCH_CONFIG_FILE = 'config.json';

const KEYS = [
  'format',
  'version',
  'scenario',
  'scenarioSource',
  'seed',
  'strategy',
  'populationSize',
  'evaluations',
  'valImages',
  'testImages',
  'calibrationImages',
  'calibrationBatchSize',
  'racing',
  'bn',
  'weights',
  'lut',
  'profiles',
  'tables',
  'baselines',
  'splitRepair',
  'versions',
];

const SHA256 = { test: (s: string) => /^[0-9a-f]{64}$/.test(s), text: '64 lowercase hex digits (sha256)' };

/** Checks a strategy spec (`name` or `name(key=value,…)`) against the registry; throws an InputError. */
export type StrategyCheck = (spec: string) => void;

/** Validates a parsed config.json (format version 2). */
export function parseSearchConfig(json: unknown, source: string, checkStrategy: StrategyCheck): SearchConfig {
  const f = JsonFields.of(json, source);
  f.literal('format', 'nasc-search');
  if (typeof f.value.version === 'number' && f.value.version < 2) throw new InputError(`${source} is a nasc search config of version ${f.value.version}; this nasc reads version 2 (rerun the search)`);
  f.literal('version', 2);
  f.onlyKeys(KEYS);
  const strategy = (key: string, spec: string): string => {
    try {
      checkStrategy(spec);
    } catch (e) {
      throw new InputError(`${source}: ${key}: ${e instanceof Error ? e.message : String(e)}`);
    }
    return spec;
  };
  const baselines = f.object('baselines').onlyKeys(['strategies', 'evaluations']);
  const splitRepair = f.has('splitRepair') ? f.string('splitRepair') : undefined;
  const weights = f.object('weights').onlyKeys(['file', 'sha256', 'steps']);
  const steps = weights.value.steps;
  if (steps !== null && steps !== undefined) weights.number('steps', NON_NEGATIVE_INTEGER);
  const lut = f.value.lut;
  if (lut !== null && lut !== undefined) f.string('lut');
  const valImages = f.number('valImages', POSITIVE_INTEGER);
  const racing = f.has('racing') ? f.object('racing').onlyKeys(['firstImages', 'frontImages', 'z']) : undefined;
  const racingConfig =
    racing === undefined
      ? undefined
      : {
          firstImages: racing.number('firstImages', integerIn(1, valImages)),
          frontImages: racing.number('frontImages', integerIn(valImages, MAX_IMAGES)),
          z: racing.number('z', POSITIVE_NUMBER),
        };
  const calibrationBatchSize = f.optionalNumber('calibrationBatchSize', POSITIVE_INTEGER);
  return {
    format: 'nasc-search',
    version: 2,
    scenario: parseScenario(f.object('scenario').value, `${source}: scenario`),
    scenarioSource: f.string('scenarioSource'),
    seed: f.number('seed', SEED),
    strategy: strategy('strategy', f.string('strategy')),
    populationSize: f.number('populationSize', POPULATION_SIZE),
    evaluations: f.number('evaluations', EVALUATIONS),
    valImages,
    testImages: f.number('testImages', POSITIVE_INTEGER),
    calibrationImages: f.number('calibrationImages', POSITIVE_INTEGER),
    ...(calibrationBatchSize === undefined ? {} : { calibrationBatchSize }),
    ...(racingConfig === undefined ? {} : { racing: racingConfig }),
    bn: f.oneOf('bn', BN_MODES),
    weights: { file: weights.string('file'), sha256: weights.string('sha256', SHA256), steps: typeof steps === 'number' ? steps : null },
    lut: typeof lut === 'string' ? lut : null,
    ...(f.has('profiles') ? { profiles: f.strings('profiles') } : {}),
    ...(f.has('tables') ? { tables: f.objects('tables', { min: 1 }).map((t) => ({ file: t.onlyKeys(['file', 'sha256']).string('file'), sha256: t.string('sha256', SHA256) })) } : {}),
    splitRepair: parseSplitRepair(splitRepair, `${source}: splitRepair`),
    baselines: {
      strategies: baselines.strings('strategies').map((b, i) => strategy(`baselines.strategies[${i}]`, b)),
      evaluations: baselines.number('evaluations', integerIn(0, MAX_EVALUATIONS)),
    },
    versions: f.has('versions') ? f.stringMap('versions') : {},
  };
}

/** Reads DIR/config.json for `--resume DIR` (or `report DIR`). */
export function readSearchConfigFile(dir: string, checkStrategy: StrategyCheck, flag = '--resume'): SearchConfig {
  const file = path.join(dir, SEARCH_CONFIG_FILE);
  if (!existsSync(file)) throw new InputError(`${flag} ${dir}: no ${SEARCH_CONFIG_FILE} there (not a nasc search folder)`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw new InputError(`${file} is not valid JSON (truncated or corrupt)`);
  }
  return parseSearchConfig(json, file, checkStrategy);
}
