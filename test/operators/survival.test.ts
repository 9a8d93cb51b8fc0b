import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { crowdingDistance } from '../../core/crowding.js';
import { makeIndividual, type Individual } from '../../core/individual.js';
import { Rng } from '../../core/rng.js';
import { constrainedNonDominatedSort } from '../../core/sorting/constrained_sort.js';
import { ranksFromFronts } from '../../core/sorting/non_dominated_sort.js';
import { assignRankAndCrowding, RankAndCrowdingSurvival } from '../../operators/survival/rank_and_crowding.js';

interface Spec {
  objectives: number[];
  constraint: number;
  failed: boolean;
}

function individuals(specs: readonly Spec[]): Individual[] {
  return specs.map((s, i) =>
    makeIndividual([i], s.failed ? { objectives: s.objectives, constraints: [s.constraint], failure: 'crashed' } : { objectives: s.objectives, constraints: [s.constraint] }),
  );
}

const specArb = (m: number): fc.Arbitrary<Spec> =>
  fc.record({
    objectives: fc.array(fc.integer({ min: 0, max: 5 }), { minLength: m, maxLength: m }),
    // Mostly feasible (g <= 0), some violations of a few sizes, rare failures.
    constraint: fc.oneof({ weight: 4, arbitrary: fc.constant(-1) }, { weight: 2, arbitrary: fc.integer({ min: 1, max: 3 }) }),
    failed: fc.oneof({ weight: 9, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  });

const caseArb = fc
  .constantFrom(2, 3)
  .chain((m) => fc.array(specArb(m), { maxLength: 40 }))
  .chain((specs) => fc.tuple(fc.constant(specs), fc.integer({ min: 0, max: specs.length + 3 }), fc.nat()));

describe('RankAndCrowdingSurvival', () => {
  it('returns exactly min(count, n) distinct candidates; feasible before infeasible; whole fronts then the most crowded-apart', () => {
    fc.assert(
      fc.property(caseArb, fc.constantFrom<'index' | 'random'>('index', 'random'), ([specs, count, seed], ties) => {
        const pop = individuals(specs);
        const survivors = new RankAndCrowdingSurvival({ ties }).survive(pop, count, Rng.fromSeed(seed));
        assert.equal(survivors.length, Math.min(count, pop.length));
        assert.equal(new Set(survivors).size, survivors.length);
        for (const s of survivors) assert.ok(pop.includes(s));

        // Any infeasible survivor means every feasible candidate survived.
        if (survivors.some((s) => s.cv > 0)) for (const p of pop) if (p.cv === 0) assert.ok(survivors.includes(p));

        // rank = constrained front index; ranks non-decreasing in the returned order.
        const fronts = constrainedNonDominatedSort(
          pop.map((p) => p.objectives),
          pop.map((p) => p.cv),
        );
        const rank = ranksFromFronts(fronts, pop.length);
        survivors.forEach((s, t) => {
          assert.equal(s.rank, rank[pop.indexOf(s)]);
          if (t > 0) assert.ok(survivors[t - 1]!.rank <= s.rank);
        });
        // Fronts before the last one are taken whole; nothing from later fronts.
        if (survivors.length > 0) {
          const last = survivors[survivors.length - 1]!.rank;
          pop.forEach((p, i) => {
            if (rank[i]! < last) assert.ok(survivors.includes(p), 'earlier fronts whole');
            if (rank[i]! > last) assert.ok(!survivors.includes(p), 'no later fronts');
          });
          // Inside the split front, survivors have crowding >= the left-outs (computed on the whole front).
          const front = fronts[last]!;
          const crowding = crowdingDistance(front.map((i) => pop[i]!.objectives));
          const kept = front.map((i, t) => ({ ind: pop[i]!, c: crowding[t]! }));
          const minKept = Math.min(...kept.filter((k) => survivors.includes(k.ind)).map((k) => k.c));
          for (const k of kept) {
            if (survivors.includes(k.ind)) assert.equal(k.ind.crowding, k.c);
            else assert.ok(k.c <= minKept);
          }
        }
        for (const s of survivors) assert.ok(!Number.isNaN(s.crowding) && s.crowding >= 0);
      }),
      { numRuns: 250 },
    );
  });

  it('is deterministic given the rng; index tie-breaking draws nothing from it', () => {
    fc.assert(
      fc.property(caseArb, ([specs, count, seed]) => {
        const a = individuals(specs);
        const b = individuals(specs);
        const rng = Rng.fromSeed(seed);
        const before = rng.state();
        const sa = new RankAndCrowdingSurvival().survive(a, count, rng);
        assert.deepEqual(rng.state(), before);
        const sb = new RankAndCrowdingSurvival().survive(b, count, Rng.fromSeed(seed));
        assert.deepEqual(
          sa.map((s) => a.indexOf(s)),
          sb.map((s) => b.indexOf(s)),
        );
        const ra = new RankAndCrowdingSurvival({ ties: 'random' }).survive(individuals(specs), count, Rng.fromSeed(seed));
        const rb = new RankAndCrowdingSurvival({ ties: 'random' }).survive(individuals(specs), count, Rng.fromSeed(seed));
        assert.deepEqual(
          ra.map((s) => s.genome[0]),
          rb.map((s) => s.genome[0]),
        );
      }),
      { numRuns: 100 },
    );
  });

  it('hand case: NSGA-II truncation of the last front by crowding', () => {
    const pop = individuals([
      { objectives: [0, 4], constraint: 0, failed: false }, // front 0 boundary
      { objectives: [1, 3], constraint: 0, failed: false }, // crowding (1.5/4 + 1.5/4)/2 = 0.375 -> dropped
      { objectives: [1.5, 2.5], constraint: 0, failed: false }, // (2/4 + 2/4)/2 = 0.5
      { objectives: [3, 1], constraint: 0, failed: false }, // (2.5/4 + 2.5/4)/2 = 0.625
      { objectives: [4, 0], constraint: 0, failed: false }, // boundary
      { objectives: [5, 5], constraint: 0, failed: false }, // front 1
      { objectives: [0, 0], constraint: 1, failed: false }, // infeasible
      { objectives: [0, 0], constraint: 0, failed: true }, // failed
    ]);
    const survivors = new RankAndCrowdingSurvival().survive(pop, 4, Rng.fromSeed(1));
    assert.deepEqual(
      survivors.map((s) => s.genome[0]),
      [0, 4, 3, 2],
    );
    assert.deepEqual(
      survivors.map((s) => s.crowding),
      [Infinity, Infinity, 0.625, 0.5],
    );
    const all = new RankAndCrowdingSurvival().survive(pop, 100, Rng.fromSeed(1));
    assert.deepEqual(
      all.map((s) => [s.genome[0], s.rank]),
      [
        [0, 0],
        [1, 0],
        [2, 0],
        [3, 0],
        [4, 0],
        [5, 1],
        [6, 2],
        [7, 3],
      ],
    );
    assert.deepEqual(new RankAndCrowdingSurvival().survive(pop, 0, Rng.fromSeed(1)), []);
    assert.throws(() => new RankAndCrowdingSurvival().survive(pop, -1, Rng.fromSeed(1)), RangeError);
  });

  it('assignRankAndCrowding sets rank and crowding on everyone', () => {
    const pop = individuals([
      { objectives: [0, 1], constraint: 0, failed: false },
      { objectives: [1, 0], constraint: 0, failed: false },
      { objectives: [0.5, 0.5], constraint: 0, failed: false },
      { objectives: [2, 2], constraint: 0, failed: false },
      { objectives: [0, 0], constraint: 2, failed: false },
    ]);
    assignRankAndCrowding(pop);
    assert.deepEqual(
      pop.map((p) => p.rank),
      [0, 0, 0, 1, 2],
    );
    assert.deepEqual(
      pop.map((p) => p.crowding),
      [Infinity, Infinity, 1, Infinity, Infinity],
    );
  });
});
