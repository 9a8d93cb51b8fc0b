import type { Algorithm } from '../../core/algorithm.js';
import type { Problem } from '../../core/problem.js';
import { Rng } from '../../core/rng.js';
import { closeInstance, type ProblemInstance } from '../plugin_types.js';
import { mannWhitneyU } from './mann_whitney.js';
import { runStrategy, type CurvePoint, type RunRecord } from './run_strategy.js';
import { summarize, type Summary } from './summary.js';

/** One contender: a label and how to build it for a problem from the run's random stream. */
export interface StrategySpec {
  readonly name: string;
  readonly create: (problem: Problem<unknown>, rng: Rng) => Algorithm<unknown>;
}

/** A job of the comparison: strategy × seed. */
export interface CompareJob {
  readonly strategy: number;
  readonly seed: number;
}

/** Runs one job somewhere (in this thread, or in a worker that rebuilds it from names). */
export type JobRunner = (job: CompareJob) => Promise<RunRecord>;

export interface CompareOptions {
  /** Builds the problem (called once per comparison; problems are stateless between evaluations). */
  readonly problemFactory: () => ProblemInstance;
  readonly strategies: readonly StrategySpec[];
  /** Number of seeds; seed i (0-based) is baseSeed + i, the same for every strategy. */
  readonly seeds: number;
  readonly baseSeed?: number;
  /** Budget of distinct evaluations per run. */
  readonly evaluations: number;
  /** Where the curves are sampled (default: a round step of about budget/30). */
  readonly checkpoints?: readonly number[];
  /** Budgets for the "who leads when" table (default: ⅓, ⅔ and all of the budget, on the checkpoint grid). */
  readonly reportAt?: readonly number[];
  /** Runs jobs elsewhere (e.g. a worker pool); default: sequentially in this thread with the factories. */
  readonly runner?: JobRunner;
  /** Jobs run at once with a runner (default 1). */
  readonly concurrency?: number;
  /** Called as each run finishes (progress). */
  readonly onRun?: (record: RunRecord, done: number, total: number) => void;
}

export type IndicatorSummaries = Record<string, Summary>;

export interface BudgetReport {
  readonly evaluations: number;
  readonly strategies: Record<string, IndicatorSummaries>;
  /** Per indicator: the strategy with the best median, and its p-value against the runner-up. */
  readonly leader: Record<string, { strategy: string; runnerUp?: string; p?: number }>;
}

export interface CompareResult {
  readonly problem: string;
  readonly evaluations: number;
  readonly baseSeed: number;
  readonly seeds: number[];
  readonly checkpoints: number[];
  readonly indicators: string[];
  /** Final indicators per strategy: median, quartiles, mean over seeds (plus run time, proposals). */
  readonly strategies: Record<string, IndicatorSummaries>;
  /** Two-sided Mann–Whitney U p-values of the final indicators, per pair "a|b". */
  readonly pValues: Record<string, Record<string, number>>;
  readonly atBudgets: BudgetReport[];
  /** Median and quartiles per strategy, indicator and checkpoint (the plotted bands). */
  readonly curves: Record<string, Record<string, { evaluations: number; median: number; q1: number; q3: number }[]>>;
  readonly runs: RunRecord[];
}

/** The seeds of a comparison: baseSeed, baseSeed + 1, … (explicit, so any run can be redone alone). */
export function seedsFor(baseSeed: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => baseSeed + i);
}

/** A round step (1, 2 or 5 × 10^k) of about budget/30, and its multiples up to the budget. */
export function defaultCheckpoints(budget: number): number[] {
  const raw = Math.max(1, budget / 30);
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let c = step; c < budget; c += step) out.push(Math.round(c));
  out.push(budget);
  return out;
}

/** Whether a larger value of the indicator is better (hypervolumes, recall, accuracy) or worse. */
export function higherIsBetter(indicator: string): boolean {
  return !(indicator.startsWith('bestFeasible_') || /^(igd|igdPlus|gd|gdPlus|seconds)$/.test(indicator));
}

