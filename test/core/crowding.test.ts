import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { crowdingDistance } from '../../core/crowding.js';

type Points = number[][];

// No subnormals: scaling them by 1e-3 would round distinct values together.
const finite = fc.oneof(
  fc.integer({ min: -1000, max: 1000 }).map((x) => x / 64),
  fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true }).filter((x) => x === 0 || Math.abs(x) > 1e-200),
);
const anyValue = fc.oneof(finite, fc.integer({ min: 0, max: 3 }), fc.constantFrom(Infinity, -Infinity));
const frontArb = (value: fc.Arbitrary<number>, maxLength = 25): fc.Arbitrary<Points> =>
  fc.integer({ min: 1, max: 4 }).chain((m) => fc.array(fc.array(value, { minLength: m, maxLength: m }), { maxLength }));

/** Straightforward pymoo-style reference for points without copies. */
function reference(points: Points): number[] {
  const n = points.length;
  if (n <= 2) return points.map(() => Infinity);
  const m = (points[0] as number[]).length;
  const d = new Array<number>(n).fill(0);
  for (let j = 0; j < m; j++) {
    const order = points.map((_, i) => i).sort((a, b) => (points[a] as number[])[j]! - (points[b] as number[])[j]! || a - b);
    const lo = (points[order[0]!] as number[])[j]!;
    const hi = (points[order[n - 1]!] as number[])[j]!;
    if (hi - lo === 0) continue;
    d[order[0]!] = Infinity;
    d[order[n - 1]!] = Infinity;
    for (let t = 1; t < n - 1; t++) d[order[t]!]! += ((points[order[t + 1]!] as number[])[j]! - (points[order[t - 1]!] as number[])[j]!) / (hi - lo) / m;
  }
  return d;
}

function distinct(points: Points): boolean {
  const keys = new Set(points.map((p) => p.join(',')));
  return keys.size === points.length;
}

describe('crowdingDistance', () => {
  it('REFERENCE anchor: [[0,0],[0.5,50],[1,100]] -> [∞, 1, ∞]', () => {
    assert.deepEqual(
      crowdingDistance([
        [0, 0],
        [0.5, 50],
        [1, 100],
      ]),
      [Infinity, 1, Infinity],
    );
  });

  it('hand-computed front of five', () => {
    // f1 range 4, f2 range 8; middle points: ((2/4) + (4/8)) / 2 = 0.5, ((2/4)+(6/8))/2 = 0.625 ...
    const d = crowdingDistance([
      [0, 8],
      [1, 6],
      [2, 4],
      [3, 1],
      [4, 0],
    ]);
    assert.deepEqual(d, [Infinity, (2 / 4 + 4 / 8) / 2, (2 / 4 + 5 / 8) / 2, (2 / 4 + 4 / 8) / 2, Infinity]);
  });

  it('fronts of size 0, 1 and 2', () => {
    assert.deepEqual(crowdingDistance([]), []);
    assert.deepEqual(crowdingDistance([[1, 2]]), [Infinity]);
    assert.deepEqual(crowdingDistance([[1, 2], [2, 1]]), [Infinity, Infinity]);
    assert.deepEqual(crowdingDistance([[1, 2], [1, 2]]), [Infinity, Infinity]);
  });

  it('a zero-range objective contributes 0; copies after the first get 0', () => {
    assert.deepEqual(
      crowdingDistance([
        [0, 5],
        [1, 5],
        [2, 5],
      ]),
      [Infinity, 0.5, Infinity],
    );
    assert.deepEqual(crowdingDistance([[3, 3], [3, 3], [3, 3]]), [Infinity, 0, 0]);
    assert.deepEqual(
      crowdingDistance([
        [0, 2],
        [1, 1],
        [0, 2],
        [2, 0],
        [1, 1],
      ]),
      [Infinity, 1, 0, Infinity, 0],
    );
  });

  it('never NaN, with infinities, copies and zero ranges', () => {
    fc.assert(
      fc.property(frontArb(anyValue), (points) => {
        const d = crowdingDistance(points);
        assert.equal(d.length, points.length);
        for (const x of d) assert.ok(!Number.isNaN(x) && x >= 0);
      }),
      { numRuns: 300 },
    );
  });

  it('matches the plain definition on fronts without copies', () => {
    fc.assert(
      fc.property(frontArb(finite), (points) => {
        fc.pre(distinct(points));
        const d = crowdingDistance(points);
        const r = reference(points);
        d.forEach((x, i) => (x === Infinity ? assert.equal(r[i], Infinity) : assert.ok(Math.abs(x - r[i]!) <= 1e-12 * Math.max(1, Math.abs(x)))));
      }),
      { numRuns: 300 },
    );
  });

  it('extremes of every objective with a positive range are Infinity', () => {
    fc.assert(
      fc.property(frontArb(finite), (points) => {
        fc.pre(distinct(points) && points.length >= 3);
        const d = crowdingDistance(points);
        const m = points[0]!.length;
        for (let j = 0; j < m; j++) {
          const col = points.map((p) => p[j]!);
          const lo = Math.min(...col);
          const hi = Math.max(...col);
          if (hi === lo) continue;
          assert.equal(d[col.indexOf(lo)], Infinity);
          assert.equal(d[col.lastIndexOf(hi)], Infinity);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('is invariant to scaling an objective (exactly for powers of two, to rounding otherwise)', () => {
    fc.assert(
      fc.property(
        frontArb(finite),
        fc.integer({ min: -20, max: 20 }),
        fc.double({ min: 1e-3, max: 1e3, noNaN: true }),
        fc.nat(),
        (points, power, scale, which) => {
          if (points.length === 0) return;
          const j = which % points[0]!.length;
          const d = crowdingDistance(points);
          const exact = crowdingDistance(points.map((p) => p.map((x, k) => (k === j ? x * 2 ** power : x))));
          assert.deepEqual(exact, d);
          // Rounding may merge two distinct values; such inputs are not a scaling of the same front.
          const col = points.map((p) => p[j]!);
          fc.pre(col.every((a) => col.every((b) => (a === b) === (a * scale === b * scale))));
          const scaled = crowdingDistance(points.map((p) => p.map((x, k) => (k === j ? x * scale : x))));
          scaled.forEach((x, i) => {
            if (!Number.isFinite(x) || !Number.isFinite(d[i]!)) assert.equal(x, d[i]);
            else assert.ok(Math.abs(x - d[i]!) <= 1e-9 * Math.max(1, d[i]!), `${x} vs ${d[i]}`);
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});
