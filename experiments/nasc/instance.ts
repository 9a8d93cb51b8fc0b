/**
 * The `nasc` problem as the registries build it for `nasc compare` and `nasc run`: a NascSetup
 * (table, verified store, images, caches), the problem of one scenario, the split repair and the
 * feasibility screening every strategy applies, indicators over what a run evaluated, and the
 * re-measurement of each run's reported points on held-out test images.
 */
import { createHash } from 'node:crypto';
import type { Individual } from '../../core/individual.js';
import { DEFAULT_BN_MODE } from '../../workers/accuracy_pool.js';
import { parseSplitRepair, splitRepair } from '../../problems/nasc/best_split_repair.js';
import { feasibilityScreening } from '../../problems/nasc/nasc_algorithm.js';
import type { NascInfo } from '../../problems/nasc/problem.js';
import { loadScenario } from '../../problems/nasc/scenario.js';
import { defaultWeights } from '../paths.js';
import type { ProblemInstance, ProblemSettings } from '../plugin_types.js';
import { resolveScenario } from '../scenarios.js';
import { nascHeldOut } from './held_out.js';
import { NascSetup } from './setup.js';

/**
 * Sizes for comparisons: many runs, so fewer images per query than a single search's final numbers;
 * BN calibration on 64 images as in search (bench:calibration: Kendall tau 0.81 against 256).
 */
export const NASC_COMPARE_DEFAULTS = { valImages: 200, calibrationImages: 64, testImages: 2000 } as const;

export function nascProblemInstance(s: ProblemSettings): ProblemInstance<NascInfo> {
  const repairName = parseSplitRepair(s.splitRepair);
  const scenario = loadScenario(resolveScenario(s.scenario ?? 'default'));
  const setup = new NascSetup({
    dataDir: s.dataDir(),
    weights: s.weights ?? defaultWeights(),
    valImages: s.valImages ?? NASC_COMPARE_DEFAULTS.valImages,
    testImages: s.testImages ?? NASC_COMPARE_DEFAULTS.testImages,
    calibrationImages: s.calibrationImages ?? NASC_COMPARE_DEFAULTS.calibrationImages,
    bn: DEFAULT_BN_MODE,
    ...(s.oracleWorkers === undefined ? {} : { workers: s.oracleWorkers }),
    ...(s.cacheDir === undefined ? {} : { cacheDir: s.cacheDir }),
    ...(s.queue === undefined ? {} : { queue: { url: s.queue, runId: compareRunId(s) } }),
  });
  const problem = setup.problem(scenario);
  return {
    problem,
    runsInProcess: true,
    ready: () => setup.checkQueue(),
    close: () => setup.close(),
    repair: splitRepair(problem, repairName),
    screening: feasibilityScreening(problem),
    indicators: (evaluated: readonly Individual<NascInfo>[]) => nascIndicators(evaluated),
    heldOut: (evaluated: readonly Individual<NascInfo>[]) => nascHeldOut(setup, problem, evaluated),
  };
}

/** Queue jobs of a comparison are scoped by its problem settings (the URL itself excluded), so a rerun reuses them. */
function compareRunId(s: ProblemSettings): string {
  const { queue: _url, dataDir: _dir, oracleWorkers: _workers, ...rest } = s;
  return `compare-${createHash('sha256').update(JSON.stringify(rest)).digest('hex').slice(0, 32)}`;
}

/** Best feasible validation accuracy and the share of evaluations that were feasible. */
export function nascIndicators(evaluated: readonly Individual<NascInfo>[]): Record<string, number> {
  const feasible = evaluated.filter((ind) => ind.cv === 0 && Number.isFinite(ind.info?.accuracy ?? Number.NaN));
  return {
    bestFeasibleAccuracy: feasible.length === 0 ? Number.NaN : Math.max(...feasible.map((ind) => ind.info?.accuracy ?? 0)),
    feasibleFraction: evaluated.length === 0 ? 0 : feasible.length / evaluated.length,
  };
}