/** Runs every strategy × seed on the same budget and summarises the indicators. */
export async function compare(options: CompareOptions): Promise<CompareResult> {
  const { strategies, evaluations } = options;
  if (strategies.length === 0) throw new RangeError('compare needs at least one strategy');
  if (new Set(strategies.map((s) => s.name)).size !== strategies.length) throw new RangeError('strategy names must be distinct');
  if (!Number.isSafeInteger(evaluations) || evaluations < 1) throw new RangeError(`evaluations must be a positive integer, got ${evaluations}`);
  if (!Number.isSafeInteger(options.seeds) || options.seeds < 1) throw new RangeError(`seeds must be a positive integer, got ${options.seeds}`);
  const baseSeed = options.baseSeed ?? 1;
  const seeds = seedsFor(baseSeed, options.seeds);
  const checkpoints = [...new Set([...(options.checkpoints ?? defaultCheckpoints(evaluations)).filter((c) => c > 0 && c < evaluations), evaluations])].sort((a, b) => a - b);
  const jobs: CompareJob[] = strategies.flatMap((_, s) => seeds.map((seed) => ({ strategy: s, seed })));
  let instance: ProblemInstance | undefined;
  const local: JobRunner = async (job) => {
    instance ??= options.problemFactory();
    return executeJob(instance, strategies[job.strategy] as StrategySpec, job.seed, evaluations, checkpoints);
  };
  const runner = options.runner ?? local;
  const concurrency = options.runner === undefined ? 1 : Math.max(1, options.concurrency ?? 1);
  const records = new Array<RunRecord>(jobs.length);
  let next = 0;
  let done = 0;
  const lane = async () => {
    while (next < jobs.length) {
      const k = next++;
      const record = await runner(jobs[k] as CompareJob);
      records[k] = record;
      options.onRun?.(record, ++done, jobs.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, jobs.length) }, lane));
  const problemName = instance?.problem.name ?? (await nameOf(options));
  return summarise(problemName, strategies.map((s) => s.name), records, { evaluations, baseSeed, seeds, checkpoints, reportAt: options.reportAt });
}

/**
 * One run: the strategy built from Rng.fromSeed(seed), driven for the budget. Everything a run
 * depends on is in the arguments, so a worker thread that rebuilds them gets the same record.
 */
export async function executeJob(instance: ProblemInstance, spec: StrategySpec, seed: number, evaluations: number, checkpoints: readonly number[]): Promise<RunRecord> {
  const algorithm = spec.create(instance.problem, Rng.fromSeed(seed));
  const indicators = instance.indicators;
  const run = await runStrategy({
    problem: instance.problem,
    ...(indicators === undefined ? {} : { indicators: (e) => indicators.call(instance, e) }),
    algorithm,
    evaluations,
    checkpoints,
  });
  const extras = figuresOf(algorithm);
  const { evaluated, ...summary } = run;
  // Held-out numbers of what the run would report (its front chosen on the search's data).
  const heldOut = instance.heldOut === undefined ? undefined : await instance.heldOut(evaluated);
  const final = heldOut === undefined ? summary.final : { ...summary.final, ...heldOut.indicators };
  return { strategy: spec.name, seed, ...summary, final, ...(extras === undefined ? {} : { extras }), ...(heldOut === undefined ? {} : { front: heldOut.points }) };
}

async function nameOf(options: CompareOptions): Promise<string> {
  const instance = options.problemFactory();
  const name = instance.problem.name;
  await closeInstance(instance);
  return name;
}

/** Strategy-specific figures, for strategies that offer them (e.g. the surrogate's rank correlation). */
export interface ReportsFigures {
  figures(): Record<string, number>;
}

function figuresOf(algorithm: Algorithm<unknown>): Record<string, number> | undefined {
  const f = (algorithm as Partial<ReportsFigures>).figures;
  return typeof f === 'function' ? f.call(algorithm) : undefined;
}

interface SummariseSettings {
  readonly evaluations: number;
  readonly baseSeed: number;
  readonly seeds: number[];
  readonly checkpoints: number[];
  readonly reportAt: readonly number[] | undefined;
}

