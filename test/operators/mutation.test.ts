import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { Mutation } from '../../core/components.js';
import { Rng } from '../../core/rng.js';
import { SearchSpace } from '../../core/space.js';
import { binary, categorical, integer, real, type Genome } from '../../core/variables.js';
import { BitFlipMutation } from '../../operators/mutation/bit_flip.js';
import { PolynomialMutation } from '../../operators/mutation/polynomial.js';
import { RandomResetMutation } from '../../operators/mutation/random_reset.js';
import { UniformSampling } from '../../operators/sampling/uniform.js';
import { seedArb, spaceArb } from './arbitrary_space.js';


const sample = (space: SearchSpace, seed: number): Genome => new UniformSampling().sample(space, 1, Rng.fromSeed(seed ^ 0x3c3c))[0] as Genome;

const mutations: Mutation[] = [
  new PolynomialMutation(),
  new PolynomialMutation({ prob: 1, eta: 1 }),
  new RandomResetMutation(),
  new RandomResetMutation({ prob: 1 }),
  new BitFlipMutation(),
  new BitFlipMutation({ prob: 0.5 }),
];

for (const m of mutations) {
  const label = `${m.name} (prob ${(m as { prob?: number }).prob ?? '1/n'})`;

  test(`${label}: mutants stay inside the space; other kinds pass through`, () => {
    fc.assert(
      fc.property(spaceArb(), seedArb, (space, seed) => {
        const rng = Rng.fromSeed(seed);
        const g0 = sample(space, seed);
        let g = g0;
        for (let k = 0; k < 5; k++) {
          g = m.mutate(space, g, rng);
          assert.ok(space.contains(g), `${space.key(g)} not in space`);
        }
        space.variables.forEach((v, i) => {
          if (!m.kinds.has(v.kind)) assert.equal(g[i], g0[i]);
        });
      }),
    );
  });

  test(`${label}: same seed → same mutant; input untouched`, () => {
    fc.assert(
      fc.property(spaceArb(), seedArb, (space, seed) => {
        const g = sample(space, seed);
        const before = [...g];
        const a = m.mutate(space, g, Rng.fromSeed(seed));
        assert.deepEqual(a, m.mutate(space, g, Rng.fromSeed(seed)));
        assert.deepEqual(g, before);
        assert.notEqual(a, g);
      }),
      { numRuns: 50 },
    );
  });
}

test('polynomial mutation: a large eta perturbs little, a small one a lot', () => {
  const space = new SearchSpace(Array.from({ length: 10 }, (_, i) => real(`x${i}`, -3, 7)));
  const meanShift = (eta: number): number => {
    const rng = Rng.fromSeed(4);
    const pm = new PolynomialMutation({ eta, prob: 1 });
    let total = 0;
    for (let t = 0; t < 300; t++) {
      const g = new UniformSampling().sample(space, 1, rng)[0] as Genome;
      const y = pm.mutate(space, g, rng);
      y.forEach((x, i) => {
        const d = Math.abs(x - (g[i] as number)) / 10;
        // Even the most extreme draw of u (≈ 2^-53) moves a gene by < 4 % of the range at eta 1000.
        if (eta >= 1000) assert.ok(d < 0.04, `eta ${eta} moved a gene by ${d} of the range`);
        total += d;
      });
    }
    return total / 3000;
  };
  const small = meanShift(1000);
  const large = meanShift(1);
  assert.ok(small < 0.002, `eta 1000 mean shift ${small}`);
  assert.ok(large > 20 * small, `eta 1 mean shift ${large} vs eta 1000 ${small}`);
});

test('polynomial mutation: default probability 1/n mutates about one gene; probBase genome counts all genes', () => {
  const reals = Array.from({ length: 10 }, (_, i) => real(`x${i}`, 0, 1));
  const cats = Array.from({ length: 10 }, (_, i) => categorical(`c${i}`, ['a', 'b']));
  const changed = (space: SearchSpace, pm: PolynomialMutation): number => {
    const rng = Rng.fromSeed(9);
    let n = 0;
    for (let t = 0; t < 3000; t++) {
      const g = new UniformSampling().sample(space, 1, rng)[0] as Genome;
      const y = pm.mutate(space, g, rng);
      n += y.filter((x, i) => x !== g[i]).length;
    }
    return n / 3000;
  };
  const realsOnly = changed(new SearchSpace(reals), new PolynomialMutation());
  assert.ok(Math.abs(realsOnly - 1) < 0.1, `mean changed genes ${realsOnly}`);
  const mixed = new SearchSpace([...reals, ...cats]);
  const perKinds = changed(mixed, new PolynomialMutation());
  assert.ok(Math.abs(perKinds - 1) < 0.1, `probBase kinds: mean changed genes ${perKinds}`);
  const perGenome = changed(mixed, new PolynomialMutation({ probBase: 'genome' }));
  assert.ok(Math.abs(perGenome - 0.5) < 0.07, `probBase genome: mean changed genes ${perGenome}`);
  assert.equal(changed(mixed, new PolynomialMutation({ prob: 0 })), 0);
});

