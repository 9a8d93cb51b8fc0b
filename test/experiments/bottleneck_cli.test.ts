/**
 * `nasc latency --bottleneck` and `nasc accuracy --bottleneck` (the interface the checks use),
 * through the commands' report functions; the bad inputs are in bad_inputs.test.ts.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { accuracyReport } from '../../experiments/cli/commands/accuracy.js';
import { latencyReport } from '../../experiments/cli/commands/latency.js';
import { loadCifar10 } from '../../workers/cifar10.js';
import { OnnxAccuracyOracle } from '../../workers/accuracy_pool.js';

const root = path.resolve(import.meta.dirname, '../..');
const tiny = path.join(root, 'test/fixtures/supernet-tiny/tiny.json');
const data = process.env.NASC_DATA;
const skip = data === undefined || !existsSync(path.join(data, 'cifar10')) ? 'NASC_DATA is not set' : false;

test('nasc latency --split 9 --bottleneck 8 --precision int8: 2,056 B, encoder and decoder in the total', () => {
  const base = { scenario: 'default', arch: 'k5_e6', split: '9', precision: 'int8', json: true };
  const r = latencyReport({ ...base, bottleneck: '8' });
  assert.equal(r.payloadBytes, 2056);
  assert.equal(r.bottleneck, 8);
  assert.ok(r.encoderMs > 0.1 && r.encoderMs < 0.3, `raspi4 encoder ${r.encoderMs} ms`);
  assert.ok(r.decoderMs > 0.4 && r.decoderMs < 0.5, `edgegpu decoder ${r.decoderMs} ms`);
  assert.equal(r.totalMs, r.deviceMs + r.encoderMs + r.linkMs + r.decoderMs + r.serverMs);
  const plain = latencyReport(base);
  assert.equal(plain.payloadBytes, 32 * 16 * 16 + 8);
  assert.equal(plain.encoderMs, 0);
  assert.equal(plain.deviceMs, r.deviceMs);
  assert.ok(r.linkMs < plain.linkMs / 3);
});

test('nasc accuracy --bottleneck evaluates through the store\'s bottleneck (tiny fixture store, 20 test images)', { skip, timeout: 120_000 }, async () => {
  const base = { arch: 'k3_e3', split: 6, precision: 'int8', images: 20, weights: tiny, workers: 1, json: true };
  const r = await accuracyReport({ ...base, bottleneck: 3 });
  assert.equal(r.failure, undefined);
  assert.equal(r.images, 20);
  assert.ok(r.accuracy >= 0 && r.accuracy <= 1);
  await assert.rejects(accuracyReport({ ...base, bottleneck: 4 }), /no learned bottleneck of width 4 at split 6/);
});

test('the pool keys bottleneck queries per (split, width) and never as the whole net', { skip }, async () => {
  const test20 = loadCifar10(data as string, 'test', 20);
  const oracle = new OnnxAccuracyOracle({ weights: tiny, images: test20, workers: 1, bn: 'running' });
  try {
    const arch = new Array<number>(22).fill(2);
    assert.equal(oracle.key({ architecture: arch, split: 6, precision: 'int8', bottleneck: 3 }), `${arch.join(',')}|6|int8|3`);
    assert.equal(oracle.key({ architecture: arch, split: 6, precision: 'int8' }), `${arch.join(',')}|6|int8`);
    assert.equal(oracle.bottlenecks, undefined, 'the tiny store\'s widths are not FBNet widths: no set for the problem');
    const [withB, without] = await oracle.accuracy([
      { architecture: arch, split: 6, precision: 'int8', bottleneck: 3 },
      { architecture: arch, split: 6, precision: 'int8' },
    ]);
    assert.ok(withB !== undefined && without !== undefined);
    assert.equal(oracle.stats.evaluated, 2);
    await assert.rejects(oracle.accuracy([{ architecture: arch, split: 6, precision: 'fp16', bottleneck: 3 }]), /sends int8, not fp16/);
  } finally {
    await oracle.close();
  }
});
