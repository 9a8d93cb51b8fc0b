import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { Rng } from '../../core/rng.js';

test('same seed gives the same stream; different seeds differ', () => {
  const a = Rng.fromSeed(42);
  const b = Rng.fromSeed(42);
  const c = Rng.fromSeed(43);
  const xs = Array.from({ length: 100 }, () => a.nextUint32());
  assert.deepEqual(xs, Array.from({ length: 100 }, () => b.nextUint32()));
  assert.notDeepEqual(xs, Array.from({ length: 100 }, () => c.nextUint32()));
});

test('state round-trips through JSON and continues the exact stream', () => {
  fc.assert(
    fc.property(fc.integer(), fc.nat(50), (seed, skip) => {
      const a = Rng.fromSeed(seed);
      for (let i = 0; i < skip; i++) a.random();
      const b = Rng.fromState(JSON.parse(JSON.stringify(a.state())) as [number, number, number, number]);
      for (let i = 0; i < 20; i++) assert.equal(a.random(), b.random());
    }),
  );
});

test('integer() stays in its inclusive range and hits every value', () => {
  fc.assert(
    fc.property(fc.integer({ min: -1000, max: 1000 }), fc.integer({ min: 0, max: 9 }), fc.integer(), (low, span, seed) => {
      const rng = Rng.fromSeed(seed);
      const seen = new Set<number>();
      for (let i = 0; i < 400; i++) {
        const x = rng.integer(low, low + span);
        assert.ok(Number.isInteger(x) && x >= low && x <= low + span);
        seen.add(x);
      }
      assert.equal(seen.size, span + 1);
    }),
    { numRuns: 50 },
  );
});

test('random() is in [0, 1) with mean near 1/2; normal() has mean 0 and variance 1', () => {
  const rng = Rng.fromSeed(7);
  let sum = 0;
  let sumN = 0;
  let sumN2 = 0;
  const n = 20000;
  for (let i = 0; i < n; i++) {
    const u = rng.random();
    assert.ok(u >= 0 && u < 1);
    sum += u;
    const z = rng.normal();
    sumN += z;
    sumN2 += z * z;
  }
  assert.ok(Math.abs(sum / n - 0.5) < 0.01);
  assert.ok(Math.abs(sumN / n) < 0.03);
  assert.ok(Math.abs(sumN2 / n - 1) < 0.05);
});

test('permutation() is a permutation; spawn() gives a different, reproducible stream', () => {
  const p = Rng.fromSeed(3).permutation(50);
  assert.deepEqual([...p].sort((a, b) => a - b), Array.from({ length: 50 }, (_, i) => i));
  const child1 = Rng.fromSeed(3).spawn();
  const child2 = Rng.fromSeed(3).spawn();
  assert.equal(child1.random(), child2.random());
  assert.notEqual(Rng.fromSeed(3).random(), Rng.fromSeed(3).spawn().random());
});

test('bad seeds and states are refused', () => {
  assert.throws(() => Rng.fromSeed(1.5));
  assert.throws(() => Rng.fromState([0, 0, 0, 0]));
  assert.throws(() => Rng.fromState([1, 2, 3] as unknown as [number, number, number, number]));
});
