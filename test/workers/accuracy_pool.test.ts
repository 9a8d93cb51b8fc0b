/**
 * The worker pool: same results with 1 and 2 workers, the cache (whole-net queries shared),
 * retries of throwing and dying workers, failures reported without stopping the run.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { InputError, Interrupted } from '../../core/errors.js';
import type { SubnetQuery } from '../../problems/nasc/accuracy_oracle.js';
import { imageRanges, OnnxAccuracyOracle } from '../../workers/accuracy_pool.js';
import { toFloatBatch } from '../../workers/cifar10.js';
import { buildEvaluationModel, IMAGE, LOGITS } from '../../workers/graph_builder.js';
import { runFloat, withSession } from '../../workers/onnx_session.js';
import { argmax } from '../../workers/subnet_evaluator.js';
import { loadWeightStore } from '../../workers/weight_store.js';
import { fixtureExists, FIXTURE_STORE } from './fixture.js';
import { fakeImages, writeTinyStore } from './tiny_store.js';

const STORE = fixtureExists() ? FIXTURE_STORE : writeTinyStore({ seed: 2 });
const IMAGES = fakeImages(30, 5);
const CALIBRATION = fakeImages(16, 6);
const A = [7, 1, 3, 8, 5, 2, 8, 4, 6, 1, 0, 7, 3, 5, 8, 2, 6, 4, 1, 3, 7, 0];
const B = [0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 0, 1, 2, 3];
const C = [5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5];

const QUERIES: SubnetQuery[] = [
  { architecture: A, split: 0, precision: 'fp32' },
  { architecture: A, split: 7, precision: 'int8' },
  { architecture: B, split: 13, precision: 'fp16' },
  { architecture: C, split: 22, precision: 'int8' },
  { architecture: B, split: 3, precision: 'int8' },
];

test('image ranges follow the batch grid and cover every image once', () => {
  assert.deepEqual(imageRanges(30, 8, 2), [[0, 16], [16, 30]]);
  assert.deepEqual(imageRanges(30, 8, 10), [[0, 8], [8, 16], [16, 24], [24, 30]]);
  assert.deepEqual(imageRanges(30, 8, 1), [[0, 30]]);
  assert.deepEqual(imageRanges(0, 8, 3), [[0, 0]]);
  // From an offset (a later slice of a raced query): inner cuts stay on the grid.
  assert.deepEqual(imageRanges(14, 8, 2, 16), [[16, 24], [24, 30]]);
  assert.deepEqual(imageRanges(10, 8, 3, 12), [[12, 16], [16, 22]]);
  assert.deepEqual(imageRanges(4, 8, 1, 4), [[4, 8]]);
});

test('1 and 2 workers give identical accuracies, equal to a plain session; whole-net queries share a result', async () => {
  const results: number[][] = [];
  for (const workers of [1, 2]) {
    const oracle = new OnnxAccuracyOracle({ weights: STORE, images: IMAGES, workers, batchSize: 8, bn: 'running' });
    try {
      const r = await oracle.accuracy(QUERIES);
      assert.ok(r.every((x) => x.failure === undefined && x.images === 30));
      results.push(r.map((x) => x.accuracy));
      // Split 0, 22 and fp32 queries of one architecture are one cache entry.
      const again = await oracle.accuracy([
        { architecture: A, split: 22, precision: 'fp16' },
        { architecture: A, split: 11, precision: 'fp32' },
        { architecture: B, split: 13, precision: 'fp16' },
      ]);
      assert.deepEqual(again.map((x) => x.accuracy), [r[0]?.accuracy, r[0]?.accuracy, r[2]?.accuracy]);
      assert.equal(oracle.stats.evaluated, 5);
      assert.equal(oracle.stats.cacheHits, 3);
    } finally {
      await oracle.close();
    }
  }
  assert.deepEqual(results[0], results[1]);
  // The pool's count equals a plain single-session evaluation of the same graph.
  const store = loadWeightStore(STORE);
  const x = toFloatBatch(IMAGES.pixels, store.normalization);
  const out = await withSession(buildEvaluationModel(store, A, 7, 'int8'), (s) => runFloat(s, IMAGE, x, [30, 3, 32, 32], LOGITS));
  let correct = 0;
  for (let i = 0; i < 30; i++) if (argmax(out.data, i * 10, 10) === IMAGES.labels[i]) correct++;
  assert.equal(results[0]?.[1], correct / 30);
});

test('recalibrated BN: identical with 1 and 2 workers', async () => {
  const results: number[][] = [];
  for (const workers of [1, 2]) {
    const oracle = new OnnxAccuracyOracle({ weights: STORE, images: IMAGES, workers, batchSize: 8, bn: 'recalibrate', calibration: CALIBRATION, calibrationBatchSize: 8 });
    try {
      results.push((await oracle.accuracy(QUERIES.slice(0, 2))).map((x) => x.accuracy));
    } finally {
      await oracle.close();
    }
  }
  assert.deepEqual(results[0], results[1]);
  assert.ok(results[0]?.every((a) => a >= 0 && a <= 1));
});

test('counts on image ranges add up to the full accuracy; BN statistics are recalibrated once per architecture', async () => {
  const counts: number[][] = [];
  for (const workers of [1, 2]) {
    const oracle = new OnnxAccuracyOracle({ weights: STORE, images: IMAGES, workers, batchSize: 8, bn: 'recalibrate', calibration: CALIBRATION, calibrationBatchSize: 8 });
    try {
      // Slices first (racing), on and off the batch grid, then the rest, then the cached whole.
      const q = QUERIES[1] as SubnetQuery;
      const first = await oracle.count([{ ...q, start: 0, end: 12 }, { ...(QUERIES[2] as SubnetQuery), start: 0, end: 12 }]);
      const rest = await oracle.count([{ ...q, start: 12, end: 30 }]);
      const [whole] = await oracle.accuracy([q]);
      assert.equal((first[0]?.correct ?? NaN) + (rest[0]?.correct ?? NaN), Math.round((whole?.accuracy ?? NaN) * 30));
      assert.deepEqual([first[0]?.images, rest[0]?.images], [12, 18]);
      // Another split and precision of A, and B again: no new recalibration.
      const more = await oracle.accuracy([QUERIES[0] as SubnetQuery, QUERIES[4] as SubnetQuery]);
      assert.equal(oracle.stats.calibrations, 2, 'A and B recalibrated once each');
      counts.push([first[0]?.correct ?? NaN, first[1]?.correct ?? NaN, rest[0]?.correct ?? NaN, ...more.map((r) => r.accuracy)]);
      await assert.rejects(oracle.count([{ ...q, start: 20, end: 31 }]), InputError);
    } finally {
      await oracle.close();
    }
  }
  assert.deepEqual(counts[0], counts[1]);
  // A fresh pool that never cached A's statistics gives the same accuracy for it.
  const fresh = new OnnxAccuracyOracle({ weights: STORE, images: IMAGES, workers: 2, batchSize: 8, bn: 'recalibrate', calibration: CALIBRATION, calibrationBatchSize: 8 });
  try {
    const [r] = await fresh.accuracy([QUERIES[0] as SubnetQuery]);
    assert.equal(r?.accuracy, counts[0]?.[3]);
  } finally {
    await fresh.close();
  }
});

test('a query whose worker throws or dies is retried, then reported failed; the others complete', async () => {
  const oracle = new OnnxAccuracyOracle({
    weights: STORE,
    images: IMAGES,
    workers: 2,
    batchSize: 8,
    bn: 'running',
    faults: [
      { architecture: B.join(','), mode: 'exit' },
      { architecture: C.join(','), mode: 'throw' },
      { architecture: A.join(','), mode: 'exit', times: 1 },
    ],
  });
  try {
    const r = await oracle.accuracy(QUERIES);
    assert.equal(r[0]?.failure, undefined, 'A died once, then succeeded on retry');
    assert.ok(r[0] !== undefined && r[0].accuracy >= 0);
    for (const i of [2, 3, 4]) {
      assert.ok(Number.isNaN(r[i]?.accuracy), `query ${i} failed`);
      assert.match(r[i]?.failure ?? '', /failed after 3 attempts/);
    }
    assert.match(r[3]?.failure ?? '', /injected fault/);
    assert.ok(oracle.stats.retries >= 7);
    // The pool still works afterwards (dead workers were replaced).
    const later = await oracle.accuracy([{ architecture: A, split: 5, precision: 'fp16' }]);
    assert.equal(later[0]?.failure, undefined);
  } finally {
    await oracle.close();
  }
});

test('workers keep the verified weights when the store file is replaced during a run', async () => {
  const json = writeTinyStore({ seed: 21 });
  const original = loadWeightStore(json);
  // Label the images with the original store's predictions: accuracy 1 with those weights.
  const x = toFloatBatch(IMAGES.pixels, original.normalization);
  const predict = async (s: typeof original): Promise<Uint8Array> => {
    const out = await withSession(buildEvaluationModel(s, B, 13, 'fp16'), (ss) => runFloat(ss, IMAGE, x, [30, 3, 32, 32], LOGITS));
    return Uint8Array.from({ length: 30 }, (_, i) => argmax(out.data, i * 10, 10));
  };
  const images = { pixels: IMAGES.pixels, labels: await predict(original) };
  const oracle = new OnnxAccuracyOracle({ weights: json, images, workers: 1, batchSize: 8, bn: 'running', faults: [{ architecture: B.join(','), mode: 'exit', times: 1 }] });
  try {
    writeTinyStore({ seed: 99, dir: path.dirname(json), name: 'tiny' }); // e.g. a periodic export
    const changed = await predict(loadWeightStore(json));
    assert.ok(changed.some((p, i) => p !== images.labels[i]), 'the replacement predicts differently');
    // B's first attempt kills the worker: its replacement must still use the original weights.
    const [r] = await oracle.accuracy([{ architecture: B, split: 13, precision: 'fp16' }]);
    assert.equal(oracle.stats.retries, 1);
    assert.equal(r?.accuracy, 1);
  } finally {
    await oracle.close();
  }
});

test('bad queries and options are InputErrors', async () => {
  assert.throws(() => new OnnxAccuracyOracle({ weights: STORE, images: IMAGES, workers: 0 }), InputError);
  assert.throws(() => new OnnxAccuracyOracle({ weights: STORE, images: IMAGES, bn: 'recalibrate' }), InputError);
  const oracle = new OnnxAccuracyOracle({ weights: STORE, images: fakeImages(4), workers: 1, bn: 'running' });
  try {
    await assert.rejects(oracle.accuracy([{ architecture: A.slice(1), split: 0, precision: 'fp32' }]), InputError);
    await assert.rejects(oracle.accuracy([{ architecture: A, split: 23, precision: 'fp32' }]), InputError);
    await assert.rejects(oracle.accuracy([{ architecture: [...A.slice(1), 9], split: 2, precision: 'fp32' }]), InputError);
  } finally {
    await oracle.close();
  }
});

/** 40 distinct lossy queries (each its own cache entry). */
function manyQueries(): SubnetQuery[] {
  return Array.from({ length: 40 }, (_, k) => ({ architecture: A.map((c, i) => (c + k + i) % 9), split: 1 + (k % 21), precision: 'int8' as const }));
}

