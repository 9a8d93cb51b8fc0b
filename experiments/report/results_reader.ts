/**
 * Reads a finished search folder back for `nasc report` with every file checked: config.json by
 * the rules a resume uses, front.json / history.json / baselines.json field by field. A folder
 * whose front.json is `{}` or `null` (hand-edited, or from an incompatible version) is a one-line
 * InputError naming the file and field, not a TypeError while drawing.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../../core/errors.js';
import { PAYLOAD_PRECISIONS } from '../../problems/nasc/accuracy_oracle.js';
import { CANDIDATE_NAMES, MAX_SPLIT, NUM_LAYERS } from '../../problems/nasc/search_space.js';
import { parseSearchConfig, type StrategyCheck } from '../resume/search_config_schema.js';
import type { BaselineSummary, FrontPoint, HistoryEntry, SearchResults } from '../search/results.js';
import { JsonFields } from '../validation/json_fields.js';
import { integerIn, NON_NEGATIVE_INTEGER, NON_NEGATIVE_NUMBER, type NumberRule } from '../validation/numbers.js';

const FILES = ['config.json', 'front.json', 'history.json', 'baselines.json'] as const;

/** Accuracy in [0, 1], or NaN where the test re-evaluation failed (JSON null). */
const UNIT: NumberRule = { accepts: (n) => Number.isFinite(n) && n >= 0 && n <= 1, text: 'a number in [0, 1]' };
const FINITE: NumberRule = { accepts: Number.isFinite, text: 'a finite number' };

export function readSearchResults(dir: string, checkStrategy: StrategyCheck): SearchResults {
  for (const f of FILES) {
    if (!existsSync(path.join(dir, f))) throw new InputError(`${dir} is not a finished nasc search folder: ${f} is missing`);
  }
  const read = (f: string): unknown => {
    try {
      return JSON.parse(readFileSync(path.join(dir, f), 'utf8'));
    } catch {
      throw new InputError(`${path.join(dir, f)} is not valid JSON`);
    }
  };
  const config = parseSearchConfig(read('config.json'), path.join(dir, 'config.json'), checkStrategy);
  const frontFile = path.join(dir, 'front.json');
  const front = JsonFields.of(read('front.json'), frontFile);
  const indicators = front.object('indicators');
  const historyFile = path.join(dir, 'history.json');
  const history = read('history.json');
  if (!Array.isArray(history)) throw new InputError(`${historyFile}: must be a JSON array, got ${history === null ? 'null' : typeof history}`);
  const baselinesFile = path.join(dir, 'baselines.json');
  const baselines = read('baselines.json');
  if (!Array.isArray(baselines)) throw new InputError(`${baselinesFile}: must be a JSON array, got ${baselines === null ? 'null' : typeof baselines}`);
  return {
    config,
    front: front.objects('front').map(parseFrontPoint),
    indicators: { hv: indicators.number('hv', NON_NEGATIVE_NUMBER), testHv: indicators.number('testHv', NON_NEGATIVE_NUMBER) },
    referencePoint: front.numbers('referencePoint', FINITE, { min: 2, max: 3 }),
    history: history.map((h, i) => parseHistory(JsonFields.of(h, `${historyFile}: [${i}]`))),
    baselines: baselines.map((b, i) => parseBaseline(JsonFields.of(b, `${baselinesFile}: [${i}]`))),
  };
}

function parseFrontPoint(f: JsonFields): FrontPoint {
  const arch = f.array('architecture', { min: NUM_LAYERS, max: NUM_LAYERS });
  arch.forEach((c, i) => {
    if (typeof c !== 'string' || !CANDIDATE_NAMES.includes(c)) throw new InputError(`${f.where}: architecture[${i}] must be one of ${CANDIDATE_NAMES.join(', ')}`);
  });
  const test = f.value.testAccuracy;
  const energy = f.optionalNumber('deviceEnergyMj', NON_NEGATIVE_NUMBER);
  // Extended-space fields (absent in FBNet-space folders written before them).
  const bottleneck = f.optionalNumber('bottleneck', NON_NEGATIVE_INTEGER);
  const encoderMs = f.optionalNumber('encoderMs', NON_NEGATIVE_NUMBER);
  const decoderMs = f.optionalNumber('decoderMs', NON_NEGATIVE_NUMBER);
  return {
    architecture: arch as string[],
    split: f.number('split', integerIn(0, MAX_SPLIT)),
    precision: f.oneOf('precision', PAYLOAD_PRECISIONS),
    valAccuracy: f.number('valAccuracy', UNIT),
    testAccuracy: test === null ? Number.NaN : f.number('testAccuracy', UNIT),
    ...(bottleneck === undefined ? {} : { bottleneck }),
    deviceMs: f.number('deviceMs', NON_NEGATIVE_NUMBER),
    ...(encoderMs === undefined ? {} : { encoderMs }),
    linkMs: f.number('linkMs', NON_NEGATIVE_NUMBER),
    ...(decoderMs === undefined ? {} : { decoderMs }),
    serverMs: f.number('serverMs', NON_NEGATIVE_NUMBER),
    totalMs: f.number('totalMs', NON_NEGATIVE_NUMBER),
    payloadBytes: f.number('payloadBytes', NON_NEGATIVE_INTEGER),
    ...(energy === undefined ? {} : { deviceEnergyMj: energy }),
  };
}

function parseHistory(f: JsonFields): HistoryEntry {
  const best = f.value.bestFeasibleAccuracy;
  return {
    generation: f.number('generation', NON_NEGATIVE_INTEGER),
    evaluations: f.number('evaluations', NON_NEGATIVE_INTEGER),
    hv: f.number('hv', NON_NEGATIVE_NUMBER),
    bestFeasibleAccuracy: best === null ? null : f.number('bestFeasibleAccuracy', UNIT),
    feasible: f.number('feasible', NON_NEGATIVE_INTEGER),
    failed: f.number('failed', NON_NEGATIVE_INTEGER),
  };
}

function parseBaseline(f: JsonFields): BaselineSummary {
  return {
    name: f.string('name'),
    budget: f.number('budget', NON_NEGATIVE_INTEGER),
    evaluations: f.number('evaluations', NON_NEGATIVE_INTEGER),
    stoppedBy: f.oneOf('stoppedBy', ['budget', 'exhausted', 'stalled'] as const),
    front: f.objects('front').map(parseFrontPoint),
  };
}
