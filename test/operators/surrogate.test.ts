import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { Algorithm } from '../../core/algorithm.js';
import type { Evaluation } from '../../core/individual.js';
import { Rng } from '../../core/rng.js';
import { SearchSpace } from '../../core/space.js';
import { binary, categorical, integer, real, type Genome } from '../../core/variables.js';
import { nsga2 } from '../../operators/algorithms/nsga2.js';
import { surrogateNsga2 } from '../../operators/algorithms/surrogate_nsga2.js';
import { BoostedTrees } from '../../operators/surrogate/boosted_trees.js';
import { cholesky, choleskySolve } from '../../operators/surrogate/cholesky.js';
import { GenomeFeatures } from '../../operators/surrogate/features.js';
import { Mlp } from '../../operators/surrogate/mlp.js';
import { averageRanks, kendallTau, spearmanRho } from '../../operators/surrogate/rank_correlation.js';
import { RidgeRegression } from '../../operators/surrogate/ridge.js';
import { SurrogateModel, SURROGATE_KINDS } from '../../operators/surrogate/surrogate_model.js';
import { MixedVariation } from '../../operators/variation/mixed_variation.js';
import { NasBench201Problem } from '../../problems/nas_bench_201/problem.js';
import { loadNb201 } from '../../problems/nas_bench_201/tables.js';
import { realDataDir } from '../fixtures/nasc/synthetic_lut.js';

const close = (a: number, b: number, tol = 1e-9) => assert.ok(Math.abs(a - b) <= tol, `${a} ≉ ${b}`);

describe('Cholesky', () => {
  it('factors and solves a hand-sized system', () => {
    // A = [[4, 2], [2, 3]] = L Lᵀ with L = [[2, 0], [1, √2]]; A x = [2, 1] → x = [0.5, 0].
    const a = Float64Array.of(4, 2, 2, 3);
    const l = cholesky(a, 2);
    close(l[0]!, 2);
    close(l[2]!, 1);
    close(l[3]!, Math.SQRT2);
    const x = choleskySolve(l, 2, [2, 1]);
    close(x[0]!, 0.5);
    close(x[1]!, 0);
    assert.throws(() => cholesky(Float64Array.of(1, 2, 2, 1), 2), /positive definite/);
  });

  it('solves BᵀB + I systems (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: 36, maxLength: 36 }), (n, raw) => {
        const a = new Float64Array(n * n);
        for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
          let s = i === j ? 1 : 0;
          for (let k = 0; k < n; k++) s += raw[k * 6 + i]! * raw[k * 6 + j]!;
          a[i * n + j] = s;
        }
        const b = Array.from({ length: n }, (_, i) => raw[i]!);
        const x = choleskySolve(cholesky(a, n), n, b);
        for (let i = 0; i < n; i++) {
          let s = 0;
          for (let j = 0; j < n; j++) s += a[i * n + j]! * x[j]!;
          close(s, b[i]!, 1e-7 * (1 + Math.abs(b[i]!)));
        }
      }),
    );
  });
});

describe('rank correlation', () => {
  it('matches hand-computed τ-b and ρ (scipy gives the same)', () => {
    close(kendallTau([1, 2, 3, 4], [1, 3, 2, 4]), 4 / 6); // C = 5, D = 1
    close(spearmanRho([1, 2, 3, 4], [1, 3, 2, 4]), 0.8); // 1 − 6·2/(4·15)
    close(kendallTau([1, 2, 2, 3], [1, 2, 3, 3]), 0.8); // C = 4, one tie each side: 4/√(5·5)
    close(spearmanRho([1, 2, 2, 3], [1, 2, 3, 3]), 0.8333333333333335, 1e-12);
    assert.deepEqual(averageRanks([10, 20, 20, 5]), [2, 3.5, 3.5, 1]);
    assert.ok(Number.isNaN(kendallTau([1, 1, 1], [1, 2, 3])));
    close(kendallTau([3, 2, 1], [1, 2, 3]), -1);
  });
});

