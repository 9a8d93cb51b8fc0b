/**
 * The NASC assembly: everything a NASC experiment needs, set up and checked once — the latency
 * table (plus `nasc profile` overrides), one loaded and verified weight store, the validation,
 * calibration and held-out test images, and one accuracy cache per image set (disk-backed when a
 * cache file is given) behind which the onnxruntime worker pools measure subnets. `nasc search`,
 * `nasc compare --problem nasc` and `nasc reproduce paper` all build their problems here, so a
 * subnet is measured once per image set whatever asks for it.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../../core/errors.js';
import { AccuracyCache } from '../../problems/nasc/accuracy_cache.js';
import type { AccuracyOracle, AccuracyResult } from '../../problems/nasc/accuracy_oracle.js';
import { LatencyTable, loadLatencyTable } from '../../problems/nasc/latency_table.js';
import { SplitLatencyModel } from '../../problems/nasc/latency_model.js';
import { NascProblem } from '../../problems/nasc/problem.js';
import { scenarioLink, type Scenario } from '../../problems/nasc/scenario.js';
import type { DecodedGenome, GenomeLayout } from '../../problems/nasc/search_space.js';
import { dataFile } from '../../problems/data_dir.js';
import { ImageRacing, type ImageRacingOptions } from '../../problems/nasc/image_racing.js';
import { MeasurementStore } from '../../problems/nasc/measurement_store.js';
import { DEFAULT_BATCH_SIZE, DEFAULT_CALIBRATION_BATCH_SIZE, OnnxAccuracyOracle, type UintImages } from '../../workers/accuracy_pool.js';
import { describeImageSet } from '../../workers/queue/image_set.js';
import { QueueAccuracyOracle, queueOracle } from '../../workers/queue/queue_oracle.js';
import { connectRedis, parseRedisUrl } from '../../workers/queue/redis_connection.js';
import type { BnMode } from '../../workers/bn_statistics.js';
import { complementIndices, loadCifar10, selectImages, validationSplit } from '../../workers/cifar10.js';
import { loadWeightStore, type WeightStore } from '../../workers/weight_store.js';
import { PersistentOracle } from './persistent_oracle.js';
import type { BottleneckSet } from '../../problems/nasc/bottleneck.js';
import { fbnetBottleneckSet } from '../../workers/store_bottlenecks.js';
import { abortable } from './abortable_oracle.js';

/** A latency table a run used: its path and sha256 (recorded in config.json, checked on resume). */
export interface TableRecord {
  readonly file: string;
  readonly sha256: string;
}

export interface NascSetupOptions {
  readonly dataDir: string;
  /** Weight store (.json or .bin). */
  readonly weights: string;
  /** When set, the latency tables (LUT, then profiles) must still have these sha256 (a resumed run). */
  readonly expectedTables?: readonly TableRecord[];
  /** When set, the store must still have this sha256 (a resumed run). */
  readonly expectedSha256?: string;
  /** Where the tables are looked for first (default: dataDir); the shipped ones otherwise (problems/data_dir.ts). */
  readonly tablesDir?: string;
  /** Latency table (default: the HW-NAS-Bench FBNet table). */
  readonly lut?: string | null;
  /** Extra tables (e.g. from `nasc profile`) whose metrics override the LUT's. */
  readonly profiles?: readonly string[];
  /** Validation images per accuracy query (the store's held-out split of the training set). */
  readonly valImages: number;
  /** Held-out test images for re-measuring reported points (0: none). */
  readonly testImages: number;
  /** Training images (outside the validation split) for per-subnet BN recalibration. */
  readonly calibrationImages: number;
  /** Images per recalibration batch (default: the pool's, DEFAULT_CALIBRATION_BATCH_SIZE). */
  readonly calibrationBatchSize?: number;
  /**
   * Racing on validation images (problems/nasc/image_racing.ts): every problem() gets its own
   * racing instance over one shared store of prefix counts. Absent: every candidate is measured
   * on all `valImages`.
   */
  readonly racing?: ImageRacingOptions;
  readonly bn: BnMode;
  readonly workers?: number;
  /** Folder for disk-backed accuracy caches (validation and test), so reruns pay only for new subnets. */
  readonly cacheDir?: string;
  /**
   * Measure accuracy on a fleet of `nasc worker`s through this Redis queue instead of local
   * worker threads (workers/queue/); `runId` scopes the jobs, so a resumed run reuses its answers.
   */
  readonly queue?: { readonly url: string; readonly runId: string };
  /** Aborting it (Ctrl-C) stops the oracles cleanly: running local evaluations finish, queries reject with its reason. */
  readonly signal?: AbortSignal;
}

/** What accuracies of one image set depend on: a cache file whose identity differs is ignored. */
function identity(sha256: string, set: string, images: number, o: Pick<NascSetupOptions, 'bn' | 'calibrationImages' | 'calibrationBatchSize'>): string {
  const batch = o.calibrationBatchSize ?? DEFAULT_CALIBRATION_BATCH_SIZE;
  // Files written before the batch size was a setting used 100 and carry no suffix.
  return `${sha256}|${set}${images}|${o.bn}|cal${o.bn === 'recalibrate' ? o.calibrationImages : 0}${o.bn === 'recalibrate' && batch !== 100 ? `x${batch}` : ''}`;
}

