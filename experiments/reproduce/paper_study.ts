/**
 * The NASC paper's comparison on top of the comparison machinery: for every latency bound ×
 * bandwidth (a cell) and seed, every strategy (NASC, HWNAS + best split, …) runs on the same NASC
 * problem with the same budget of accuracy evaluations; each run's front, chosen on validation
 * images, is re-measured on held-out test images; the table and figure compare NASC with HWNAS at
 * matched test accuracy (paper_analysis.ts).
 *
 * Resumable: every finished run is written to `runs/` at once and a rerun with the same settings
 * skips it; accuracies are cached on disk (`accuracy-val.json`, `accuracy-test.json`), so an
 * interrupted study pays again only for the run it was in. Seeds are the outer loop, so a study
 * stopped early has its first seeds complete in every cell.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { InputError, Interrupted, isInterrupted } from '../../core/errors.js';
import type { Individual } from '../../core/individual.js';
import { parsePluginSpec } from '../../core/registry.js';
import { splitRepair, type SplitRepairName } from '../../problems/nasc/best_split_repair.js';
import { feasibilityScreening } from '../../problems/nasc/nasc_algorithm.js';
import type { NascInfo } from '../../problems/nasc/problem.js';
import { overrideScenario, type Scenario } from '../../problems/nasc/scenario.js';
import { defaultCheckpoints, executeJob } from '../compare/compare.js';
import { strategyFromRegistry, type CompareRegistry } from '../compare/registry_job.js';
import { writeFileAtomic, writeJsonAtomic } from '../io/atomic_write.js';
import { nascHeldOut } from '../nasc/held_out.js';
import { nascIndicators } from '../nasc/instance.js';
import { NascSetup, type NascSetupOptions } from '../nasc/setup.js';
import { loadWeightStore } from '../../workers/weight_store.js';
import { interruptedBy } from '../shutdown.js';
import type { ProblemInstance } from '../plugin_types.js';
import { drawReductionFigure } from '../report/reduction_figure.js';
import { writeStudyReportHtml } from '../report/study_report.js';
import { deploymentsMarkdown, frontDeployments } from './front_deployments.js';
import { studyMarkdown, summariseStudy, type CellSummary, type StudyRun } from './paper_analysis.js';
import { requireFamily, selectionLabel, selectionMarkdown, selectOnValidation } from './validation_selection.js';

export interface PaperStudyOptions {
  /** Data, weights, image counts, BN mode, workers (the cache folder is `out`). */
  readonly setup: Omit<NascSetupOptions, 'cacheDir'>;
  /** The base scenario; each cell overrides its bandwidth and latency bound. */
  readonly scenario: Scenario;
  readonly bandwidths: readonly number[];
  readonly bounds: readonly number[];
  readonly seeds: number;
  readonly baseSeed: number;
  /** Distinct accuracy evaluations per run, the same for every strategy. */
  readonly evaluations: number;
  readonly populationSize: number;
  /** Strategy specs (registry names, optionally with parameters). */
  readonly strategies: readonly string[];
  /** The strategy the others are compared with (HWNAS in the paper). */
  readonly reference: string;
  readonly splitRepair: SplitRepairName;
  readonly out: string;
  readonly onRun?: (run: StudyRun, done: number, total: number, cached: boolean) => void;
  /** Measure accuracy on `nasc worker`s through this Redis queue (never written to the outputs). */
  readonly queue?: string;
  /** A strategy family (e.g. `hwnas`) whose configurations are also reported as one method, chosen per cell on validation HV. */
  readonly selectOnValidation?: string;
}

export interface PaperStudyResult {
  readonly runs: StudyRun[];
  readonly cells: CellSummary[];
  readonly table: string;
  readonly files: string[];
}

interface SavedRun {
  readonly identity: string;
  readonly run: StudyRun;
}

/** What a run's numbers depend on besides its cell, strategy and seed: a saved run with another identity is not reused. */
export function studyIdentity(o: Pick<PaperStudyOptions, 'setup' | 'scenario' | 'evaluations' | 'populationSize' | 'splitRepair'>, sha256: string): string {
  const { bandwidthMbps: _b, latencyBoundMs: _l, name: _n, comment: _c, ...scenario } = o.scenario;
  const s = o.setup;
  return JSON.stringify({ sha256, val: s.valImages, test: s.testImages, cal: s.calibrationImages, bn: s.bn, lut: s.lut ?? null, profiles: s.profiles ?? [], evaluations: o.evaluations, pop: o.populationSize, splitRepair: o.splitRepair, scenario });
}

