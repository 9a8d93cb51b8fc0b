/**
 * The main job: a NASC search on one scenario — supernet accuracy (inherited weights, on worker
 * threads), HW-NAS-Bench latency, NSGA-II (or any registered strategy) — then the final front
 * re-measured on test images, the baselines on the same scenario, and a results folder.
 *
 * Everything that determines the outcome is in `config.json`; the state after every generation
 * is in `checkpoint.json`, so `--resume DIR` after a kill ends with the same `front.json`.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../../core/errors.js';
import { individualFromJSON, individualToJSON, type Individual, type IndividualJSON } from '../../core/individual.js';
import { hypervolume } from '../../core/indicators/hypervolume.js';
import { minimize, paretoFront } from '../../core/minimize.js';
import type { Problem } from '../../core/problem.js';
import { Rng } from '../../core/rng.js';
import { maxEvaluations } from '../../core/termination.js';
import type { AccuracyOracle } from '../../problems/nasc/accuracy_oracle.js';
import type { BaselineResult, OptimizeFn } from '../../problems/nasc/baselines/baseline.js';
import { fixedArchitectureBestSplit } from '../../problems/nasc/baselines/best_split.js';
import { deviceOnlySearch } from '../../problems/nasc/baselines/device_only.js';
import { hwnasBaseline } from '../../problems/nasc/baselines/hwnas.js';
import { serverOnlySearch } from '../../problems/nasc/baselines/server_only.js';
import { twoStage } from '../../problems/nasc/baselines/two_stage.js';
import { LatencyTable, loadLatencyTable } from '../../problems/nasc/latency_table.js';
import { splitRepair, type SplitRepairName } from '../../problems/nasc/best_split_repair.js';
import { NascProblem, type NascInfo } from '../../problems/nasc/problem.js';
import { SplitLatencyModel } from '../../problems/nasc/latency_model.js';
import { parseScenario, scenarioLink, type Scenario } from '../../problems/nasc/scenario.js';
import { CANDIDATE_NAMES, NUM_LAYERS } from '../../problems/nasc/search_space.js';
import type { BnMode } from '../../workers/bn_statistics.js';
import { loadCifar10 } from '../../workers/cifar10.js';
import { loadWeightStore } from '../../workers/weight_store.js';
import { writeJsonAtomic } from '../io/atomic_write.js';
import { algorithms } from '../plugins.js';
import { SearchProgress } from './progress.js';
import { writeResults, type FrontPoint, type HistoryEntry, type SearchResults } from './results.js';

export interface SearchConfig {
  readonly format: 'nasc-search';
  readonly version: 1;
  readonly scenario: Scenario;
  readonly scenarioSource: string;
  readonly seed: number;
  readonly strategy: string;
  readonly populationSize: number;
  readonly evaluations: number;
  readonly valImages: number;
  readonly testImages: number;
  readonly calibrationImages: number;
  readonly bn: BnMode;
  readonly weights: { readonly file: string; readonly sha256: string; readonly steps: number | null };
  readonly lut: string | null;
  /** Extra tables (e.g. from `nasc profile`) whose metrics override the LUT's. */
  readonly profiles?: readonly string[];
  /** Evaluations each search baseline gets (0 = only the cheap baselines). */
  readonly baselineEvaluations: number;
  /** How the search repairs the split gene (absent in older folders: 'privacy'). */
  readonly splitRepair?: SplitRepairName;
  readonly versions: Record<string, string>;
}

interface SearchCheckpoint {
  readonly format: 'nasc-search-checkpoint';
  readonly version: 1;
  readonly state: ReturnType<import('../../core/algorithm.js').Algorithm['saveState']>;
  readonly archive: IndividualJSON<NascInfo>[];
  readonly history: HistoryEntry[];
  readonly elapsedMs: number;
}

export interface SearchRuntime {
  readonly dataDir: string;
  readonly out: string;
  readonly workers?: number;
  readonly progress: boolean;
}

export interface SearchSummary {
  readonly front: FrontPoint[];
  readonly indicators: { readonly hv: number };
  readonly evaluations: number;
  readonly seconds: number;
  readonly outDir: string;
  readonly baselines: Record<string, { readonly frontSize: number; readonly bestFeasibleTestAccuracy: number | null }>;
  readonly oracle: { readonly queries: number; readonly images: number };
}

const CONFIG = 'config.json';
const CHECKPOINT = 'checkpoint.json';

export function readSearchConfig(dir: string): SearchConfig {
  const file = path.join(dir, CONFIG);
  if (!existsSync(file)) throw new InputError(`--resume ${dir}: no ${CONFIG} there (not a nasc search folder)`);
  let c: Partial<SearchConfig>;
  try {
    c = JSON.parse(readFileSync(file, 'utf8')) as Partial<SearchConfig>;
  } catch {
    throw new InputError(`${file} is not valid JSON`);
  }
  if (c.format !== 'nasc-search' || c.version !== 1 || c.scenario === undefined) throw new InputError(`${file} is not a nasc search config`);
  return { ...(c as SearchConfig), scenario: parseScenario(c.scenario, file) };
}

