/**
 * The one job kind of the evaluation queue: "accuracy of this subnet query, on this image set,
 * with these weights". A payload is plain data, validated field by field like any input (no
 * code, no paths: the worker finds weights and images in its own configured folders and checks
 * them by sha256), and its job id is a hash of everything that determines the answer plus the
 * run, so a retried or duplicated query is the same BullMQ job and its result is recorded once.
 */
import { createHash } from 'node:crypto';
import { PAYLOAD_PRECISIONS, type PayloadPrecision, type SubnetQuery } from '../../problems/nasc/accuracy_oracle.js';
import { isLossless } from '../../problems/nasc/payload.js';
import { CANDIDATES, MAX_SPLIT, NUM_LAYERS } from '../../problems/nasc/search_space.js';
import { BN_MODES, type BnMode } from '../bn_statistics.js';

/** BullMQ job name and payload kind; a worker refuses any other. */
export const ACCURACY_JOB = 'nasc-accuracy';
export const ACCURACY_JOB_VERSION = 1;
/** Default queue name (one queue per fleet; runs are told apart by the job id). */
export const DEFAULT_QUEUE_NAME = 'nasc-accuracy';
/** Redis key prefix of every BullMQ key nasc writes. */
export const QUEUE_PREFIX = 'nasc';
/** Marks a deliberate refusal (wrong weights, data or payload) in a job's failure reason. */
export const REFUSED = 'refused:';

export type ImageSource = 'validation' | 'test';
export const IMAGE_SOURCES: readonly ImageSource[] = ['validation', 'test'];

/** Upper bounds of the schema (CIFAR-10 has 50,000 training and 10,000 test records). */
const MAX_IMAGES = 50_000;
const MAX_BATCH = 10_000;

/**
 * Which images a query is measured on, as data: the first `count` records of the store's
 * validation split (training records held out by the manifest's split) or of the test records;
 * for `bn: 'recalibrate'` the first `calibration` training records outside the validation split.
 * `sha256` is the digest of the images themselves (imageSetDigest), so a worker whose data
 * differs (another CIFAR copy, another split) refuses instead of answering for other images.
 */
export interface ImageSetSpec {
  readonly source: ImageSource;
  readonly count: number;
  readonly calibration: number;
  readonly bn: BnMode;
  readonly batchSize: number;
  readonly sha256: string;
}

export interface AccuracyJobData {
  readonly kind: typeof ACCURACY_JOB;
  readonly version: typeof ACCURACY_JOB_VERSION;
  readonly runId: string;
  readonly weightsSha256: string;
  readonly imageSet: ImageSetSpec;
  readonly query: SubnetQuery;
}

/** A job's return value. */
export interface AccuracyJobResult {
  readonly accuracy: number;
  readonly images: number;
}

/** Raised for a payload that is not a valid job; the worker records it as a refusal. */
export class InvalidJobError extends Error {
  override readonly name = 'InvalidJobError';
}

/**
 * The canonical accuracy key of a query (problems/nasc/accuracy_cache.ts): a lossless payload
 * (split 0 or 22, or fp32) is the unchanged whole network, whatever the split.
 */
export function accuracyKey(q: SubnetQuery): string {
  return `${q.architecture.join(',')}|${isLossless(q.split, q.precision) ? 'exact' : `${q.precision}@${q.split}`}`;
}

/** The query actually evaluated for a key (lossless → split 22, fp32). */
export function canonicalSubnetQuery(q: SubnetQuery): SubnetQuery {
  return isLossless(q.split, q.precision)
    ? { architecture: [...q.architecture], split: MAX_SPLIT, precision: 'fp32' }
    : { architecture: [...q.architecture], split: q.split, precision: q.precision };
}

/** Identity of an image set: a hash of its whole description, images' digest included. */
export function imageSetId(spec: ImageSetSpec): string {
  return sha256Hex(JSON.stringify([spec.source, spec.count, spec.calibration, spec.bn, spec.batchSize, spec.sha256]));
}

/** sha256(run id, canonical accuracy key, image set id, weight-store sha256): one job per answer per run. */
export function accuracyJobId(runId: string, query: SubnetQuery, imageSet: ImageSetSpec, weightsSha256: string): string {
  return sha256Hex(JSON.stringify([runId, accuracyKey(query), imageSetId(imageSet), weightsSha256.toLowerCase()]));
}

/** The payload of one query (canonical: lossless queries are asked as the whole net). */
export function accuracyJobData(runId: string, weightsSha256: string, imageSet: ImageSetSpec, query: SubnetQuery): AccuracyJobData {
  return { kind: ACCURACY_JOB, version: ACCURACY_JOB_VERSION, runId, weightsSha256: weightsSha256.toLowerCase(), imageSet, query: canonicalSubnetQuery(query) };
}

/**
 * Digest of an image set as evaluated: label and pixel bytes of the evaluation images, then the
 * calibration pixels, each preceded by its count (so no two different sets share a byte stream).
 */
export function imageSetDigest(images: { readonly pixels: Uint8Array; readonly labels: Uint8Array }, calibration?: { readonly pixels: Uint8Array }): string {
  const h = createHash('sha256');
  const count = (n: number): Buffer => {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(n));
    return b;
  };
  h.update(count(images.labels.length)).update(images.labels).update(images.pixels);
  const cal = calibration?.pixels ?? new Uint8Array(0);
  h.update(count(cal.length)).update(cal);
  return h.digest('hex');
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

const RUN_ID = /^[A-Za-z0-9._-]{1,128}$/;
const HEX64 = /^[0-9a-f]{64}$/;

