/**
 * The main job: a NASC search on one scenario — supernet accuracy (inherited weights, on worker
 * threads), HW-NAS-Bench latency, the `nasc` strategy (or any registered one) — then the
 * baselines as strategies on the same problem and accuracy cache, every reported point
 * re-measured on held-out test images, and a results folder.
 *
 * Everything that determines the outcome is in `config.json`; the state after every generation
 * is in `checkpoint.json`, so `--resume DIR` after a kill ends with the same `front.json`. The
 * accuracy caches (`accuracy-val.json`, `accuracy-test.json`) make a resumed run pay only for
 * subnets it has not measured yet.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Algorithm } from '../../core/algorithm.js';
import { InputError, Interrupted, isInterrupted } from '../../core/errors.js';
import type { Individual } from '../../core/individual.js';
import { hypervolume } from '../../core/indicators/hypervolume.js';
import { minimize, paretoFront } from '../../core/minimize.js';
import { parsePluginSpec } from '../../core/registry.js';
import { Rng } from '../../core/rng.js';
import { maxEvaluations } from '../../core/termination.js';
import { splitRepair } from '../../problems/nasc/best_split_repair.js';
import { feasibilityScreening } from '../../problems/nasc/nasc_algorithm.js';
import type { NascInfo, NascProblem } from '../../problems/nasc/problem.js';
import { CANDIDATE_NAMES } from '../../problems/nasc/search_space.js';
import { CIFAR10_CLASSES } from '../../workers/cifar10.js';
import { runStrategy } from '../compare/run_strategy.js';
import { writeJsonAtomic } from '../io/atomic_write.js';
import { nascHeldOut } from '../nasc/held_out.js';
import { NascSetup } from '../nasc/setup.js';
import { algorithms } from '../plugins.js';
import type { HeldOutPoint } from '../plugin_types.js';
import { writeSearchReportHtml } from '../report/html.js';
import { drawSearchPlots } from '../report/search_plots.js';
import { checkResumeIdentity, resumeIdentity } from '../resume/resume_identity.js';
import { makeSearchCheckpoint, readSearchCheckpoint, restoreSearch, SEARCH_CHECKPOINT_FILE, type SearchCheckpoint } from '../resume/search_checkpoint.js';
import { readSearchConfigFile, SEARCH_CONFIG_FILE } from '../resume/search_config_schema.js';
import { checkClassCounts, checkLatenciesFinite } from '../validation/run_inputs.js';
import { SearchProgress } from './progress.js';
import type { SearchConfig } from './config.js';
import { writeResults, type BaselineSummary, type FrontPoint, type HistoryEntry, type SearchResults } from './results.js';

export type { SearchConfig } from './config.js';

export interface SearchRuntime {
  /** Where CIFAR-10 is (experiments/data/data_dir.ts: ensureCifar10). */
  readonly dataDir: string;
  /** Where the tables are looked for first (default: dataDir); the shipped ones otherwise. */
  readonly tablesDir?: string;
  readonly out: string;
  readonly workers?: number;
  readonly progress: boolean;
  /** Aborted on Ctrl-C / SIGTERM (experiments/shutdown.ts): the run stops with an Interrupted error, its last checkpoint intact. */
  readonly signal?: AbortSignal;
  /** Evaluate on `nasc worker`s through this Redis queue (never written into the results folder). */
  readonly queue?: string;
}

/**
 * The run id of a search's queue jobs: a hash of its configuration without the evaluation budget
 * (which `--resume` may raise), so a resumed search — or the same search again — reuses the
 * answers already in Redis; any other setting gives other jobs.
 */
export function searchRunId(config: SearchConfig): string {
  const { evaluations: _budget, ...rest } = config;
  return `search-${createHash('sha256').update(JSON.stringify(rest)).digest('hex').slice(0, 32)}`;
}

export interface SearchSummary {
  readonly front: FrontPoint[];
  readonly indicators: { readonly hv: number; readonly testHv: number };
  readonly evaluations: number;
  /** Evaluations already in the checkpoint a resumed run started from (0 for a fresh run). */
  readonly resumedFrom: number;
  readonly seconds: number;
  readonly outDir: string;
  readonly baselines: Record<string, { readonly budget: number; readonly evaluations: number; readonly frontSize: number; readonly bestFeasibleTestAccuracy: number | null }>;
  readonly oracle: { readonly queries: number; readonly images: number; readonly testQueries: number; readonly testImages: number };
}

const CONFIG = SEARCH_CONFIG_FILE;
const CHECKPOINT = SEARCH_CHECKPOINT_FILE;

/** DIR/config.json of a search folder, checked with the rules fresh input gets (resume_identity.ts, search_config_schema.ts). */
export function readSearchConfig(dir: string): SearchConfig {
  return readSearchConfigFile(dir, (spec) => void parsePluginSpec(algorithms, spec));
}

