/**
 * Parity of the ONNX graphs with PyTorch (test/fixtures/supernet-tiny, eval-mode logits and
 * split tensors of 26 genomes), head/tail composition, payload precision, BN recalibration.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PayloadPrecision } from '../../problems/nasc/accuracy_oracle.js';
import { recalibrateBn } from '../../workers/bn_statistics.js';
import { toFloatBatch } from '../../workers/cifar10.js';
import { buildEvaluationModel, buildPrefixModel, buildSplitModels, IMAGE, LOGITS, PAYLOAD } from '../../workers/graph_builder.js';
import { runFloat, withSession } from '../../workers/onnx_session.js';
import { applyPayloadPrecision } from '../../workers/payload_precision.js';
import { loadWeightStore, type WeightStore } from '../../workers/weight_store.js';
import { fixtureExists, FIXTURE_STORE, loadFixture, type Fixture } from './fixture.js';
import { fakeImages, writeTinyStore } from './tiny_store.js';
import { skipUnless } from '../helpers/needs_data.js';

const HAVE_FIXTURE = fixtureExists();
const skipFixture = skipUnless(HAVE_FIXTURE, 'the PyTorch fixture store test/fixtures/supernet-tiny');

async function logits(model: Uint8Array, x: Float32Array, n: number): Promise<Float32Array> {
  return (await withSession(model, (s) => runFloat(s, IMAGE, x, [n, 3, 32, 32], LOGITS))).data;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}

let fixture: { fx: Fixture; store: WeightStore; x: Float32Array } | undefined;
function fx(): { fx: Fixture; store: WeightStore; x: Float32Array } {
  if (fixture === undefined) {
    const f = loadFixture();
    const store = loadWeightStore(FIXTURE_STORE);
    fixture = { fx: f, store, x: toFloatBatch(f.pixels, store.normalization) };
  }
  return fixture;
}

test('logits match PyTorch eval mode for every fixture genome (BN folded and as nodes)', { skip: skipFixture }, async (t) => {
  const { fx: f, store, x } = fx();
  assert.ok(f.genomes.length >= 24);
  let worst = 0;
  for (const [gi, g] of f.genomes.entries()) {
    for (const bn of gi < 4 ? (['fold', 'node'] as const) : (['fold'] as const)) {
      const out = await logits(buildEvaluationModel(store, g.arch, 0, 'fp32', { bn }), x, f.count);
      g.logits.forEach((row, i) =>
        row.forEach((e, k) => {
          const d = Math.abs((out[i * row.length + k] as number) - e);
          worst = Math.max(worst, d);
          assert.ok(d <= 1e-3 + 1e-3 * Math.abs(e), `${g.name} (${bn}) image ${i} class ${k}: ${out[i * row.length + k]} vs ${e}`);
        }),
      );
    }
  }
  assert.ok(worst <= 1e-3);
  t.diagnostic(`max |logit diff| over ${f.genomes.length} genomes × ${f.count} images: ${worst.toExponential(2)}`);
});

test('head outputs (tensor after stem + layers 0..s−1) match PyTorch at every fixture split', { skip: skipFixture }, async (t) => {
  const { fx: f, store, x } = fx();
  let worst = 0;
  let checked = 0;
  for (const g of f.genomes) {
    for (const sp of g.splits) {
      const image = x.subarray(sp.image * 3072, (sp.image + 1) * 3072);
      const out = await withSession(buildPrefixModel(store, g.arch, sp.s), (s) => runFloat(s, IMAGE, image, [1, 3, 32, 32], PAYLOAD));
      assert.deepEqual(out.dims.slice(1), sp.shape, `${g.name} s=${sp.s}`);
      for (let i = 0; i < sp.values.length; i++) {
        const e = sp.values[i] as number;
        const d = Math.abs((out.data[i] as number) - e);
        worst = Math.max(worst, d);
        assert.ok(d <= 1e-3 + 1e-3 * Math.abs(e), `${g.name} s=${sp.s} element ${i}: ${out.data[i]} vs ${e}`);
      }
      checked++;
    }
  }
  assert.ok(checked > 0);
  t.diagnostic(`${checked} split tensors, max |diff| ${worst.toExponential(2)}`);
});

test('head then tail equals the whole net; s = 0 has no head, s = L no tail', async () => {
  const store = loadWeightStore(HAVE_FIXTURE ? FIXTURE_STORE : writeTinyStore());
  const imgs = fakeImages(4);
  const x = toFloatBatch(imgs.pixels, store.normalization);
  const arch = [0, 1, 2, 3, 4, 5, 6, 7, 8, 1, 5, 8, 2, 8, 6, 7, 1, 5, 3, 8, 4, 1];
  const whole = await logits(buildEvaluationModel(store, arch, 0, 'fp32'), x, 4);
  for (const s of [1, 6, 9, 13, 17, 21]) {
    const m = buildSplitModels(store, arch, s);
    assert.ok(m.head !== null && m.tail !== null);
    const p = await withSession(m.head, (ss) => runFloat(ss, IMAGE, x, [4, 3, 32, 32], PAYLOAD));
    const l = await withSession(m.tail, (ss) => runFloat(ss, PAYLOAD, p.data, p.dims, LOGITS));
    assert.ok(maxAbsDiff(l.data, whole) <= 1e-5, `split ${s}`);
  }
  const s0 = buildSplitModels(store, arch, 0);
  assert.equal(s0.head, null);
  assert.ok(maxAbsDiff(await logits(s0.tail as Uint8Array, x, 4), whole) === 0);
  const s22 = buildSplitModels(store, arch, 22);
  assert.equal(s22.tail, null);
  assert.ok(maxAbsDiff(await logits(s22.head as Uint8Array, x, 4), whole) === 0);
});

test('payload round trip in the graph equals the TS reference; fp16/int8 change logits only slightly', async (t) => {
  const store = loadWeightStore(HAVE_FIXTURE ? FIXTURE_STORE : writeTinyStore());
  const n = 8;
  const x = toFloatBatch(HAVE_FIXTURE ? fx().fx.pixels : fakeImages(n).pixels, store.normalization);
  const arch = [7, 1, 3, 8, 5, 2, 8, 4, 6, 1, 0, 7, 3, 5, 8, 2, 6, 4, 1, 3, 7, 0];
  const whole = await logits(buildEvaluationModel(store, arch, 0, 'fp32'), x, n);
  const range = Math.max(...whole) - Math.min(...whole);
  for (const precision of ['fp16', 'int8'] as PayloadPrecision[]) {
    let worst = 0;
    for (const s of [1, 5, 10, 15, 21]) {
      const graph = await logits(buildEvaluationModel(store, arch, s, precision), x, n);
      const m = buildSplitModels(store, arch, s);
      const p = await withSession(m.head as Uint8Array, (ss) => runFloat(ss, IMAGE, x, [n, 3, 32, 32], PAYLOAD));
      const sent = applyPayloadPrecision(Float32Array.from(p.data), n, precision);
      const ref = await withSession(m.tail as Uint8Array, (ss) => runFloat(ss, PAYLOAD, sent, p.dims, LOGITS));
      assert.ok(maxAbsDiff(graph, ref.data) <= 1e-4, `${precision} s=${s}: graph vs TS ${maxAbsDiff(graph, ref.data)}`);
      const d = maxAbsDiff(graph, whole);
      worst = Math.max(worst, d);
      assert.ok(d < (precision === 'fp16' ? 0.01 : 0.1) * range, `${precision} s=${s}: logits moved by ${d} (range ${range})`);
    }
    t.diagnostic(`${precision}: max |logit change| ${worst.toExponential(2)} (logit range ${range.toFixed(2)})`);
  }
});

test('BN recalibration measures the batch statistics of the subnet (checked on the stem) deterministically', async () => {
  const store = loadWeightStore(writeTinyStore({ seed: 11 }));
  const imgs = fakeImages(6, 3);
  const x = toFloatBatch(imgs.pixels, store.normalization);
  const arch = Array(22).fill(3) as number[];
  const stats = await recalibrateBn(store, arch, { data: x, count: 6 }, 4); // batches of 4 and 2
  const again = await recalibrateBn(store, arch, { data: x, count: 6 }, 4);
  assert.deepEqual(stats, again);
  assert.ok(stats.has('layers.5.3.bn2') && stats.has('head.bn') && !stats.has('layers.5.2.bn2'));
  // Stem conv by hand, then the per-batch mean / unbiased variance averaged over the two batches.
  const w = store.tensor('stem.conv.weight');
  const C = 4;
  const per = new Float64Array(6 * C * 1024);
  for (let n = 0; n < 6; n++)
    for (let o = 0; o < C; o++)
      for (let yy = 0; yy < 32; yy++)
        for (let xx = 0; xx < 32; xx++) {
          let acc = 0;
          for (let c = 0; c < 3; c++)
            for (let ky = 0; ky < 3; ky++)
              for (let kx = 0; kx < 3; kx++) {
                const iy = yy + ky - 1;
                const ix = xx + kx - 1;
                if (iy < 0 || iy >= 32 || ix < 0 || ix >= 32) continue;
                acc += (w[((o * 3 + c) * 3 + ky) * 3 + kx] as number) * (x[n * 3072 + c * 1024 + iy * 32 + ix] as number);
              }
          per[(n * C + o) * 1024 + yy * 32 + xx] = acc;
        }
  const stem = stats.get('stem.bn');
  assert.ok(stem !== undefined);
  for (let o = 0; o < C; o++) {
    let meanSum = 0;
    let varSum = 0;
    for (const [a, b] of [[0, 4], [4, 6]] as const) {
      const vals: number[] = [];
      for (let n = a; n < b; n++) for (let i = 0; i < 1024; i++) vals.push(per[(n * C + o) * 1024 + i] as number);
      const m = vals.reduce((s, v) => s + v, 0) / vals.length;
      meanSum += m;
      varSum += vals.reduce((s, v) => s + (v - m) ** 2, 0) / (vals.length - 1);
    }
    assert.ok(Math.abs((stem.mean[o] as number) - meanSum / 2) < 1e-4, `mean ${o}`);
    assert.ok(Math.abs((stem.variance[o] as number) - varSum / 2) < 1e-4 * (1 + varSum), `var ${o}`);
  }
  // Folding the recalibrated statistics changes the logits (they differ from the random running stats).
  const a = await logits(buildEvaluationModel(store, arch, 0, 'fp32'), x, 6);
  const b = await logits(buildEvaluationModel(store, arch, 0, 'fp32', { statistics: stats }), x, 6);
  assert.ok(maxAbsDiff(a, b) > 1e-3);
});
