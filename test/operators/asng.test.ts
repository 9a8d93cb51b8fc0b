import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { Algorithm } from '../../core/algorithm.js';
import type { Evaluation } from '../../core/individual.js';
import { Rng } from '../../core/rng.js';
import { SearchSpace } from '../../core/space.js';
import { binary, categorical, integer, real, type Genome } from '../../core/variables.js';
import { asng } from '../../operators/algorithms/asng.js';
import {
  asngUpdate,
  defaultThetaMin,
  fisherWhitened,
  initialParameters,
  naturalGradient,
  rankingUtility,
  restrictRange,
  type AsngSettings,
} from '../../operators/algorithms/asng_update.js';

const close = (a: number, b: number, tol = 1e-12) => assert.ok(Math.abs(a - b) <= tol, `${a} ≉ ${b}`);

function settings(categories: number[], over: Partial<AsngSettings> = {}): AsngSettings {
  return { alpha: 1.5, deltaInit: 1, DeltaMax: Infinity, thetaMin: defaultThetaMin(categories), ...over };
}

/** Drives ask/tell by hand for `evaluations` distinct evaluations. */
function drive(alg: Algorithm, evaluate: (g: Genome) => Evaluation, evaluations: number): void {
  while (alg.evaluations < evaluations) {
    const batch = alg.ask(evaluations - alg.evaluations);
    alg.tell(batch, batch.map(evaluate));
    if (batch.length === 0) break;
  }
}

describe('ASNG ranking utility', () => {
  it('gives +1 to the better and -1 to the worse of two samples', () => {
    assert.deepEqual(rankingUtility([[3], [1]]), [-1, 1]);
  });
  it('makes tied samples share their slots (equal utilities for a tie of two)', () => {
    assert.deepEqual(rankingUtility([[2], [2]]), [0, 0]);
    // λ = 4, μ = 1: slots [1, 0, 0, -1]; the two best tie → 0.5 each.
    assert.deepEqual(rankingUtility([[1], [5], [1], [3]]), [0.5, -1, 0.5, 0]);
  });
  it('ranks lexicographic losses: any [1, cv] below any [0, f]', () => {
    assert.deepEqual(rankingUtility([[1, 0.01], [0, 99]]), [-1, 1]);
  });
});

describe('ASNG update, hand-worked', () => {
  it('d = 1, K = 2: θ, s, γ, Δ after one step (δ_init 0.5, θ_min 0.1)', () => {
    // Best sample category 0, worst category 1: g = ½([1,0]−[0,1]) = [½, −½];
    // s_0 = ½/√½ + √½·½/(½+√½) = 1 → ‖s‖ = 1; θ ← θ + 0.5·g = [0.75, 0.25] (inside the floor).
    // β = δ/√N = 0.5; s = √(β(2−β))·1 = √0.75; γ = 0.75; Δ = exp(β(γ − ‖s‖²/α)) = exp(0.5·0.25).
    const p0 = initialParameters([2]);
    const step = asngUpdate(p0, [[0], [1]], [[1], [2]], settings([2], { deltaInit: 0.5, thetaMin: [0.1] }));
    assert.equal(step.updated, true);
    close(step.gradientNorm, 1);
    close(step.parameters.theta[0]![0]!, 0.75);
    close(step.parameters.theta[0]![1]!, 0.25);
    close(step.parameters.s[0]!, Math.sqrt(0.75));
    close(step.parameters.gamma, 0.75);
    close(step.parameters.Delta, Math.exp(0.125));
  });

  it('d = 1, K = 2 with δ_init 1: θ = [1, 0] is pulled back onto the floor 0.1 → [0.9, 0.1]', () => {
    const step = asngUpdate(initialParameters([2]), [[1], [0]], [[0], [7]], settings([2], { thetaMin: [0.1] }));
    close(step.parameters.theta[0]![0]!, 0.1);
    close(step.parameters.theta[0]![1]!, 0.9);
  });

  it('d = 1: the default floor 1/(d(K−1)) would exceed 1/K, so it is capped and θ stays uniform', () => {
    assert.deepEqual(defaultThetaMin([2]), [0.5]);
    const step = asngUpdate(initialParameters([2]), [[0], [1]], [[1], [2]], settings([2]));
    assert.deepEqual(step.parameters.theta, [[0.5, 0.5]]);
  });

  it('d = 2, K = 3: gradient, Fisher norm √1.5, floor 1/4 and renormalisation', () => {
    // Samples (0,1) best and (2,1) worst: g_1 = [½, 0, −½], g_2 = 0.
    const p0 = initialParameters([3, 3]);
    const g = naturalGradient(p0.theta, [[0, 1], [2, 1]], [1, -1]);
    assert.deepEqual(g[1], [0, 0, 0]);
    g[0]!.forEach((x, j) => close(x, [0.5, 0, -0.5][j]!));
    // s_j = g_j/√θ_j + √θ_j Σ_{l<2} g_l/(θ_3 + √θ_3), θ = 1/3: Σ = ½.
    const t = 1 / 3;
    const tail = (Math.sqrt(t) * 0.5) / (t + Math.sqrt(t));
    const sg = fisherWhitened(p0.theta, g);
    close(sg[0]!, 0.5 / Math.sqrt(t) + tail);
    close(sg[1]!, tail);
    close(sg[2]!, 0);
    close(sg[3]!, 0);
    close(Math.hypot(...sg), Math.sqrt(1.5)); // Fisher norm = √Σ g²/θ = √(¼·3 + ¼·3)

    const step = asngUpdate(p0, [[0, 1], [2, 1]], [[0.1], [0.9]], settings([3, 3]));
    assert.deepEqual(defaultThetaMin([3, 3]), [0.25, 0.25]);
    // θ_1 + g_1/√1.5 = [1/3 + 0.408, 1/3, 1/3 − 0.408] → clip the last to 0.25, then remove the
    // excess from the mass above the floor, proportionally.
    const moved = [t + 0.5 / Math.sqrt(1.5), t, 0.25];
    const sum = moved[0]! + moved[1]! + moved[2]!;
    const expected = moved.map((x) => x - ((sum - 1) * (x - 0.25)) / (sum - 0.75));
    const norm = expected[0]! + expected[1]! + expected[2]!;
    step.parameters.theta[0]!.forEach((x, j) => close(x, expected[j]! / norm));
    close(step.parameters.theta[0]![0]!, 0.463763, 1e-6);
    close(step.parameters.theta[0]![1]!, 0.286237, 1e-6);
    close(step.parameters.theta[0]![2]!, 0.25);
    step.parameters.theta[1]!.forEach((x) => close(x, t));
    // β = 1/√4; s = √(β(2−β)) sg/‖sg‖ → ‖s‖² = 0.75 = γ; Δ = exp(0.5·(0.75 − 0.75/1.5)).
    close(step.parameters.s.reduce((a, x) => a + x * x, 0), 0.75);
    close(step.parameters.gamma, 0.75);
    close(step.parameters.Delta, Math.exp(0.125));
  });

  it('δ shrinks as Δ grows: the second step uses δ_init/Δ', () => {
    const s = settings([3, 3]);
    const a = asngUpdate(initialParameters([3, 3]), [[0, 0], [1, 1]], [[0], [1]], s);
    const b = asngUpdate(a.parameters, [[0, 0], [1, 1]], [[0], [1]], s);
    close(b.delta, 1 / a.parameters.Delta);
  });
});