describe('features', () => {
  it('one-hot categoricals and narrow integers, scaled reals, pairwise products', () => {
    const space = new SearchSpace([categorical('c', ['a', 'b', 'c']), integer('i', 2, 3), binary('b'), real('r', -1, 1), integer('w', 0, 100)]);
    const f = new GenomeFeatures(space);
    assert.equal(f.size, 3 + 2 + 1 + 1 + 1);
    assert.deepEqual([...f.encode([1, 3, 1, 0, 50])], [0, 1, 0, 0, 1, 1, 0.5, 0.5]);
    const p = new GenomeFeatures(space, { interactions: true });
    assert.equal(p.size, 8 + 3 * 2);
    const x = p.encode([2, 2, 0, -1, 0]);
    assert.deepEqual([...x.slice(8)], [0, 0, 0, 0, 1, 0]); // (c = 2, i = 2) → column 2·2 + 0
  });
});

describe('regressors', () => {
  const rng = Rng.fromSeed(1);
  const rows = Array.from({ length: 60 }, () => Float64Array.from({ length: 4 }, () => rng.uniform(-1, 1)));
  const linear = (x: Float64Array) => 3 + 2 * x[0]! - x[1]! + 0.5 * x[3]!;

  it('ridge recovers a linear function (primal, p ≤ n)', () => {
    const r = new RidgeRegression({ lambda: 1e-8 });
    r.fit(rows, rows.map(linear));
    for (const x of rows.slice(0, 5)) close(r.predict(x), linear(x), 1e-6);
  });

  it('ridge: the dual solve (p > n) equals the primal normal equations', () => {
    const few = rows.slice(0, 3);
    const y = [1, -2, 0.5];
    const r = new RidgeRegression({ lambda: 0.7 });
    r.fit(few, y);
    // Primal by hand on the centred data: w = (XᵀX + λI)⁻¹ Xᵀy.
    const p = 4;
    const mx = Array.from({ length: p }, (_, j) => few.reduce((s, x) => s + x[j]!, 0) / 3);
    const my = y.reduce((a, b) => a + b) / 3;
    const a = new Float64Array(p * p);
    const b = new Float64Array(p);
    few.forEach((x, i) => {
      for (let j = 0; j < p; j++) {
        b[j]! += (x[j]! - mx[j]!) * (y[i]! - my);
        for (let k = 0; k < p; k++) a[j * p + k]! += (x[j]! - mx[j]!) * (x[k]! - mx[k]!);
      }
    });
    for (let j = 0; j < p; j++) a[j * p + j]! += 0.7;
    const w = choleskySolve(cholesky(a, p), p, b);
    const probe = rows[10]!;
    const expected = my + w.reduce((s, wj, j) => s + wj * (probe[j]! - mx[j]!), 0);
    close(r.predict(probe), expected, 1e-9);
  });

  it('boosted trees learn an interaction a linear model cannot', () => {
    // AND: the best additive fit is off by ±¼ everywhere. (XOR itself has no first split with any
    // gain, a known blind spot of greedy trees.)
    const x = Array.from({ length: 80 }, (_, i) => Float64Array.of(i % 2, Math.floor(i / 2) % 2, (i * 7) % 3));
    const y = x.map((r) => r[0]! * r[1]!);
    const trees = new BoostedTrees({ depth: 2, trees: 50 });
    trees.fit(x, y);
    const ridge = new RidgeRegression({ lambda: 0.01 });
    ridge.fit(x, y);
    const err = (m: { predict(r: Float64Array): number }) => x.reduce((s, r, i) => s + (m.predict(r) - y[i]!) ** 2, 0) / x.length;
    assert.ok(err(trees) < 0.01, `trees ${err(trees)}`);
    assert.ok(err(ridge) > 0.05, `ridge ${err(ridge)}`);
  });

  it('the MLP is reproducible from its Rng and fits a smooth function', () => {
    const y = rows.map((x) => Math.sin(2 * x[0]!) + x[1]! * x[1]!);
    const a = new Mlp({ epochs: 200 }, Rng.fromSeed(5));
    const b = new Mlp({ epochs: 200 }, Rng.fromSeed(5));
    a.fit(rows, y);
    b.fit(rows, y);
    assert.equal(a.predict(rows[0]!), b.predict(rows[0]!));
    const pred = rows.map((x) => a.predict(x));
    assert.ok(spearmanRho(pred, y) > 0.9, `ρ ${spearmanRho(pred, y)}`);
  });
});