/** Run ids are short printable names (they appear in logs and hashes). */
export function checkRunId(runId: string): string {
  if (!RUN_ID.test(runId)) throw new InvalidJobError(`run id must be 1–128 characters of A–Z a–z 0–9 . _ -, got ${JSON.stringify(runId).slice(0, 80)}`);
  return runId;
}

/** Validates an image set description (shape, ranges, known values, no other fields). */
export function parseImageSetSpec(raw: unknown, where = 'imageSet'): ImageSetSpec {
  const o = exactRecord(raw, where, ['source', 'count', 'calibration', 'bn', 'batchSize', 'sha256']);
  if (!(IMAGE_SOURCES as readonly unknown[]).includes(o.source)) throw new InvalidJobError(`${where}.source must be one of ${IMAGE_SOURCES.join(', ')}`);
  const count = intIn(o.count, 1, MAX_IMAGES, `${where}.count`);
  const calibration = intIn(o.calibration, 0, MAX_IMAGES, `${where}.calibration`);
  if (!(BN_MODES as readonly unknown[]).includes(o.bn)) throw new InvalidJobError(`${where}.bn must be one of ${BN_MODES.join(', ')}`);
  const bn = o.bn as BnMode;
  if (bn === 'recalibrate' && calibration === 0) throw new InvalidJobError(`${where}: bn 'recalibrate' needs calibration images`);
  if (bn === 'running' && calibration !== 0) throw new InvalidJobError(`${where}: bn 'running' takes no calibration images`);
  const batchSize = intIn(o.batchSize, 1, MAX_BATCH, `${where}.batchSize`);
  if (typeof o.sha256 !== 'string' || !HEX64.test(o.sha256)) throw new InvalidJobError(`${where}.sha256 must be 64 lower-case hex digits`);
  return { source: o.source as ImageSource, count, calibration, bn, batchSize, sha256: o.sha256 };
}

/** Validates a subnet query against the NASC space (22 layers, candidates 0..8, split 0..22). */
export function parseSubnetQuery(raw: unknown, where = 'query'): SubnetQuery {
  const o = exactRecord(raw, where, ['architecture', 'split', 'precision']);
  if (!Array.isArray(o.architecture) || o.architecture.length !== NUM_LAYERS) throw new InvalidJobError(`${where}.architecture must be a list of ${NUM_LAYERS} candidate indices`);
  const architecture = o.architecture.map((a, i) => intIn(a, 0, CANDIDATES.length - 1, `${where}.architecture[${i}]`));
  const split = intIn(o.split, 0, MAX_SPLIT, `${where}.split`);
  if (!(PAYLOAD_PRECISIONS as readonly unknown[]).includes(o.precision)) throw new InvalidJobError(`${where}.precision must be one of ${PAYLOAD_PRECISIONS.join(', ')}`);
  return { architecture, split, precision: o.precision as PayloadPrecision };
}

/** Validates a whole payload; the result is a fresh object holding only known fields. */
export function parseAccuracyJob(raw: unknown): AccuracyJobData {
  const o = exactRecord(raw, 'job', ['kind', 'version', 'runId', 'weightsSha256', 'imageSet', 'query']);
  if (o.kind !== ACCURACY_JOB) throw new InvalidJobError(`unknown job kind ${JSON.stringify(o.kind)?.slice(0, 60)} (this worker knows ${ACCURACY_JOB})`);
  if (o.version !== ACCURACY_JOB_VERSION) throw new InvalidJobError(`job version ${JSON.stringify(o.version)?.slice(0, 20)} not supported (this worker reads ${ACCURACY_JOB_VERSION})`);
  if (typeof o.runId !== 'string') throw new InvalidJobError('job.runId must be a string');
  checkRunId(o.runId);
  if (typeof o.weightsSha256 !== 'string' || !HEX64.test(o.weightsSha256)) throw new InvalidJobError('job.weightsSha256 must be 64 lower-case hex digits');
  return {
    kind: ACCURACY_JOB,
    version: ACCURACY_JOB_VERSION,
    runId: o.runId,
    weightsSha256: o.weightsSha256,
    imageSet: parseImageSetSpec(o.imageSet, 'job.imageSet'),
    query: parseSubnetQuery(o.query, 'job.query'),
  };
}

/** Validates a job's return value (what another process wrote into Redis). */
export function parseAccuracyResult(raw: unknown, images: number): AccuracyJobResult {
  const o = exactRecord(raw, 'result', ['accuracy', 'images']);
  if (typeof o.accuracy !== 'number' || !(o.accuracy >= 0 && o.accuracy <= 1)) throw new InvalidJobError('result.accuracy must be a number in [0, 1]');
  if (o.images !== images) throw new InvalidJobError(`result.images is ${String(o.images)}, the image set has ${images}`);
  return { accuracy: o.accuracy, images };
}

function exactRecord(raw: unknown, where: string, keys: readonly string[]): Record<string, unknown> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new InvalidJobError(`${where} must be an object`);
  const o = raw as Record<string, unknown>;
  const extra = Object.keys(o).filter((k) => !keys.includes(k));
  if (extra.length > 0) throw new InvalidJobError(`${where} has unknown field(s) ${extra.slice(0, 3).map((k) => JSON.stringify(k.slice(0, 40))).join(', ')}`);
  const missing = keys.filter((k) => !(k in o));
  if (missing.length > 0) throw new InvalidJobError(`${where} lacks ${missing.join(', ')}`);
  return o;
}

function intIn(v: unknown, lo: number, hi: number, where: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) throw new InvalidJobError(`${where} must be an integer in ${lo}..${hi}`);
  return v;
}