test('polynomial mutation rounds integer genes and never leaves their bounds', () => {
  const space = new SearchSpace([integer('s', 0, 21), integer('k', -3, 3), integer('fixed', 5, 5)]);
  const rng = Rng.fromSeed(2);
  const pm = new PolynomialMutation({ prob: 1, eta: 5 });
  let moved = 0;
  let g: Genome = [0, 3, 5];
  for (let t = 0; t < 2000; t++) {
    const y = pm.mutate(space, g, rng);
    assert.ok(space.contains(y), space.key(y));
    if (y[0] !== g[0]) moved++;
    g = y;
  }
  assert.ok(moved > 200, `integer gene moved only ${moved} times`);
});

test('random reset: a mutated gene always takes a different value, uniformly among the others', () => {
  fc.assert(
    fc.property(spaceArb(['categorical', 'integer', 'real']), seedArb, (space, seed) => {
      const g = sample(space, seed);
      const y = new RandomResetMutation({ prob: 1 }).mutate(space, g, Rng.fromSeed(seed));
      space.variables.forEach((v, i) => {
        const single = (v.kind === 'categorical' && v.choices.length === 1) || (v.kind === 'integer' && v.lower === v.upper);
        if (v.kind === 'real' || single) assert.equal(y[i], g[i]);
        else assert.notEqual(y[i], g[i], `gene ${v.name} stayed at ${g[i]}`);
      });
    }),
  );
  const space = new SearchSpace([categorical('op', ['a', 'b', 'c', 'd'])]);
  const rng = Rng.fromSeed(1);
  const counts = [0, 0, 0, 0];
  for (let t = 0; t < 3000; t++) counts[new RandomResetMutation({ prob: 1 }).mutate(space, [1], rng)[0] as number]! += 1;
  assert.equal(counts[1], 0);
  for (const i of [0, 2, 3]) assert.ok(Math.abs((counts[i] as number) - 1000) < 120, `counts ${counts}`);
});

test('random reset restricted to categoricals leaves integers alone', () => {
  const space = new SearchSpace([categorical('op', ['a', 'b']), integer('s', 0, 9)]);
  const y = new RandomResetMutation({ prob: 1, kinds: ['categorical'] }).mutate(space, [0, 4], Rng.fromSeed(1));
  assert.deepEqual(y, [1, 4]);
});

test('bit flip: prob 1 flips every binary gene, prob 0 none', () => {
  const space = new SearchSpace([binary('a'), real('r', 0, 1), binary('b'), binary('c')]);
  assert.deepEqual(new BitFlipMutation({ prob: 1 }).mutate(space, [0, 0.5, 1, 0], Rng.fromSeed(1)), [1, 0.5, 0, 1]);
  assert.deepEqual(new BitFlipMutation({ prob: 0 }).mutate(space, [0, 0.5, 1, 0], Rng.fromSeed(1)), [0, 0.5, 1, 0]);
});

test('mutations reject bad settings and declare their kinds', () => {
  assert.throws(() => new PolynomialMutation({ prob: -0.1 }), /prob/);
  assert.throws(() => new PolynomialMutation({ eta: Number.NaN }), /eta/);
  assert.throws(() => new RandomResetMutation({ kinds: ['real'] as unknown as ['integer'] }), /random-reset-mutation cannot handle real/);
  assert.deepEqual([...new PolynomialMutation().kinds].sort(), ['integer', 'real']);
  assert.deepEqual([...new RandomResetMutation().kinds].sort(), ['categorical', 'integer']);
  assert.deepEqual([...new BitFlipMutation().kinds], ['binary']);
});
