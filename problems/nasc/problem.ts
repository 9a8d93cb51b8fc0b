/**
 * The NASC problem: minimise [top-1 error, end-to-end latency] (+ optionally device energy or
 * payload bytes) over (architecture, split[, precision][, bottleneck width]), subject to
 *   g0 = totalMs − latencyBoundMs ≤ 0   (latency bound)
 *   g1 = sMin − s ≤ 0                   (privacy; normally kept by PrivacyRepair, checked anyway)
 *
 * Accuracy comes from the injected AccuracyOracle through an AccuracyCache (one query per
 * architecture while the payload is lossless, per (precision, s) otherwise); problems made by
 * withLayout() share that cache, so baselines and NASC never pay twice for one subnet.
 */
import { InputError } from '../../core/errors.js';
import type { Evaluation } from '../../core/individual.js';
import type { CheapEvaluation, Problem } from '../../core/problem.js';
import type { SearchSpace } from '../../core/space.js';
import type { Genome } from '../../core/variables.js';
import { AccuracyCache, accuracyKeyOf } from './accuracy_cache.js';
import { BOTTLENECK_PATCH, type BottleneckSet } from './bottleneck.js';
import type { ImageRacing } from './image_racing.js';
import { PAYLOAD_PRECISIONS, type AccuracyOracle, type AccuracyResult, type PayloadPrecision } from './accuracy_oracle.js';
import type { LatencyTable } from './latency_table.js';
import { SplitLatencyModel, type LatencyBreakdown } from './latency_model.js';
import { payloadBytes } from './payload.js';
import { PrivacyRepair } from './privacy_repair.js';
import { scenarioLink, type Scenario } from './scenario.js';
import { MAX_SPLIT, decodeGenome, encodeGenome, nascSearchSpace, type DecodedGenome, type GenomeLayout } from './search_space.js';

export interface NascInfo {
  readonly architecture: number[];
  readonly split: number;
  readonly precision: PayloadPrecision;
  /** Width of the learned bottleneck at the split (0: none). */
  readonly bottleneck: number;
  /** Top-1 accuracy in [0, 1] (NaN when the oracle failed). */
  readonly accuracy: number;
  readonly images: number;
  /** Wilson interval of the accuracy (racing only; problems/nasc/image_racing.ts). */
  readonly interval?: readonly [number, number];
  /** Racing stopped the measurement early: the candidate could not reach the front (racing only). */
  readonly stoppedEarly?: boolean;
  /** The accuracy cache key: 'exact', '<precision>@<split>' or 'int8@<split>/<width>'. */
  readonly accuracyKey: string;
  readonly latency: LatencyBreakdown;
  readonly withinBound: boolean;
  readonly privacyViolated: boolean;
}

export interface NascProblemOptions {
  readonly scenario: Scenario;
  readonly model: SplitLatencyModel;
  readonly oracle: AccuracyOracle;
  /** Default: the scenario's split encoding and precision. Baselines pass a fixed split. */
  readonly layout?: GenomeLayout;
  readonly name?: string;
  /** Share another problem's accuracy cache (must wrap the same oracle). */
  readonly cache?: AccuracyCache;
  /** close() also closes the oracle (a problem built for one comparison owns its worker pool). */
  readonly ownsOracle?: boolean;
  /**
   * Racing on images (one per run): evaluate() measures each candidate on as many validation
   * images as it needs to be ruled out of the front, or in full (problems/nasc/image_racing.ts).
   */
  readonly racing?: ImageRacing;
}

export const OBJECTIVE_ERROR = 'error';
export const OBJECTIVE_LATENCY = 'latency_ms';
export const OBJECTIVE_ENERGY = 'device_energy_mj';
export const OBJECTIVE_PAYLOAD = 'payload_bytes';
export const CONSTRAINT_BOUND = 'latency_bound';
export const CONSTRAINT_PRIVACY = 'privacy';

/**
 * The scenario's genome layout. The extended space needs the trained bottlenecks (from the
 * weights, `AccuracyOracle.bottlenecks`); an InputError when there are none.
 */
export function scenarioLayout(s: Scenario, bottlenecks?: BottleneckSet): GenomeLayout {
  if (s.space !== 'extended') return { split: s.splitEncoding, precision: s.precision };
  if (bottlenecks === undefined || bottlenecks.size === 0) {
    throw new InputError(`scenario ${s.name}: the extended space needs weights with trained bottlenecks (a format-3 weight store); these have none`);
  }
  if (bottlenecks.patch !== BOTTLENECK_PATCH) {
    // Latency (encoder/decoder MACs) and payload shapes assume the space's form.
    const what = bottlenecks.patch === undefined ? 'mix 1×1 and 2×2-patch bottlenecks' : `have ${bottlenecks.patch === 1 ? '1×1' : `${bottlenecks.patch}×${bottlenecks.patch}-patch`} bottlenecks`;
    throw new InputError(`scenario ${s.name}: these weights ${what}; the extended space uses 2×2-patch ones (weight store format 3, experiments/supernet/bottleneck.py --patch 2)`);
  }
  return { split: s.splitEncoding, precision: s.precision, bottleneck: bottlenecks };
}