/** Builds the summary tables from finished runs (exported so saved runs can be re-summarised). */
export function summarise(problem: string, names: readonly string[], records: readonly RunRecord[], settings: SummariseSettings): CompareResult {
  const { evaluations, checkpoints } = settings;
  const byStrategy = new Map(names.map((n) => [n, records.filter((r) => r.strategy === n)]));
  const indicators = [...new Set(records.flatMap((r) => Object.keys(r.final)))];
  const valueAt = (r: RunRecord, indicator: string, at: number): number => {
    // A run that stopped early keeps its last value.
    let last: CurvePoint | undefined;
    for (const c of r.curve) if (c.evaluations <= at) last = c;
    return last?.indicators[indicator] ?? Number.NaN;
  };
  const strategiesOut: Record<string, IndicatorSummaries> = {};
  const curves: CompareResult['curves'] = {};
  for (const [name, runs] of byStrategy) {
    const s: IndicatorSummaries = {};
    for (const ind of indicators) s[ind] = summarize(runs.map((r) => r.final[ind] ?? Number.NaN));
    s.seconds = summarize(runs.map((r) => r.seconds));
    s.proposals = summarize(runs.map((r) => r.proposals));
    const extraKeys = [...new Set(runs.flatMap((r) => Object.keys(r.extras ?? {})))];
    for (const k of extraKeys) s[k] = summarize(runs.map((r) => r.extras?.[k] ?? Number.NaN));
    strategiesOut[name] = s;
    curves[name] = Object.fromEntries(
      indicators.map((ind) => [
        ind,
        checkpoints.map((at) => {
          const sm = summarize(runs.map((r) => valueAt(r, ind, at)));
          return { evaluations: at, median: sm.median, q1: sm.q1, q3: sm.q3 };
        }),
      ]),
    );
  }
  const pValues: Record<string, Record<string, number>> = {};
  for (let a = 0; a < names.length; a++) {
    for (let b = a + 1; b < names.length; b++) {
      const na = names[a] as string;
      const nb = names[b] as string;
      const row: Record<string, number> = {};
      for (const ind of indicators) row[ind] = pValue(finals(byStrategy.get(na), ind), finals(byStrategy.get(nb), ind));
      pValues[`${na}|${nb}`] = row;
    }
  }
  const reportAt = settings.reportAt ?? defaultReportBudgets(evaluations, checkpoints);
  const atBudgets = reportAt.map((at) => budgetReport(at, names, byStrategy, indicators, valueAt));
  return {
    problem,
    evaluations,
    baseSeed: settings.baseSeed,
    seeds: settings.seeds,
    checkpoints,
    indicators,
    strategies: strategiesOut,
    pValues,
    atBudgets,
    curves,
    runs: [...records],
  };
}

function finals(runs: readonly RunRecord[] | undefined, indicator: string): number[] {
  return (runs ?? []).map((r) => r.final[indicator] ?? Number.NaN).filter((v) => !Number.isNaN(v));
}

function pValue(a: readonly number[], b: readonly number[]): number {
  if (a.length === 0 || b.length === 0) return Number.NaN;
  return mannWhitneyU(a, b).p;
}

/** ⅓, ⅔ and all of the budget, each moved to the nearest checkpoint. */
function defaultReportBudgets(budget: number, checkpoints: readonly number[]): number[] {
  const near = (x: number) => checkpoints.reduce((best, c) => (Math.abs(c - x) < Math.abs(best - x) ? c : best), budget);
  return [...new Set([near(budget / 3), near((2 * budget) / 3), budget])].sort((a, b) => a - b);
}

function budgetReport(
  at: number,
  names: readonly string[],
  byStrategy: ReadonlyMap<string, RunRecord[]>,
  indicators: readonly string[],
  valueAt: (r: RunRecord, indicator: string, at: number) => number,
): BudgetReport {
  const strategies: Record<string, IndicatorSummaries> = {};
  const values = new Map<string, Map<string, number[]>>();
  for (const name of names) {
    const runs = byStrategy.get(name) ?? [];
    const perInd = new Map(indicators.map((ind) => [ind, runs.map((r) => valueAt(r, ind, at)).filter((v) => !Number.isNaN(v))]));
    values.set(name, perInd);
    strategies[name] = Object.fromEntries(indicators.map((ind) => [ind, summarize(perInd.get(ind) ?? [])]));
  }
  const leader: BudgetReport['leader'] = {};
  for (const ind of indicators) {
    // An indicator every run shares (e.g. the number of distinct evaluations) has no leader.
    const all = names.flatMap((n) => values.get(n)?.get(ind) ?? []);
    if (all.every((v) => v === all[0])) continue;
    const sign = higherIsBetter(ind) ? -1 : 1;
    const ranked = names
      .filter((n) => !Number.isNaN(strategies[n]?.[ind]?.median ?? Number.NaN))
      .sort((x, y) => sign * ((strategies[x]?.[ind]?.median as number) - (strategies[y]?.[ind]?.median as number)) || sign * ((strategies[x]?.[ind]?.mean as number) - (strategies[y]?.[ind]?.mean as number)));
    const [first, second] = ranked;
    if (first === undefined) continue;
    leader[ind] =
      second === undefined
        ? { strategy: first }
        : { strategy: first, runnerUp: second, p: pValue(values.get(first)?.get(ind) ?? [], values.get(second)?.get(ind) ?? []) };
  }
  return { evaluations: at, strategies, leader };
}