/** Builds a configured strategy on the NASC problem (split repair and feasibility screening for every strategy). */
export function createStrategy(spec: string, problem: NascProblem, config: SearchConfig, rng: Rng): Algorithm<NascInfo> {
  const parsed = parsePluginSpec(algorithms, spec);
  return algorithms.get(parsed.name).create(
    problem,
    {
      populationSize: config.populationSize,
      repair: splitRepair(problem, config.splitRepair),
      screening: feasibilityScreening(problem),
      ...(Object.keys(parsed.parameters).length === 0 ? {} : { parameters: parsed.parameters }),
    },
    rng,
  ) as Algorithm<NascInfo>;
}

/** The random streams of a run: the search's first, then one per baseline (Rng.spawn, not seed arithmetic). */
function streams(seed: number, baselines: number): { search: Rng; baselines: Rng[] } {
  const root = Rng.fromSeed(seed);
  const search = root.spawn();
  return { search, baselines: Array.from({ length: baselines }, () => root.spawn()) };
}

export async function runSearch(config: SearchConfig, runtime: SearchRuntime, resume: boolean): Promise<SearchSummary> {
  const started = performance.now();
  const { dataDir, out, signal } = runtime;
  // Everything is checked before the first file is written, so bad input leaves nothing behind:
  // data, weights, tables, scenario against all three, strategies, the checkpoint of a resume.
  const setup = new NascSetup({
    dataDir,
    tablesDir: runtime.tablesDir ?? dataDir,
    weights: config.weights.file,
    expectedSha256: config.weights.sha256,
    ...(config.tables === undefined ? {} : { expectedTables: config.tables }),
    lut: config.lut,
    profiles: config.profiles ?? [],
    valImages: Math.max(config.valImages, config.racing?.frontImages ?? 0),
    testImages: config.testImages,
    calibrationImages: config.calibrationImages,
    ...(config.calibrationBatchSize === undefined ? {} : { calibrationBatchSize: config.calibrationBatchSize }),
    ...(config.racing === undefined ? {} : { racing: { ...config.racing, fullImages: config.valImages } }),
    bn: config.bn,
    cacheDir: out,
    ...(runtime.workers === undefined ? {} : { workers: runtime.workers }),
    ...(signal === undefined ? {} : { signal }),
    ...(runtime.queue === undefined ? {} : { queue: { url: runtime.queue, runId: searchRunId(config) } }),
  });
  const progress = new SearchProgress(runtime.progress, `nasc search ${config.scenario.name}`);
  let done = 0;
  try {
    setup.checkScenario(config.scenario);
    await setup.checkQueue();
    checkClassCounts({ scenario: config.scenario.numClasses, weights: setup.numClasses, data: CIFAR10_CLASSES }, config.scenario.name);
    checkLatenciesFinite(setup.model(config.scenario), config.scenario);
    const problem = setup.problem(config.scenario);
    // Every strategy is built once before any work (bad parameters, a strategy that cannot take
    // this problem); the throwaway stream leaves the run's own streams untouched.
    for (const s of config.baselines.strategies) createStrategy(s, problem, config, Rng.fromSeed(0));
    const rngs = streams(config.seed, config.baselines.strategies.length);
    const algorithm = createStrategy(config.strategy, problem, config, rngs.search);
    const archive: Individual<NascInfo>[] = [];
    const history: HistoryEntry[] = [];
    const checkpointFile = path.join(out, CHECKPOINT);
    const checkpoint = resume ? readSearchCheckpoint(checkpointFile, { space: problem.space, objectives: problem.objectiveNames.length, constraints: problem.constraintNames.length }) : undefined;
    if (checkpoint !== undefined) {
      checkResumeIdentity(checkpoint.identity, resumeIdentity(config), checkpointFile, path.join(out, CONFIG));
      archive.push(...restoreSearch(algorithm, checkpoint, checkpointFile));
      history.push(...checkpoint.history);
      // Racing decides against the run's front: rebuild it as it was when the checkpoint was written.
      problem.racing?.remember(racingFront(archive));
    }
    if (!resume) writeConfig(out, { ...config, tables: setup.tables.map((t) => ({ file: path.resolve(t.file), sha256: t.sha256 })) });
    done = algorithm.evaluations;
    const resumedFrom = algorithm.evaluations;
    const ref = problem.referencePoint ?? [1, config.scenario.latencyBoundMs];
    const elapsedBefore = checkpoint?.elapsedMs ?? 0;
    if (algorithm.evaluations < config.evaluations) {
      await minimize(problem, algorithm, {
        termination: maxEvaluations(config.evaluations),
        elapsedOffsetMs: elapsedBefore,
        onGeneration: ({ algorithm: a, progress: p, evaluated }) => {
          archive.push(...evaluated);
          const front = paretoFront(archive);
          const entry: HistoryEntry = {
            generation: p.generation,
            evaluations: p.evaluations,
            hv: hypervolume(front.map((i) => [...i.objectives]), ref),
            bestFeasibleAccuracy: front.length === 0 ? null : Math.max(...front.map((i) => i.info?.accuracy ?? 0)),
            feasible: archive.filter((i) => i.cv === 0).length,
            failed: archive.filter((i) => i.failure !== undefined).length,
          };
          history.push(entry);
          const ckpt: SearchCheckpoint = makeSearchCheckpoint(config, a.saveState(), archive, history, p.elapsedMs);
          writeJsonAtomic(checkpointFile, ckpt);
          done = p.evaluations;
          // A stop request after a whole generation: its checkpoint is written, stop here.
          signal?.throwIfAborted();
          progress.update({ evaluations: p.evaluations, total: config.evaluations, generation: p.generation, bestFeasibleAccuracy: entry.bestFeasibleAccuracy ?? NaN, hv: entry.hv });
        },
      });
    }
    progress.stop();

    const baselines: BaselineSummary[] = [];
    for (const [k, spec] of config.baselines.strategies.entries()) {
      signal?.throwIfAborted();
      progress.note(`baseline: ${spec} (${config.baselines.evaluations} evaluations)`);
      // Each baseline races against its own front (a fresh racing instance), not the search's.
      const own = config.racing === undefined ? problem : setup.problem(config.scenario);
      const alg = createStrategy(spec, own, config, rngs.baselines[k] as Rng);
      const run = await runStrategy({ problem: own, algorithm: alg, evaluations: config.baselines.evaluations });
      const heldOut = await nascHeldOut(setup, own, run.evaluated as Individual<NascInfo>[]);
      baselines.push({ name: spec, budget: config.baselines.evaluations, evaluations: run.evaluations, stoppedBy: run.stoppedBy, front: heldOut.points.map((pt) => frontPoint(problem, pt)) });
    }

    // The test set is only for the final report: the front chosen on validation images, re-measured.
    signal?.throwIfAborted();
    progress.note(`re-measuring the front on ${config.testImages} test images`);
    const heldOut = await nascHeldOut(setup, problem, archive);
    const results: SearchResults = {
      config,
      front: heldOut.points.map((pt) => frontPoint(problem, pt)),
      history,
      baselines,
      indicators: { hv: hypervolume(paretoFront(archive).map((i) => [...i.objectives]), ref), testHv: heldOut.indicators.test_hv ?? 0 },
      referencePoint: [...ref],
    };
    writeResults(out, results);
    drawSearchPlots(out, results);
    writeSearchReportHtml(out);
    const seconds = elapsedBefore / 1000 + (performance.now() - started) / 1000;
    const stats = setup.stats();
    return {
      front: results.front,
      indicators: results.indicators,
      evaluations: algorithm.evaluations,
      resumedFrom,
      seconds,
      outDir: out,
      baselines: Object.fromEntries(
        results.baselines.map((b) => {
          const accs = b.front.map((p) => p.testAccuracy).filter((a) => Number.isFinite(a));
          return [b.name, { budget: b.budget, evaluations: b.evaluations, frontSize: b.front.length, bestFeasibleTestAccuracy: accs.length === 0 ? null : Math.max(...accs) }];
        }),
      ),
      oracle: { queries: stats.val.queries, images: stats.val.images, testQueries: stats.test.queries, testImages: stats.test.images },
    };
  } catch (e) {
    // Stopped on request: the folder keeps config.json and the checkpoint of the last whole generation.
    if (isInterrupted(e)) {
      throw new Interrupted(e.signal, `interrupted by ${e.signal} after ${done} of ${config.evaluations} evaluations; ${out} keeps the last checkpoint (continue with: nasc search --resume ${out})`);
    }
    throw e;
  } finally {
    progress.stop();
    await setup.close(); // waits for running evaluations before ending the workers
  }
}