function runFile(out: string, boundMs: number, bandwidthMbps: number, strategy: string, seed: number): string {
  const safe = strategy.replace(/[^a-zA-Z0-9_.=-]+/g, '_');
  // A hash keeps two specs that sanitise alike apart.
  const tag = createHash('sha256').update(strategy).digest('hex').slice(0, 8);
  return path.join(out, 'runs', `bound${boundMs}-bw${bandwidthMbps}`, `${safe}-${tag}-seed${seed}.json`);
}

export async function runPaperStudy(o: PaperStudyOptions, registry: Pick<CompareRegistry, 'algorithms'>): Promise<PaperStudyResult> {
  checkReference(o.reference, o.strategies, o.selectOnValidation);
  for (const s of o.strategies) parsePluginSpec(registry.algorithms, s);
  const identity = studyIdentity(o, loadWeightStore(o.setup.weights).manifest.sha256);
  // Queue jobs are scoped by the study's identity, so a rerun (or a second machine) reuses answers.
  const queue = o.queue === undefined ? {} : { queue: { url: o.queue, runId: `reproduce-${createHash('sha256').update(identity).digest('hex').slice(0, 32)}` } };
  const setup = new NascSetup({ ...o.setup, cacheDir: o.out, ...queue });
  await setup.checkQueue();
  // Every cell's scenario is checked (devices, classes, bounds) before the first run.
  const cells = o.bounds.flatMap((boundMs) => o.bandwidths.map((bandwidthMbps) => ({ boundMs, bandwidthMbps, scenario: overrideScenario(o.scenario, { bandwidthMbps, latencyBoundMs: boundMs }) })));
  for (const c of cells) setup.checkScenario(c.scenario);
  const seeds = Array.from({ length: o.seeds }, (_, i) => o.baseSeed + i);
  const total = seeds.length * cells.length * o.strategies.length;
  const runs: StudyRun[] = [];
  let done = 0;
  const signal = o.setup.signal;
  try {
    const instances = new Map<string, ProblemInstance<NascInfo>>();
    for (const seed of seeds) {
      for (const cell of cells) {
        const key = `${cell.boundMs}|${cell.bandwidthMbps}`;
        let instance = instances.get(key);
        if (instance === undefined) {
          const problem = setup.problem(cell.scenario, { name: `nasc(${cell.bandwidthMbps} Mbit/s, ${cell.boundMs} ms)` });
          instance = {
            problem,
            repair: splitRepair(problem, o.splitRepair),
            screening: feasibilityScreening(problem),
            indicators: (e: readonly Individual<NascInfo>[]) => nascIndicators(e),
            heldOut: (e: readonly Individual<NascInfo>[]) => nascHeldOut(setup, problem, e),
          };
          instances.set(key, instance);
        }
        for (const strategy of o.strategies) {
          const file = runFile(o.out, cell.boundMs, cell.bandwidthMbps, strategy, seed);
          const saved = readSaved(file);
          if (saved !== undefined && saved.identity !== identity) {
            throw new InputError(`${o.out} holds a study with other settings (${file}); rerun with the same settings, or use another --out`);
          }
          let run: StudyRun;
          if (saved !== undefined) run = saved.run;
          else {
            signal?.throwIfAborted();
            const spec = parsePluginSpec(registry.algorithms, strategy);
            const algorithmSpec = strategyFromRegistry(
              registry,
              { label: strategy, algorithm: spec.name, settings: { populationSize: o.populationSize, ...(Object.keys(spec.parameters).length === 0 ? {} : { parameters: spec.parameters }) } },
              instance as ProblemInstance,
            );
            const record = await executeJob(instance as ProblemInstance, algorithmSpec, seed, o.evaluations, defaultCheckpoints(o.evaluations));
            run = { bandwidthMbps: cell.bandwidthMbps, boundMs: cell.boundMs, strategy, seed, evaluations: record.evaluations, final: record.final, front: record.front ?? [] };
            writeJsonAtomic(file, { identity, run } satisfies SavedRun);
          }
          runs.push(run);
          o.onRun?.(run, ++done, total, saved !== undefined);
        }
      }
    }
  } catch (e) {
    // Stopped on request: the run in progress is dropped (its accuracies stay cached), the finished ones are on disk.
    if (isInterrupted(e) || signal?.aborted === true) {
      const by = isInterrupted(e) ? e.signal : interruptedBy(signal as AbortSignal).signal;
      throw new Interrupted(by, `interrupted by ${by} after ${done} of ${total} runs; ${o.out} keeps the finished runs (rerun the same command to continue)`);
    }
    throw e;
  } finally {
    await setup.close(); // waits for running evaluations before ending the workers
  }
  return writeStudyOutputs(o.out, runs, o.reference, o.strategies, budgetText(o.evaluations, o.populationSize, o.seeds, o.setup.valImages, o.setup.testImages), o.selectOnValidation);
}