export class NascProblem implements Problem<NascInfo> {
  readonly name: string;
  readonly space: SearchSpace;
  readonly layout: GenomeLayout;
  readonly objectiveNames: readonly string[];
  readonly constraintNames: readonly string[] = [CONSTRAINT_BOUND, CONSTRAINT_PRIVACY];
  readonly referencePoint?: readonly number[];
  readonly scenario: Scenario;
  readonly model: SplitLatencyModel;
  readonly oracle: AccuracyOracle;
  readonly repair: PrivacyRepair;
  readonly cache: AccuracyCache;
  readonly racing: ImageRacing | undefined;
  private readonly ownsOracle: boolean;

  constructor(opts: NascProblemOptions) {
    const s = opts.scenario;
    this.ownsOracle = opts.ownsOracle ?? false;
    this.scenario = s;
    this.model = opts.model;
    this.oracle = opts.oracle;
    this.cache = opts.cache ?? new AccuracyCache(opts.oracle);
    this.racing = opts.racing;
    if (this.racing !== undefined && (this.racing.store as unknown) !== this.cache.oracle) {
      throw new Error('NascProblem: racing must measure through the accuracy cache\'s oracle (a MeasurementStore), so both share one set of counts');
    }
    if (this.cache.oracle !== opts.oracle) throw new Error('NascProblem: the shared accuracy cache wraps another oracle');
    this.layout = opts.layout ?? scenarioLayout(s, opts.oracle.bottlenecks);
    this.space = nascSearchSpace(this.layout);
    this.repair = new PrivacyRepair(s.sMin);
    this.name = opts.name ?? `nasc(${s.name})`;
    if (opts.model.numClasses !== s.numClasses) {
      throw new InputError(`scenario ${s.name}: numClasses ${s.numClasses} differs from the latency model's ${opts.model.numClasses}`);
    }
    if (s.thirdObjective === 'energy' && !opts.model.hasDeviceEnergy) {
      throw new InputError(`scenario ${s.name}: thirdObjective energy needs ${s.device}_energy in the tables (device ${s.device} has latency only)`);
    }
    const third = s.thirdObjective === 'energy' ? [OBJECTIVE_ENERGY] : s.thirdObjective === 'payload' ? [OBJECTIVE_PAYLOAD] : [];
    this.objectiveNames = [OBJECTIVE_ERROR, OBJECTIVE_LATENCY, ...third];
    // Feasible points have error ≤ 1 and latency ≤ bound; payload is at most the largest tensor.
    if (s.thirdObjective === undefined) this.referencePoint = [1, s.latencyBoundMs];
    else if (s.thirdObjective === 'payload') this.referencePoint = [1, s.latencyBoundMs, maxPayload(s.numClasses)];
  }

  /** Builds the latency model from the tables and the scenario's devices and link. */
  static fromTable(scenario: Scenario, table: LatencyTable, oracle: AccuracyOracle, layout?: GenomeLayout, ownsOracle = false): NascProblem {
    const model = SplitLatencyModel.fromTable(table, {
      device: scenario.device,
      server: scenario.server,
      link: scenarioLink(scenario),
      numClasses: scenario.numClasses,
    });
    return new NascProblem({ scenario, model, oracle, ownsOracle, ...(layout === undefined ? {} : { layout }) });
  }

  /** Releases the oracle's workers when this problem owns them; otherwise their owner does. */
  async close(): Promise<void> {
    if (this.ownsOracle) await this.oracle.close?.();
  }

  /** Queries sent to the oracle so far (cache misses, shared with withLayout() problems). */
  get oracleQueries(): number {
    return this.cache.oracleQueries;
  }

  decode(genome: Genome): DecodedGenome {
    return decodeGenome(this.layout, genome);
  }

  encode(d: DecodedGenome): number[] {
    return encodeGenome(this.layout, d);
  }

