import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { gd, gdPlus, hypervolume, hypervolumeContributions, igd, igdPlus } from '../../core/indicators/index.js';
import { OrderedIndexSet } from '../../core/indicators/ordered_set.js';
import { Rng } from '../../core/rng.js';

type Points = number[][];

function close(actual: number, expected: number, rel = 1e-9, label = ''): void {
  assert.ok(Math.abs(actual - expected) <= rel * Math.max(1, Math.abs(expected)), `${label} ${actual} vs ${expected}`);
}

/** Inclusion–exclusion over all subsets: HV = Σ (−1)^(|S|+1) vol(∩ boxes) (small sets only). */
function inclusionExclusion(points: Points, ref: number[]): number {
  const inside = points.filter((p) => p.every((x, j) => x < ref[j]!));
  let total = 0;
  for (let mask = 1; mask < 1 << inside.length; mask++) {
    let vol = 1;
    let size = 0;
    for (let j = 0; j < ref.length; j++) {
      let hi = -Infinity;
      for (let i = 0; i < inside.length; i++) if (mask & (1 << i)) hi = Math.max(hi, inside[i]![j]!);
      vol *= ref[j]! - hi;
    }
    for (let i = 0; i < inside.length; i++) if (mask & (1 << i)) size++;
    total += size % 2 === 1 ? vol : -vol;
  }
  return total;
}

/** Integer points: count the unit cells [c, c+1) that some point weakly dominates (exact). */
function gridCount(points: Points, ref: number[]): number {
  const m = ref.length;
  const cell = new Array<number>(m).fill(0);
  let count = 0;
  const visit = (j: number): void => {
    if (j === m) {
      if (points.some((p) => p.every((x, d) => x <= cell[d]!))) count++;
      return;
    }
    for (let c = 0; c < ref[j]!; c++) {
      cell[j] = c;
      visit(j + 1);
    }
  };
  visit(0);
  return count;
}

const small = (m: number, maxLength: number, max = 6): fc.Arbitrary<Points> =>
  fc.array(fc.array(fc.integer({ min: 0, max }), { minLength: m, maxLength: m }), { maxLength });
const reals = (m: number, maxLength: number): fc.Arbitrary<Points> =>
  fc.array(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: m, maxLength: m }), { maxLength });

/** Points on a curve x -> f(x), x evenly spaced in [a, b]. */
function curve(f: (x: number) => number, a: number, b: number, n: number): Points {
  return Array.from({ length: n }, (_, i) => {
    const x = a + ((b - a) * i) / (n - 1);
    return [x, f(x)];
  });
}

/** Integer points of the simplex Σx = K in d dimensions; with reference K+1 the HV is (K+1)^d − C(K+d−1, d). */
function lattice(d: number, k: number): Points {
  if (d === 1) return [[k]];
  const out: Points = [];
  for (let a = 0; a <= k; a++) for (const rest of lattice(d - 1, k - a)) out.push([a, ...rest]);
  return out;
}
function binomial(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return r;
}

describe('hypervolume: exact ZDT fronts (REFERENCE.md)', () => {
  // 20,001 points on the true front: the staircase sits below the curve by about Δx/2 = 2.5e-5.
  const n = 20001;
  const zdt3Pieces: [number, number][] = [
    [0, 0.0830015349],
    [0.182228778, 0.2577623634],
    [0.4093136748, 0.4538821041],
    [0.6183967944, 0.6525117038],
    [0.8233317983, 0.8518328654],
  ];
  const fronts: [string, Points, [number, number, number]][] = [
    ['ZDT1', curve((x) => 1 - Math.sqrt(x), 0, 1, n), [2 / 3, 0.876667, 120.666667]],
    ['ZDT2', curve((x) => 1 - x * x, 0, 1, n), [1 / 3, 0.543333, 120.333333]],
    ['ZDT3', zdt3Pieces.flatMap(([a, b]) => curve((x) => 1 - Math.sqrt(x) - x * Math.sin(10 * Math.PI * x), a, b, n / 5)), [1.044426, 1.331763, 128.778116]],
    ['ZDT6', curve((x) => 1 - x * x, 0.2807753191, 1, n), [0.325955, 0.507878, 117.518202]],
  ];
  for (const [name, points, expected] of fronts) {
    it(`${name} wrt (1,1), (1.1,1.1), (11,11)`, () => {
      [1, 1.1, 11].forEach((r, k) => {
        const hv = hypervolume(points, [r, r]);
        assert.ok(Math.abs(hv - expected[k]!) < 1e-4, `${name} r=${r}: ${hv} vs ${expected[k]}`);
      });
    });
  }

  it('closed forms: sampled fronts approach the integrals from below', () => {
    // ZDT1: 1 − ∫(1 − √x)dx = 2/3; ZDT2: 1/3; ZDT6: (1 − a³)/3.
    const a = 0.2807753191;
    for (const [points, exact] of [
      [curve((x) => 1 - Math.sqrt(x), 0, 1, n), 2 / 3],
      [curve((x) => 1 - x * x, 0, 1, n), 1 / 3],
      [curve((x) => 1 - x * x, a, 1, n), (1 - a ** 3) / 3],
    ] as const) {
      const hv = hypervolume(points, [1, 1]);
      assert.ok(hv <= exact && exact - hv < 1e-4, `${hv} vs ${exact}`);
    }
  });
});

