import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { constrainedDominates, dominates } from '../../core/dominance.js';
import { Rng } from '../../core/rng.js';
import { constrainedNonDominatedSort } from '../../core/sorting/constrained_sort.js';
import { divideAndConquerRanks } from '../../core/sorting/divide_and_conquer_sort.js';
import { lexicographicOrder } from '../../core/sorting/lexicographic.js';
import { naiveNonDominatedSort, nonDominatedSort, ranksFromFronts, type Fronts } from '../../core/sorting/non_dominated_sort.js';

type Points = number[][];

/** Points with many ties and copies: small integer grids, a few exact repeats, or doubles. */
function pointsArb(m: number, maxLength: number): fc.Arbitrary<Points> {
  const integer = fc.integer({ min: 0, max: 4 });
  const real = fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true });
  const special = fc.constantFrom(-Infinity, Infinity, 0, -0, 1);
  const coord = fc.oneof({ weight: 3, arbitrary: integer }, { weight: 2, arbitrary: real }, { weight: 1, arbitrary: special });
  const base = fc.array(fc.array(coord, { minLength: m, maxLength: m }), { minLength: 0, maxLength: maxLength });
  // Repeat some points exactly, so copies are common.
  return fc.tuple(base, fc.array(fc.nat(), { maxLength: 10 })).map(([pts, picks]) => {
    if (pts.length === 0) return pts;
    return [...pts, ...picks.map((k) => [...(pts[k % pts.length] as number[])])];
  });
}

const dims = fc.constantFrom(1, 2, 3, 4, 5);
const pointsAnyM = (maxLength: number): fc.Arbitrary<Points> => dims.chain((m) => pointsArb(m, maxLength));

function checkFronts(points: Points, fronts: Fronts): void {
  const seen = new Set<number>();
  for (const front of fronts) {
    assert.ok(front.length > 0, 'no empty fronts');
    for (let t = 1; t < front.length; t++) assert.ok((front[t - 1] as number) < (front[t] as number), 'indices ascending');
    for (const i of front) {
      assert.ok(!seen.has(i), 'each point once');
      seen.add(i);
    }
  }
  assert.equal(seen.size, points.length, 'every point placed');
  const rank = ranksFromFronts(fronts, points.length);
  for (let i = 0; i < points.length; i++) {
    for (let j = 0; j < points.length; j++) {
      const a = points[i] as number[];
      const b = points[j] as number[];
      // No member of a front is dominated by a member of the same or a later front.
      if (dominates(b, a)) assert.ok((rank[j] as number) < (rank[i] as number), `${j} dominates ${i}`);
      if (a.every((x, d) => x === b[d])) assert.equal(rank[i], rank[j], 'copies share a front');
    }
  }
  // Every member of front k+1 is dominated by some member of front k.
  for (let k = 1; k < fronts.length; k++) {
    for (const i of fronts[k] as number[]) {
      assert.ok(
        (fronts[k - 1] as number[]).some((j) => dominates(points[j] as number[], points[i] as number[])),
        `member ${i} of front ${k} has a dominator in front ${k - 1}`,
      );
    }
  }
}

function prefixFor(fronts: Fronts, until: number): Fronts {
  let placed = 0;
  const out: Fronts = [];
  for (const f of fronts) {
    if (placed >= until) break;
    out.push(f);
    placed += f.length;
  }
  return out;
}

function randomPoints(rng: Rng, n: number, m: number, levels?: number): Points {
  return Array.from({ length: n }, () => Array.from({ length: m }, () => (levels === undefined ? rng.random() : rng.integer(0, levels - 1))));
}

