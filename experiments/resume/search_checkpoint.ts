/**
 * checkpoint.json of a search folder (format version 3): the algorithm's whole state, every
 * evaluated individual, the history, and the resume identity (resume_identity.ts). Read back
 * with every field checked — types, ranges, genes inside the search space, counts that agree —
 * so a damaged or hand-made checkpoint is a one-line InputError, never a TypeError after the
 * pool has started.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { Algorithm, AlgorithmState } from '../../core/algorithm.js';
import { InputError } from '../../core/errors.js';
import { individualFromJSON, individualToJSON, type Individual, type IndividualJSON } from '../../core/individual.js';
import { PAYLOAD_PRECISIONS } from '../../problems/nasc/accuracy_oracle.js';
import type { NascInfo } from '../../problems/nasc/problem.js';
import { CANDIDATES, MAX_SPLIT, NUM_LAYERS } from '../../problems/nasc/search_space.js';
import type { HistoryEntry } from '../search/results.js';
import { JsonFields } from '../validation/json_fields.js';
import { integerIn, NON_NEGATIVE_INTEGER, NON_NEGATIVE_NUMBER, type NumberRule } from '../validation/numbers.js';
import { parseAlgorithmState, parseIndividualJson, type CheckpointShape } from './state_schema.js';
import type { SearchConfig } from '../search/config.js';
import { parseResumeIdentity, resumeIdentity, SEARCH_CHECKPOINT_VERSION, type ResumeIdentity } from './resume_identity.js';

export const SEARCH_CHECKPOINT_FILE = 'checkpoint.json';

export type { CheckpointShape };

export interface SearchCheckpoint {
  readonly format: 'nasc-search-checkpoint';
  readonly version: typeof SEARCH_CHECKPOINT_VERSION;
  readonly identity: ResumeIdentity;
  readonly state: AlgorithmState<NascInfo>;
  readonly archive: IndividualJSON<NascInfo>[];
  readonly history: HistoryEntry[];
  readonly elapsedMs: number;
}

const UNIT: NumberRule = { accepts: (n) => Number.isFinite(n) && n >= 0 && n <= 1, text: 'a number in [0, 1]' };

export function parseSearchCheckpoint(json: unknown, source: string, shape: CheckpointShape): SearchCheckpoint {
  const f = JsonFields.of(json, source).onlyKeys(['format', 'version', 'identity', 'state', 'archive', 'history', 'elapsedMs']);
  f.literal('format', 'nasc-search-checkpoint');
  if (typeof f.value.version === 'number' && f.value.version < SEARCH_CHECKPOINT_VERSION) {
    throw new InputError(`${source} was written by an older nasc (format ${f.value.version}, without a resume identity): start a new run`);
  }
  f.literal('version', SEARCH_CHECKPOINT_VERSION);
  const identity = parseResumeIdentity(f.object('identity'));
  const state = parseAlgorithmState(f.object('state'), shape, parseInfo);
  const archive = f.objects('archive').map((o) => parseIndividualJson(o, shape, parseInfo, true));
  const history = f.objects('history').map(parseHistoryEntry);
  const elapsedMs = f.number('elapsedMs', NON_NEGATIVE_NUMBER);
  // Counts that the search keeps in step: one archive entry per evaluation, one history entry per generation.
  if (archive.length !== state.evaluations) throw new InputError(`${source}: archive holds ${archive.length} individuals but state.evaluations is ${state.evaluations}`);
  const last = history[history.length - 1];
  if (state.evaluations > 0 && (last === undefined || last.evaluations !== state.evaluations)) {
    throw new InputError(`${source}: the last history entry (${last === undefined ? 'none' : `${last.evaluations} evaluations`}) disagrees with state.evaluations ${state.evaluations}`);
  }
  return { format: 'nasc-search-checkpoint', version: SEARCH_CHECKPOINT_VERSION, identity, state, archive, history, elapsedMs };
}

/** The checkpoint of a search after a generation (what the search writes). */
export function makeSearchCheckpoint(
  config: SearchConfig,
  state: AlgorithmState<NascInfo>,
  archive: readonly Individual<NascInfo>[],
  history: readonly HistoryEntry[],
  elapsedMs: number,
): SearchCheckpoint {
  return {
    format: 'nasc-search-checkpoint',
    version: SEARCH_CHECKPOINT_VERSION,
    identity: resumeIdentity(config),
    state,
    archive: archive.map((i) => individualToJSON(i)),
    history: [...history],
    elapsedMs,
  };
}

