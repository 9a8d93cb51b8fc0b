import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Evaluation } from '../../core/individual.js';
import { minimize } from '../../core/minimize.js';
import type { Problem } from '../../core/problem.js';
import { Rng } from '../../core/rng.js';
import { SearchSpace } from '../../core/space.js';
import { maxEvaluations, maxGenerations, anyOf } from '../../core/termination.js';
import { categorical, real, type Genome } from '../../core/variables.js';
import { nsga2 } from '../../operators/algorithms/nsga2.js';

/** ZDT1 with n variables, written here so the engine test does not depend on the benchmark module. */
function zdt1(n: number): Problem {
  return {
    name: 'zdt1-test',
    space: new SearchSpace(Array.from({ length: n }, (_, i) => real(`x${i}`, 0, 1))),
    objectiveNames: ['f1', 'f2'],
    constraintNames: [],
    referencePoint: [1, 1],
    evaluate: (genomes) =>
      genomes.map((x) => {
        let s = 0;
        for (let i = 1; i < x.length; i++) s += x[i] as number;
        const g = 1 + (9 * s) / (x.length - 1);
        const f1 = x[0] as number;
        return { objectives: [f1, g * (1 - Math.sqrt(f1 / g))], constraints: [] };
      }),
  };
}

/** A small discrete problem with a constraint: 6 categorical genes of 4 choices (4,096 genomes). */
function discrete(): Problem {
  return {
    name: 'discrete-test',
    space: new SearchSpace(Array.from({ length: 6 }, (_, i) => categorical(`c${i}`, ['a', 'b', 'c', 'd']))),
    objectiveNames: ['sum', 'spread'],
    constraintNames: ['cap'],
    evaluate: (genomes): Evaluation[] =>
      genomes.map((g) => {
        const sum = g.reduce((a, b) => a + b, 0);
        const spread = Math.max(...g) - Math.min(...g);
        return { objectives: [sum, 3 - spread + (g[0] as number) * 0.1], constraints: [sum - 15] };
      }),
  };
}

const key = (g: Genome) => g.join(',');

test('same seed → identical population; different seed → different', async () => {
  const run = async (seed: number) => {
    const p = zdt1(10);
    const alg = nsga2(p.space, { populationSize: 20 }, Rng.fromSeed(seed));
    const r = await minimize(p, alg, { termination: maxGenerations(15) });
    return r.population.map((i) => [...i.objectives]);
  };
  assert.deepEqual(await run(5), await run(5));
  assert.notDeepEqual(await run(5), await run(6));
});

test('ask/tell by hand gives exactly what minimize gives', async () => {
  const p = zdt1(8);
  const a = nsga2(p.space, { populationSize: 11 }, Rng.fromSeed(9));
  const r = await minimize(p, a, { termination: maxGenerations(10) });
  const b = nsga2(p.space, { populationSize: 11 }, Rng.fromSeed(9));
  while (b.evaluations === 0 || b.generation < 10) {
    const batch = b.ask();
    b.tell(batch, await p.evaluate(batch));
  }
  assert.deepEqual(
    b.population().map((i) => i.genome),
    r.population.map((i) => i.genome),
  );
});

test('a run resumed from a JSON checkpoint ends bit-identical to the uninterrupted run', async () => {
  for (const make of [() => zdt1(6), discrete]) {
    const p = make();
    const whole = nsga2(p.space, { populationSize: 13, offspringSize: 7 }, Rng.fromSeed(3));
    await minimize(p, whole, { termination: maxGenerations(12) });
    const first = nsga2(p.space, { populationSize: 13, offspringSize: 7 }, Rng.fromSeed(3));
    await minimize(p, first, { termination: maxGenerations(5) });
    const saved = JSON.stringify(first.saveState());
    const second = nsga2(p.space, { populationSize: 13, offspringSize: 7 }, Rng.fromSeed(999));
    second.loadState(JSON.parse(saved));
    await minimize(p, second, { termination: maxGenerations(12) });
    assert.equal(JSON.stringify(second.saveState()), JSON.stringify(whole.saveState()));
  }
});