describe('nonDominatedSort', () => {
  it('matches the naive sort on inputs with ties, copies and infinities (M = 1..5)', () => {
    fc.assert(
      fc.property(pointsAnyM(40), (points) => {
        assert.deepEqual(nonDominatedSort(points), naiveNonDominatedSort(points));
      }),
      { numRuns: 400 },
    );
  });

  it('produces valid fronts: a partition, ascending indices, dominance across fronts, copies together', () => {
    fc.assert(
      fc.property(pointsAnyM(30), (points) => {
        checkFronts(points, nonDominatedSort(points));
        checkFronts(points, naiveNonDominatedSort(points));
      }),
      { numRuns: 200 },
    );
  });

  it('drives every branch of the divide-and-conquer (direct cases switched off) to the naive ranks', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(3, 4, 5).chain((m) => pointsArb(m, 40)),
        (points) => {
          if (points.length === 0) return;
          const m = (points[0] as number[]).length;
          const { values, count, position } = lexicographicOrder(points, m);
          const distinct = divideAndConquerRanks(values, count, m, { a: 1, b: 0 });
          const ranks = Array.from(position, (p) => distinct[p] as number);
          assert.deepEqual(ranks, ranksFromFronts(naiveNonDominatedSort(points), points.length));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('matches the naive sort on larger random sets (recursion past the direct thresholds)', () => {
    const rng = Rng.fromSeed(7);
    for (const m of [2, 3, 4, 5]) {
      for (const levels of [undefined, 3, 8, 40]) {
        const points = randomPoints(rng, 600, m, levels);
        assert.deepEqual(nonDominatedSort(points), naiveNonDominatedSort(points), `M=${m} levels=${levels}`);
      }
    }
  });

  it('handles a whole set on one front and a total order (one point per front)', () => {
    const rng = Rng.fromSeed(3);
    const plane = Array.from({ length: 500 }, () => {
      const a = rng.random();
      const b = rng.random() * (1 - a);
      return [a, b, 1 - a - b];
    });
    assert.deepEqual(nonDominatedSort(plane), [plane.map((_, i) => i)]);
    const chain = Array.from({ length: 300 }, (_, i) => [300 - i, 300 - i, 300 - i, 300 - i]);
    assert.deepEqual(nonDominatedSort(chain), chain.map((_, i) => [299 - i]));
  });

  it('`until` returns the shortest prefix holding at least `until` points (both sorts)', () => {
    fc.assert(
      fc.property(
        pointsAnyM(30).chain((points) => fc.tuple(fc.constant(points), fc.integer({ min: 0, max: points.length + 2 }))),
        ([points, until]) => {
          const full = nonDominatedSort(points);
          const expected = prefixFor(full, until);
          assert.deepEqual(nonDominatedSort(points, { until }), expected);
          assert.deepEqual(naiveNonDominatedSort(points, { until }), expected);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('anchors', () => {
    assert.deepEqual(nonDominatedSort([]), []);
    assert.deepEqual(nonDominatedSort([[3], [1], [2], [1]]), [[1, 3], [2], [0]]);
    assert.deepEqual(
      nonDominatedSort([
        [1, 5],
        [2, 2],
        [5, 1],
        [3, 3],
        [2, 2],
        [6, 6],
        [1, 6],
      ]),
      [[0, 1, 2, 4], [3, 6], [5]],
    );
    assert.deepEqual(
      nonDominatedSort([
        [1, 2, 3],
        [3, 2, 1],
        [2, 3, 4],
        [1, 2, 3],
        [4, 4, 4],
        [0, 9, 9],
      ]),
      [[0, 1, 3, 5], [2], [4]],
    );
    assert.deepEqual(nonDominatedSort([[], []]), [[0, 1]]);
    assert.throws(() => nonDominatedSort([[1, 2], [1]]), RangeError);
    assert.throws(() => nonDominatedSort([[1, Number.NaN]]), RangeError);
  });

  it('ranksFromFronts inverts the fronts and marks cut-off points NaN', () => {
    assert.deepEqual(ranksFromFronts([[1, 3], [0]], 5), [1, 0, Number.NaN, 0, Number.NaN]);
    assert.throws(() => ranksFromFronts([[5]], 2), RangeError);
  });
});

/** Reference: peel fronts with Deb's constraint-domination relation from core/dominance.ts. */
function peelConstrained(objectives: Points, cv: number[]): Fronts {
  const rest = new Set(objectives.map((_, i) => i));
  const fronts: Fronts = [];
  while (rest.size > 0) {
    const front = [...rest].filter(
      (i) => ![...rest].some((j) => constrainedDominates({ objectives: objectives[j] as number[], cv: cv[j] as number }, { objectives: objectives[i] as number[], cv: cv[i] as number })),
    );
    front.sort((a, b) => a - b);
    fronts.push(front);
    for (const i of front) rest.delete(i);
  }
  return fronts;
}

describe('constrainedNonDominatedSort', () => {
  const cvArb = fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 1, max: 3 }).map((x) => x / 2), fc.constant(Infinity));
  const caseArb = fc.constantFrom(2, 3, 4).chain((m) =>
    pointsArb(m, 30).chain((points) => fc.tuple(fc.constant(points), fc.array(cvArb, { minLength: points.length, maxLength: points.length }))),
  );

  it('equals peeling by constraint-domination: feasible fronts, then one front per cv value, Infinity last', () => {
    fc.assert(
      fc.property(caseArb, ([points, cv]) => {
        const fronts = constrainedNonDominatedSort(points, cv);
        assert.deepEqual(fronts, peelConstrained(points, cv));
      }),
      { numRuns: 200 },
    );
  });

  it('`until` returns a prefix', () => {
    fc.assert(
      fc.property(
        caseArb.chain((c) => fc.tuple(fc.constant(c), fc.integer({ min: 0, max: c[0].length + 1 }))),
        ([[points, cv], until]) => {
          assert.deepEqual(constrainedNonDominatedSort(points, cv, { until }), prefixFor(constrainedNonDominatedSort(points, cv), until));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('anchor', () => {
    const f = [
      [1, 1],
      [0, 0],
      [2, 0],
      [0, 2],
      [5, 5],
      [3, 3],
    ];
    const cv = [0, 2, 0, 0, 0.5, 2];
    assert.deepEqual(constrainedNonDominatedSort(f, cv), [[0, 2, 3], [4], [1, 5]]);
    assert.deepEqual(constrainedNonDominatedSort([[1], [0]], [Infinity, 1]), [[1], [0]]);
    assert.throws(() => constrainedNonDominatedSort([[1]], [0, 0]), RangeError);
  });
});