function readCheckpoint(dir: string): SearchCheckpoint | undefined {
  const file = path.join(dir, CHECKPOINT);
  if (!existsSync(file)) return undefined;
  try {
    const c = JSON.parse(readFileSync(file, 'utf8')) as SearchCheckpoint;
    if (c.format !== 'nasc-search-checkpoint' || c.version !== 1) throw new Error('format');
    return c;
  } catch {
    throw new InputError(`${file} is not a valid search checkpoint (truncated or corrupt)`);
  }
}

/** The images a search sees (validation, held out of training) and the BN calibration images. */
export { makeOracle, searchImages } from './oracle.js';
import { makeOracle, searchImages } from './oracle.js';

export async function runSearch(config: SearchConfig, runtime: SearchRuntime, resume: boolean): Promise<SearchSummary> {
  const started = performance.now();
  const { dataDir, out } = runtime;
  const lutFile = config.lut ?? path.join(dataDir, 'hw-nas-bench', 'fbnet_cifar100_lut.json');
  if (!existsSync(lutFile)) throw new InputError(`latency table ${lutFile} not found (set --data-dir / NASC_DATA, or --lut)`);
  const table: LatencyTable = LatencyTable.merge([loadLatencyTable(lutFile), ...(config.profiles ?? []).map((f) => loadLatencyTable(f))]);
  const store = loadWeightStore(config.weights.file);
  if (store.manifest.sha256 !== config.weights.sha256) {
    throw new InputError(`weight store ${config.weights.file} changed since the search started (sha256 differs)`);
  }
  const checkpoint = resume ? readCheckpoint(out) : undefined;
  const { val, calibration } = searchImages(dataDir, config, store);
  const test = loadCifar10(dataDir, 'test', config.testImages);
  if (test.count < config.testImages) throw new InputError(`--test-images ${config.testImages} exceeds the ${test.count} test images`);
  // Every input is checked before the first file is written, so bad input leaves nothing behind:
  // building the latency model validates the scenario's devices against the table.
  SplitLatencyModel.fromTable(table, { device: config.scenario.device, server: config.scenario.server, link: scenarioLink(config.scenario), numClasses: config.scenario.numClasses });
  if (!resume) writeConfig(out, config);
  const progress = new SearchProgress(runtime.progress, `nasc search ${config.scenario.name}`);
  const valOracle = makeOracle(config, val, calibration, runtime.workers);
  let problem: NascProblem | undefined;
  try {
    problem = NascProblem.fromTable(config.scenario, table, valOracle);
    const nasc = problem;
    const algorithm = algorithms.get(config.strategy).create(nasc, { populationSize: config.populationSize, repair: splitRepair(nasc, config.splitRepair ?? 'privacy') }, Rng.fromSeed(config.seed));
    const archive: Individual<NascInfo>[] = [];
    const history: HistoryEntry[] = [];
    if (checkpoint !== undefined) {
      algorithm.loadState(checkpoint.state);
      archive.push(...checkpoint.archive.map((j) => individualFromJSON(j)));
      history.push(...checkpoint.history);
    }
    const ref = nasc.referencePoint ?? [1, config.scenario.latencyBoundMs];
    const elapsedBefore = checkpoint?.elapsedMs ?? 0;
    if (algorithm.evaluations < config.evaluations) {
      await minimize(nasc, algorithm as import('../../core/algorithm.js').Algorithm<NascInfo>, {
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
          const ckpt: SearchCheckpoint = {
            format: 'nasc-search-checkpoint',
            version: 1,
            state: a.saveState(),
            archive: archive.map((i) => individualToJSON(i)),
            history,
            elapsedMs: p.elapsedMs,
          };
          writeJsonAtomic(path.join(out, CHECKPOINT), ckpt);
          progress.update({ evaluations: p.evaluations, total: config.evaluations, generation: p.generation, bestFeasibleAccuracy: entry.bestFeasibleAccuracy ?? NaN, hv: entry.hv });
        },
      });
    }
    progress.stop();
    const front = paretoFront(archive).sort((a, b) => (a.objectives[1] as number) - (b.objectives[1] as number) || (a.objectives[0] as number) - (b.objectives[0] as number));

    const baselines = await runBaselines(nasc, config, (line) => progress.note(line));
    await valOracle.close();

    // The test set is only for the final report: re-measure the front and the baselines' fronts.
    progress.note(`re-evaluating ${front.length} front points and the baselines' fronts on ${config.testImages} test images`);
    const testOracle = makeOracle(config, test, calibration, runtime.workers);
    const testProblem = NascProblem.fromTable(config.scenario, table, testOracle);
    let results: SearchResults;
    try {
      const frontTest = await testProblem.evaluateDecoded(front.map((i) => nasc.decode(i.genome)));
      const baselineTest = new Map<string, number[]>();
      for (const b of baselines) {
        const evals = await testProblem.evaluateDecoded(b.front.map((p) => p.decoded));
        baselineTest.set(b.name, evals.map((e) => e.info?.accuracy ?? NaN));
      }
      results = {
        config,
        front: front.map((ind, k) => frontPoint(ind.info as NascInfo, frontTest[k]?.info?.accuracy ?? NaN)),
        history,
        baselines: baselines.map((b) => ({
          name: b.name,
          evaluated: b.points.length,
          front: b.front.map((p, k) => frontPoint(p.evaluation.info as NascInfo, baselineTest.get(b.name)?.[k] ?? NaN)),
        })),
        indicators: { hv: hypervolume(front.map((i) => [...i.objectives]), ref) },
        referencePoint: [...ref],
      };
    } finally {
      await testOracle.close();
    }
    writeResults(out, results);
    const seconds = elapsedBefore / 1000 + (performance.now() - started) / 1000;
    return {
      front: results.front,
      indicators: results.indicators,
      evaluations: algorithm.evaluations,
      seconds,
      outDir: out,
      baselines: Object.fromEntries(
        results.baselines.map((b) => {
          const accs = b.front.map((p) => p.testAccuracy).filter((a) => Number.isFinite(a));
          return [b.name, { frontSize: b.front.length, bestFeasibleTestAccuracy: accs.length === 0 ? null : Math.max(...accs) }];
        }),
      ),
      oracle: { queries: valOracle.stats.evaluated, images: valOracle.stats.images },
    };
  } finally {
    progress.stop();
    await valOracle.close();
  }
}

