import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { dominates } from '../../core/dominance.js';
import type { Evaluation } from '../../core/individual.js';
import { Rng } from '../../core/rng.js';
import { SearchSpace } from '../../core/space.js';
import { categorical, integer, real, type Genome } from '../../core/variables.js';
import { randomSearch } from '../../operators/algorithms/random_search.js';

const space = new SearchSpace([categorical('a', ['x', 'y', 'z']), integer('b', 0, 3), categorical('c', ['p', 'q'])]); // 24 genomes
const evaluate = (g: Genome): Evaluation => ({ objectives: [g[0]! + g[1]!, 5 - g[1]! + g[2]!], constraints: [] });

describe('random search', () => {
  it('never proposes a genome twice and stops once the space is exhausted', () => {
    const alg = randomSearch(space, { batchSize: 5 }, Rng.fromSeed(1));
    const seen = new Set<string>();
    for (;;) {
      const batch = alg.ask();
      alg.tell(batch, batch.map(evaluate));
      if (batch.length === 0) break;
      for (const g of batch) {
        assert.ok(space.contains(g));
        assert.ok(!seen.has(g.join(',')), `repeat ${g}`);
        seen.add(g.join(','));
      }
    }
    assert.equal(seen.size, 24);
    assert.equal(alg.evaluations, 24);
  });

  it('proposes only repaired genomes, each once, and ends when the repaired space is exhausted', () => {
    // The repair lifts b to at least 2: 3 × 2 × 2 = 12 distinct repaired genomes.
    const liftB = { name: 'lift-b', repair: (_s: SearchSpace, g: Genome) => (g[1]! >= 2 ? g : [g[0]!, 2, g[2]!]) };
    const alg = randomSearch(space, { batchSize: 5, repair: liftB, maxDrawsPerGenome: 50 }, Rng.fromSeed(3));
    const seen = new Set<string>();
    for (let round = 0; round < 20; round++) {
      const batch = alg.ask();
      alg.tell(batch, batch.map(evaluate));
      for (const g of batch) {
        assert.ok(g[1]! >= 2, `unrepaired ${g}`);
        assert.ok(!seen.has(g.join(',')), `repeat ${g}`);
        seen.add(g.join(','));
      }
    }
    assert.equal(seen.size, 12);
  });

  it('reports the non-dominated archive of everything evaluated', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 1, max: 24 }), (seed, budget) => {
        const alg = randomSearch(space, { batchSize: 7 }, Rng.fromSeed(seed));
        const all: number[][] = [];
        while (alg.evaluations < budget) {
          const batch = alg.ask(budget - alg.evaluations);
          const ev = batch.map(evaluate);
          alg.tell(batch, ev);
          all.push(...ev.map((e) => [...e.objectives]));
        }
        const pop = alg.population();
        for (const ind of pop) assert.ok(!all.some((p) => dominates(p, ind.objectives)));
        for (const p of all) assert.ok(pop.some((ind) => !dominates(p, ind.objectives) && (dominates(ind.objectives, p) || ind.objectives.every((x, j) => x === p[j]))));
      }),
      { numRuns: 50 },
    );
  });

  it('keeps only feasible members once one is feasible', () => {
    const alg = randomSearch(space, { batchSize: 24 }, Rng.fromSeed(3));
    const batch = alg.ask();
    alg.tell(batch, batch.map((g) => ({ objectives: [g[0]!, -g[0]!], constraints: [g[1]! - 1] })));
    assert.ok(alg.population().length > 0);
    for (const ind of alg.population()) assert.equal(ind.cv, 0);
  });

  it('respects the ask limit and works in real spaces', () => {
    const r = randomSearch(new SearchSpace([real('x', 0, 1), real('y', -1, 1)]), {}, Rng.fromSeed(2));
    const batch = r.ask(7);
    assert.equal(batch.length, 7);
    r.tell(batch, batch.map((g) => ({ objectives: [g[0]!, g[1]!], constraints: [] })));
    assert.equal(r.evaluations, 7);
  });

  it('resumes bit-identically', () => {
    const run = (alg: ReturnType<typeof randomSearch>, n: number) => {
      while (alg.evaluations < n) {
        const b = alg.ask(n - alg.evaluations);
        alg.tell(b, b.map(evaluate));
      }
    };
    const a = randomSearch(space, { batchSize: 4 }, Rng.fromSeed(8));
    run(a, 10);
    const b = randomSearch(space, { batchSize: 4 }, Rng.fromSeed(0));
    b.loadState(JSON.parse(JSON.stringify(a.saveState())));
    run(a, 20);
    run(b, 20);
    assert.deepEqual(b.saveState(), a.saveState());
    assert.throws(() => b.loadState({ ...a.saveState(), algorithm: 'nsga2' }), /nsga2/);
  });
});
