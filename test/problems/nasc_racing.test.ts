/**
 * Racing on images: the Wilson interval, prefix counts that grow (MeasurementStore), the racing
 * rule (ImageRacing) and the NASC problem racing its candidates. Accuracy per image comes from
 * the PROXY per-image oracle (unit tests only); the store's additivity is also checked on the
 * real onnxruntime pool with a tiny store.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { paretoFront } from '../../core/minimize.js';
import { Rng } from '../../core/rng.js';
import { runStrategy } from '../../experiments/compare/run_strategy.js';
import { AccuracyCache } from '../../problems/nasc/accuracy_cache.js';
import { ImageRacing } from '../../problems/nasc/image_racing.js';
import { LatencyTable } from '../../problems/nasc/latency_table.js';
import { MeasurementStore } from '../../problems/nasc/measurement_store.js';
import { nascAlgorithm } from '../../problems/nasc/nasc_algorithm.js';
import { NascProblem, type NascInfo } from '../../problems/nasc/problem.js';
import { ProxyImageOracle } from '../../problems/nasc/proxy_oracle.js';
import { parseScenario } from '../../problems/nasc/scenario.js';
import type { DecodedGenome } from '../../problems/nasc/search_space.js';
import { wilsonInterval } from '../../problems/nasc/wilson_interval.js';
import { OnnxAccuracyOracle } from '../../workers/accuracy_pool.js';
import { syntheticLut } from '../fixtures/nasc/synthetic_lut.js';
import { fakeImages, writeTinyStore } from '../workers/tiny_store.js';

const table = LatencyTable.parse({ raw_lut: syntheticLut() }, 'synthetic');
const scenario = parseScenario({ device: 'tiny', server: 'big', bandwidthMbps: 10, latencyBoundMs: 40, sMin: 1 }, 'test.json');
const arch = (seed: number): number[] => {
  const rng = Rng.fromSeed(seed);
  return Array.from({ length: 22 }, () => rng.index(9));
};
const whole = (architecture: number[]): DecodedGenome => ({ architecture, split: 22, precision: 'fp32' });

describe('Wilson interval', () => {
  it('matches hand-computed values and stays in [0, 1]', () => {
    const [lo0, hi0] = wilsonInterval(0, 10, 1.96);
    assert.equal(lo0, 0);
    assert.ok(Math.abs(hi0 - 0.2775) < 1e-4, `${hi0}`);
    const [lo, hi] = wilsonInterval(70, 100, 1.96);
    assert.ok(Math.abs(lo - 0.6041) < 1e-4 && Math.abs(hi - 0.7811) < 1e-4, `${lo} ${hi}`);
    assert.deepEqual(wilsonInterval(0, 0, 1.96), [0, 1]);
    assert.throws(() => wilsonInterval(5, 4, 1.96), RangeError);
  });

  it('property: contains the estimate, narrows with n, widens with z', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2000 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0.5, max: 3, noNaN: true }), (n, f, z) => {
        const k = Math.round(f * n);
        const [lo, hi] = wilsonInterval(k, n, z);
        assert.ok(lo >= 0 && hi <= 1 && lo <= k / n + 1e-12 && hi >= k / n - 1e-12);
        const [lo4, hi4] = wilsonInterval(4 * k, 4 * n, z);
        assert.ok(hi4 - lo4 <= hi - lo + 1e-12);
        const [loZ, hiZ] = wilsonInterval(k, n, z + 0.5);
        assert.ok(loZ <= lo + 1e-12 && hiZ >= hi - 1e-12);
      }),
    );
  });
});

describe('measurement store', () => {
  it('tops up prefix counts without re-measuring; the full count equals a one-shot measurement', async () => {
    const oracle = new ProxyImageOracle(400);
    const store = new MeasurementStore(oracle);
    const a = whole(arch(1));
    const b: DecodedGenome = { architecture: arch(2), split: 7, precision: 'int8' };
    const first = await store.atLeast([a, b], [100, 50]);
    assert.deepEqual(first.map((c) => c.images), [100, 50]);
    // a at another lossless split is the same subnet: no new images.
    const again = await store.atLeast([{ ...a, split: 0 }], [100]);
    assert.deepEqual(again[0], first[0]);
    const full = await store.atLeast([a, b], [400, 400]);
    assert.equal(store.imagesMeasured, 800);
    assert.deepEqual(
      oracle.ranges.map((r) => [r.start, r.end]),
      [[0, 100], [0, 50], [100, 400], [50, 400]],
    );
    const direct = await new ProxyImageOracle(400).accuracy([{ ...a, split: 22 }, { architecture: b.architecture, split: 7, precision: 'int8' }]);
    assert.deepEqual(full.map((c) => c.correct / c.images), direct.map((r) => r.accuracy));
    // Concurrent requests for one subnet share the measurement instead of counting images twice.
    const c = whole(arch(3));
    const [x, y] = await Promise.all([store.atLeast([c], [200]), store.atLeast([c], [300])]);
    assert.deepEqual([x[0]?.images, y[0]?.images], [200, 300]);
    assert.equal(store.imagesMeasured, 1100);
  });

  it('on the real pool: slices add up to the full accuracy (BN recalibrated)', async () => {
    const images = fakeImages(30, 4);
    const pool = new OnnxAccuracyOracle({ weights: writeTinyStore({ seed: 8 }), images, workers: 2, batchSize: 8, bn: 'recalibrate', calibration: fakeImages(8, 9), calibrationBatchSize: 8 });
    try {
      const store = new MeasurementStore(pool);
      const d: DecodedGenome = { architecture: arch(4), split: 9, precision: 'int8' };
      await store.atLeast([d], [10]);
      await store.atLeast([d], [17]);
      const [full] = await store.accuracy([{ ...d }]);
      const [direct] = await pool.accuracy([{ ...d }]);
      assert.equal(full?.accuracy, direct?.accuracy);
      assert.equal(full?.images, 30);
    } finally {
      await pool.close();
    }
  });
});

describe('image racing', () => {
  it('stops a candidate whose upper bound is below the front at its latency, completes the others', async () => {
    const store = new MeasurementStore(new ProxyImageOracle(400));
    const racing = new ImageRacing(store, { firstImages: 100 });
    assert.deepEqual(racing.schedule, [100, 200, 400]);
    racing.remember([{ accuracy: 0.99, latencyMs: 10 }]);
    const [slow, fast] = await racing.race([
      { decoded: whole(arch(5)), latencyMs: 20, feasible: true }, // behind a 99 % point at 10 ms
      { decoded: whole(arch(6)), latencyMs: 5, feasible: true }, // nothing faster on the front
    ]);
    assert.equal(slow?.stopped, true);
    assert.equal(slow?.images, 100);
    assert.ok((slow?.interval[1] ?? 1) < 0.99);
    assert.equal(fast?.stopped, false);
    assert.equal(fast?.images, 400);
    // The complete candidate joined the reference front.
    assert.ok(racing.front().some((p) => p.latencyMs === 5));
  });

  it('infeasible candidates get only the first slice; complete front entrants get the front images', async () => {
    const store = new MeasurementStore(new ProxyImageOracle(800));
    const racing = new ImageRacing(store, { firstImages: 100, fullImages: 400, frontImages: 800 });
    const [over, entrant] = await racing.race([
      { decoded: whole(arch(7)), latencyMs: 50, feasible: false },
      { decoded: whole(arch(8)), latencyMs: 12, feasible: true },
    ]);
    assert.deepEqual([over?.images, over?.stopped], [100, true]);
    assert.deepEqual([entrant?.images, entrant?.stopped], [800, false]);
    assert.deepEqual(racing.front(), [{ accuracy: entrant?.accuracy, latencyMs: 12 }]);
  });

  it('a NASC search with racing: fewer images, reproducible, front points fully measured', async (t) => {
    const runOnce = async (): Promise<{ images: number; evaluated: import('../../core/individual.js').Individual<NascInfo>[] }> => {
      const store = new MeasurementStore(new ProxyImageOracle(400));
      const base = new NascProblem({ scenario, model: NascProblem.fromTable(scenario, table, store).model, oracle: store, cache: new AccuracyCache(store) });
      const problem = base.withRacing(new ImageRacing(store, { firstImages: 50 }));
      const r = await runStrategy({ problem, algorithm: nascAlgorithm(problem, { populationSize: 10 }, Rng.fromSeed(3)), evaluations: 60 });
      return { images: store.imagesMeasured, evaluated: r.evaluated as import('../../core/individual.js').Individual<NascInfo>[] };
    };
    const a = await runOnce();
    const b = await runOnce();
    assert.deepEqual(b.evaluated.map((i) => [i.genome, i.objectives]), a.evaluated.map((i) => [i.genome, i.objectives]));
    const stopped = a.evaluated.filter((i) => i.info?.stoppedEarly === true);
    assert.ok(stopped.length > 0, 'some candidates were ruled out early');
    assert.ok(a.images < 60 * 400, `${a.images} images for 60 candidates`);
    t.diagnostic(`${a.images} images for 60 candidates (${stopped.length} stopped early)`);
    for (const p of paretoFront(a.evaluated)) assert.ok((p.info?.images ?? 0) >= 400, 'front points carry the full measurement');
    for (const s of stopped) assert.ok(s.info?.interval !== undefined && s.info.images < 400);
  });

  it('on the real pool: the same raced search with 1 and 2 workers', async () => {
    const weights = writeTinyStore({ seed: 12 });
    const images = fakeImages(32, 5);
    const outcomes: unknown[] = [];
    for (const workers of [1, 2]) {
      const pool = new OnnxAccuracyOracle({ weights, images, workers, batchSize: 8, bn: 'recalibrate', calibration: fakeImages(8, 9), calibrationBatchSize: 8 });
      try {
        const store = new MeasurementStore(pool);
        const problem = new NascProblem({ scenario, model: NascProblem.fromTable(scenario, table, store).model, oracle: store, cache: new AccuracyCache(store) }).withRacing(new ImageRacing(store, { firstImages: 8 }));
        const r = await runStrategy({ problem, algorithm: nascAlgorithm(problem, { populationSize: 6 }, Rng.fromSeed(4)), evaluations: 18 });
        outcomes.push(r.evaluated.map((i) => [i.genome, i.objectives, i.info]));
      } finally {
        await pool.close();
      }
    }
    assert.deepEqual(outcomes[1], outcomes[0]);
  });
});
