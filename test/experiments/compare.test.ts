import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { InputError } from '../../core/errors.js';
import type { Evaluation } from '../../core/individual.js';
import type { Problem } from '../../core/problem.js';
import { Registry } from '../../core/registry.js';
import { Rng } from '../../core/rng.js';
import { SearchSpace } from '../../core/space.js';
import { categorical, type Genome } from '../../core/variables.js';
import { compare, defaultCheckpoints, seedsFor, type StrategySpec } from '../../experiments/compare/compare.js';
import { exactUpperTail, mannWhitneyU, normalUpperTail } from '../../experiments/compare/mann_whitney.js';
import type { CompareRegistry } from '../../experiments/compare/registry_job.js';
import { runCompare } from '../../experiments/compare/run_compare.js';
import { indicatorsOf, runStrategy } from '../../experiments/compare/run_strategy.js';
import { summarize } from '../../experiments/compare/summary.js';
import { createWorkerPool } from '../../experiments/compare/worker_pool.js';
import type { AlgorithmFactory, ProblemFactory } from '../../experiments/plugin_types.js';
import { asng } from '../../operators/algorithms/asng.js';
import { nsga2 } from '../../operators/algorithms/nsga2.js';
import { randomSearch } from '../../operators/algorithms/random_search.js';

const close = (a: number, b: number, tol = 1e-12) => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} ≉ ${b}`);

describe('Mann–Whitney U', () => {
  it('exact, by hand: complete separation of 3 vs 3 has p = 2/C(6,3) = 0.1', () => {
    const r = mannWhitneyU([1, 2, 3], [4, 5, 6]);
    assert.equal(r.method, 'exact');
    assert.equal(r.u, 0);
    close(r.p, 0.1);
    close(exactUpperTail(3, 3, 9), 1 / 20);
    close(exactUpperTail(2, 2, 2), 4 / 6); // U ∈ {0,1,2,2,3,4} for the 6 arrangements
  });

  it('asymptotic with ties, by hand: 10 vs 10 separated, Σ(t³−t) = 42', () => {
    const a = [0.55, 0.6, 0.58, 0.61, 0.57, 0.59, 0.62, 0.6, 0.56, 0.63];
    const b = [0.1, 0.12, 0.09, 0.11, 0.1, 0.13, 0.08, 0.1, 0.12, 0.11];
    const r = mannWhitneyU(a, b);
    assert.equal(r.method, 'asymptotic');
    assert.equal(r.u, 100);
    const sigma = Math.sqrt((100 / 12) * (21 - 42 / 380));
    close(r.p, 2 * normalUpperTail((100 - 50 - 0.5) / sigma));
    close(r.p, 0.00017561553104590864, 1e-9); // scipy.stats.mannwhitneyu
  });

  it('agrees with scipy 1.17 (method auto) on further cases', () => {
    close(mannWhitneyU([1, 2, 2, 3, 4], [2, 3, 3, 5, 6, 7]).p, 0.11390314458853068, 1e-9);
    close(mannWhitneyU([1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5, 9.5, 10.5], [3, 4, 5, 6, 7, 8, 9, 10, 11, 12]).p, 0.3074894566186813, 1e-9);
    close(mannWhitneyU([1, 3, 5, 7, 9, 11, 13], [2, 4, 6, 8, 10, 12, 14, 16, 18]).p, 0.29912587412587416, 1e-12);
    assert.equal(mannWhitneyU([5, 5, 5], [5, 5, 5]).p, 1);
  });

  it('is symmetric in its samples and p ∈ (0, 1] (property)', () => {
    const sample = fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 1, maxLength: 12 });
    fc.assert(
      fc.property(sample, sample, (a, b) => {
        const x = mannWhitneyU(a, b);
        const y = mannWhitneyU(b, a);
        close(x.p, y.p, 1e-12);
        assert.equal(x.u + y.u, a.length * b.length);
        assert.ok(x.p > 0 && x.p <= 1);
      }),
    );
  });

  it('normal tail: known values, both branches', () => {
    close(normalUpperTail(0), 0.5);
    close(normalUpperTail(1.959963984540054), 0.025, 1e-12);
    close(normalUpperTail(6), 9.865876450376946e-10, 1e-10);
    close(normalUpperTail(-1), 1 - 0.15865525393145707, 1e-12);
  });
});

describe('summaries and grids', () => {
  it('quartiles are numpy/R-7 linear quantiles', () => {
    const s = summarize([4, 1, 3, 2]);
    assert.deepEqual([s.q1, s.median, s.q3, s.mean, s.n], [1.75, 2.5, 3.25, 2.5, 4]);
    assert.ok(Number.isNaN(summarize([]).median));
  });
  it('checkpoints fall on a round step; seeds are explicit', () => {
    const c = defaultCheckpoints(1500);
    assert.equal(c[0], 50);
    assert.ok(c.includes(500) && c.includes(1000) && c[c.length - 1] === 1500);
    assert.deepEqual(seedsFor(7, 3), [7, 8, 9]);
  });
});

/** A 4^5 categorical problem: f1 = Σx, f2 = Σ(3 − x) + [x0 = x1]; front recall as the problem's indicator. */
function toyProblem(): Problem<unknown> {
  const space = new SearchSpace(Array.from({ length: 5 }, (_, i) => categorical(`x${i}`, ['a', 'b', 'c', 'd'])));
  return {
    name: 'toy',
    space,
    objectiveNames: ['f1', 'f2'],
    constraintNames: [],
    referencePoint: [16, 17],
    evaluate: (genomes: readonly Genome[]): Evaluation[] =>
      genomes.map((g) => ({ objectives: [g.reduce((s, x) => s + x, 0), g.reduce((s, x) => s + 3 - x, 0) + (g[0] === g[1] ? 1 : 0)], constraints: [] })),
  };
}
const toyIndicators = (evaluated: readonly { genome: Genome }[]) => ({ distinct: new Set(evaluated.map((e) => e.genome.join(','))).size });

describe('runStrategy', () => {
  it('counts distinct evaluations: repeats are answered from the cache and not counted', async () => {
    const problem = toyProblem();
    const algorithm = asng(problem.space, { reuseEvaluations: false }, Rng.fromSeed(1));
    const run = await runStrategy({ problem, indicators: toyIndicators, algorithm, evaluations: 150, checkpoints: [50, 100] });
    assert.equal(run.evaluations, 150);
    assert.ok(run.proposals > 150, `proposals ${run.proposals}`);
    assert.deepEqual(run.curve.map((c) => c.evaluations), [50, 100, 150]);
    assert.deepEqual(run.curve.map((c) => c.indicators.distinct), [50, 100, 150]);
  });

  it('indicators at checkpoint k are those of exactly the first k evaluations, even inside a batch', async () => {
    const problem = toyProblem();
    const seen: Genome[] = [];
    const algorithm = randomSearch(problem.space, { batchSize: 64 }, Rng.fromSeed(3));
    const original = algorithm.ask.bind(algorithm);
    algorithm.ask = (limit?: number) => {
      const b = original(limit);
      seen.push(...b);
      return b;
    };
    const run = await runStrategy({ problem, algorithm, evaluations: 200, checkpoints: [37, 100] });
    const prefix = async (k: number) => {
      const ev = await problem.evaluate(seen.slice(0, k));
      const { makeIndividual } = await import('../../core/individual.js');
      return indicatorsOf(problem, undefined, seen.slice(0, k).map((g, i) => makeIndividual(g, ev[i]!)));
    };
    assert.deepEqual(run.curve[0], { evaluations: 37, indicators: await prefix(37) });
    assert.deepEqual(run.curve[1], { evaluations: 100, indicators: await prefix(100) });
  });

  it('stops with "exhausted" when a strategy has nothing new, and closes the curve there', async () => {
    const problem = toyProblem();
    const run = await runStrategy({ problem, algorithm: randomSearch(problem.space, {}, Rng.fromSeed(2)), evaluations: 5000, checkpoints: [500] });
    assert.equal(run.stoppedBy, 'exhausted');
    assert.equal(run.evaluations, 1024);
    assert.deepEqual(run.curve.map((c) => c.evaluations), [500, 1024]);
  });
});

describe('compare', () => {
  const strategies: StrategySpec[] = [
    { name: 'nsga2', create: (p, rng) => nsga2(p.space, { populationSize: 20, duplicateScope: 'archive' }, rng) },
    { name: 'random', create: (p, rng) => randomSearch(p.space, { batchSize: 20 }, rng) },
    { name: 'asng', create: (p, rng) => asng(p.space, {}, rng) },
  ];
  const options = { problemFactory: () => ({ problem: toyProblem(), indicators: toyIndicators }), strategies, seeds: 4, baseSeed: 10, evaluations: 120 };

  it('summarises every strategy × seed, with pairwise p-values and budget leaders', async () => {
    const r = await compare(options);
    assert.equal(r.runs.length, 12);
    assert.deepEqual(r.seeds, [10, 11, 12, 13]);
    assert.deepEqual(Object.keys(r.pValues), ['nsga2|random', 'nsga2|asng', 'random|asng']);
    for (const name of ['nsga2', 'random', 'asng']) {
      const hv = r.strategies[name]!.hv!;
      assert.ok(hv.q1 <= hv.median && hv.median <= hv.q3);
      assert.equal(r.strategies[name]!.distinct!.median, 120);
    }
    assert.deepEqual(r.atBudgets.map((b) => b.evaluations), [40, 80, 120]);
    assert.ok(r.atBudgets[2]!.leader.hv !== undefined);
    assert.equal(r.atBudgets[2]!.leader.distinct, undefined); // shared by every run: no leader
    const p = r.pValues['nsga2|random']!.hv!;
    assert.ok(p > 0 && p <= 1);
  });

  it('is deterministic: the same seeds give the same records, however the jobs are run', async () => {
    const strip = (rs: readonly { seconds: number }[]) => rs.map((x) => ({ ...x, seconds: 0 }));
    const a = await compare(options);
    const b = await compare({ ...options, runner: async (job) => (await compare({ ...options, seeds: 1, baseSeed: job.seed, strategies: [strategies[job.strategy]!] })).runs[0]!, concurrency: 3 });
    assert.deepEqual(strip(b.runs), strip(a.runs));
  });
});

/** A registry holding the toy problem, for runCompare. */
function toyRegistry(): CompareRegistry {
  const problems = new Registry<ProblemFactory>('problem').register({ name: 'toy', description: 'toy', capabilities: {}, create: () => ({ problem: toyProblem(), indicators: toyIndicators }) });
  const algorithms = new Registry<AlgorithmFactory>('algorithm')
    .register({ name: 'nsga2', description: '', capabilities: {}, create: (p, s, rng) => nsga2(p.space, { ...s, duplicateScope: 'archive' }, rng) })
    .register({ name: 'random', description: '', capabilities: {}, create: (p, s, rng) => randomSearch(p.space, s.populationSize === undefined ? {} : { batchSize: s.populationSize }, rng) });
  return { problems, algorithms };
}

describe('runCompare', () => {
  it('refuses bad input with InputErrors', async () => {
    const reg = toyRegistry();
    const base = { problem: 'toy', strategies: 'nsga2,random', seeds: 2, evaluations: 50 };
    await assert.rejects(runCompare({ ...base, strategies: 'nsga2,nope' }, reg), (e: unknown) => e instanceof InputError && /nope/.test(e.message));
    await assert.rejects(runCompare({ ...base, problem: 'zzz' }, reg), InputError);
    await assert.rejects(runCompare({ ...base, strategies: 'nsga2,nsga2' }, reg), /twice/);
    await assert.rejects(runCompare({ ...base, seeds: 0 }, reg), /--seeds/);
    await assert.rejects(runCompare({ ...base, strategies: ' , ' }, reg), InputError);
    await assert.rejects(runCompare({ ...base, workers: 2 }, reg), /registry module/);
  });

  it('writes JSON, CSV and SVG, and returns the summary the CLI prints', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'nasc-compare-'));
    try {
      const report = await runCompare({ problem: 'toy', strategies: 'nsga2,random', seeds: 3, evaluations: 60, seed: 5, pop: 10, out: dir, reportAt: [30, 60] }, toyRegistry());
      assert.deepEqual(report.seeds, [5, 6, 7]);
      assert.deepEqual(Object.keys(report.strategies), ['nsga2', 'random']);
      assert.deepEqual(Object.keys(report.strategies.nsga2!.hv!).sort(), ['mean', 'median', 'n', 'q1', 'q3']);
      assert.ok(typeof report.pValues['nsga2|random']!.hv === 'number');
      assert.deepEqual(report.atBudgets.map((b) => b.evaluations), [30, 60]);
      assert.equal('runs' in report, false);
      for (const f of ['compare.json', 'summary.csv', 'pvalues.csv', 'budgets.csv', 'curves.csv', 'hv.svg', 'hv.png', 'report.html']) assert.ok(existsSync(path.join(dir, f)), f);
      assert.match(readFileSync(path.join(dir, 'hv.svg'), 'utf8'), /^<\?xml[\s\S]*<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
      const full = JSON.parse(readFileSync(path.join(dir, 'compare.json'), 'utf8')) as { runs: unknown[] };
      assert.equal(full.runs.length, 6);
      assert.match(readFileSync(path.join(dir, 'summary.csv'), 'utf8'), /^strategy,indicator,median,q1,q3,mean,n\nnsga2,hv,/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('worker threads give the same runs as the sequential path', async () => {
    const module = new URL('../../experiments/plugins.ts', import.meta.url).href;
    const checkpoints = defaultCheckpoints(200);
    const pool = createWorkerPool({ workers: 2, module, problem: 'zdt1', settings: { variables: 5 }, strategies: [{ label: 'nsga2', algorithm: 'nsga2', settings: { populationSize: 20 } }, { label: 'random', algorithm: 'random', settings: {} }], evaluations: 200, checkpoints });
    try {
      const { algorithms, problems } = await import('../../experiments/plugins.js');
      const { strategyFromRegistry, problemFromRegistry } = await import('../../experiments/compare/registry_job.js');
      const instance = problemFromRegistry({ problems }, 'zdt1', { variables: 5 }, () => '');
      const specs = [strategyFromRegistry({ algorithms }, { label: 'nsga2', algorithm: 'nsga2', settings: { populationSize: 20 } }, instance), strategyFromRegistry({ algorithms }, { label: 'random', algorithm: 'random', settings: {} }, instance)];
      const base = { problemFactory: () => instance, strategies: specs, seeds: 2, evaluations: 200, checkpoints };
      const sequential = await compare(base);
      const parallel = await compare({ ...base, runner: pool.runner, concurrency: 2 });
      const strip = (rs: readonly { seconds: number }[]) => rs.map((x) => ({ ...x, seconds: 0 }));
      assert.deepEqual(strip(parallel.runs), strip(sequential.runs));
    } finally {
      await pool.close();
    }
  });
});
