import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { InputError } from '../../core/errors.js';
import {
  CIFAR10_RECORD_BYTES,
  cifar10Files,
  complementIndices,
  loadCifar10,
  splitmix64,
  toFloatBatch,
  validationSplit,
} from '../../workers/cifar10.js';

/** `count` records: label k % 10, pixel bytes derived from the record number. */
function records(count: number, first = 0): Buffer {
  const b = Buffer.alloc(count * CIFAR10_RECORD_BYTES);
  for (let r = 0; r < count; r++) {
    const k = first + r;
    b[r * CIFAR10_RECORD_BYTES] = k % 10;
    for (let i = 1; i < CIFAR10_RECORD_BYTES; i++) b[r * CIFAR10_RECORD_BYTES + i] = (k * 7 + i) & 0xff;
  }
  return b;
}

function dataDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'nasc-cifar-'));
}

test('concatenated train.bin/test.bin load with labels and planes', () => {
  const dir = dataDir();
  mkdirSync(path.join(dir, 'cifar10'));
  writeFileSync(path.join(dir, 'cifar10', 'test.bin'), records(12));
  const all = loadCifar10(dir, 'test');
  assert.equal(all.count, 12);
  assert.deepEqual([...all.labels], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
  assert.equal(all.pixels.length, 12 * 3072);
  assert.equal(all.pixels[3072 * 5], (5 * 7 + 1) & 0xff);
  const first = loadCifar10(dir, 'test', 3);
  assert.equal(first.count, 3);
  assert.deepEqual([...first.pixels], [...all.pixels.subarray(0, 3 * 3072)]);
  assert.throws(() => loadCifar10(dir, 'test', 13), InputError);
});

test('official batches are concatenated in order', () => {
  const dir = dataDir();
  const off = path.join(dir, 'cifar10', 'cifar-10-batches-bin');
  mkdirSync(off, { recursive: true });
  for (let k = 1; k <= 5; k++) writeFileSync(path.join(off, `data_batch_${k}.bin`), records(3, (k - 1) * 3));
  writeFileSync(path.join(off, 'test_batch.bin'), records(2));
  assert.equal(cifar10Files(dir, 'train').length, 5);
  const train = loadCifar10(dir, 'train');
  assert.equal(train.count, 15);
  assert.deepEqual([...train.labels], Array.from({ length: 15 }, (_, k) => k % 10));
  assert.equal(loadCifar10(dir, 'train', 7).count, 7);
  assert.equal(loadCifar10(dir, 'test').count, 2);
});

test('truncated files and bad labels are refused naming the file', () => {
  const dir = dataDir();
  mkdirSync(path.join(dir, 'cifar10'));
  const file = path.join(dir, 'cifar10', 'test.bin');
  writeFileSync(file, records(3).subarray(0, 3 * CIFAR10_RECORD_BYTES - 10));
  assert.throws(() => loadCifar10(dir, 'test'), (e: unknown) => e instanceof InputError && e.message.includes(file) && e.message.includes('whole number'));
  const bad = records(3);
  bad[CIFAR10_RECORD_BYTES * 2] = 10;
  writeFileSync(file, bad);
  assert.throws(() => loadCifar10(dir, 'test'), (e: unknown) => e instanceof InputError && e.message.includes(file) && e.message.includes('label 10'));
  assert.throws(() => loadCifar10(dir, 'train'), InputError);
});

test('splitmix64 matches the Python reference (experiments/supernet/data.py)', () => {
  assert.equal(splitmix64(0n), 16294208416658607535n);
  assert.equal(splitmix64(1n), 10451216379200822465n);
  assert.equal(splitmix64((7n << 32n) | 49999n), 4890731209892005911n);
});

test('validation split equals data.py validation_indices on the CIFAR-10 label layout', () => {
  // The shared train.bin cycles through the classes (record k has class k % 10), so these
  // labels reproduce its split; the expected values were printed by data.py on train.bin.
  const labels = Uint8Array.from({ length: 50000 }, (_, k) => k % 10);
  const cases: [number, number, number[], number][] = [
    [0, 500, [10, 18, 21, 41, 48, 68, 82, 83, 102, 120], 124915770],
    [1, 500, [6, 10, 45, 54, 61, 71, 86, 88, 92, 96], 125044480],
    [0, 5, [558, 1048, 3235, 4440, 4522, 5644, 7326, 8715, 9342, 10458], 1348155],
  ];
  for (const [seed, perClass, first, sum] of cases) {
    const v = validationSplit(labels, seed, perClass);
    assert.equal(v.length, perClass * 10);
    assert.deepEqual(v.slice(0, 10), first);
    assert.equal(v.reduce((a, b) => a + b, 0), sum);
    for (let c = 0; c < 10; c++) assert.equal(v.filter((i) => labels[i] === c).length, perClass);
  }
  const v = validationSplit(labels.subarray(0, 100), 0, 2);
  const rest = complementIndices(100, v);
  assert.equal(rest.length, 80);
  assert.ok(rest.every((i) => !v.includes(i)));
  assert.throws(() => validationSplit(labels.subarray(0, 100), 0, 11), InputError);
});

test('toFloatBatch normalises per channel in float32, NCHW', () => {
  const pixels = new Uint8Array(2 * 3072);
  pixels[0] = 255; // R of image 0
  pixels[1024] = 128; // G of image 0
  pixels[3072 + 2048] = 51; // B of image 1
  const norm = { mean: [0.5, 0.25, 0.125] as [number, number, number], std: [0.5, 0.25, 0.5] as [number, number, number] };
  const f = Math.fround;
  const x = toFloatBatch(pixels, norm);
  assert.equal(x.length, 2 * 3072);
  assert.equal(x[0], f(f(f(255 / 255) - 0.5) / 0.5));
  assert.equal(x[1024], f(f(f(128 / 255) - 0.25) / 0.25));
  assert.equal(x[3072 + 2048], f(f(f(51 / 255) - 0.125) / 0.5));
  assert.equal(x[1], f(-0.5 / 0.5));
  const second = toFloatBatch(pixels, norm, 1, 1);
  assert.deepEqual([...second], [...x.subarray(3072)]);
});