export class NascSetup {
  readonly table: LatencyTable;
  /** The latency tables as resolved (the LUT, then the profiles) with their sha256, for config.json. */
  readonly tables: readonly TableRecord[];
  readonly store: WeightStore;
  readonly weightsFile: string;
  readonly options: NascSetupOptions;
  private readonly val: UintImages;
  private readonly test: UintImages | undefined;
  private readonly calibration: { pixels: Uint8Array };
  private valOracle: AccuracyOracle | undefined;
  private testOracle: AccuracyOracle | undefined;
  private readonly pools: OnnxAccuracyOracle[] = [];
  private valCacheInstance: AccuracyCache | undefined;
  private measurements: MeasurementStore | undefined;
  private testCacheInstance: AccuracyCache | undefined;

  /** Loads and checks everything; throws an InputError (nothing started, nothing written) on bad input. */
  constructor(options: NascSetupOptions) {
    this.options = options;
    if (options.queue !== undefined && options.racing !== undefined) throw new InputError('racing on images needs the local worker pool: the queue measures whole queries only');
    if (options.queue !== undefined && (options.calibrationBatchSize ?? DEFAULT_CALIBRATION_BATCH_SIZE) !== DEFAULT_CALIBRATION_BATCH_SIZE) {
      throw new InputError(`queue workers recalibrate BN in batches of ${DEFAULT_CALIBRATION_BATCH_SIZE}; another calibration batch size is not part of the job format`);
    }
    const lut = options.lut ?? dataFile(options.tablesDir ?? options.dataDir, 'fbnetLut');
    if (!existsSync(lut)) throw new InputError(`latency table ${lut} not found`);
    this.table = LatencyTable.merge([loadLatencyTable(lut), ...(options.profiles ?? []).map((f) => loadLatencyTable(f))]);
    this.tables = [lut, ...(options.profiles ?? [])].map((f) => ({ file: f, sha256: createHash('sha256').update(readFileSync(f)).digest('hex') }));
    for (const expected of options.expectedTables ?? []) {
      const now = this.tables.find((t) => path.resolve(t.file) === path.resolve(expected.file)) ?? this.tables.find((t) => t.sha256 === expected.sha256);
      if (now === undefined) throw new InputError(`latency table ${expected.file} of the run is no longer used (the data directory or --lut changed)`);
      if (now.sha256 !== expected.sha256) throw new InputError(`latency table ${now.file} changed since the run started (sha256 differs)`);
    }
    this.weightsFile = path.resolve(options.weights);
    this.store = loadWeightStore(this.weightsFile);
    if (options.expectedSha256 !== undefined && this.store.manifest.sha256 !== options.expectedSha256) {
      throw new InputError(`weight store ${this.weightsFile} changed since the run started (sha256 differs)`);
    }
    const train = loadCifar10(options.dataDir, 'train');
    const split = this.store.manifest.split ?? { seed: 0, validationPerClass: 500 };
    const valIdx = validationSplit(train.labels, split.seed, split.validationPerClass);
    if (options.valImages > valIdx.length) throw new InputError(`--val-images ${options.valImages} exceeds the ${valIdx.length} validation images of the split`);
    const rest = complementIndices(train.count, valIdx);
    if (options.calibrationImages > rest.length) throw new InputError(`--calibration-images ${options.calibrationImages} exceeds the ${rest.length} training images outside the validation split`);
    this.val = selectImages(train, valIdx.slice(0, options.valImages));
    this.calibration = selectImages(train, rest.slice(0, options.calibrationImages));
    if (options.testImages > 0) {
      const test = loadCifar10(options.dataDir, 'test', options.testImages);
      if (test.count < options.testImages) throw new InputError(`--test-images ${options.testImages} exceeds the ${test.count} test images`);
      this.test = test;
    }
  }

  get sha256(): string {
    return this.store.manifest.sha256;
  }

  get numClasses(): number {
    return this.store.space.numClasses;
  }

  /** The latency model of a scenario (checks its devices against the table). */
  model(scenario: Scenario): SplitLatencyModel {
    return SplitLatencyModel.fromTable(this.table, { device: scenario.device, server: scenario.server, link: scenarioLink(scenario), numClasses: scenario.numClasses });
  }

  /** Checks a scenario against the table and the store before any work (devices, classes). */
  checkScenario(scenario: Scenario): void {
    this.model(scenario);
    if (scenario.numClasses !== this.numClasses) {
      throw new InputError(`scenario ${scenario.name}: numClasses ${scenario.numClasses} differs from the weight store's ${this.numClasses} classes`);
    }
  }

