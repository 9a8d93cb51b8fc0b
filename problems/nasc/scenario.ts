/**
 * A split-computing scenario: which device and server, the link, the payload precision, the
 * latency bound and the privacy bound. Read from JSON; every bad field is a one-line
 * InputError naming the file and the field. Unknown fields are refused (a typo such as
 * "bandwith" must not silently fall back to a default).
 */
import { readFileSync } from 'node:fs';
import { InputError } from '../../core/errors.js';
import { PAYLOAD_PRECISIONS, type PayloadPrecision } from './accuracy_oracle.js';
import { DEFAULT_LINK, type LinkParams } from './link_model.js';
import { MAX_SPLIT } from './search_space.js';

export type ThirdObjective = 'energy' | 'payload';
/** 'fbnet': architecture + split (+ precision); 'extended': also a learned bottleneck at the split. */
export type SpaceName = 'fbnet' | 'extended';
export const SPACE_NAMES: readonly SpaceName[] = ['fbnet', 'extended'];
export const THIRD_OBJECTIVES: readonly ThirdObjective[] = ['energy', 'payload'];

export interface Scenario extends LinkParams {
  readonly name: string;
  /** Free text (e.g. why the bound was chosen); ignored by the program. */
  readonly comment?: string;
  /** Device that runs the head (stem + layers < s): a `<device>_latency` metric of the tables. */
  readonly device: string;
  /** Server that runs the tail. */
  readonly server: string;
  readonly precision: PayloadPrecision | 'search';
  /** totalMs ≤ latencyBoundMs is a constraint. */
  readonly latencyBoundMs: number;
  /** Privacy: the raw image stays on the device unless sMin = 0 (s ≥ sMin). */
  readonly sMin: number;
  readonly numClasses: number;
  readonly thirdObjective?: ThirdObjective;
  readonly splitEncoding: 'integer' | 'categorical';
  /** Absent = 'fbnet'. 'extended' adds the bottleneck width gene (needs trained bottlenecks in the weights). */
  readonly space?: SpaceName;
}

const FIELDS = [
  'name',
  'comment',
  'device',
  'server',
  'bandwidthMbps',
  'rttMs',
  'packetBytes',
  'headerBytes',
  'lossRate',
  'precision',
  'latencyBoundMs',
  'sMin',
  'numClasses',
  'thirdObjective',
  'splitEncoding',
  'space',
] as const;

export function parseScenario(json: unknown, source: string): Scenario {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new InputError(`scenario ${source}: not a JSON object`);
  const o = json as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (!(FIELDS as readonly string[]).includes(k)) throw new InputError(`scenario ${source}: unknown field "${k}" (known: ${FIELDS.join(', ')})`);
  }
  const fail = (field: string, rule: string): never => {
    throw new InputError(`scenario ${source}: ${field} ${o[field] === undefined ? 'is missing' : `= ${JSON.stringify(o[field])}`}, must be ${rule}`);
  };
  const str = (field: string, fallback?: string): string => {
    const v = o[field] ?? fallback;
    if (typeof v !== 'string' || v.trim() === '') return fail(field, 'a non-empty string');
    return v;
  };
  const num = (field: string, ok: (x: number) => boolean, rule: string, fallback?: number): number => {
    const v = o[field] ?? fallback;
    if (typeof v !== 'number' || !Number.isFinite(v) || !ok(v)) return fail(field, rule);
    return v;
  };
  const oneOf = <T extends string>(field: string, options: readonly T[], fallback?: T): T => {
    const v = o[field] ?? fallback;
    if (typeof v !== 'string' || !(options as readonly string[]).includes(v)) return fail(field, `one of ${options.join(', ')}`);
    return v as T;
  };
  const defaultName = source.replace(/^.*[\\/]/, '').replace(/\.json$/, '');
  const scenario: Scenario = {
    name: str('name', defaultName),
    device: str('device'),
    server: str('server'),
    bandwidthMbps: num('bandwidthMbps', (x) => x > 0, 'a number > 0 (Mbit/s)'),
    rttMs: num('rttMs', (x) => x >= 0, 'a number >= 0 (ms)', DEFAULT_LINK.rttMs),
    packetBytes: num('packetBytes', (x) => Number.isInteger(x) && x >= 1, 'an integer >= 1 (payload bytes per packet)', DEFAULT_LINK.packetBytes),
    headerBytes: num('headerBytes', (x) => Number.isInteger(x) && x >= 0, 'an integer >= 0 (bytes per packet)', DEFAULT_LINK.headerBytes),
    lossRate: num('lossRate', (x) => x >= 0 && x < 1, 'a number in [0, 1)', DEFAULT_LINK.lossRate),
    precision: oneOf<PayloadPrecision | 'search'>('precision', [...PAYLOAD_PRECISIONS, 'search'], 'fp32'),
    latencyBoundMs: num('latencyBoundMs', (x) => x > 0, 'a number > 0 (ms)'),
    sMin: num('sMin', (x) => Number.isInteger(x) && x >= 0 && x <= MAX_SPLIT, `an integer in 0..${MAX_SPLIT}`, 0),
    numClasses: num('numClasses', (x) => Number.isInteger(x) && x >= 1, 'an integer >= 1', 10),
    splitEncoding: oneOf('splitEncoding', ['integer', 'categorical'] as const, 'integer'),
    ...(o.thirdObjective === undefined ? {} : { thirdObjective: oneOf('thirdObjective', THIRD_OBJECTIVES) }),
    ...(o.space === undefined ? {} : { space: oneOf('space', SPACE_NAMES) }),
    ...(o.comment === undefined ? {} : { comment: str('comment') }),
  };
  return scenario;
}

export function loadScenario(file: string): Scenario {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError(`scenario ${file}: cannot read (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new InputError(`scenario ${file}: not valid JSON (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`);
  }
  return parseScenario(json, file);
}

/** The scenario with some fields replaced (e.g. from CLI flags), re-validated. */
export function overrideScenario(s: Scenario, changes: Partial<Omit<Scenario, 'name'>>, source = `${s.name} (with overrides)`): Scenario {
  const defined = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined));
  return parseScenario({ ...s, ...defined }, source);
}

export function scenarioLink(s: Scenario): LinkParams {
  return { bandwidthMbps: s.bandwidthMbps, rttMs: s.rttMs, packetBytes: s.packetBytes, headerBytes: s.headerBytes, lossRate: s.lossRate };
}
