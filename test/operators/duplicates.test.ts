import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { Rng } from '../../core/rng.js';
import { SearchSpace } from '../../core/space.js';
import { binary, categorical, integer, real, type Genome } from '../../core/variables.js';
import { defaultDuplicateElimination } from '../../operators/duplicates/default_duplicate_elimination.js';
import { EpsilonDuplicateElimination } from '../../operators/duplicates/epsilon.js';
import { HashDuplicateElimination } from '../../operators/duplicates/hash.js';
import { UniformSampling } from '../../operators/sampling/uniform.js';

const discrete = new SearchSpace([categorical('op', ['a', 'b', 'c']), integer('s', 0, 3), binary('q')]);
const reals = new SearchSpace([real('x', 0, 1), real('y', 0, 1)]);

const maxAbsDiff = (a: Genome, b: Genome): number => Math.max(...a.map((x, i) => Math.abs(x - (b[i] as number))));

/** Index lists into a small pool of genomes, so that duplicates are frequent. */
const picksArb = fc.record({
  pool: fc.integer({ min: 1, max: 40 }),
  candidates: fc.array(fc.nat(39), { maxLength: 60 }),
  existing: fc.array(fc.nat(39), { maxLength: 30 }),
  seed: fc.integer({ min: 0, max: 2 ** 31 }),
});

test('hash elimination: no two kept genomes are equal, none equals an existing one, nothing else is dropped', () => {
  const elim = new HashDuplicateElimination();
  fc.assert(
    fc.property(picksArb, ({ pool, candidates, existing, seed }) => {
      const genomes = new UniformSampling().sample(discrete, pool, Rng.fromSeed(seed));
      const pick = (i: number): Genome => [...(genomes[i % pool] as Genome)];
      const cand = candidates.map(pick);
      const ex = existing.map(pick);
      const out = elim.filter(discrete, cand, ex);
      const keys = out.map((g) => discrete.key(g));
      assert.equal(new Set(keys).size, keys.length);
      const exKeys = new Set(ex.map((g) => discrete.key(g)));
      for (const k of keys) assert.ok(!exKeys.has(k));
      // Maximal: every distinct candidate key not already existing is kept, first occurrence first.
      const expected = [...new Set(cand.map((g) => discrete.key(g)))].filter((k) => !exKeys.has(k));
      assert.deepEqual(keys, expected);
    }),
  );
});

test('epsilon elimination: kept genomes are pairwise > ε apart and > ε from every existing one; drops are justified', () => {
  fc.assert(
    fc.property(picksArb, fc.constantFrom(0, 1e-16, 1e-3, 0.05), fc.array(fc.double({ min: -0.01, max: 0.01, noNaN: true }), { minLength: 60, maxLength: 60 }), ({ pool, candidates, existing, seed }, eps, jitter) => {
      const elim = new EpsilonDuplicateElimination(eps);
      const genomes = new UniformSampling().sample(reals, pool, Rng.fromSeed(seed));
      // Near-copies: some candidates are nudged by up to 0.01, so some are within ε and some not.
      const cand = candidates.map((i, j) => (genomes[i % pool] as Genome).map((x) => x + (j % 3 === 0 ? (jitter[j] as number) : 0)));
      const ex = existing.map((i) => [...(genomes[i % pool] as Genome)]);
      const out = elim.filter(reals, cand, ex);
      for (let a = 0; a < out.length; a++) {
        for (const e of ex) assert.ok(maxAbsDiff(out[a] as Genome, e) > eps);
        for (let b = 0; b < a; b++) assert.ok(maxAbsDiff(out[a] as Genome, out[b] as Genome) > eps);
      }
      // Every dropped candidate is within ε of an existing genome or of an earlier kept one.
      let k = 0;
      for (const c of cand) {
        if (k < out.length && out[k] === c) {
          k++;
          continue;
        }
        const kept = out.slice(0, k);
        assert.ok([...ex, ...kept].some((o) => maxAbsDiff(c, o) <= eps), 'dropped a genome that is no duplicate');
      }
      assert.equal(k, out.length, 'output must be an order-preserving subset of the candidates');
    }),
  );
});

test('epsilon elimination: the default ε = 1e-16 catches exact copies only', () => {
  const elim = new EpsilonDuplicateElimination();
  assert.equal(elim.epsilon, 1e-16);
  const out = elim.filter(reals, [[0.5, 0.5], [0.5, 0.5], [0.5, 0.5 + 1e-12], [0.1, 0.2]], [[0.1, 0.2]]);
  assert.deepEqual(out, [[0.5, 0.5], [0.5, 0.5 + 1e-12]]);
  // NaN genes never count as duplicates (they are failures to look at, not to hide).
  assert.equal(elim.filter(reals, [[Number.NaN, 0], [Number.NaN, 0]], []).length, 2);
  assert.throws(() => new EpsilonDuplicateElimination(-1), /epsilon/);
});

test('default elimination: hashing for discrete spaces, ε for spaces with reals', () => {
  assert.ok(defaultDuplicateElimination(discrete) instanceof HashDuplicateElimination);
  assert.ok(defaultDuplicateElimination(reals) instanceof EpsilonDuplicateElimination);
  assert.ok(defaultDuplicateElimination(new SearchSpace([real('x', 0, 1), binary('b')])) instanceof EpsilonDuplicateElimination);
});

test('epsilon elimination of a NSGA-II-sized generation keeps exactly the new offspring, generation after generation', () => {
  // Speed is measured by `npm run bench:engine`, not asserted here (no wall-clock assertions in tests).
  const space = new SearchSpace(Array.from({ length: 30 }, (_, i) => real(`x${i}`, 0, 1)));
  const rng = Rng.fromSeed(1);
  const pop = new UniformSampling().sample(space, 100, rng);
  // Offspring sharing most genes with the population (as after convergence), half exact copies.
  const off = Array.from({ length: 100 }, (_, i) => (i % 2 === 0 ? [...(pop[i] as Genome)] : (pop[i] as Genome).map((x, j) => (j === 29 ? x * 0.5 : x))));
  const elim = new EpsilonDuplicateElimination();
  for (let g = 0; g < 25; g++) {
    const kept = elim.filter(space, off, pop);
    assert.equal(kept.length, 50);
    assert.ok(kept.every((k) => off.findIndex((o) => o === k) % 2 === 1), "the exact copies are the ones dropped");
  }
});