/** A categorical bi-objective toy: error-like f1 with an interaction, latency-like additive f2. */
const space = new SearchSpace(Array.from({ length: 6 }, (_, i) => categorical(`e${i}`, ['a', 'b', 'c', 'd', 'e'])));
const cost = [0, 0.2, 1, 3, 0.5];
const quality = [0, 0.3, 1, 1.5, 0.4];
function toy(g: Genome): Evaluation {
  const q = g.reduce((s, x) => s + quality[x]!, 0) + (g[0] === 3 && g[5] === 3 ? 2 : 0) - (g[1] === 0 ? 3 : 0);
  return { objectives: [10 - q, g.reduce((s, x) => s + cost[x]!, 0)], constraints: [] };
}

describe('surrogate model', () => {
  it('ranks held-out genomes well for every predictor kind', () => {
    const rng = Rng.fromSeed(3);
    const all = Array.from({ length: 5 ** 6 }, (_, i) => Array.from({ length: 6 }, (_, k) => Math.floor(i / 5 ** k) % 5));
    const order = rng.permutation(all.length);
    const train = order.slice(0, 150).map((i) => all[i]!);
    const test = order.slice(150, 650).map((i) => all[i]!);
    for (const kind of SURROGATE_KINDS) {
      const m = new SurrogateModel(space, { kind });
      m.fit(train, train.map((g) => [...toy(g).objectives]), rng);
      const pred = m.predict(test);
      const tau0 = kendallTau(pred.map((p) => p[0]!), test.map((g) => toy(g).objectives[0]!));
      const tau1 = kendallTau(pred.map((p) => p[1]!), test.map((g) => toy(g).objectives[1]!));
      assert.ok(tau0 > 0.6 && tau1 > 0.8, `${kind}: τ ${tau0}, ${tau1}`);
    }
  });
});

function drive(alg: Algorithm, evaluate: (g: Genome) => Evaluation, n: number): Genome[] {
  const seen: Genome[] = [];
  while (alg.evaluations < n) {
    const batch = alg.ask(n - alg.evaluations);
    if (batch.length === 0) break;
    seen.push(...batch);
    alg.tell(batch, batch.map(evaluate));
  }
  return seen;
}