describe('ASNG fixed points and floor', () => {
  it('equal utilities leave θ, s, γ and Δ unchanged', () => {
    const p0 = initialParameters([3, 4, 2]);
    const step = asngUpdate(p0, [[0, 1, 0], [2, 3, 1]], [[0.5], [0.5]], settings([3, 4, 2]));
    assert.equal(step.updated, false);
    assert.deepEqual(step.parameters, p0);
  });

  it('identical samples leave θ unchanged whatever their losses', () => {
    const p0 = initialParameters([3, 3]);
    const step = asngUpdate(p0, [[1, 2], [1, 2]], [[0], [1]], settings([3, 3]));
    assert.deepEqual(step.parameters.theta, p0.theta);
  });

  it('keeps every probability ≥ θ_min and every θ_i summing to 1 (property)', () => {
    const cats = [2, 3, 5, 4];
    const s = settings(cats);
    const sample = fc.tuple(...cats.map((k) => fc.integer({ min: 0, max: k - 1 })));
    fc.assert(
      fc.property(fc.array(fc.tuple(sample, sample, fc.double({ min: -1, max: 1, noNaN: true }), fc.double({ min: -1, max: 1, noNaN: true })), { minLength: 1, maxLength: 60 }), (steps) => {
        let p = initialParameters(cats);
        for (const [a, b, fa, fb] of steps) p = asngUpdate(p, [a, b], [[fa], [fb]], s).parameters;
        p.theta.forEach((th, i) => {
          close(th.reduce((x, y) => x + y, 0), 1, 1e-9);
          for (const x of th) assert.ok(x >= (s.thetaMin[i] as number) - 1e-12, `θ ${x} below floor ${s.thetaMin[i]}`);
        });
        assert.ok(Number.isFinite(p.Delta) && p.Delta > 0);
      }),
      { numRuns: 200 },
    );
  });

  it('restrictRange is the identity inside the floor and lands on the floor otherwise', () => {
    assert.deepEqual(restrictRange([0.5, 0.3, 0.2], 0.1), [0.5, 0.3, 0.2]);
    const r = restrictRange([1.2, 0, -0.2], 0.1);
    close(r[1]!, 0.1);
    close(r[2]!, 0.1);
    close(r[0]!, 0.8);
  });
});