async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setTimeout(r, 5));
}

test('an aborted signal stops the pool mid-run: queued tasks are dropped, running ones finish, no native abort', async () => {
  const controller = new AbortController();
  const oracle = new OnnxAccuracyOracle({ weights: STORE, images: IMAGES, workers: 2, batchSize: 8, bn: 'running', signal: controller.signal });
  const pending = oracle.accuracy(manyQueries());
  await until(() => oracle.stats.evaluated >= 2);
  const rejected = assert.rejects(pending, (e: unknown) => e instanceof Interrupted && e.signal === 'SIGTERM');
  controller.abort(new Interrupted('SIGTERM'));
  await rejected;
  await oracle.close(); // waits for the running tasks, then ends the workers
  assert.ok(oracle.stats.evaluated < 40, `stopped early (${oracle.stats.evaluated} of 40 evaluated)`);
  await assert.rejects(oracle.accuracy(QUERIES), Interrupted);
});

test('close() while queries run (an error path) waits for the running tasks instead of killing workers inside onnxruntime', async () => {
  const oracle = new OnnxAccuracyOracle({ weights: STORE, images: IMAGES, workers: 2, batchSize: 8, bn: 'running' });
  const pending = oracle.accuracy(manyQueries());
  await until(() => oracle.stats.evaluated >= 1);
  const rejected = assert.rejects(pending, /closed/);
  await oracle.close();
  await rejected;
  await oracle.close(); // idempotent
});
