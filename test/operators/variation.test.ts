import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { Rng } from '../../core/rng.js';
import { SearchSpace } from '../../core/space.js';
import { binary, categorical, integer, real, VARIABLE_KINDS, type Genome, type VariableKind } from '../../core/variables.js';
import { SimulatedBinaryCrossover } from '../../operators/crossover/sbx.js';
import { TwoPointCrossover } from '../../operators/crossover/two_point.js';
import { UniformCrossover } from '../../operators/crossover/uniform.js';
import { BitFlipMutation } from '../../operators/mutation/bit_flip.js';
import { PolynomialMutation } from '../../operators/mutation/polynomial.js';
import { RandomResetMutation } from '../../operators/mutation/random_reset.js';
import { BoundsRepair } from '../../operators/repair/bounds.js';
import { FunctionRepair } from '../../operators/repair/function.js';
import { UniformSampling } from '../../operators/sampling/uniform.js';
import { CrossoverThenMutation } from '../../operators/variation/crossover_then_mutation.js';
import { defaultVariation } from '../../operators/variation/default_variation.js';
import { MixedVariation } from '../../operators/variation/mixed_variation.js';
import { seedArb, spaceArb } from './arbitrary_space.js';


const parentsOf = (space: SearchSpace, seed: number): Genome[] => new UniformSampling().sample(space, 2, Rng.fromSeed(seed ^ 0x77));

/** All four kinds, with a few variables of each. */
const allKinds = new SearchSpace([
  real('lr', 1e-4, 1e-1),
  real('dropout', 0, 0.5),
  integer('split', 0, 21),
  integer('depth', 1, 4),
  categorical('op0', ['k3_e1', 'k3_e3', 'k5_e6', 'skip']),
  categorical('op1', ['k3_e1', 'k3_e3', 'k5_e6', 'skip']),
  categorical('act', ['relu', 'hswish']),
  binary('quantise'),
  binary('bn'),
]);

test('mixed variation: children of random spaces (all kinds) stay inside the space; same seed, same children', () => {
  const mv = new MixedVariation();
  assert.deepEqual([...mv.kinds].sort(), [...VARIABLE_KINDS].sort());
  fc.assert(
    fc.property(spaceArb(), seedArb, (space, seed) => {
      const rng = Rng.fromSeed(seed);
      let parents = parentsOf(space, seed);
      for (let k = 0; k < 4; k++) {
        parents = mv.vary(space, parents, rng);
        assert.equal(parents.length, 2);
        for (const c of parents) assert.ok(space.contains(c), `${space.key(c)} not in space`);
      }
      assert.deepEqual(mv.vary(space, parentsOf(space, seed), Rng.fromSeed(seed)), mv.vary(space, parentsOf(space, seed), Rng.fromSeed(seed)));
    }),
  );
});

test('mixed variation varies every kind of a four-kind genome', () => {
  const mv = new MixedVariation();
  const rng = Rng.fromSeed(3);
  const changedByKind = new Map<VariableKind, number>();
  for (let t = 0; t < 500; t++) {
    const parents = new UniformSampling().sample(allKinds, 2, rng);
    const children = mv.vary(allKinds, parents, rng);
    children.forEach((c) => {
      assert.ok(allKinds.contains(c));
      allKinds.variables.forEach((v, i) => {
        // A gene "changed" when it matches neither parent: mutation, or SBX blending.
        if (c[i] !== parents[0]?.[i] && c[i] !== parents[1]?.[i]) changedByKind.set(v.kind, (changedByKind.get(v.kind) ?? 0) + 1);
      });
    });
  }
  for (const k of VARIABLE_KINDS) assert.ok((changedByKind.get(k) ?? 0) > 20, `kind ${k} changed ${changedByKind.get(k) ?? 0} times`);
});

test('mixed variation mutates about one gene per child (1/n of the whole genome) by default', () => {
  // Reals, categoricals with >= 2 choices and binaries: every mutation visibly changes the gene.
  const space = new SearchSpace([
    ...Array.from({ length: 4 }, (_, i) => real(`r${i}`, 0, 1)),
    ...Array.from({ length: 4 }, (_, i) => categorical(`c${i}`, ['a', 'b', 'c'])),
    ...Array.from({ length: 4 }, (_, i) => binary(`b${i}`)),
  ]);
  const rate = (mv: MixedVariation): number => {
    const rng = Rng.fromSeed(8);
    let changed = 0;
    for (let t = 0; t < 2000; t++) {
      const parents = new UniformSampling().sample(space, 2, rng);
      const children = mv.vary(space, parents, rng);
      children.forEach((c, j) => {
        changed += c.filter((x, i) => x !== parents[j]?.[i]).length;
      });
    }
    return changed / 4000;
  };
  const byDefault = rate(new MixedVariation({ crossoverProb: 0 }));
  assert.ok(Math.abs(byDefault - 1) < 0.1, `mean mutated genes ${byDefault}`);
  const fixed = rate(new MixedVariation({ crossoverProb: 0, mutationProb: 0.5 }));
  assert.ok(Math.abs(fixed - 6) < 0.3, `mean mutated genes at p = 0.5: ${fixed}`);
});