  async evaluate(genomes: readonly Genome[]): Promise<Evaluation<NascInfo>[]> {
    const decoded = genomes.map((g) => this.decode(g));
    if (this.racing === undefined) return this.evaluateDecoded(decoded);
    const candidates = decoded.map((d) => {
      const latency = this.model.breakdown(d.architecture, d.split, d.precision, d.bottleneck ?? 0);
      const feasible = latency.totalMs <= this.scenario.latencyBoundMs && d.split >= this.scenario.sMin;
      return { decoded: d, latencyMs: latency.totalMs, feasible };
    });
    const raced = await this.racing.race(candidates);
    return decoded.map((d, i) => {
      const r = raced[i] as (typeof raced)[number];
      const acc: AccuracyResult = { accuracy: r.accuracy, images: r.images, ...(r.failure === undefined ? {} : { failure: r.failure }) };
      return this.evaluation(d, acc, { interval: r.interval, stoppedEarly: r.stopped });
    });
  }

  /** The same problem measuring through another racing instance (one per run: its front is the run's state). */
  withRacing(racing: ImageRacing): NascProblem {
    return new NascProblem({ scenario: this.scenario, model: this.model, oracle: this.oracle, layout: this.layout, cache: this.cache, name: this.name, racing });
  }

  /** Accuracy of decoded genomes through the shared cache (one oracle batch for all misses). */
  accuracies(decoded: readonly DecodedGenome[]): Promise<AccuracyResult[]> {
    return this.cache.accuracies(decoded);
  }

  /** Latency (and the third objective unless it is energy-free payload) and both constraints come from tables: free. */
  cheapEvaluate(genome: Genome): CheapEvaluation {
    const d = this.decode(genome);
    const latency = this.model.breakdown(d.architecture, d.split, d.precision, d.bottleneck ?? 0);
    const s = this.scenario;
    const objectives: (number | null)[] = [null, latency.totalMs];
    if (s.thirdObjective === 'energy') objectives.push(latency.deviceEnergyMj ?? null);
    else if (s.thirdObjective === 'payload') objectives.push(latency.payloadBytes);
    return { objectives, constraints: [latency.totalMs - s.latencyBoundMs, s.sMin - d.split] };
  }

  /** Evaluates decoded genomes whatever this problem's layout (used by baselines). */
  async evaluateDecoded(decoded: readonly DecodedGenome[]): Promise<Evaluation<NascInfo>[]> {
    const results = await this.cache.accuracies(decoded);
    return decoded.map((d, i) => this.evaluation(d, results[i] as AccuracyResult));
  }

  /** The same scenario, model and accuracy cache with another genome layout (e.g. a fixed split). */
  withLayout(layout: GenomeLayout, name?: string): NascProblem {
    return new NascProblem({ scenario: this.scenario, model: this.model, oracle: this.oracle, layout, cache: this.cache, name: name ?? `${this.name}[${layoutLabel(layout)}]`, ...(this.racing === undefined ? {} : { racing: this.racing }) });
  }

  private evaluation(d: DecodedGenome, acc: AccuracyResult, racing?: Pick<NascInfo, 'interval' | 'stoppedEarly'>): Evaluation<NascInfo> {
    const latency = this.model.breakdown(d.architecture, d.split, d.precision, d.bottleneck ?? 0);
    const s = this.scenario;
    const info: NascInfo = {
      architecture: [...d.architecture],
      split: d.split,
      precision: d.precision,
      bottleneck: d.bottleneck ?? 0,
      accuracy: acc.accuracy,
      images: acc.images,
      accuracyKey: accuracyKeyOf(d),
      ...racing,
      latency,
      withinBound: latency.totalMs <= s.latencyBoundMs,
      privacyViolated: d.split < s.sMin,
    };
    const objectives = [1 - acc.accuracy, latency.totalMs];
    if (s.thirdObjective === 'energy') objectives.push(latency.deviceEnergyMj ?? Number.NaN);
    else if (s.thirdObjective === 'payload') objectives.push(latency.payloadBytes);
    const constraints = [latency.totalMs - s.latencyBoundMs, s.sMin - d.split];
    const failure = acc.failure ?? (Number.isFinite(acc.accuracy) ? undefined : `oracle ${this.oracle.name} returned accuracy ${acc.accuracy}`);
    return failure === undefined ? { objectives, constraints, info } : { objectives, constraints, info, failure };
  }
}

function maxPayload(numClasses: number): number {
  let m = 0;
  for (let s = 0; s <= MAX_SPLIT; s++) for (const p of PAYLOAD_PRECISIONS) m = Math.max(m, payloadBytes(s, p, numClasses));
  return m;
}

function layoutLabel(layout: GenomeLayout): string {
  const split = typeof layout.split === 'object' ? `s=${layout.split.fixed}` : `s:${layout.split}`;
  return `${split},${layout.precision}${layout.bottleneck === undefined ? '' : ',bottleneck'}`;
}
