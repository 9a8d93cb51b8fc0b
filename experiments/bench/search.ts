/**
 * `npm run bench:search`: what each evaluation-cost measure buys at the level of a whole search.
 * Figures, not a timed test; one JSON object on stdout (and in --out when given).
 *
 * Methods (the NASC strategy on the default scenario, population 20, 400 validation images as
 * `npm start`):
 *   - baseline:  today's settings — BN recalibrated on 256 training images (batches of 100),
 *                every candidate on all 400 validation images;
 *   - cheap-bn:  BN recalibrated on fewer images (--cheap-calibration, e.g. 64x64 = 64 images in
 *                one batch; experiments/bench/calibration.ts measures what that costs in ranking);
 *   - racing:    racing on images (problems/nasc/image_racing.ts): 100 first, doubling to 400;
 *   - racing-front: racing, and complete candidates that enter the front get 800 images;
 *   - surrogate: surrogate screening of 10× offspring by predicted accuracy (nasc(surrogate=true));
 *   - all:       cheap-bn + racing-front + surrogate;
 *   - all-400:   cheap-bn + racing (no top-up: front entrants keep the 400 images) + surrogate.
 * Per run and generation: image forward passes (validation images actually needed by the run's
 * distinct subnets — the most any candidate of a subnet got — plus calibration images × distinct
 * architectures; counted from the run's own evaluations, so caches never flatter a method),
 * search wall time (test re-measurement excluded), and the hypervolume of the run's validation
 * front re-measured on --test-images held-out test images (reference: error 1, the bound).
 * Target: the median over seeds of the baseline's final test HV; per method and seed, the passes
 * and wall time at the first generation whose test HV reaches it, summarised as median [IQR].
 *
 *   npm run bench:search -- --seeds 5 --evaluations 300 --methods baseline,racing,surrogate,cheap-bn,all --out results/bench-search
 *
 * Flags: --seeds (5), --first-seed (1), --evaluations (300), --methods, --cheap-calibration
 * (IMAGESxBATCH, default 64x64), --test-images (1000), --workers, --data-dir (default $NASC_DATA),
 * --out (folder: bench.json, runs.json with every run's curve, and the shared test-accuracy
 * caches; an interrupted bench resumes at the next unfinished run). The target needs baseline
 * runs in runs.json: list `baseline` among the methods, or concatenate the runs.json of benches
 * run in parallel (one process per method) into one folder and run again to summarise.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Individual } from '../../core/individual.js';
import { hypervolume } from '../../core/indicators/hypervolume.js';
import { minimize, paretoFront } from '../../core/minimize.js';
import { Rng } from '../../core/rng.js';
import { maxEvaluations } from '../../core/termination.js';
import { accuracyKeyOf } from '../../problems/nasc/accuracy_cache.js';
import { nascAlgorithm } from '../../problems/nasc/nasc_algorithm.js';
import type { NascInfo, NascProblem } from '../../problems/nasc/problem.js';
import { loadScenario } from '../../problems/nasc/scenario.js';
import { writeJsonAtomic } from '../io/atomic_write.js';
import { NascSetup, type NascSetupOptions } from '../nasc/setup.js';
import { defaultWeights } from '../paths.js';
import { resolveScenario } from '../scenarios.js';

interface Method {
  readonly name: string;
  readonly calibrationImages: number;
  readonly calibrationBatch: number;
  readonly valImages: number;
  readonly racing?: NonNullable<NascSetupOptions['racing']>;
  readonly surrogate: boolean;
}

interface GenerationPoint {
  readonly generation: number;
  readonly evaluations: number;
  readonly valPasses: number;
  readonly calibrationPasses: number;
  readonly searchSeconds: number;
  readonly valHv: number;
  readonly testHv: number;
  readonly frontSize: number;
}

interface RunResult {
  readonly method: string;
  readonly seed: number;
  readonly curve: GenerationPoint[];
  readonly stoppedEarly: number;
  readonly evaluations: number;
}

const POPULATION = 20;
const VAL_IMAGES = 400;

function methods(cheap: { images: number; batch: number }): Record<string, Method> {
  const base = { calibrationImages: 256, calibrationBatch: 100, valImages: VAL_IMAGES, surrogate: false };
  const racing = { firstImages: 100, fullImages: VAL_IMAGES };
  const racingFront = { ...racing, frontImages: 2 * VAL_IMAGES };
  const cheapBn = { calibrationImages: cheap.images, calibrationBatch: cheap.batch };
  return {
    baseline: { name: 'baseline', ...base },
    'cheap-bn': { name: 'cheap-bn', ...base, ...cheapBn },
    racing: { name: 'racing', ...base, racing },
    'racing-front': { name: 'racing-front', ...base, valImages: 2 * VAL_IMAGES, racing: racingFront },
    surrogate: { name: 'surrogate', ...base, surrogate: true },
    all: { name: 'all', ...base, ...cheapBn, valImages: 2 * VAL_IMAGES, racing: racingFront, surrogate: true },
    'all-400': { name: 'all-400', ...base, ...cheapBn, racing, surrogate: true },
  };
}

/** Image forward passes a run needed: per distinct subnet the most images any of its candidates got, plus calibration per distinct architecture. */
export function passesOf(evaluated: readonly Individual<NascInfo>[], calibrationImages: number): { val: number; calibration: number } {
  const images = new Map<string, number>();
  const archs = new Set<string>();
  for (const ind of evaluated) {
    const info = ind.info;
    if (info === undefined) continue;
    const arch = info.architecture.join(',');
    archs.add(arch);
    const key = `${arch}|${accuracyKeyOf(info)}`;
    images.set(key, Math.max(images.get(key) ?? 0, info.images));
  }
  let val = 0;
  for (const n of images.values()) val += n;
  return { val, calibration: archs.size * calibrationImages };
}