  /** The NASC problem of a scenario, measuring accuracy on the validation images through the shared cache. */
  problem(scenario: Scenario, options: { readonly layout?: GenomeLayout; readonly name?: string } = {}): NascProblem {
    this.checkScenario(scenario);
    const cache = this.valCache;
    const problem = new NascProblem({ scenario, model: this.model(scenario), oracle: cache.oracle, cache, ...options });
    if (this.options.racing === undefined || this.measurements === undefined) return problem;
    return problem.withRacing(new ImageRacing(this.measurements, { fullImages: this.options.valImages, ...this.options.racing }));
  }

  /** Validation accuracies, one entry per canonical key. */
  get valCache(): AccuracyCache {
    this.valCacheInstance ??= new AccuracyCache(this.oracleFor('val'));
    return this.valCacheInstance;
  }

  /** Held-out test accuracies (for points already chosen on validation images). */
  get testCache(): AccuracyCache {
    if (this.test === undefined) throw new Error('this NASC setup has no test images');
    this.testCacheInstance ??= new AccuracyCache(this.oracleFor('test'));
    return this.testCacheInstance;
  }

  get hasTestImages(): boolean {
    return this.test !== undefined;
  }

  testAccuracies(decoded: readonly DecodedGenome[]): Promise<AccuracyResult[]> {
    return this.testCache.accuracies(decoded);
  }

  /** Subnets measured so far (cache misses) and images run, per image set. */
  stats(): { readonly val: { queries: number; images: number }; readonly test: { queries: number; images: number } } {
    const of = (o: AccuracyOracle | undefined, c: AccuracyCache | undefined) => ({ queries: c?.oracleQueries ?? 0, images: o === undefined ? 0 : poolImages(o) });
    return { val: of(this.valOracle, this.valCacheInstance), test: of(this.testOracle, this.testCacheInstance) };
  }

  async close(): Promise<void> {
    for (const o of [this.valOracle, this.testOracle]) await o?.close?.();
    this.valOracle = undefined;
    this.testOracle = undefined;
  }

  /** With a queue: connects once (an InputError when Redis cannot be used), so a run fails before it writes anything. */
  async checkQueue(): Promise<void> {
    if (this.options.queue === undefined) return;
    await connectRedis(parseRedisUrl(this.options.queue.url)).then((c) => c.disconnect());
  }

  private oracleFor(set: 'val' | 'test'): AccuracyOracle {
    const existing = set === 'val' ? this.valOracle : this.testOracle;
    if (existing !== undefined) return existing;
    const images = set === 'val' ? this.val : (this.test as UintImages);
    const o = this.options;
    const local = (): AccuracyOracle =>
      new OnnxAccuracyOracle({
        weights: this.weightsFile,
        images,
        bn: o.bn,
        ...(o.bn === 'recalibrate' ? { calibration: this.calibration } : {}),
        ...(o.calibrationBatchSize === undefined ? {} : { calibrationBatchSize: o.calibrationBatchSize }),
        ...(o.workers === undefined ? {} : { workers: o.workers }),
        ...(o.signal === undefined ? {} : { signal: o.signal }),
      });
    const remote = (q: NonNullable<NascSetupOptions['queue']>): AccuracyOracle => {
      const oracle = queueOracle({
        url: q.url,
        runId: q.runId,
        weightsSha256: this.sha256,
        ...bottlenecksOf(this.store),
        // The images a worker must reproduce exactly (checked by sha256), as the local pool would use them.
        imageSet: describeImageSet(set === 'val' ? 'validation' : 'test', images, this.calibration, { bn: o.bn, batchSize: DEFAULT_BATCH_SIZE }),
      });
      return o.signal === undefined ? oracle : abortable(oracle, o.signal);
    };
    const pool: AccuracyOracle = o.queue === undefined ? local() : remote(o.queue);
    if (pool instanceof OnnxAccuracyOracle) this.pools.push(pool);
    if (set === 'val' && o.racing !== undefined) {
      // Racing needs partial counts that grow; the disk cache keeps full accuracies only, so a
      // raced search measures through the store (its full answers are the same numbers).
      if (!(pool instanceof OnnxAccuracyOracle)) throw new Error('racing needs the local pool (checked in the constructor)');
      this.measurements = new MeasurementStore(pool);
      this.valOracle = this.measurements;
      return this.measurements;
    }
    const oracle: AccuracyOracle =
      o.cacheDir === undefined ? pool : new PersistentOracle(pool, path.join(o.cacheDir, `accuracy-${set}.json`), identity(this.sha256, set, images.labels.length, o));
    if (set === 'val') this.valOracle = oracle;
    else this.testOracle = oracle;
    return oracle;
  }
}

function poolImages(o: AccuracyOracle): number {
  const inner = o instanceof PersistentOracle ? o.inner : o instanceof MeasurementStore ? o.oracle : o;
  return inner instanceof OnnxAccuracyOracle || inner instanceof QueueAccuracyOracle ? inner.stats.images : 0;
}

/** The store's learned bottlenecks for an oracle that does not read the store itself (the queue). */
function bottlenecksOf(store: WeightStore): { bottlenecks?: BottleneckSet } {
  const set = fbnetBottleneckSet(store.manifest.bottlenecks);
  return set === undefined ? {} : { bottlenecks: set };
}
