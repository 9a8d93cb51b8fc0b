import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { Crossover } from '../../core/components.js';
import { Rng } from '../../core/rng.js';
import { SearchSpace } from '../../core/space.js';
import { categorical, integer, real, VARIABLE_KINDS, type Genome } from '../../core/variables.js';
import { OnePointCrossover } from '../../operators/crossover/one_point.js';
import { SimulatedBinaryCrossover } from '../../operators/crossover/sbx.js';
import { TwoPointCrossover } from '../../operators/crossover/two_point.js';
import { UniformCrossover } from '../../operators/crossover/uniform.js';
import { UniformSampling } from '../../operators/sampling/uniform.js';
import { seedArb, spaceArb } from './arbitrary_space.js';



function parentsOf(space: SearchSpace, seed: number): Genome[] {
  return new UniformSampling().sample(space, 2, Rng.fromSeed(seed ^ 0x5a5a));
}

const crossovers: Crossover[] = [
  new SimulatedBinaryCrossover(),
  new SimulatedBinaryCrossover({ eta: 2, prob: 1, probVar: 1 }),
  new UniformCrossover(),
  new OnePointCrossover(),
  new TwoPointCrossover(),
];

for (const cx of crossovers) {
  const label = `${cx.name}${cx instanceof SimulatedBinaryCrossover ? ` (eta ${cx.eta}, probVar ${cx.probVar})` : ''}`;

  test(`${label}: 2 parents → 2 children inside the space, other kinds passed through`, () => {
    assert.equal(cx.parents, 2);
    assert.equal(cx.children, 2);
    fc.assert(
      fc.property(spaceArb(), seedArb, (space, seed) => {
        const [p1, p2] = parentsOf(space, seed) as [Genome, Genome];
        const children = cx.cross(space, [p1, p2], Rng.fromSeed(seed));
        assert.equal(children.length, 2);
        const [c1, c2] = children as [Genome, Genome];
        for (const c of children) assert.ok(space.contains(c), `${space.key(c)} not in space`);
        space.variables.forEach((v, i) => {
          if (!cx.kinds.has(v.kind)) {
            assert.equal(c1[i], p1[i]);
            assert.equal(c2[i], p2[i]);
          }
        });
      }),
    );
  });

  test(`${label}: same seed → same children; parents untouched`, () => {
    fc.assert(
      fc.property(spaceArb(), seedArb, (space, seed) => {
        const parents = parentsOf(space, seed);
        const before = JSON.stringify(parents);
        const a = cx.cross(space, parents, Rng.fromSeed(seed));
        const b = cx.cross(space, parents, Rng.fromSeed(seed));
        assert.deepEqual(a, b);
        assert.equal(JSON.stringify(parents), before);
      }),
      { numRuns: 50 },
    );
  });
}

test('every crossover with prob 0 returns copies of the parents', () => {
  const ops: Crossover[] = [
    new SimulatedBinaryCrossover({ prob: 0 }),
    new UniformCrossover({ prob: 0 }),
    new OnePointCrossover({ prob: 0 }),
    new TwoPointCrossover({ prob: 0 }),
  ];
  fc.assert(
    fc.property(spaceArb(), seedArb, (space, seed) => {
      const parents = parentsOf(space, seed);
      for (const cx of ops) {
        const children = cx.cross(space, parents, Rng.fromSeed(seed));
        assert.deepEqual(children, parents);
        assert.ok(children[0] !== parents[0] && children[1] !== parents[1], 'children must be fresh arrays');
      }
    }),
    { numRuns: 50 },
  );
});

test('uniform and point crossovers only exchange genes: each position keeps the parents’ pair of values', () => {
  fc.assert(
    fc.property(spaceArb(), seedArb, (space, seed) => {
      const [p1, p2] = parentsOf(space, seed) as [Genome, Genome];
      for (const cx of [new UniformCrossover({ prob: 1 }), new OnePointCrossover({ prob: 1 }), new TwoPointCrossover({ prob: 1 })]) {
        const [c1, c2] = cx.cross(space, [p1, p2], Rng.fromSeed(seed)) as [Genome, Genome];
        p1.forEach((x, i) => assert.deepEqual([c1[i], c2[i]].sort(), [x, p2[i]].sort()));
      }
    }),
    { numRuns: 50 },
  );
});

test('one-point crossover swaps a tail; two-point swaps one contiguous segment', () => {
  const space = new SearchSpace(Array.from({ length: 8 }, (_, i) => integer(`x${i}`, 0, 1)));
  const p1 = new Array<number>(8).fill(0);
  const p2 = new Array<number>(8).fill(1);
  const seenCuts = new Set<number>();
  for (let seed = 0; seed < 200; seed++) {
    const [c1, c2] = new OnePointCrossover({ prob: 1 }).cross(space, [p1, p2], Rng.fromSeed(seed)) as [Genome, Genome];
    const s = c1.join('');
    assert.match(s, /^0+1+$/, 'a non-empty head from parent 1, a non-empty tail from parent 2');
    assert.equal(c2.join(''), s.replace(/./g, (d) => (d === '0' ? '1' : '0')));
    seenCuts.add(s.indexOf('1'));
    const [t1] = new TwoPointCrossover({ prob: 1 }).cross(space, [p1, p2], Rng.fromSeed(seed)) as [Genome, Genome];
    assert.match(t1.join(''), /^0+1+0*$/);
  }
  assert.deepEqual([...seenCuts].sort(), [1, 2, 3, 4, 5, 6, 7]);
});

