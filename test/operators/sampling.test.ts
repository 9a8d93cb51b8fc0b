import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { Rng } from '../../core/rng.js';
import { SearchSpace } from '../../core/space.js';
import { binary, categorical, integer, real, VARIABLE_KINDS } from '../../core/variables.js';
import { LatinHypercubeSampling } from '../../operators/sampling/latin_hypercube.js';
import { UniformSampling } from '../../operators/sampling/uniform.js';
import { seedArb, spaceArb } from './arbitrary_space.js';

/** A random variable of the given kind (named by position so names are unique). */

const samplers = [new UniformSampling(), new LatinHypercubeSampling()];

for (const sampler of samplers) {
  test(`${sampler.name}: genomes lie in the space (bounds and kinds) and count is honoured`, () => {
    assert.deepEqual([...sampler.kinds].sort(), [...VARIABLE_KINDS].sort());
    fc.assert(
      fc.property(spaceArb(), fc.integer({ min: 0, max: 40 }), seedArb, (space, count, seed) => {
        const out = sampler.sample(space, count, Rng.fromSeed(seed));
        assert.equal(out.length, count);
        for (const g of out) assert.ok(space.contains(g), `${space.key(g)} not in space`);
      }),
    );
  });

  test(`${sampler.name}: same seed gives the same genomes`, () => {
    fc.assert(
      fc.property(spaceArb(), seedArb, (space, seed) => {
        assert.deepEqual(sampler.sample(space, 12, Rng.fromSeed(seed)), sampler.sample(space, 12, Rng.fromSeed(seed)));
      }),
      { numRuns: 50 },
    );
  });

  test(`${sampler.name}: every value of each discrete variable shows up`, () => {
    const space = new SearchSpace([categorical('c', ['a', 'b', 'c', 'd']), integer('i', -2, 2), binary('b'), real('r', 0, 1)]);
    const out = sampler.sample(space, 400, Rng.fromSeed(7));
    for (let j = 0; j < 3; j++) {
      const counts = new Map<number, number>();
      for (const g of out) counts.set(g[j] as number, (counts.get(g[j] as number) ?? 0) + 1);
      const k = j === 0 ? 4 : j === 1 ? 5 : 2;
      assert.equal(counts.size, k);
      // Roughly uniform: each value within ±50 % of its expected share (seeded, so not flaky).
      for (const c of counts.values()) assert.ok(Math.abs(c - 400 / k) < 0.5 * (400 / k), `counts ${[...counts.values()]}`);
    }
  });
}

test('latin hypercube: each real variable has exactly one sample per stratum', () => {
  fc.assert(
    fc.property(spaceArb(['real', 'integer']), fc.integer({ min: 1, max: 60 }), seedArb, (space, count, seed) => {
      const out = new LatinHypercubeSampling().sample(space, count, Rng.fromSeed(seed));
      space.variables.forEach((v, j) => {
        if (v.kind !== 'real') return;
        const strata = out.map((g) => Math.min(count - 1, Math.floor((((g[j] as number) - v.lower) / (v.upper - v.lower)) * count)));
        // Rounding can move a sample sitting exactly on a stratum edge; allow that, but nothing else.
        const sorted = [...strata].sort((a, b) => a - b);
        const misplaced = sorted.filter((s, i) => s !== i).length;
        assert.ok(misplaced <= 2, `strata ${sorted.join(',')}`);
      });
    }),
  );
});

test('uniform sampling of reals is spread over the whole range, LHS even more evenly', () => {
  const space = new SearchSpace([real('x', -5, 5)]);
  for (const sampler of samplers) {
    const xs = sampler.sample(space, 1000, Rng.fromSeed(3)).map((g) => g[0] as number);
    const bins = new Array<number>(10).fill(0);
    for (const x of xs) bins[Math.min(9, Math.floor(x + 5))]! += 1;
    for (const b of bins) assert.ok(b > 60 && b < 140, `${sampler.name} bins ${bins}`);
    if (sampler instanceof LatinHypercubeSampling) assert.deepEqual(bins, new Array<number>(10).fill(100));
  }
});
