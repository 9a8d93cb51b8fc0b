/**
 * The parts every checkpoint shares, read back with every field checked: an algorithm's saved
 * state (core/algorithm.ts AlgorithmState) and individuals in their JSON form (genes inside the
 * problem's search space, objective and constraint counts of the problem). Problem-specific
 * `info` is checked by a parser the caller passes.
 */
import type { AlgorithmState } from '../../core/algorithm.js';
import { InputError } from '../../core/errors.js';
import type { IndividualJSON } from '../../core/individual.js';
import type { SearchSpace } from '../../core/space.js';
import { JsonFields } from '../validation/json_fields.js';
import { describeValue, integerIn, NON_NEGATIVE_INTEGER } from '../validation/numbers.js';

/** What genomes and objectives are checked against. */
export interface CheckpointShape {
  readonly space: SearchSpace;
  readonly objectives: number;
  readonly constraints: number;
}

export type InfoParser<Info> = (f: JsonFields) => Info;

const UINT32 = integerIn(0, 0xffffffff);

export function parseAlgorithmState<Info>(f: JsonFields, shape: CheckpointShape, parseInfo?: InfoParser<Info>): AlgorithmState<Info> {
  f.onlyKeys(['algorithm', 'version', 'rng', 'generation', 'evaluations', 'population', 'extra']);
  const rng = f.numbers('rng', UINT32, { min: 4, max: 4 });
  if (rng.every((w) => w === 0)) f.fail('rng', 'four 32-bit words, not all zero');
  return {
    algorithm: f.string('algorithm'),
    version: f.literal('version', 1),
    rng: [rng[0] as number, rng[1] as number, rng[2] as number, rng[3] as number],
    generation: f.number('generation', NON_NEGATIVE_INTEGER),
    evaluations: f.number('evaluations', NON_NEGATIVE_INTEGER),
    population: f.objects('population').map((o) => parseIndividualJson(o, shape, parseInfo, false)),
    // Strategy-specific; the strategy's loadState checks it (restore helpers turn its errors into InputErrors).
    ...(f.has('extra') ? { extra: f.value.extra } : {}),
  };
}

/** Numbers as individualToJSON writes them: finite numbers, or "Infinity" / "-Infinity" / "NaN". */
function encodedNumbers(f: JsonFields, key: string, length: number): (number | string)[] {
  const a = f.array(key, { min: length, max: length });
  return a.map((v, i) => {
    if ((typeof v === 'number' && Number.isFinite(v)) || v === 'Infinity' || v === '-Infinity' || v === 'NaN') return v;
    throw new InputError(`${f.where}: ${key}[${i}] = ${describeValue(v)}, must be a finite number or "Infinity"`);
  });
}

export function parseIndividualJson<Info>(f: JsonFields, shape: CheckpointShape, parseInfo: InfoParser<Info> | undefined, needInfo: boolean): IndividualJSON<Info> {
  f.onlyKeys(['genome', 'objectives', 'constraints', 'cv', 'rank', 'crowding', 'info', 'failure']);
  const genome = f.numbers('genome', { accepts: Number.isFinite, text: 'a number' }, { min: shape.space.size, max: shape.space.size });
  try {
    shape.space.validate(genome);
  } catch (e) {
    throw new InputError(`${f.where}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const cv = f.value.cv;
  if (!((typeof cv === 'number' && Number.isFinite(cv) && cv >= 0) || cv === 'Infinity')) f.fail('cv', 'a number >= 0 or "Infinity"');
  const rank = f.value.rank;
  if (rank !== null && rank !== undefined) f.number('rank', NON_NEGATIVE_INTEGER);
  const crowding = f.value.crowding;
  if (!(crowding === null || crowding === undefined || typeof crowding === 'number' || crowding === 'Infinity')) f.fail('crowding', 'a number, "Infinity" or null');
  if (f.has('failure')) f.string('failure');
  if (needInfo && parseInfo !== undefined && !f.has('info')) f.fail('info', 'the evaluation details');
  let info: Info | undefined;
  if (f.has('info')) {
    // Without a parser the info must at least be JSON the problem wrote (an object), kept as it is.
    info = parseInfo === undefined ? (f.object('info').value as Info) : parseInfo(f.object('info'));
  }
  return {
    genome,
    objectives: encodedNumbers(f, 'objectives', shape.objectives),
    constraints: encodedNumbers(f, 'constraints', shape.constraints),
    cv: cv as number | string,
    rank: typeof rank === 'number' ? rank : null,
    crowding: (crowding ?? null) as number | string | null,
    ...(info === undefined ? {} : { info }),
    ...(f.has('failure') ? { failure: f.value.failure as string } : {}),
  };
}