test('point crossovers restricted to some kinds cut between those genes only', () => {
  const space = new SearchSpace([categorical('a', ['x', 'y']), real('r', 0, 1), categorical('b', ['x', 'y'])]);
  const cx = new OnePointCrossover({ prob: 1, kinds: ['categorical'] });
  const [c1, c2] = cx.cross(space, [[0, 0.25, 0], [1, 0.75, 1]], Rng.fromSeed(1));
  assert.deepEqual(c1, [0, 0.25, 1]);
  assert.deepEqual(c2, [1, 0.75, 0]);
});

test('SBX: integer genes come out integral and inside bounds, reals inside bounds', () => {
  fc.assert(
    fc.property(spaceArb(['real', 'integer']), seedArb, (space, seed) => {
      const rng = Rng.fromSeed(seed);
      const cx = new SimulatedBinaryCrossover({ prob: 1, probVar: 1, eta: 1 });
      let parents = parentsOf(space, seed);
      // Iterate so children of children are also checked.
      for (let k = 0; k < 5; k++) {
        parents = cx.cross(space, parents, rng);
        for (const c of parents) assert.ok(space.contains(c));
      }
    }),
    { numRuns: 50 },
  );
});

test('SBX: a large eta keeps children next to their parents, a small one spreads them', () => {
  const space = new SearchSpace(Array.from({ length: 10 }, (_, i) => real(`x${i}`, 0, 1)));
  const spread = (eta: number): number => {
    const rng = Rng.fromSeed(11);
    const cx = new SimulatedBinaryCrossover({ eta, prob: 1, probVar: 1 });
    let total = 0;
    for (let t = 0; t < 200; t++) {
      const parents = new UniformSampling().sample(space, 2, rng);
      const [p1, p2] = parents as [Genome, Genome];
      for (const c of cx.cross(space, parents, rng)) {
        c.forEach((x, i) => {
          // Distance to the nearer parent value, relative to the parents' distance.
          const d = Math.min(Math.abs(x - (p1[i] as number)), Math.abs(x - (p2[i] as number))) / Math.abs((p1[i] as number) - (p2[i] as number));
          total += d;
        });
      }
    }
    return total / (200 * 2 * 10);
  };
  const tight = spread(1000);
  const loose = spread(2);
  assert.ok(tight < 0.01, `eta 1000 mean relative spread ${tight}`);
  assert.ok(loose > 5 * tight, `eta 2 spread ${loose} vs eta 1000 ${tight}`);
});

test('SBX: children are centred on the parents (mean of c1 + c2 ≈ p1 + p2 away from the bounds)', () => {
  const space = new SearchSpace([real('x', -100, 100)]);
  const rng = Rng.fromSeed(5);
  const cx = new SimulatedBinaryCrossover({ prob: 1, probVar: 1 });
  let bias = 0;
  const trials = 2000;
  for (let t = 0; t < trials; t++) {
    const [c1, c2] = cx.cross(space, [[-1], [1]], rng) as [Genome, Genome];
    bias += (c1[0] as number) + (c2[0] as number);
  }
  assert.ok(Math.abs(bias / trials) < 0.05, `mean of c1 + c2 is ${bias / trials}`);
});

test('SBX: equal parent genes and single-valued integers are left alone', () => {
  const space = new SearchSpace([real('x', 0, 1), integer('k', 3, 3), integer('j', 0, 9)]);
  for (let seed = 0; seed < 50; seed++) {
    const [c1, c2] = new SimulatedBinaryCrossover({ prob: 1, probVar: 1 }).cross(space, [[0.5, 3, 4], [0.5, 3, 4]], Rng.fromSeed(seed));
    assert.deepEqual(c1, [0.5, 3, 4]);
    assert.deepEqual(c2, [0.5, 3, 4]);
  }
});

test('crossovers refuse the wrong number of parents and unsupported kinds', () => {
  const space = new SearchSpace([real('x', 0, 1)]);
  assert.throws(() => new SimulatedBinaryCrossover().cross(space, [[0.1]], Rng.fromSeed(1)), /2 parents/);
  assert.throws(() => new UniformCrossover().cross(space, [[0.1], [0.2], [0.3]], Rng.fromSeed(1)), /2 parents/);
  assert.throws(() => new SimulatedBinaryCrossover({ kinds: ['categorical'] as unknown as ['real'] }), /sbx cannot handle categorical/);
  assert.throws(() => new SimulatedBinaryCrossover({ prob: 1.5 }), /prob/);
  assert.throws(() => new SimulatedBinaryCrossover({ eta: -1 }), /eta/);
  assert.deepEqual([...new SimulatedBinaryCrossover().kinds].sort(), ['integer', 'real']);
  assert.deepEqual([...new UniformCrossover().kinds].sort(), [...VARIABLE_KINDS].sort());
});
