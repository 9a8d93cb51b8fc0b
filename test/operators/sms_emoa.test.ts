import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { makeIndividual } from '../../core/individual.js';
import { hypervolume, hypervolumeContributions } from '../../core/indicators/hypervolume.js';
import { minimize } from '../../core/minimize.js';
import { Rng } from '../../core/rng.js';
import { maxEvaluations } from '../../core/termination.js';
import { contributions2d, frontContributions, HypervolumeContributionSurvival } from '../../operators/algorithms/hypervolume_contribution_survival.js';
import { smsEmoa } from '../../operators/algorithms/sms_emoa.js';
import { Dtlz2 } from '../../problems/benchmarks/dtlz.js';
import { Zdt1 } from '../../problems/benchmarks/zdt.js';

const ind = (objectives: number[], cv = 0) => makeIndividual([0], { objectives, constraints: cv > 0 ? [cv] : [0] });

describe('hypervolume contributions', () => {
  it('bi-objective: inner boxes, infinite extremes, copies 0 (Beume et al.)', () => {
    assert.deepEqual(contributions2d([[0, 1], [0.5, 0.5], [1, 0]]), [Infinity, 0.25, Infinity]);
    // Each of two copies is covered by the other: both have exclusive contribution 0.
    assert.deepEqual(contributions2d([[1, 0], [0.2, 0.9], [0.5, 0.5], [0.5, 0.5]]), [Infinity, Infinity, 0, 0]);
    assert.deepEqual(contributions2d([[1, 0], [0.2, 0.9], [0.5, 0.5]]), [Infinity, Infinity, 0.5 * 0.4]);
  });

  it('inner contributions agree with HV(all) − HV(all but i) (property)', () => {
    const point = fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }));
    fc.assert(
      fc.property(fc.array(point, { minLength: 3, maxLength: 12 }), (raw) => {
        // A mutually non-dominated front: sort by x, give it strictly decreasing y.
        const xs = [...new Set(raw.map(([x]) => x))].sort((a, b) => a - b);
        if (xs.length < 3) return;
        const front = xs.map((x, i) => [x, 1 - i / xs.length]);
        const mine = contributions2d(front);
        const exact = hypervolumeContributions(front, [2, 2]);
        for (let i = 1; i < front.length - 1; i++) assert.ok(Math.abs(mine[i]! - exact[i]!) < 1e-12);
      }),
    );
  });

  it('three objectives: normalised, boundary points finite, interior ones positive', () => {
    const c = frontContributions([[0, 0, 1], [0, 1, 0], [1, 0, 0], [0.4, 0.4, 0.4]]);
    for (const x of c) assert.ok(Number.isFinite(x) && x > 0);
  });
});

describe('SMS-EMOA survival', () => {
  it('discards the least contributor of the last front, dominated points first', () => {
    const s = new HypervolumeContributionSurvival();
    const pool = [ind([0, 1]), ind([0.5, 0.5]), ind([0.45, 0.56]), ind([1, 0]), ind([0.6, 0.6])];
    const three = s.survive(pool, 3, Rng.fromSeed(1)).map((i) => i.objectives);
    assert.deepEqual(three, [[0, 1], [0.5, 0.5], [1, 0]]);
    // 4 survivors: the dominated [0.6, 0.6] goes first.
    assert.ok(!s.survive(pool, 4, Rng.fromSeed(1)).some((i) => i.objectives[0] === 0.6));
  });

  it('drops the most violating infeasible member before any feasible one, and sets rank/crowding', () => {
    const s = new HypervolumeContributionSurvival();
    const out = s.survive([ind([0, 0], 2), ind([5, 5]), ind([1, 1], 1)], 2, Rng.fromSeed(1));
    assert.deepEqual(out.map((i) => i.cv), [0, 1]);
    assert.deepEqual(out.map((i) => i.rank), [0, 1]);
    assert.equal(out[0]!.crowding, Infinity);
  });
});

describe('SMS-EMOA', () => {
  it('reaches a good ZDT1 front (HV ≥ 0.64 wrt (1,1) in 8,000 evaluations)', async () => {
    const problem = new Zdt1();
    const alg = smsEmoa(problem.space, { populationSize: 100 }, Rng.fromSeed(1));
    const r = await minimize(problem, alg, { termination: maxEvaluations(8000) });
    assert.equal(r.evaluations, 8000);
    assert.equal(r.generation, 7900);
    const hv = hypervolume(r.front.map((i) => [...i.objectives]), [1, 1]);
    assert.ok(hv >= 0.64, `HV ${hv}`);
  });

  it('handles three objectives (DTLZ2)', async () => {
    const problem = new Dtlz2({ m: 3 });
    const alg = smsEmoa(problem.space, { populationSize: 40 }, Rng.fromSeed(2));
    const r = await minimize(problem, alg, { termination: maxEvaluations(1500) });
    const hv = hypervolume(r.front.map((i) => [...i.objectives]), [1.1, 1.1, 1.1]);
    assert.ok(hv > 0.5, `HV ${hv}`); // true front: 1.331 − π/6 ≈ 0.80
  });

  it('resumes bit-identically', async () => {
    const problem = new Zdt1({ n: 5 });
    const a = smsEmoa(problem.space, { populationSize: 20 }, Rng.fromSeed(3));
    await minimize(problem, a, { termination: maxEvaluations(200) });
    const b = smsEmoa(problem.space, { populationSize: 20 }, Rng.fromSeed(4));
    b.loadState(JSON.parse(JSON.stringify(a.saveState())));
    await minimize(problem, a, { termination: maxEvaluations(400) });
    await minimize(problem, b, { termination: maxEvaluations(400) });
    assert.deepEqual(b.saveState(), a.saveState());
  });
});
