/**
 * The NASC strategies: the split operators (random reset of the split, best-split repair,
 * feasibility screening) and the baselines as ask/tell strategies on the same problem. Accuracy
 * comes from the PROXY oracle (unit tests only); latency from a synthetic table.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { Algorithm } from '../../core/algorithm.js';
import { dominates } from '../../core/dominance.js';
import type { Individual } from '../../core/individual.js';
import { paretoFront } from '../../core/minimize.js';
import { Rng } from '../../core/rng.js';
import { SearchSpace } from '../../core/space.js';
import { integer, categorical, type Genome } from '../../core/variables.js';
import { FixedGenomes } from '../../operators/algorithms/fixed_genomes.js';
import { RandomResetMutation } from '../../operators/mutation/random_reset.js';
import { FeasibilityScreening } from '../../operators/screening/feasibility_screening.js';
import { runStrategy } from '../../experiments/compare/run_strategy.js';
import { bestSplitChoice, bestSplitGenome, fixedArchitecturesStrategy } from '../../problems/nasc/baselines/best_split.js';
import { deviceOnlyStrategy } from '../../problems/nasc/baselines/device_only.js';
import { hwnasStrategy } from '../../problems/nasc/baselines/hwnas.js';
import { serverOnlyStrategy } from '../../problems/nasc/baselines/server_only.js';
import { twoStageStrategy } from '../../problems/nasc/baselines/two_stage.js';
import { LatencyTable } from '../../problems/nasc/latency_table.js';
import { nascAlgorithm } from '../../problems/nasc/nasc_algorithm.js';
import { NascProblem, type NascInfo } from '../../problems/nasc/problem.js';
import { ProxyAccuracyOracle } from '../../problems/nasc/proxy_oracle.js';
import { parseScenario, type Scenario } from '../../problems/nasc/scenario.js';
import { MAX_SPLIT, NUM_LAYERS } from '../../problems/nasc/search_space.js';
import { syntheticLut } from '../fixtures/nasc/synthetic_lut.js';

const table = LatencyTable.parse({ raw_lut: syntheticLut() }, 'synthetic');
const scenario = (over: Record<string, unknown> = {}): Scenario =>
  parseScenario({ device: 'tiny', server: 'big', bandwidthMbps: 10, latencyBoundMs: 40, sMin: 1, ...over }, 'test.json');
const problemOf = (over: Record<string, unknown> = {}) => NascProblem.fromTable(scenario(over), table, new ProxyAccuracyOracle());
const allOf = (c: number): number[] => new Array<number>(NUM_LAYERS).fill(c);

async function run(problem: NascProblem, algorithm: Algorithm<unknown>, evaluations: number): Promise<Individual<NascInfo>[]> {
  const r = await runStrategy({ problem, algorithm, evaluations });
  return r.evaluated as Individual<NascInfo>[];
}

describe('split operators', () => {
  it('a named random reset moves only that gene, to any other value', () => {
    const space = new SearchSpace([categorical('a', ['x', 'y', 'z']), integer('split', 0, 22)]);
    const m = new RandomResetMutation({ genes: ['split'], prob: 1 });
    const rng = Rng.fromSeed(3);
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const g = m.mutate(space, [1, 19], rng);
      assert.equal(g[0], 1);
      assert.notEqual(g[1], 19);
      seen.add(g[1] as number);
    }
    assert.equal(seen.size, 22, 'every other split is reachable in one step');
    assert.throws(() => new RandomResetMutation({ genes: ['nope'] }).mutate(space, [0, 0], rng), /no gene named nope/);
  });

  it('feasibility screening keeps feasible candidates in order, then the least violating', () => {
    const s = new FeasibilityScreening({ violation: (g) => g[0] as number });
    const space = new SearchSpace([integer('v', 0, 9)]);
    const rng = Rng.fromSeed(1);
    assert.deepEqual(s.screen(space, [[3], [0], [2], [0], [1]], 2, [], rng), [[0], [0]]);
    assert.deepEqual(s.screen(space, [[3], [0], [2], [1]], 3, [], rng), [[0], [1], [2]]);
    assert.deepEqual(s.screen(space, [[3]], 2, [], rng), [[3]]);
    assert.equal(s.candidatesFor(4, 'initial'), 200);
    assert.equal(s.candidatesFor(4, 'offspring'), 40);
  });

  it('the NASC recipe evaluates only genomes within the bound when feasible ones exist', async () => {
    const p = problemOf({ latencyBoundMs: 25, precision: 'int8' });
    const evaluated = await run(p, nascAlgorithm(p, { populationSize: 10 }, Rng.fromSeed(5)), 60);
    assert.equal(evaluated.length, 60);
    const feasible = evaluated.filter((i) => i.cv === 0).length;
    assert.ok(feasible >= 55, `${feasible} of 60 evaluations were feasible`);
    // Without screening the same bound wastes most of the budget.
    const plain = await run(p, nascAlgorithm(p, { populationSize: 10, feasibilityScreening: false }, Rng.fromSeed(5)), 60);
    assert.ok(plain.filter((i) => i.cv === 0).length < feasible);
  });

  it('surrogate screening on NASC predicts accuracy only, stays feasible, and resumes bit-identically', async () => {
    const p = problemOf({ latencyBoundMs: 25, precision: 'int8' });
    const make = (seed: number) => nascAlgorithm(p, { populationSize: 10, surrogate: { surrogate: 'ridge', candidateFactor: 4 } }, Rng.fromSeed(seed));
    const a = make(5);
    const evaluated = await run(p, a, 60);
    assert.equal(evaluated.length, 60);
    assert.ok(evaluated.filter((i) => i.cv === 0).length >= 55, 'exact latency keeps the screened offspring within the bound');
    const state = JSON.parse(JSON.stringify(a.saveState())) as ReturnType<typeof a.saveState>;
    const screening = (state.extra as { screening: { pairs: [number[], number[]][] } }).screening;
    assert.ok(screening.pairs.length > 0 && screening.pairs.every(([pred, truth]) => pred.length === 1 && truth.length === 1), 'one predicted target: the error');
    const b = make(99);
    b.loadState(state);
    await run(p, a, 90);
    await run(p, b, 90);
    assert.deepEqual(b.saveState(), a.saveState());
  });

  it('property: no point of a lossless-payload front is dominated by its own architecture at another split', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({ bandwidthMbps: fc.constantFrom(1, 5, 10, 50), latencyBoundMs: fc.constantFrom(20, 30, 40, 60), sMin: fc.integer({ min: 0, max: 12 }), seed: fc.integer({ min: 1, max: 1e6 }) }),
        async ({ seed, ...over }) => {
          const p = problemOf(over);
          const evaluated = await run(p, nascAlgorithm(p, { populationSize: 8 }, Rng.fromSeed(seed)), 40);
          for (const ind of paretoFront(evaluated)) {
            const d = p.decode(ind.genome);
            for (let s = p.scenario.sMin; s <= MAX_SPLIT; s++) {
              const other = p.model.breakdown(d.architecture, s, 'fp32').totalMs;
              // Same network, same (split-independent) accuracy: another split must not be faster.
              assert.ok(!dominates([ind.objectives[0] as number, other], ind.objectives), `s=${d.split} is beaten by s=${s} (${other} < ${ind.objectives[1]} ms)`);
            }
          }
        },
      ),
      { numRuns: 12, seed: 20261130 },
    );
  });

  it('with the paper\'s free split gene the same property can fail (why best split is the default)', async () => {
    let dominatedPoints = 0;
    for (let seed = 1; seed <= 6; seed++) {
      const p = problemOf({ bandwidthMbps: 5, latencyBoundMs: 60 });
      const evaluated = await run(p, nascAlgorithm(p, { populationSize: 8, splitRepair: 'none', splitResetProb: 0 }, Rng.fromSeed(seed)), 40);
      for (const ind of paretoFront(evaluated)) {
        const d = p.decode(ind.genome);
        if (p.model.bestSplit(d.architecture, 'fp32', 1).latency.totalMs < (ind.objectives[1] as number) - 1e-9) dominatedPoints++;
      }
    }
    assert.ok(dominatedPoints > 0);
  });
});

describe('baselines as strategies', () => {
  it('HWNAS proposes architectures at their best split and ranks them by device latency', async () => {
    const p = problemOf({ latencyBoundMs: 60 });
    const alg = hwnasStrategy(p, { populationSize: 6 }, Rng.fromSeed(2));
    const evaluated = await run(p, alg, 24);
    assert.equal(evaluated.length, 24);
    for (const ind of evaluated) assert.deepEqual(ind.genome, bestSplitGenome(p, p.decode(ind.genome).architecture));
    // It screens by whole-network device latency (what HW-NAS knows), not by the split latency.
    const deviceFeasible = evaluated.filter((ind) => p.model.deviceOnlyMs(p.decode(ind.genome).architecture) <= 60).length;
    assert.equal(deviceFeasible, 24);
    // Its inner population is ranked on [error, device-only latency]: every member within the device bound when possible.
    const pop = alg.population();
    assert.ok(pop.length > 0 && pop.every((ind) => p.decode(ind.genome).architecture.length === NUM_LAYERS));
  });

  it('HWNAS resumes bit-identically from a saved state', async () => {
    const p = problemOf({ latencyBoundMs: 60 });
    const full = hwnasStrategy(p, { populationSize: 5 }, Rng.fromSeed(9));
    const a = await run(p, full, 25);
    const first = hwnasStrategy(p, { populationSize: 5 }, Rng.fromSeed(9));
    await run(p, first, 10);
    const resumed = hwnasStrategy(p, { populationSize: 5 }, Rng.fromSeed(123));
    resumed.loadState(JSON.parse(JSON.stringify(first.saveState())));
    const rest = await run(p, resumed, 15);
    assert.deepEqual(rest.map((i) => i.genome), a.slice(10).map((i) => i.genome));
  });

  it('HWNAS and device-only with surrogate screening predict the error only, stay within the device bound, and resume bit-identically', async () => {
    const p = problemOf({ latencyBoundMs: 40 });
    const pairsOf = (state: unknown): [number[], number[]][] => {
      // The surrogate's record sits inside the embedded inner algorithm's state.
      const found = JSON.stringify(state).match(/"pairs":(\[\[.*?\]\]\])/);
      return found === null ? [] : (JSON.parse(found[1] as string) as [number[], number[]][]);
    };
    for (const make of [
      (seed: number) => hwnasStrategy(p, { populationSize: 8, surrogate: true }, Rng.fromSeed(seed)),
      (seed: number) => deviceOnlyStrategy(p, { populationSize: 8, surrogate: true }, Rng.fromSeed(seed)),
    ]) {
      const a = make(5);
      const evaluated = await run(p, a, 48);
      assert.equal(evaluated.length, 48);
      assert.ok(evaluated.every((i) => p.model.deviceOnlyMs(p.decode(i.genome).architecture) <= 40), 'device latency is exact, so screened offspring stay within the bound');
      const state = JSON.parse(JSON.stringify(a.saveState())) as ReturnType<typeof a.saveState>;
      const pairs = pairsOf(state);
      assert.ok(pairs.length > 0 && pairs.every(([pred, truth]) => pred.length === 1 && truth.length === 1), 'one predicted target: the error');
      const b = make(77);
      b.loadState(state);
      await run(p, a, 24);
      await run(p, b, 24);
      assert.deepEqual(b.saveState(), a.saveState());
    }
    // Without the parameter the screening stays feasibility-only (no predictor state).
    const plain = hwnasStrategy(p, { populationSize: 8 }, Rng.fromSeed(5));
    await run(p, plain, 24);
    assert.equal(pairsOf(plain.saveState()).length, 0);
  });

  it('device-only and server-only search at s = 22 and s = 0; server-only points violate privacy', async () => {
    const p = problemOf({ sMin: 2, latencyBoundMs: 80 });
    const d = await run(p, deviceOnlyStrategy(p, { populationSize: 6 }, Rng.fromSeed(4)), 12);
    assert.ok(d.every((i) => p.decode(i.genome).split === MAX_SPLIT && i.info?.latency.serverMs === 0));
    const s = await run(p, serverOnlyStrategy(p, { populationSize: 6 }, Rng.fromSeed(4)), 12);
    assert.ok(s.every((i) => p.decode(i.genome).split === 0 && i.info?.privacyViolated === true && i.cv > 0));
  });

  it('two-stage searches accuracy alone and deploys at the best split', async () => {
    const p = problemOf({ latencyBoundMs: 30 });
    const e = await run(p, twoStageStrategy(p, { populationSize: 6 }, Rng.fromSeed(4)), 18);
    for (const i of e) assert.deepEqual(p.decode(i.genome), bestSplitChoice(p, p.decode(i.genome).architecture));
  });

  it('fixed architectures evaluate three well-known nets at their best split, then stop', async () => {
    const p = problemOf();
    const r = await runStrategy({ problem: p, algorithm: fixedArchitecturesStrategy(p), evaluations: 100 });
    assert.equal(r.evaluations, 3);
    assert.equal(r.stoppedBy, 'exhausted');
    assert.deepEqual(p.decode((r.evaluated[0] as Individual<NascInfo>).genome).architecture, allOf(7));
    const f = new FixedGenomes<NascInfo>('x', [[...allOf(1), 3]]);
    f.ask();
    assert.throws(() => f.saveState(), /between ask\(\) and tell\(\)/);
  });

  it('every strategy gets the same number of distinct evaluations', async () => {
    const p = problemOf({ latencyBoundMs: 40 });
    const budget = 30;
    const strategies: [string, Algorithm<unknown>][] = [
      ['nasc', nascAlgorithm(p, { populationSize: 10 }, Rng.fromSeed(1))],
      ['hwnas', hwnasStrategy(p, { populationSize: 10 }, Rng.fromSeed(1))],
      ['device-only', deviceOnlyStrategy(p, { populationSize: 10 }, Rng.fromSeed(1))],
      ['two-stage', twoStageStrategy(p, { populationSize: 10 }, Rng.fromSeed(1))],
    ];
    for (const [name, alg] of strategies) {
      const r = await runStrategy({ problem: p, algorithm: alg, evaluations: budget });
      const distinct = new Set(r.evaluated.map((i) => i.genome.join(','))).size;
      assert.equal(r.evaluations, budget, name);
      assert.equal(distinct, budget, name);
    }
  });
});

describe('split sampling of the recipe', () => {
  it('a lossy payload keeps a searched split, and the reset reaches every allowed split', async () => {
    const p = problemOf({ precision: 'int8', latencyBoundMs: 1e6, sMin: 3 });
    const splits = new Set<number>();
    const alg = nascAlgorithm(p, { populationSize: 20, splitResetProb: 0.5 }, Rng.fromSeed(7));
    for (const ind of await run(p, alg, 200)) splits.add(p.decode(ind.genome as Genome).split);
    for (let s = 3; s <= MAX_SPLIT; s++) assert.ok(splits.has(s), `split ${s} never visited`);
    assert.ok(![0, 1, 2].some((s) => splits.has(s)), 'privacy repair keeps s >= sMin');
  });
});