describe('ASNG as an ask/tell strategy', () => {
  const target = [3, 0, 2, 1, 3, 3, 0, 1, 2, 2];
  const space = new SearchSpace(target.map((_, i) => categorical(`x${i}`, ['a', 'b', 'c', 'd'])));
  const oneMax = (g: Genome): Evaluation => ({ objectives: [g.filter((x, i) => x !== target[i]).length], constraints: [] });

  it('converges on a one-max-style categorical problem', () => {
    for (const seed of [1, 2, 3]) {
      const alg = asng(space, {}, Rng.fromSeed(seed));
      drive(alg, oneMax, 600);
      assert.deepEqual(alg.mode(), target, `seed ${seed}`);
      const theta = alg.distribution();
      // Converged: the target's probability sits at the ceiling 1 − (K−1)θ_min.
      theta.forEach((t, i) => assert.ok(t[target[i]!]! > 0.8, `θ_${i} = ${t}`));
      assert.ok(alg.population().some((ind) => ind.objectives[0] === 0));
    }
  });

  it('never asks for a genome it has evaluated before (losses are reused)', () => {
    const alg = asng(space, {}, Rng.fromSeed(5));
    const seen = new Set<string>();
    while (alg.evaluations < 300) {
      const batch = alg.ask();
      for (const g of batch) {
        assert.ok(!seen.has(g.join(',')));
        seen.add(g.join(','));
      }
      alg.tell(batch, batch.map(oneMax));
    }
    assert.ok(alg.generation >= 150);
  });

  it('maps integer and binary genes onto categories', () => {
    const mixed = new SearchSpace([integer('n', 3, 6), binary('b'), categorical('c', ['x', 'y', 'z'])]);
    assert.throws(() => asng(new SearchSpace([real('r', 0, 1)]), {}, Rng.fromSeed(1)), /real/);
    const alg = asng(mixed, {}, Rng.fromSeed(9));
    // Best at n = 5, b = 1, c = z.
    drive(alg, (g) => ({ objectives: [Math.abs(g[0]! - 5) + (1 - g[1]!) + (g[2] === 2 ? 0 : 1)], constraints: [] }), 24);
    for (const ind of alg.population()) assert.ok(mixed.contains(ind.genome));
    assert.deepEqual(alg.mode(), [5, 1, 2]);
  });

  it("'rank' puts every infeasible sample below the feasible ones; 'penalty' trades them off", () => {
    // f = −(number of 3s): best with all 3s, but more than four 3s violates the constraint.
    const evaluate = (g: Genome): Evaluation => {
      const threes = g.filter((x) => x === 3).length;
      return { objectives: [-threes, 0], constraints: [threes - 4] };
    };
    const ranked = asng(space, { constraint: 'rank' }, Rng.fromSeed(4));
    drive(ranked, evaluate, 800);
    const mode = ranked.mode();
    assert.equal(mode.filter((x) => x === 3).length, 4, `rank: ${mode}`);
    const weak = asng(space, { constraint: 'penalty', penalty: 0.5 }, Rng.fromSeed(4));
    drive(weak, evaluate, 800);
    // A violation costs only 0.5 per extra 3 while each 3 gains 1: the penalty is too weak.
    assert.ok(weak.mode().filter((x) => x === 3).length > 4);
    // The archive keeps the feasible non-dominated individuals once any is feasible.
    for (const ind of ranked.population()) assert.equal(ind.cv, 0);
  });

  it('scalarises a multi-objective problem by the chosen objective index', () => {
    const evaluate = (g: Genome): Evaluation => ({ objectives: [oneMax(g).objectives[0]!, -oneMax(g).objectives[0]!], constraints: [] });
    const alg = asng(space, { objective: 1 }, Rng.fromSeed(2));
    drive(alg, evaluate, 400);
    // Maximising the distance to the target: no gene ends at its target value.
    alg.mode().forEach((x, i) => assert.notEqual(x, target[i]));
  });

  it('resumes bit-identically from a saved state (also mid-step, after a cut ask)', () => {
    const run = (alg: Algorithm, n: number) => drive(alg, oneMax, n);
    const a = asng(space, {}, Rng.fromSeed(11));
    run(a, 101); // odd: the last ask was cut by the limit, a step is half-done
    const saved = JSON.parse(JSON.stringify(a.saveState()));
    const b = asng(space, {}, Rng.fromSeed(999));
    b.loadState(saved);
    run(a, 300);
    run(b, 300);
    assert.deepEqual(b.saveState(), a.saveState());
  });

  it('without reuse it asks for every sample, repeats included', () => {
    const alg = asng(space, { reuseEvaluations: false }, Rng.fromSeed(3));
    for (let i = 0; i < 5; i++) {
      const batch = alg.ask();
      assert.equal(batch.length, 2);
      alg.tell(batch, batch.map(oneMax));
    }
    assert.equal(alg.generation, 5);
  });
});