describe('hypervolume: exact anchors', () => {
  it('small hand cases', () => {
    assert.equal(hypervolume([], [1, 1]), 0);
    assert.equal(hypervolume([[0.5]], [2]), 1.5);
    assert.equal(hypervolume([[0, 0]], [1, 1]), 1);
    assert.equal(
      hypervolume(
        [
          [0, 0.5],
          [0.5, 0],
        ],
        [1, 1],
      ),
      0.75,
    );
    assert.equal(hypervolume([[1, 0]], [1, 1]), 0, 'on the reference boundary: ignored');
    assert.equal(hypervolume([[2, 0]], [1, 1]), 0);
    assert.equal(hypervolume([[0, 0, 0]], [1, 2, 3]), 6);
    assert.equal(
      hypervolume(
        [
          [0, 0, 1],
          [1, 1, 0],
        ],
        [2, 2, 2],
      ),
      4 + 2 - 1, // boxes 2·2·1 and 1·1·2 overlapping in [1,2]³
    );
    assert.equal(hypervolume([[0, 0, 0, 0]], [1, 2, 3, 4]), 24);
    assert.equal(hypervolume([[0, 0, 0, 0, 0]], [1, 1, 1, 1, 2]), 2);
    assert.throws(() => hypervolume([[0, 0]], [1, 1, 1]), RangeError);
  });

  for (const [d, k] of [
    [2, 200],
    [3, 60],
    [4, 12],
    [5, 6],
  ] as const) {
    it(`simplex lattice d=${d}, K=${k}: (K+1)^d − C(K+d−1, d)`, () => {
      const pts = lattice(d, k);
      assert.equal(hypervolume(pts, new Array<number>(d).fill(k + 1)), (k + 1) ** d - binomial(k + d - 1, d));
    });
  }
});

describe('hypervolume: agrees with brute force', () => {
  for (const m of [2, 3, 4, 5]) {
    it(`M=${m}: integer points vs exact cell counting`, () => {
      fc.assert(
        fc.property(small(m, m <= 3 ? 14 : 8, m <= 3 ? 6 : 4), (points) => {
          const ref = new Array<number>(m).fill(m <= 3 ? 6 : 4);
          assert.equal(hypervolume(points, ref), gridCount(points, ref));
        }),
        { numRuns: m <= 3 ? 150 : 60 },
      );
    });
    it(`M=${m}: real points vs inclusion–exclusion`, () => {
      fc.assert(
        fc.property(reals(m, 8), (points) => {
          const ref = new Array<number>(m).fill(1);
          close(hypervolume(points, ref), inclusionExclusion(points, ref));
        }),
        { numRuns: 100 },
      );
    });
  }
});