function writeConfig(out: string, config: SearchConfig): void {
  try {
    mkdirSync(out, { recursive: true });
    writeJsonAtomic(path.join(out, CONFIG), config);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    throw new InputError(`cannot write the results folder ${out} (${code})`);
  }
}

function frontPoint(info: NascInfo, testAccuracy: number): FrontPoint {
  return {
    architecture: info.architecture.map((c) => CANDIDATE_NAMES[c] as string),
    split: info.split,
    precision: info.precision,
    valAccuracy: info.accuracy,
    testAccuracy,
    deviceMs: info.latency.deviceMs,
    linkMs: info.latency.linkMs,
    serverMs: info.latency.serverMs,
    totalMs: info.latency.totalMs,
    payloadBytes: info.latency.payloadBytes,
    ...(info.latency.deviceEnergyMj === undefined ? {} : { deviceEnergyMj: info.latency.deviceEnergyMj }),
  };
}

/** Reference architectures for the fixed-architecture baseline: well-known corners of the space. */
const FIXED_ARCHITECTURES: readonly (readonly number[])[] = [
  Array(NUM_LAYERS).fill(7), // all k5_e6: the largest
  Array(NUM_LAYERS).fill(3), // all k3_e6: MobileNetV2-like
  Array(NUM_LAYERS).fill(2), // all k3_e3
];

async function runBaselines(problem: NascProblem, config: SearchConfig, note: (line: string) => void): Promise<BaselineResult[]> {
  const out: BaselineResult[] = [];
  note('baseline: fixed architecture + best split');
  out.push(await fixedArchitectureBestSplit(problem, FIXED_ARCHITECTURES));
  const budget = config.baselineEvaluations;
  if (budget <= 0) return out;
  // Each search baseline gets its own explicit stream, so none depends on another's consumption.
  let stream = 0;
  const optimize: OptimizeFn = async <Info>(p: Problem<Info>, evaluations: number) => {
    stream += 1;
    const repair = p instanceof NascProblem ? { repair: p.repair } : {};
    const alg = algorithms.get(config.strategy).create(p as Problem<unknown>, { populationSize: config.populationSize, ...repair }, Rng.fromSeed(config.seed * 1000 + stream));
    const r = await minimize(p as Problem<unknown>, alg, { termination: maxEvaluations(evaluations) });
    return r.population;
  };
  for (const [name, run] of [
    ['device-only', () => deviceOnlySearch(problem, optimize, budget)],
    ['server-only', () => serverOnlySearch(problem, optimize, budget)],
    ['hwnas', () => hwnasBaseline(problem, optimize, budget)],
    ['two-stage', () => twoStage(problem, optimize, budget)],
  ] as const) {
    note(`baseline: ${name} (${budget} evaluations)`);
    out.push(await run());
  }
  return out;
}

export type { AccuracyOracle };
