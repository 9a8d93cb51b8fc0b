/** `nasc accuracy` on a generated data directory (tiny store, a few images). */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { InputError } from '../../core/errors.js';
import { accuracyReport, defaultWeights, type AccuracyArgs } from '../../experiments/cli/commands/accuracy.js';
import { fakeImages, writeTinyStore } from './tiny_store.js';

function dataDir(test: number, train: number): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'nasc-data-'));
  mkdirSync(path.join(dir, 'cifar10'));
  for (const [name, count, seed] of [['test', test, 1], ['train', train, 2]] as const) {
    const { pixels, labels } = fakeImages(count, seed);
    const records = Buffer.alloc(count * 3073);
    for (let i = 0; i < count; i++) {
      records[i * 3073] = labels[i] as number;
      records.set(pixels.subarray(i * 3072, (i + 1) * 3072), i * 3073 + 1);
    }
    writeFileSync(path.join(dir, 'cifar10', `${name}.bin`), records);
  }
  return dir;
}

const DATA = dataDir(20, 120);
const STORE = writeTinyStore({ seed: 9 }); // validation split: 5 per class
const ARCH = '7,1,3,8,5,2,8,4,6,1,0,7,3,5,8,2,6,4,1,3,7,0';
const base: AccuracyArgs = { arch: ARCH, split: 9, precision: 'int8', images: 12, weights: STORE, workers: 1, 'data-dir': DATA, json: true };

test('accuracy on the first N test images, both BN modes', async () => {
  const r = await accuracyReport({ ...base, bn: 'running' });
  assert.equal(r.images, 12);
  assert.ok(r.accuracy >= 0 && r.accuracy <= 1 && r.seconds > 0 && r.failure === undefined);
  const all = await accuracyReport({ ...base, images: undefined, bn: 'recalibrate', 'calibration-images': 30 });
  assert.equal(all.images, 20);
  // One item means the candidate for every layer; names work as well as indices.
  const named = await accuracyReport({ ...base, arch: 'k3_e1', split: 0, precision: 'fp32', bn: 'running' });
  const indexed = await accuracyReport({ ...base, arch: Array(22).fill('0').join(','), split: 0, precision: 'fp32', bn: 'running' });
  assert.equal(named.accuracy, indexed.accuracy);
});

test('bad input is an InputError with one line', async () => {
  const bad: Partial<AccuracyArgs>[] = [
    { precision: 'int4' },
    { bn: 'batch' },
    { arch: '1,2,3' },
    { split: 23 },
    { images: 21 },
    { weights: '/nonexistent/x.json' },
    { 'data-dir': '/nonexistent' },
    { bn: 'recalibrate', 'calibration-images': 1000 },
  ];
  for (const b of bad) {
    await assert.rejects(accuracyReport({ ...base, ...b }), (e: unknown) => e instanceof InputError && !e.message.includes('\n'), JSON.stringify(b));
  }
});

test('the default store resolves inside the package, not the cwd', () => {
  const w = defaultWeights();
  assert.ok(path.isAbsolute(w));
  assert.match(w, /experiments[\\/]supernet[\\/]store[\\/]fbnet-cifar10\.json$/);
});