describe('hypervolume: invariances', () => {
  const caseArb = fc.constantFrom(2, 3, 4).chain((m) => fc.tuple(reals(m, 12), fc.array(fc.double({ min: 0, max: 1.2, noNaN: true }), { minLength: m, maxLength: m })));

  it('adding a point never decreases it; a dominated point leaves it unchanged', () => {
    fc.assert(
      fc.property(caseArb, fc.nat(), fc.double({ min: 0, max: 0.5, noNaN: true }), ([points, extra], pick, shift) => {
        const m = extra.length;
        const ref = new Array<number>(m).fill(1);
        const base = hypervolume(points, ref);
        assert.ok(hypervolume([...points, extra], ref) >= base - 1e-12);
        if (points.length > 0) {
          const dominated = points[pick % points.length]!.map((x) => x + shift);
          close(hypervolume([...points, dominated], ref), base, 1e-12);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('is invariant to point order and to copies', () => {
    fc.assert(
      fc.property(caseArb, fc.nat(), ([points], seed) => {
        if (points.length === 0) return;
        const m = points[0]!.length;
        const ref = new Array<number>(m).fill(1);
        const base = hypervolume(points, ref);
        const rng = Rng.fromSeed(seed);
        const shuffled = rng.shuffle([...points]);
        close(hypervolume(shuffled, ref), base, 1e-12);
        close(hypervolume([...points, ...points.slice(0, 1 + rng.index(points.length))], ref), base, 1e-12);
      }),
      { numRuns: 200 },
    );
  });

  it('3-D sweep agrees with the WFG recursion (a 4th objective fixed at 0, reference 1)', () => {
    const rng = Rng.fromSeed(11);
    for (const n of [50, 300]) {
      const pts = Array.from({ length: n }, () => [rng.random(), rng.random(), rng.random()]);
      close(hypervolume(pts.map((p) => [...p, 0]), [1, 1, 1, 1]), hypervolume(pts, [1, 1, 1]), 1e-12);
    }
  });
});

describe('hypervolumeContributions', () => {
  /** HV(all) − HV(all but i), straight from the definition. */
  const byDefinition = (points: Points, ref: number[]): number[] => {
    const all = hypervolume(points, ref);
    return points.map((_, i) => all - hypervolume(points.filter((__, j) => j !== i), ref));
  };

  it('2-D: exact, with dominated points and copies, against the definition', () => {
    fc.assert(
      fc.property(fc.oneof(small(2, 15, 8), reals(2, 15)), fc.constantFrom(1, 8), (points, r) => {
        const ref = [r, r];
        const c = hypervolumeContributions(points, ref);
        byDefinition(points, ref).forEach((e, i) => close(c[i]!, e, 1e-12, `point ${i}`));
      }),
      { numRuns: 300 },
    );
  });

  it('3-D and 4-D: by definition, never negative, copies contribute 0', () => {
    fc.assert(
      fc.property(fc.constantFrom(3, 4).chain((m) => small(m, 10, 4)), (points) => {
        if (points.length === 0) return;
        const ref = new Array<number>(points[0]!.length).fill(4);
        const c = hypervolumeContributions([...points, points[0]!], ref);
        assert.equal(c[0], 0);
        assert.equal(c[points.length], 0);
        const exact = byDefinition(points, ref);
        hypervolumeContributions(points, ref).forEach((x, i) => {
          assert.ok(x >= 0);
          close(x, exact[i]!, 1e-12);
        });
      }),
      { numRuns: 150 },
    );
  });

  it('hand case', () => {
    const pts = [
      [0, 2],
      [1, 1],
      [2, 0],
      [1.5, 1.5],
      [3, 3],
    ];
    // Boxes: (1−0)(3−2) = 1, (2−1)(2−1) = 1 minus (1.5,1.5)'s part (0.5·0.5), (3−2)(1−0) = 1.
    assert.deepEqual(hypervolumeContributions(pts, [3, 3]), [1, 0.75, 1, 0, 0]);
  });
});

describe('OrderedIndexSet', () => {
  it('next/prev agree with a plain sorted set', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3000 }), fc.array(fc.tuple(fc.boolean(), fc.nat()), { maxLength: 200 }), (size, ops) => {
        const set = new OrderedIndexSet(size);
        const plain = new Set<number>();
        for (const [add, raw] of ops) {
          const i = raw % size;
          if (add) {
            set.insert(i);
            plain.add(i);
          } else {
            set.erase(i);
            plain.delete(i);
          }
          const sorted = [...plain].sort((a, b) => a - b);
          const probe = raw % (size + 2) - 1;
          assert.equal(set.next(probe), sorted.find((x) => x >= probe) ?? -1);
          assert.equal(set.prev(probe), [...sorted].reverse().find((x) => x <= probe) ?? -1);
          assert.equal(set.has(i), plain.has(i));
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('distance indicators', () => {
  it('hand-computed cases', () => {
    const front = [[1, 1]];
    const ref = [
      [0, 2],
      [2, 0],
    ];
    assert.equal(igd(front, ref), Math.SQRT2);
    assert.equal(gd(front, ref), Math.SQRT2);
    // d+((1,1),(0,2)) = sqrt(1² + 0²) = 1
    assert.equal(igdPlus(front, ref), 1);
    assert.equal(gdPlus(front, ref), 1);
    // Two points, three reference points: (1,1) is √2 from both points, but both dominate it.
    const a = [
      [0, 0],
      [2, 0],
    ];
    const z = [
      [0, 0],
      [1, 1],
      [2, 0],
    ];
    assert.equal(igd(a, z), (0 + Math.SQRT2 + 0) / 3);
    assert.equal(igdPlus(a, z), 0);
    assert.equal(igdPlus([[2, 2]], z), (Math.hypot(2, 2) + Math.SQRT2 + 2) / 3);
    assert.equal(gd(a, z), 0);
    // A point that dominates the reference has d+ = 0 but positive Euclidean distance.
    assert.equal(igdPlus([[0, 0]], [[1, 1]]), 0);
    assert.equal(igd([[0, 0]], [[3, 4]]), 5);
    assert.equal(gdPlus([[3, 5]], [[0, 1]]), 5);
    assert.equal(igd([], [[0, 0]]), Infinity);
    assert.throws(() => igd([[0, 0]], []), RangeError);
  });

  it('IGD+ <= IGD and GD+ <= GD; all zero on the reference itself', () => {
    fc.assert(
      fc.property(fc.constantFrom(2, 3).chain((m) => fc.tuple(reals(m, 10), reals(m, 10))), ([a, z]) => {
        fc.pre(a.length > 0 && z.length > 0);
        assert.ok(igdPlus(a, z) <= igd(a, z) + 1e-15);
        assert.ok(gdPlus(a, z) <= gd(a, z) + 1e-15);
        assert.equal(igd(z, z), 0);
        assert.equal(igdPlus(z, z), 0);
        assert.equal(gd(z, z), 0);
      }),
      { numRuns: 200 },
    );
  });
});