function quantiles(v: readonly number[]): { median: number; q1: number; q3: number } | null {
  if (v.length === 0) return null;
  const s = [...v].sort((a, b) => a - b);
  const q = (p: number): number => {
    const x = (s.length - 1) * p;
    const lo = Math.floor(x);
    const hi = Math.ceil(x);
    return (s[lo] as number) + ((s[hi] as number) - (s[lo] as number)) * (x - lo);
  };
  return { median: q(0.5), q1: q(0.25), q3: q(0.75) };
}

async function runOne(method: Method, seed: number, o: { dataDir: string; evaluations: number; testImages: number; workers?: number; cacheDir: string }): Promise<RunResult> {
  const scenario = loadScenario(resolveScenario('default'));
  const common = {
    dataDir: o.dataDir,
    weights: defaultWeights(),
    calibrationImages: method.calibrationImages,
    calibrationBatchSize: method.calibrationBatch,
    bn: 'recalibrate' as const,
    ...(o.workers === undefined ? {} : { workers: o.workers }),
  };
  // The run measures on validation images with fresh pools and caches (its wall time is real);
  // test accuracies come from a separate setup whose disk cache all runs of one BN setting share.
  const run = new NascSetup({ ...common, valImages: method.valImages, testImages: 0, ...(method.racing === undefined ? {} : { racing: method.racing }) });
  const held = new NascSetup({ ...common, valImages: 1, testImages: o.testImages, cacheDir: path.join(o.cacheDir, `test-cal${method.calibrationImages}x${method.calibrationBatch}`) });
  try {
    const problem: NascProblem = run.problem(scenario);
    const algorithm = nascAlgorithm(problem, { populationSize: POPULATION, surrogate: method.surrogate }, Rng.fromSeed(seed).spawn());
    const ref = problem.referencePoint ?? [1, scenario.latencyBoundMs];
    const archive: Individual<NascInfo>[] = [];
    const curve: GenerationPoint[] = [];
    let searchMs = 0;
    let resumed = performance.now();
    await minimize(problem, algorithm, {
      termination: maxEvaluations(o.evaluations),
      onGeneration: async ({ progress, evaluated }) => {
        searchMs += performance.now() - resumed;
        archive.push(...evaluated);
        const front = paretoFront(archive);
        const test = await held.testAccuracies(front.map((ind) => problem.decode(ind.genome)));
        const testPoints = front.map((ind, i) => [1 - (test[i]?.accuracy ?? Number.NaN), ind.objectives[1] as number]).filter((p) => p.every(Number.isFinite));
        const passes = passesOf(archive, method.calibrationImages);
        curve.push({
          generation: progress.generation,
          evaluations: progress.evaluations,
          valPasses: passes.val,
          calibrationPasses: passes.calibration,
          searchSeconds: Math.round(searchMs) / 1000,
          valHv: hypervolume(front.map((ind) => [...ind.objectives]), ref),
          testHv: testPoints.length === 0 ? 0 : hypervolume(testPoints, ref),
          frontSize: front.length,
        });
        resumed = performance.now();
      },
    });
    return { method: method.name, seed, curve, stoppedEarly: archive.filter((i) => i.info?.stoppedEarly === true).length, evaluations: archive.length };
  } finally {
    await run.close();
    await held.close();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seeds: { type: 'string', default: '5' },
      'first-seed': { type: 'string', default: '1' },
      evaluations: { type: 'string', default: '300' },
      methods: { type: 'string', default: 'baseline,cheap-bn,racing,racing-front,surrogate,all,all-400' },
      'cheap-calibration': { type: 'string', default: '64x64' },
      'test-images': { type: 'string', default: '1000' },
      workers: { type: 'string' },
      'data-dir': { type: 'string' },
      out: { type: 'string', default: 'results/bench-search' },
    },
  });
  const dataDir = values['data-dir'] ?? process.env.NASC_DATA;
  if (dataDir === undefined || dataDir === '') throw new Error('bench:search needs --data-dir or NASC_DATA');
  const m = /^(\d+)x(\d+)$/.exec(values['cheap-calibration']);
  if (m === null) throw new Error('--cheap-calibration must be IMAGESxBATCH, e.g. 64x64');
  const all = methods({ images: Number(m[1]), batch: Number(m[2]) });
  const chosen = values.methods.split(',').map((name) => {
    const method = all[name.trim()];
    if (method === undefined) throw new Error(`unknown method ${name} (${Object.keys(all).join(', ')})`);
    return method;
  });
  const first = Number(values['first-seed']);
  const seeds = Array.from({ length: Number(values.seeds) }, (_, i) => first + i);
  const out = values.out;
  mkdirSync(out, { recursive: true });
  const runsFile = path.join(out, 'runs.json');
  const runs: RunResult[] = existsSync(runsFile) ? (JSON.parse(readFileSync(runsFile, 'utf8')) as RunResult[]) : [];
  const options = { dataDir, evaluations: Number(values.evaluations), testImages: Number(values['test-images']), cacheDir: out, ...(values.workers === undefined ? {} : { workers: Number(values.workers) }) };
  // Seed-major, so an interrupted bench has every method on its first seeds.
  for (const seed of seeds) {
    for (const method of chosen) {
      if (runs.some((r) => r.method === method.name && r.seed === seed && (r.curve.at(-1)?.evaluations ?? 0) >= options.evaluations)) continue;
      const r = await runOne(method, seed, options);
      const last = r.curve.at(-1);
      process.stderr.write(`${method.name} seed ${seed}: test HV ${last?.testHv.toFixed(4)}, ${last?.valPasses} + ${last?.calibrationPasses} passes, ${last?.searchSeconds} s\n`);
      runs.push(r);
      writeJsonAtomic(runsFile, runs);
    }
  }

  // The target needs the baseline's runs (possibly from another bench folder merged into runs.json).
  const baselineFinal = runs.filter((r) => r.method === 'baseline' && seeds.includes(r.seed)).map((r) => r.curve.at(-1)?.testHv ?? 0);
  const target = quantiles(baselineFinal)?.median ?? Number.NaN;
  const reported = [...new Set([...runs.map((r) => r.method), ...chosen.map((c) => c.name)])].map((name) => all[name] as Method);
  const summary = reported.map((method) => {
    const mine = runs.filter((r) => r.method === method.name && seeds.includes(r.seed));
    const reached = mine.map((r) => r.curve.find((g) => g.testHv >= target));
    const hit = reached.filter((g): g is GenerationPoint => g !== undefined);
    const total = (g: GenerationPoint): number => g.valPasses + g.calibrationPasses;
    const finals = mine.map((r) => r.curve.at(-1) as GenerationPoint);
    return {
      method: method.name,
      settings: method,
      runs: mine.length,
      reachedTarget: hit.length,
      passesToTarget: quantiles(hit.map(total)),
      valPassesToTarget: quantiles(hit.map((g) => g.valPasses)),
      secondsToTarget: quantiles(hit.map((g) => g.searchSeconds)),
      evaluationsToTarget: quantiles(hit.map((g) => g.evaluations)),
      finalTestHv: quantiles(finals.map((g) => g.testHv)),
      finalPasses: quantiles(finals.map(total)),
      finalSeconds: quantiles(finals.map((g) => g.searchSeconds)),
      stoppedEarly: quantiles(mine.map((r) => r.stoppedEarly)),
    };
  });
  const base = summary.find((s) => s.method === 'baseline');
  const report = {
    scenario: 'default',
    seeds,
    evaluations: options.evaluations,
    testImages: options.testImages,
    target: { what: 'median over seeds of the baseline\'s final test HV', testHv: target },
    methods: summary.map((s) => ({
      ...s,
      passesVsBaselineFinal: s.passesToTarget === null || base?.finalPasses == null ? null : Math.round((s.passesToTarget.median / base.finalPasses.median) * 1000) / 1000,
    })),
  };
  writeJsonAtomic(path.join(out, 'bench.json'), report);
  process.stdout.write(`${JSON.stringify(report, null, 1)}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench:search: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
