/**
 * What makes a checkpoint belong to a run: everything that decides the search's trajectory
 * (seed, scenario, strategy, population, images, BN mode, split repair, the exact weights) and
 * the checkpoint format. A checkpoint records it; a resume recomputes it from config.json and
 * refuses a checkpoint whose identity differs, naming each field that does — so a checkpoint
 * copied from another run cannot produce that run's front under this run's config.
 * The evaluation budget is not part of it: a resume may extend a run (`--evaluations`).
 */
import { createHash } from 'node:crypto';
import { InputError } from '../../core/errors.js';
import type { Scenario } from '../../problems/nasc/scenario.js';
import type { SearchConfig } from '../search/config.js';
import type { JsonFields } from '../validation/json_fields.js';
import { NON_NEGATIVE_INTEGER, POPULATION_SIZE, POSITIVE_INTEGER, SEED } from '../validation/numbers.js';

export const SEARCH_CHECKPOINT_VERSION = 3;

export interface ResumeIdentity {
  readonly checkpointVersion: number;
  readonly seed: number;
  /** sha256 of the scenario's canonical JSON (comment excluded: it changes nothing). */
  readonly scenarioHash: string;
  readonly strategy: string;
  readonly populationSize: number;
  readonly valImages: number;
  readonly calibrationImages: number;
  /** Images per BN-recalibration batch (checkpoints before it: 100). */
  readonly calibrationBatchSize: number;
  /** 'off', or `first/front/z` of racing on images. */
  readonly racing: string;
  readonly bn: string;
  readonly splitRepair: string;
  readonly weightsSha256: string;
}

export function resumeIdentity(config: SearchConfig): ResumeIdentity {
  return {
    checkpointVersion: SEARCH_CHECKPOINT_VERSION,
    seed: config.seed,
    scenarioHash: scenarioHash(config.scenario),
    strategy: config.strategy,
    populationSize: config.populationSize,
    valImages: config.valImages,
    calibrationImages: config.calibrationImages,
    calibrationBatchSize: config.calibrationBatchSize ?? LEGACY_CALIBRATION_BATCH,
    racing: racingText(config.racing),
    bn: config.bn,
    splitRepair: config.splitRepair,
    weightsSha256: config.weights.sha256,
  };
}

const LEGACY_CALIBRATION_BATCH = 100;

function racingText(r: SearchConfig['racing']): string {
  return r === undefined ? 'off' : `${r.firstImages}/${r.frontImages}/z${r.z}`;
}

export function scenarioHash(s: Scenario): string {
  const { comment: _ignored, ...rest } = s;
  return createHash('sha256').update(canonicalJson(rest)).digest('hex');
}

/** JSON with object keys sorted, so equal values hash equally whatever the key order. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

const HEX64 = { test: (s: string) => /^[0-9a-f]{64}$/.test(s), text: '64 lowercase hex digits (sha256)' };

/** Reads an identity from a checkpoint, with the same rules as the config's fields. */
export function parseResumeIdentity(f: JsonFields): ResumeIdentity {
  f.onlyKeys(['checkpointVersion', 'seed', 'scenarioHash', 'strategy', 'populationSize', 'valImages', 'calibrationImages', 'calibrationBatchSize', 'racing', 'bn', 'splitRepair', 'weightsSha256']);
  return {
    checkpointVersion: f.number('checkpointVersion', POSITIVE_INTEGER),
    seed: f.number('seed', SEED),
    scenarioHash: f.string('scenarioHash', HEX64),
    strategy: f.string('strategy'),
    populationSize: f.number('populationSize', POPULATION_SIZE),
    valImages: f.number('valImages', POSITIVE_INTEGER),
    calibrationImages: f.number('calibrationImages', NON_NEGATIVE_INTEGER),
    calibrationBatchSize: f.optionalNumber('calibrationBatchSize', POSITIVE_INTEGER) ?? LEGACY_CALIBRATION_BATCH,
    racing: f.has('racing') ? f.string('racing') : 'off',
    bn: f.string('bn'),
    splitRepair: f.string('splitRepair'),
    weightsSha256: f.string('weightsSha256', HEX64),
  };
}

/** Refuses a checkpoint of another run, naming every field that differs. */
export function checkResumeIdentity(stored: ResumeIdentity, expected: ResumeIdentity, checkpointFile: string, configFile: string): void {
  const names: Record<keyof ResumeIdentity, string> = {
    checkpointVersion: 'format version',
    seed: 'seed',
    scenarioHash: 'scenario',
    strategy: 'strategy',
    populationSize: 'population size',
    valImages: 'validation images',
    calibrationImages: 'calibration images',
    calibrationBatchSize: 'calibration batch',
    racing: 'racing',
    bn: 'BN mode',
    splitRepair: 'split repair',
    weightsSha256: 'weight store (sha256)',
  };
  const differ = (Object.keys(names) as (keyof ResumeIdentity)[])
    .filter((k) => stored[k] !== expected[k])
    .map((k) => (k === 'scenarioHash' || k === 'weightsSha256' ? names[k] : `${names[k]} ${String(stored[k])} (config: ${String(expected[k])})`));
  if (differ.length > 0) {
    throw new InputError(`${checkpointFile} belongs to another run than ${configFile}: ${differ.join(', ')} differ${differ.length === 1 ? 's' : ''}`);
  }
}