describe('surrogate-assisted NSGA-II', () => {
  it('evaluates distinct genomes only and records held-out rank correlations', () => {
    const alg = surrogateNsga2(space, { populationSize: 20, candidateFactor: 5, surrogate: 'ridge' }, Rng.fromSeed(1));
    const seen = drive(alg, toy, 120);
    assert.equal(new Set(seen.map((g) => g.join(','))).size, 120);
    const records = alg.surrogateRecords();
    assert.equal(records.length, 5); // generations 1..5 were screened
    assert.ok(records.every((r) => r.trainingSize >= 20 && r.candidates === 100));
    const pooled = alg.pooledCorrelation();
    assert.equal(pooled.count, 100);
    assert.ok(pooled.tau[1]! > 0.5, `latency τ ${pooled.tau[1]}`);
    assert.deepEqual(Object.keys(alg.figures()), ['surrogateTau0', 'surrogateRho0', 'surrogateTauPerGeneration0', 'surrogateTau1', 'surrogateRho1', 'surrogateTauPerGeneration1']);
  });

  it('finds more of the true front than plain NSGA-II on the same budget', () => {
    const all = Array.from({ length: 5 ** 6 }, (_, i) => Array.from({ length: 6 }, (_, k) => Math.floor(i / 5 ** k) % 5));
    const points = all.map((g) => toy(g).objectives);
    const front = new Set(all.filter((_, i) => !points.some((q) => q[0]! <= points[i]![0]! && q[1]! <= points[i]![1]! && (q[0]! < points[i]![0]! || q[1]! < points[i]![1]!))).map((g) => g.join(',')));
    const recall = (seen: Genome[]) => seen.filter((g) => front.has(g.join(','))).length / front.size;
    let better = 0;
    for (const seed of [1, 2, 3]) {
      const plain = recall(drive(nsga2(space, { populationSize: 30, duplicateScope: 'archive' }, Rng.fromSeed(seed)), toy, 300));
      const assisted = recall(drive(surrogateNsga2(space, { populationSize: 30, surrogate: 'ridge-pairwise' }, Rng.fromSeed(seed)), toy, 300));
      if (assisted > plain) better++;
    }
    assert.ok(better >= 2, `surrogate better in ${better}/3 seeds`);
  });

  it('predicts only what the problem does not know for free (cheap objectives and constraints used exactly)', () => {
    let cheapCalls = 0;
    // Objective 1 and the constraint are known for free (like latency and the bound on NASC).
    const constrained = (g: Genome): Evaluation => {
      const e = toy(g);
      return { objectives: e.objectives, constraints: [e.objectives[1]! - 6] };
    };
    const alg = surrogateNsga2(
      space,
      {
        populationSize: 10,
        candidateFactor: 3,
        surrogate: 'ridge',
        cheap: (g) => {
          cheapCalls += 1;
          const e = constrained(g);
          return { objectives: [null, e.objectives[1]!], constraints: [...e.constraints] };
        },
      },
      Rng.fromSeed(2),
    );
    drive(alg, constrained, 40);
    assert.equal(cheapCalls, 90); // 3 generations × 30 screened candidates
    assert.equal(alg.pooledCorrelation().tau.length, 1, 'only objective 0 is predicted');
    // The exact constraint steers the evaluated offspring: none of the screened ones is infeasible
    // while feasible candidates were available.
    assert.ok(alg.population().filter((ind) => ind.cv === 0).length >= 8);
  });

  it('resumes bit-identically', () => {
    const a = surrogateNsga2(space, { populationSize: 12, candidateFactor: 4 }, Rng.fromSeed(4));
    drive(a, toy, 36);
    const b = surrogateNsga2(space, { populationSize: 12, candidateFactor: 4 }, Rng.fromSeed(9));
    b.loadState(JSON.parse(JSON.stringify(a.saveState())));
    drive(a, toy, 72);
    drive(b, toy, 72);
    assert.deepEqual(b.saveState(), a.saveState());
  });

  it('keeps its NAS-Bench-201 front recall (CIFAR-100, raspi4; 600 evaluations, registry defaults)', () => {
    const problem = new NasBench201Problem(loadNb201(realDataDir()), { dataset: 'cifar100', device: 'raspi4' });
    // Measured with the earlier stand-alone implementation (its own copy of the engine loop) on
    // the same seeds and settings: 9/21 and 11/21 of the true front. The recipe on the
    // generational engine evaluates the very same genomes, so it must not find fewer.
    const before = [9 / 21, 11 / 21];
    [1, 2].forEach((seed, k) => {
      const alg = surrogateNsga2(problem.space, { populationSize: 60, variation: new MixedVariation({ mutationProb: 0.05, crossoverProb: 0.9 }) }, Rng.fromSeed(seed));
      const seen = drive(alg, (g) => problem.evaluate([g])[0]!, 600);
      const recall = problem.frontRecall(seen.map((g) => problem.indexOf(g)));
      assert.ok(recall >= before[k]!, `seed ${seed}: front recall ${recall} < ${before[k]}`);
    });
  });

  it('predicts constraints too, so screening respects feasibility', () => {
    const constrained = (g: Genome): Evaluation => {
      const e = toy(g);
      return { objectives: e.objectives, constraints: [e.objectives[1]! - 6] };
    };
    const alg = surrogateNsga2(space, { populationSize: 20, surrogate: 'ridge' }, Rng.fromSeed(6));
    drive(alg, constrained, 100);
    assert.equal(alg.pooledCorrelation().tau.length, 3); // two objectives and one constraint
    assert.ok(alg.population().filter((ind) => ind.cv === 0).length >= 15);
  });
});