/** The reference must be a listed strategy, or the family chosen on validation; checked before any run. */
export function checkReference(reference: string, strategies: readonly string[], selectFamily: string | undefined): void {
  if (selectFamily !== undefined) {
    requireFamily(selectFamily, strategies);
    if (reference === selectionLabel(selectFamily)) return;
  }
  if (!strategies.includes(reference)) throw new InputError(`the reference strategy ${reference} is not among --strategies ${strategies.join(',')}`);
}

/**
 * Tables, summary and figures of finished runs (also for `--summarise-only`). With `selectFamily`
 * the family's configuration chosen per cell on validation HV joins as one more method.
 */
export function writeStudyOutputs(out: string, runs: StudyRun[], reference: string, strategies: readonly string[], budget: string, selectFamily?: string): PaperStudyResult {
  checkReference(reference, strategies, selectFamily);
  const selection = selectFamily === undefined ? undefined : selectOnValidation(runs, selectFamily, strategies);
  const shownRuns = selection === undefined ? runs : [...runs, ...selection.runs];
  const shown = selectFamily === undefined ? strategies : [...strategies, selectionLabel(selectFamily)];
  const cells = summariseStudy(shownRuns, reference, shown);
  const note = selection === undefined ? '' : `\n${selectionMarkdown(selectFamily as string, selection.selections)}`;
  const table = `${studyMarkdown(cells, reference, shown, budget)}${note}\n${deploymentsMarkdown(frontDeployments(shownRuns), shown)}\n`;
  const files = [path.join(out, 'runs.json'), path.join(out, 'summary.json'), path.join(out, 'table.md')];
  // runs.json holds the runs as measured; the chosen family's runs are copies of its members'.
  writeJsonAtomic(files[0] as string, runs);
  writeJsonAtomic(files[1] as string, { reference, strategies: shown, budget, cells, ...(selection === undefined ? {} : { selections: selection.selections }) });
  writeFileAtomic(files[2] as string, table);
  for (const compared of shown.filter((s) => s !== reference)) files.push(...drawReductionFigure(out, cells, compared, reference));
  files.push(writeStudyReportHtml({ out, runs: shownRuns, cells, reference, strategies: shown, budget, tableMarkdown: table }));
  return { runs, cells, table, files };
}

function budgetText(evaluations: number, pop: number, seeds: number, val: number, test: number): string {
  return `${evaluations} distinct accuracy evaluations per run (population ${pop}), ${seeds} seeds, ${val} validation and ${test} test images`;
}

/** The budget line of saved runs, from their recorded identity (for `--summarise-only`). */
export function savedStudyBudget(out: string, runs: readonly StudyRun[]): string {
  const dir = path.join(out, 'runs');
  const first = existsSync(dir) ? readdirSync(dir).sort().flatMap((cell) => readdirSync(path.join(dir, cell)).filter((x) => x.endsWith('.json')).map((f) => path.join(dir, cell, f)))[0] : undefined;
  const saved = first === undefined ? undefined : readSaved(first);
  if (saved === undefined) return 'as saved in runs/';
  const id = JSON.parse(saved.identity) as { val: number; test: number; evaluations: number; pop: number };
  return budgetText(id.evaluations, id.pop, new Set(runs.map((r) => r.seed)).size, id.val, id.test);
}

/** Every saved run under `out/runs` (for re-tabulating a study). */
export function readStudyRuns(out: string): StudyRun[] {
  const dir = path.join(out, 'runs');
  if (!existsSync(dir)) throw new InputError(`${out} has no runs/ folder (not a nasc reproduce output)`);
  const runs: StudyRun[] = [];
  for (const cell of readdirSync(dir).sort()) {
    for (const f of readdirSync(path.join(dir, cell)).filter((x) => x.endsWith('.json')).sort()) {
      const saved = readSaved(path.join(dir, cell, f));
      if (saved !== undefined) runs.push(saved.run);
    }
  }
  return runs;
}

function readSaved(file: string): SavedRun | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const s = JSON.parse(readFileSync(file, 'utf8')) as Partial<SavedRun>;
    if (typeof s.identity !== 'string' || s.run === undefined) throw new Error('fields');
    return s as SavedRun;
  } catch {
    throw new InputError(`${file} is not a saved study run (corrupt); delete it to rerun that run`);
  }
}
