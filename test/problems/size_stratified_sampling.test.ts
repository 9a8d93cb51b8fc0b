/**
 * SizeStratifiedSampling: valid NASC genomes whose network sizes spread from nearly empty to
 * all-conv (uniform sampling leaves both ends empty), reproducible from the seed, and reachable
 * as nasc(init=size-stratified).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { Rng } from '../../core/rng.js';
import { SearchSpace } from '../../core/space.js';
import { categorical, integer } from '../../core/variables.js';
import { UniformSampling } from '../../operators/sampling/uniform.js';
import { BottleneckSet } from '../../problems/nasc/bottleneck.js';
import { SKIP_INDEX } from '../../problems/nasc/fbnet_space.js';
import { SizeStratifiedSampling } from '../../problems/nasc/size_stratified_sampling.js';
import { nascSearchSpace, NUM_LAYERS } from '../../problems/nasc/search_space.js';
import { parsePluginSpec } from '../../core/registry.js';
import { algorithms } from '../../experiments/plugins.js';
import { fcSeed } from '../helpers/fc_seed.js';

const space = nascSearchSpace({ split: 'integer', precision: 'int8', bottleneck: new BottleneckSet([{ split: 21, width: 11 }]) });
const skips = (g: readonly number[]): number => g.slice(0, NUM_LAYERS).filter((c) => c === SKIP_INDEX).length;

describe('SizeStratifiedSampling', () => {
  it('draws valid genomes, the same ones for the same seed', (t) => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.integer({ min: 1, max: 30 }), (seed, count) => {
        const a = new SizeStratifiedSampling().sample(space, count, Rng.fromSeed(seed));
        const b = new SizeStratifiedSampling().sample(space, count, Rng.fromSeed(seed));
        assert.deepEqual(a, b);
        assert.equal(a.length, count);
        for (const g of a) space.validate(g);
      }),
      { seed: fcSeed(t), numRuns: 50 },
    );
  });

  it('spreads network size over the whole range, where uniform sampling does not', () => {
    const n = 2000;
    const strat = new SizeStratifiedSampling().sample(space, n, Rng.fromSeed(7)).map(skips);
    const unif = new UniformSampling().sample(space, n, Rng.fromSeed(7)).map(skips);
    const share = (xs: number[], pred: (k: number) => boolean) => xs.filter(pred).length / xs.length;
    // p ~ U(0,1) makes the skip count close to uniform on 0..22: about 4/23 of the genomes in each tail.
    assert.ok(share(strat, (k) => k >= 18) > 0.12, `tiny networks: ${share(strat, (k) => k >= 18)}`);
    assert.ok(share(strat, (k) => k <= 4) > 0.12, `all-conv networks: ${share(strat, (k) => k <= 4)}`);
    assert.ok(share(unif, (k) => k >= 18) < 0.001);
    assert.ok(share(unif, (k) => k <= 4) > 0.7, 'uniform: 1 skip in 9 layers, mostly large networks');
    // Every conv candidate still appears, and non-layer genes stay uniform over their range.
    const all = new SizeStratifiedSampling().sample(space, n, Rng.fromSeed(8));
    const seen = new Set(all.flatMap((g) => g.slice(0, NUM_LAYERS)));
    assert.equal(seen.size, 9);
    const splits = new Set(all.map((g) => g[NUM_LAYERS]));
    assert.equal(splits.size, 23);
  });

  it('refuses a space that is not a NASC genome', () => {
    const other = new SearchSpace([categorical('a', ['x', 'y']), integer('b', 0, 3)]);
    assert.throws(() => new SizeStratifiedSampling().sample(other, 1, Rng.fromSeed(1)), /needs the NASC genome/);
  });

  it('is the nasc strategy\'s init=size-stratified; other values are refused', () => {
    assert.deepEqual(parsePluginSpec(algorithms, 'nasc(init=size-stratified)').parameters, { init: 'size-stratified' });
    assert.throws(() => parsePluginSpec(algorithms, 'nasc(init=sandwich)'), /init must be one of uniform, size-stratified/);
    // The baselines that search architectures can start the same way (a fair comparison).
    assert.deepEqual(parsePluginSpec(algorithms, 'hwnas(init=size-stratified)').parameters, { init: 'size-stratified' });
  });
});