/** The complete (not stopped early), feasible, measured points of a run: what its racing front was built from. */
export function racingFront(evaluated: readonly Individual<NascInfo>[]): { accuracy: number; latencyMs: number }[] {
  return evaluated
    .filter((i) => i.cv === 0 && i.failure === undefined && i.info !== undefined && i.info.stoppedEarly !== true)
    .map((i) => ({ accuracy: (i.info as NascInfo).accuracy, latencyMs: i.objectives[1] as number }));
}

function writeConfig(out: string, config: SearchConfig): void {
  try {
    writeJsonAtomic(path.join(out, CONFIG), config);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    throw new InputError(`cannot write the results folder ${out} (${code})`);
  }
}

/** A reported point: both accuracies and the latency breakdown. */
function frontPoint(problem: NascProblem, pt: HeldOutPoint): FrontPoint {
  const d = problem.decode(pt.genome);
  const latency = problem.model.breakdown(d.architecture, d.split, d.precision, d.bottleneck ?? 0);
  return {
    architecture: d.architecture.map((c) => CANDIDATE_NAMES[c] as string),
    split: d.split,
    precision: d.precision,
    bottleneck: d.bottleneck ?? 0,
    valAccuracy: 1 - (pt.objectives[0] as number),
    testAccuracy: 1 - (pt.heldOutObjectives[0] as number),
    deviceMs: latency.deviceMs,
    encoderMs: latency.encoderMs,
    linkMs: latency.linkMs,
    decoderMs: latency.decoderMs,
    serverMs: latency.serverMs,
    totalMs: latency.totalMs,
    payloadBytes: latency.payloadBytes,
    ...(latency.deviceEnergyMj === undefined ? {} : { deviceEnergyMj: latency.deviceEnergyMj }),
  };
}
