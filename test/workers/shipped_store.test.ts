/**
 * The shipped trained store, end to end through the onnxruntime pool: every other end-to-end
 * test uses the tiny random fixture, so this is what notices a broken or replaced store. The
 * largest subnet (all k5_e6, whole net on the device, BN recalibrated on 250 training images)
 * measured 80.6 % on all 10,000 test images (README); on the first 300 the binomial standard
 * error is 2.3 points, so [70 %, 92 %] is a ±4.5σ band — a store of random weights (10 %) or a
 * broken graph cannot pass, a correct one cannot fail by chance.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { accuracyReport, defaultWeights } from '../../experiments/cli/commands/accuracy.js';
import { dataDir, skipUnless, skipUnlessData } from '../helpers/needs_data.js';

const skip = skipUnless(existsSync(defaultWeights()), 'the shipped weight store') || skipUnlessData('cifar10');

test('the shipped store: the largest subnet scores 70–92 % on the first 300 test images', { skip, timeout: 300_000 }, async (t) => {
  const r = await accuracyReport({ arch: 'k5_e6', split: 22, precision: 'fp32', images: 300, bn: 'recalibrate', workers: 1, 'data-dir': dataDir('cifar10') as string, json: true });
  t.diagnostic(`largest subnet: ${(100 * r.accuracy).toFixed(1)} % on ${r.images} test images`);
  assert.equal(r.failure, undefined);
  assert.equal(r.images, 300);
  assert.ok(r.accuracy >= 0.7 && r.accuracy <= 0.92, `accuracy ${r.accuracy}`);
});