/**
 * Loads a checked checkpoint into a freshly built algorithm; a state the strategy cannot take
 * (its own `extra` fields, a population it refuses) becomes an InputError naming the file.
 * Returns the archive as individuals.
 */
export function restoreSearch(algorithm: Algorithm<NascInfo>, checkpoint: SearchCheckpoint, source: string): Individual<NascInfo>[] {
  try {
    algorithm.loadState(checkpoint.state);
  } catch (e) {
    throw new InputError(`${source}: the state does not fit strategy ${algorithm.name} (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`);
  }
  return checkpoint.archive.map((j) => individualFromJSON(j));
}

/** DIR/checkpoint.json, or undefined when the run stopped before its first generation ended. */
export function readSearchCheckpoint(file: string, shape: CheckpointShape): SearchCheckpoint | undefined {
  if (!existsSync(file)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw new InputError(`${file} is not valid JSON (truncated or corrupt)`);
  }
  return parseSearchCheckpoint(json, file, shape);
}

function parseInfo(f: JsonFields): NascInfo {
  f.onlyKeys(['architecture', 'split', 'precision', 'bottleneck', 'accuracy', 'images', 'interval', 'stoppedEarly', 'accuracyKey', 'latency', 'withinBound', 'privacyViolated']);
  const latency = f.object('latency').onlyKeys(['deviceMs', 'encoderMs', 'linkMs', 'decoderMs', 'serverMs', 'totalMs', 'payloadBytes', 'deviceEnergyMj']);
  const accuracy = f.value.accuracy;
  // A failed evaluation's NaN accuracy is written as null by JSON.stringify.
  if (accuracy !== null) f.number('accuracy', UNIT);
  const energy = latency.optionalNumber('deviceEnergyMj', NON_NEGATIVE_NUMBER);
  // Racing only: the Wilson interval of a partial measurement and whether it stopped early.
  const interval = f.has('interval') ? f.numbers('interval', UNIT, { min: 2, max: 2 }) : undefined;
  const stoppedEarly = f.has('stoppedEarly') ? f.boolean('stoppedEarly') : undefined;
  return {
    architecture: f.numbers('architecture', integerIn(0, CANDIDATES.length - 1), { min: NUM_LAYERS, max: NUM_LAYERS }),
    split: f.number('split', integerIn(0, MAX_SPLIT)),
    precision: f.oneOf('precision', PAYLOAD_PRECISIONS),
    bottleneck: f.optionalNumber('bottleneck', NON_NEGATIVE_INTEGER) ?? 0,
    accuracy: typeof accuracy === 'number' ? accuracy : Number.NaN,
    images: f.number('images', NON_NEGATIVE_INTEGER),
    ...(interval === undefined ? {} : { interval: [interval[0] as number, interval[1] as number] as const }),
    ...(stoppedEarly === undefined ? {} : { stoppedEarly }),
    accuracyKey: f.string('accuracyKey'),
    latency: {
      deviceMs: latency.number('deviceMs', NON_NEGATIVE_NUMBER),
      encoderMs: latency.optionalNumber('encoderMs', NON_NEGATIVE_NUMBER) ?? 0,
      linkMs: latency.number('linkMs', NON_NEGATIVE_NUMBER),
      decoderMs: latency.optionalNumber('decoderMs', NON_NEGATIVE_NUMBER) ?? 0,
      serverMs: latency.number('serverMs', NON_NEGATIVE_NUMBER),
      totalMs: latency.number('totalMs', NON_NEGATIVE_NUMBER),
      payloadBytes: latency.number('payloadBytes', NON_NEGATIVE_INTEGER),
      ...(energy === undefined ? {} : { deviceEnergyMj: energy }),
    },
    withinBound: f.boolean('withinBound'),
    privacyViolated: f.boolean('privacyViolated'),
  };
}

function parseHistoryEntry(f: JsonFields): HistoryEntry {
  f.onlyKeys(['generation', 'evaluations', 'hv', 'bestFeasibleAccuracy', 'feasible', 'failed']);
  const best = f.value.bestFeasibleAccuracy;
  if (best !== null) f.number('bestFeasibleAccuracy', UNIT);
  return {
    generation: f.number('generation', NON_NEGATIVE_INTEGER),
    evaluations: f.number('evaluations', NON_NEGATIVE_INTEGER),
    hv: f.number('hv', NON_NEGATIVE_NUMBER),
    bestFeasibleAccuracy: typeof best === 'number' ? best : null,
    feasible: f.number('feasible', NON_NEGATIVE_INTEGER),
    failed: f.number('failed', NON_NEGATIVE_INTEGER),
  };
}