test('any population and offspring size, odd ones too; the population never shrinks', async () => {
  for (const [pop, off] of [
    [1, 1],
    [3, 1],
    [7, 3],
    [13, 13],
    [10, 25],
  ] as const) {
    const p = zdt1(5);
    const alg = nsga2(p.space, { populationSize: pop, offspringSize: off }, Rng.fromSeed(pop * 31 + off));
    const r = await minimize(p, alg, {
      termination: maxGenerations(4),
      onGeneration: ({ algorithm }) => assert.equal(algorithm.population().length, pop),
    });
    assert.equal(r.evaluations, pop + 4 * off);
  }
});

test('discrete space with archive scope: no genome is ever evaluated twice; the budget is exact', async () => {
  const p = discrete();
  const alg = nsga2(p.space, { populationSize: 10, duplicateScope: 'archive' }, Rng.fromSeed(1));
  const seen = new Set<string>();
  const r = await minimize(p, alg, {
    termination: maxEvaluations(157),
    onGeneration: ({ evaluated }) => {
      for (const ind of evaluated) {
        assert.ok(!seen.has(key(ind.genome)), 'duplicate evaluation');
        seen.add(key(ind.genome));
      }
    },
  });
  assert.equal(r.evaluations, 157);
  assert.equal(seen.size, 157);
  assert.ok(r.front.every((i) => i.cv === 0));
});

test('a tiny discrete space is exhausted cleanly', async () => {
  const p: Problem = {
    name: 'tiny',
    space: new SearchSpace([categorical('a', ['x', 'y']), categorical('b', ['x', 'y', 'z'])]),
    objectiveNames: ['f'],
    constraintNames: [],
    evaluate: (gs) => gs.map((g) => ({ objectives: [(g[0] as number) + (g[1] as number)], constraints: [] })),
  };
  const alg = nsga2(p.space, { populationSize: 4, duplicateScope: 'archive' }, Rng.fromSeed(2));
  const r = await minimize(p, alg, { termination: anyOf(maxGenerations(50)) });
  assert.equal(r.evaluations, 6);
  assert.equal(r.stoppedBy, 'exhausted');
});

test('warm start evaluates the given genomes first', async () => {
  const p = zdt1(4);
  const warm = [
    [0, 0, 0, 0],
    [1, 0, 0, 0],
  ];
  const alg = nsga2(p.space, { populationSize: 5, initialGenomes: warm }, Rng.fromSeed(4));
  const first = alg.ask();
  assert.deepEqual(first.slice(0, 2), warm);
  assert.equal(first.length, 5);
});

test('ask/tell misuse is refused', () => {
  const p = zdt1(3);
  const alg = nsga2(p.space, { populationSize: 4 }, Rng.fromSeed(1));
  assert.throws(() => alg.tell([], []));
  alg.ask();
  assert.throws(() => alg.ask());
  assert.throws(() => alg.saveState());
});

test('NSGA-II quality on ZDT1/2/3 (pop 100, 250 generations, 5 seeds) meets the REFERENCE targets', async () => {
  const { Zdt1, Zdt2, Zdt3 } = await import('../../problems/benchmarks/zdt.js');
  const { hypervolume } = await import('../../core/indicators/hypervolume.js');
  const { igd } = await import('../../core/indicators/distance.js');
  const targets: [Problem, number, number | undefined][] = [
    [new Zdt1(), 0.655, 0.007],
    [new Zdt2(), 0.322, undefined],
    [new Zdt3(), 1.035, undefined],
  ];
  for (const [problem, hvMin, igdMax] of targets) {
    let hvSum = 0;
    let igdSum = 0;
    const trueFront = problem.trueFront?.(1000) ?? [];
    for (let seed = 1; seed <= 5; seed++) {
      const alg = nsga2(problem.space, { populationSize: 100 }, Rng.fromSeed(seed));
      const r = await minimize(problem, alg, { termination: maxGenerations(250) });
      const front = r.front.map((i) => [...i.objectives]);
      hvSum += hypervolume(front, [1, 1]);
      igdSum += igd(front, trueFront);
    }
    const hv = hvSum / 5;
    assert.ok(hv >= hvMin, `${problem.name}: mean HV ${hv} < ${hvMin}`);
    if (igdMax !== undefined) assert.ok(igdSum / 5 <= igdMax, `${problem.name}: mean IGD ${igdSum / 5} > ${igdMax}`);
  }
});
