import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { LatencyTable } from '../../problems/nasc/latency_table.js';
import { SplitLatencyModel } from '../../problems/nasc/latency_model.js';
import { defaultWeights } from '../../experiments/paths.js';
import { profile, profiledOps } from '../../experiments/profile/profile_job.js';
import { loadWeightStore } from '../../workers/weight_store.js';
import { encoderKey } from '../../problems/nasc/bottleneck_latency.js';
import { skipUnless } from '../helpers/needs_data.js';

const root = path.resolve(import.meta.dirname, '../..');

test('the profiled ops are exactly the distinct official keys of the space (stem, 22 × 9 candidates, head)', () => {
  const ops = profiledOps(10);
  assert.equal(ops.size, 112);
  assert.ok([...ops.keys()].every((k) => /^(ConvBlock|Skip|ConvNorm|AvgP|FC)_/.test(k)));
  assert.ok(ops.has('FC_Cin1504_Cout10'));
});

test('a store\'s bottlenecks add their encoder and decoder under ConvNorm / ConvTransposeNorm keys (one per shape)', () => {
  const ops = profiledOps(10, [
    { split: 10, width: 16 },
    { split: 11, width: 16 },
    { split: 18, width: 46 },
  ]);
  assert.equal(ops.size, 112 + 4);
  assert.deepEqual(ops.get(encoderKey(10, 16)), { kind: 'bottleneck-encoder', split: 10, width: 16 });
  assert.deepEqual(ops.get('ConvNorm_H4_W4_Cin184_Cout184_kernel2_stride2_group1'), { kind: 'bottleneck-encoder', split: 18, width: 46 });
  assert.deepEqual(ops.get('ConvTransposeNorm_H2_W2_Cin184_Cout184_kernel2_stride2_group1'), { kind: 'bottleneck-decoder', split: 18, width: 46 });
});

test('a narrow store is refused: its timings would not match the table keys', async () => {
  const tiny = loadWeightStore(path.join(root, 'test/fixtures/supernet-tiny/tiny.json'));
  await assert.rejects(profile(tiny, { name: 'x', runs: 1, warmup: 0 }), /FBNet-CIFAR shapes/);
});

test('profiling the shipped store gives a table the latency model accepts', { skip: skipUnless(existsSync(defaultWeights()), 'the shipped weight store') }, async () => {
  const store = loadWeightStore(defaultWeights());
  // median of 5: with 2 runs (a mean) one pause of a loaded machine flipped the order below
  const table = await profile(store, { name: 'here', runs: 5, warmup: 1 });
  const parsed = LatencyTable.parse(JSON.parse(JSON.stringify(table)), 'profile');
  assert.deepEqual(parsed.devices, ['here']);
  const model = SplitLatencyModel.fromTable(parsed, { device: 'here', server: 'here', link: { bandwidthMbps: 10, rttMs: 0, packetBytes: 1460, headerBytes: 0, lossRate: 0 }, numClasses: 10 });
  const all = model.breakdown(Array(22).fill(7), 22, 'fp32');
  const small = model.breakdown(Array(22).fill(0), 22, 'fp32');
  assert.ok(all.deviceMs > 0 && small.deviceMs > 0);
  assert.ok(all.deviceMs > small.deviceMs, `largest ${all.deviceMs} ms should cost more than smallest ${small.deviceMs} ms`);
  // the store's bottlenecks were timed, and those timings replace the fitted estimate
  const first = store.manifest.bottlenecks[0];
  if (first !== undefined) {
    assert.ok((model.costs.encoder?.measured ?? 0) > 0);
    const b = model.breakdown(Array(22).fill(7), first.split, 'int8', first.width);
    assert.equal(b.encoderMs, (table.here_latency as Record<string, number>)[encoderKey(first.split, first.width)]);
  }
});