test('crossover then mutation: counts, kinds, validity, determinism', () => {
  const v = new CrossoverThenMutation(new SimulatedBinaryCrossover({ eta: 20 }), new PolynomialMutation({ eta: 20 }));
  assert.equal(v.parents, 2);
  assert.equal(v.children, 2);
  assert.deepEqual([...v.kinds].sort(), ['integer', 'real']);
  assert.equal(v.name, 'sbx+polynomial-mutation');
  fc.assert(
    fc.property(spaceArb(['real', 'integer']), seedArb, (space, seed) => {
      const a = v.vary(space, parentsOf(space, seed), Rng.fromSeed(seed));
      assert.equal(a.length, 2);
      for (const c of a) assert.ok(space.contains(c));
      assert.deepEqual(a, v.vary(space, parentsOf(space, seed), Rng.fromSeed(seed)));
    }),
  );
  const binaryGa = new CrossoverThenMutation(new TwoPointCrossover(), new BitFlipMutation(), { name: 'ga' });
  assert.equal(binaryGa.name, 'ga');
  assert.deepEqual([...binaryGa.kinds], ['binary']);
});

test('crossover then mutation refuses a space whose kinds an operator does not accept, naming both', () => {
  assert.throws(
    () => new CrossoverThenMutation(new SimulatedBinaryCrossover(), new PolynomialMutation(), { space: allKinds }),
    /operator sbx does not accept categorical variables \(variable op0\)/,
  );
  assert.throws(
    () => new CrossoverThenMutation(new UniformCrossover(), new RandomResetMutation(), { space: allKinds }),
    /operator random-reset-mutation does not accept real variables \(variable lr\)/,
  );
  const v = new CrossoverThenMutation(new UniformCrossover(), new RandomResetMutation());
  assert.throws(() => v.vary(allKinds, new UniformSampling().sample(allKinds, 2, Rng.fromSeed(1)), Rng.fromSeed(1)), /random-reset-mutation.*real/);
});

test('defaultVariation: SBX + PM for all-real spaces, mixed otherwise; options reach the operators', () => {
  const reals = new SearchSpace([real('x', 0, 1), real('y', 0, 1)]);
  const v = defaultVariation(reals, { crossoverEta: 20, crossoverProb: 1, mutationEta: 30, mutationProb: 0.25 });
  assert.ok(v instanceof CrossoverThenMutation);
  assert.ok(v.crossover instanceof SimulatedBinaryCrossover && v.crossover.eta === 20 && v.crossover.prob === 1);
  assert.ok(v.mutation instanceof PolynomialMutation && v.mutation.eta === 30 && v.mutation.prob === 0.25);
  const d = defaultVariation(reals);
  assert.ok(d instanceof CrossoverThenMutation && d.crossover instanceof SimulatedBinaryCrossover && d.crossover.eta === 15);
  assert.ok(defaultVariation(allKinds) instanceof MixedVariation);
  assert.ok(defaultVariation(new SearchSpace([integer('k', 0, 3)])) instanceof MixedVariation);
  const children = defaultVariation(allKinds).vary(allKinds, parentsOf(allKinds, 1), Rng.fromSeed(1));
  for (const c of children) assert.ok(allKinds.contains(c));
});

test('bounds repair clips every gene and rounds the discrete ones; NaN is refused', () => {
  const repair = new BoundsRepair();
  assert.deepEqual(repair.repair(allKinds, [1, -0.2, 21.6, 2.4, 7, -1, 0.4, 2, -3]), [1e-1, 0, 21, 2, 3, 0, 0, 1, 0]);
  assert.throws(() => repair.repair(allKinds, [Number.NaN, 0, 0, 1, 0, 0, 0, 0, 0]), /gene lr is NaN/);
  assert.throws(() => repair.repair(allKinds, [0.01]), /genome has 1 genes/);
  fc.assert(
    fc.property(spaceArb(), fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: 12, maxLength: 12 }), (space, xs) => {
      const g = xs.slice(0, space.size);
      const y = repair.repair(space, g);
      assert.ok(space.contains(y));
      // Idempotent, and genomes already inside are left as they are.
      assert.deepEqual(repair.repair(space, y), y);
    }),
  );
});

test('function repair applies the hook (e.g. a privacy bound split >= 3) and checks the length', () => {
  const sMin = 3;
  const split = allKinds.variables.findIndex((v) => v.name === 'split');
  const privacy = new FunctionRepair('privacy', (g) => g.map((x, i) => (i === split ? Math.max(x, sMin) : x)));
  assert.equal(privacy.name, 'privacy');
  const g = parentsOf(allKinds, 4)[0] as Genome;
  const low = g.map((x, i) => (i === split ? 0 : x));
  assert.equal(privacy.repair(allKinds, low)[split], 3);
  assert.deepEqual(privacy.repair(allKinds, g.map((x, i) => (i === split ? 7 : x))), g.map((x, i) => (i === split ? 7 : x)));
  assert.throws(() => new FunctionRepair('bad', (x) => x.slice(1)).repair(allKinds, g), /repair bad returned 8 genes/);
});
