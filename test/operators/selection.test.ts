import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { makeIndividual, type Individual } from '../../core/individual.js';
import { Rng } from '../../core/rng.js';
import { BinaryTournamentSelection, tournament } from '../../operators/selection/binary_tournament.js';
import { RandomSelection } from '../../operators/selection/random_selection.js';

function ind(id: number, cv: number, rank: number, crowding: number): Individual {
  const i = makeIndividual([id], { objectives: [0, 0], constraints: [cv] });
  i.rank = rank;
  i.crowding = crowding;
  return i;
}

const popArb = fc.array(
  fc.record({ cv: fc.constantFrom(0, 0, 1, 2), rank: fc.integer({ min: 0, max: 3 }), crowding: fc.constantFrom(0, 0.5, 1, Infinity) }),
  { minLength: 1, maxLength: 30 },
);

describe('BinaryTournamentSelection', () => {
  it('decides by cv, then rank, then crowding, then a coin', () => {
    const rng = Rng.fromSeed(5);
    const feasible = ind(0, 0, 3, 0);
    const infeasible = ind(1, 1, 0, Infinity);
    assert.equal(tournament(feasible, infeasible, rng), feasible);
    assert.equal(tournament(infeasible, feasible, rng), feasible);
    assert.equal(tournament(ind(2, 2, 0, 9), ind(3, 1, 5, 0), rng).genome[0], 3, 'smaller violation wins');
    assert.equal(tournament(ind(4, 0, 1, 9), ind(5, 0, 0, 0), rng).genome[0], 5, 'lower rank wins');
    assert.equal(tournament(ind(6, 0, 1, 0.2), ind(7, 0, 1, Infinity), rng).genome[0], 7, 'larger crowding wins');
    const a = ind(8, 0, 1, 1);
    const b = ind(9, 0, 1, 1);
    const wins = new Set<number>();
    for (let t = 0; t < 50; t++) wins.add(tournament(a, b, rng).genome[0]!);
    assert.deepEqual([...wins].sort(), [8, 9], 'ties go either way');
  });

  it('returns count members of the population, deterministically given the seed; never picks the worst of a pair', () => {
    fc.assert(
      fc.property(popArb, fc.integer({ min: 0, max: 40 }), fc.nat(), (specs, count, seed) => {
        const pop = specs.map((s, i) => ind(i, s.cv, s.rank, s.crowding));
        const sel = new BinaryTournamentSelection();
        const a = sel.select(pop, count, Rng.fromSeed(seed));
        const b = sel.select(pop, count, Rng.fromSeed(seed));
        assert.equal(a.length, count);
        assert.deepEqual(a, b);
        for (const x of a) assert.ok(pop.includes(x));
        // The unique worst member (by cv, rank, crowding) can never win a tournament.
        if (pop.length >= 2) {
          const key = (x: Individual): [number, number, number] => [x.cv, x.rank, -x.crowding];
          const cmp = (x: Individual, y: Individual): number => {
            const [p, q] = [key(x), key(y)];
            for (let k = 0; k < 3; k++) if (p[k] !== q[k]) return p[k]! < q[k]! ? -1 : 1;
            return 0;
          };
          const sorted = [...pop].sort(cmp);
          const worst = sorted[sorted.length - 1]!;
          if (cmp(sorted[sorted.length - 2]!, worst) !== 0) assert.ok(!a.includes(worst));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('favours better members: the best wins every tournament it enters', () => {
    const pop = Array.from({ length: 10 }, (_, i) => ind(i, 0, i, 1));
    const picks = new BinaryTournamentSelection().select(pop, 20000, Rng.fromSeed(9));
    const best = picks.filter((p) => p.genome[0] === 0).length / picks.length;
    // Member 0 wins every tournament it enters: P = 1 − (9/10)(8/9) = 0.2.
    assert.ok(Math.abs(best - 0.2) < 0.015, String(best));
  });

  it('handles populations of one and count 0; rejects an empty population', () => {
    const one = [ind(0, 0, 0, 0)];
    assert.deepEqual(new BinaryTournamentSelection().select(one, 3, Rng.fromSeed(1)), [one[0], one[0], one[0]]);
    assert.deepEqual(new BinaryTournamentSelection().select([], 0, Rng.fromSeed(1)), []);
    assert.throws(() => new BinaryTournamentSelection().select([], 1, Rng.fromSeed(1)), RangeError);
  });
});

describe('RandomSelection', () => {
  it('is uniform and deterministic given the seed', () => {
    const pop = Array.from({ length: 5 }, (_, i) => ind(i, i, i, 0));
    const sel = new RandomSelection();
    const picks = sel.select(pop, 50000, Rng.fromSeed(2));
    assert.deepEqual(
      picks.map((p) => p.genome[0]),
      sel.select(pop, 50000, Rng.fromSeed(2)).map((p) => p.genome[0]),
    );
    const counts = pop.map((p) => picks.filter((q) => q === p).length / picks.length);
    for (const c of counts) assert.ok(Math.abs(c - 0.2) < 0.01, String(c));
    assert.throws(() => sel.select([], 1, Rng.fromSeed(1)), RangeError);
    assert.deepEqual(sel.select([], 0, Rng.fromSeed(1)), []);
  });
});
