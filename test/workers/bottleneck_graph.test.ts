/**
 * Learned bottlenecks in the ONNX graphs (weight store formats 2 and 3: 1×1 and 2×2-patch
 * encoders): parity with PyTorch on the tiny fixture (logits through encoder → int8 → decoder,
 * and the int8 codes themselves), split
 * models = evaluation graph, refusal of a bottleneck the store lacks or of a non-int8 payload,
 * and BN recalibration of the bottleneck's BNs.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toFloatBatch } from '../../workers/cifar10.js';
import { buildCalibrationModel, buildEvaluationModel, buildSplitModels, IMAGE, LOGITS, PAYLOAD } from '../../workers/graph_builder.js';
import { runFloat, withSession } from '../../workers/onnx_session.js';
import { applyPayloadPrecision, roundHalfEven } from '../../workers/payload_precision.js';
import { splitTensorShape } from '../../workers/supernet_space.js';
import { loadWeightStore } from '../../workers/weight_store.js';
import { FIXTURE_STORE, fixtureExists, loadFixture } from './fixture.js';

const HAVE_FIXTURE = fixtureExists();

async function logits(model: Uint8Array, x: Float32Array, n: number): Promise<Float32Array> {
  return (await withSession(model, (s) => runFloat(s, IMAGE, x, [n, 3, 32, 32], LOGITS))).data;
}

test('the fixture store is format 3 with six 1×1 and three 2×2-patch bottlenecks', { skip: !HAVE_FIXTURE }, () => {
  const store = loadWeightStore(FIXTURE_STORE);
  assert.equal(store.manifest.version, 3);
  assert.deepEqual(
    store.manifest.bottlenecks.map((b) => [b.split, b.width, b.patch]),
    [
      [1, 2, 1],
      [5, 1, 1],
      [6, 3, 1],
      [13, 2, 1],
      [17, 4, 1],
      [21, 4, 1],
      [4, 1, 2],
      [10, 2, 2],
      [19, 2, 2],
    ],
  );
  assert.equal(store.bottleneck(6, 3)?.channels, 6);
  assert.equal(store.bottleneck(6, 2), undefined);
  assert.deepEqual(store.shape('bottleneck.10.2.enc.weight'), [8, 6, 2, 2]);
  assert.deepEqual(store.shape('bottleneck.10.2.dec.weight'), [8, 6, 2, 2]);
});

const isNearTie = (v: number): boolean => Math.abs(v - Math.floor(v) - 0.5) < 1e-3;

/** Per-image int8 codes of payload_precision.ts (what the graph's round trip computes), and whether each (or its image's zero point) is a near-tie. */
function int8Codes(z: Float32Array, n: number): { q: Uint8Array; nearTie: Uint8Array } {
  const f = Math.fround;
  const per = z.length / n;
  const q = new Uint8Array(z.length);
  const nearTie = new Uint8Array(z.length);
  for (let i = 0; i < n; i++) {
    let lo = 0;
    let hi = 0;
    for (let k = i * per; k < (i + 1) * per; k++) {
      lo = Math.min(lo, z[k] as number);
      hi = Math.max(hi, z[k] as number);
    }
    const scale = Math.max(f(f(hi - lo) / 255), f(1e-30));
    const zp = roundHalfEven(f(-lo / scale));
    const zpTie = isNearTie(f(-lo / scale));
    for (let k = i * per; k < (i + 1) * per; k++) {
      const v = f((z[k] as number) / scale);
      q[k] = Math.min(255, Math.max(0, roundHalfEven(v) + zp));
      nearTie[k] = zpTie || isNearTie(v) ? 1 : 0;
    }
  }
  return { q, nearTie };
}

test('bottleneck parity with PyTorch: encoder codes equal but at near-ties, decoder + tail from PyTorch\'s codes within 1e-3, whole graph within 1e-3 wherever the codes agree', { skip: !HAVE_FIXTURE }, async (t) => {
  const f = loadFixture();
  const store = loadWeightStore(FIXTURE_STORE);
  const n = f.count;
  const x = toFloatBatch(f.pixels, store.normalization);
  let worst = 0;
  let cases = 0;
  let exactImages = 0;
  let flips = 0;
  for (const g of f.genomes) {
    const b = g.bottleneck;
    if (b === undefined) continue;
    cases++;
    const m = buildSplitModels(store, g.arch, b.s, { bottleneck: b.width });
    assert.ok(m.head !== null && m.tail !== null);
    const code = await withSession(m.head, (s) => runFloat(s, IMAGE, x, [n, 3, 32, 32], PAYLOAD));
    const [, h, w] = splitTensorShape(store.space, b.s);
    assert.deepEqual(code.dims.slice(1), [b.patch * b.patch * b.width, h / b.patch, w / b.patch]);
    const { q, nearTie: tie } = int8Codes(code.data, n);
    const per = q.length / n;
    const sameImage: boolean[] = [];
    for (let i = 0; i < n; i++) {
      let same = true;
      for (let k = i * per; k < (i + 1) * per; k++) {
        if (q[k] === b.code[k]) continue;
        same = false;
        flips++;
        assert.ok(tie[k] === 1 && Math.abs((q[k] as number) - (b.code[k] as number)) === 1, `${g.name} s=${b.s} image ${i} element ${k - i * per}: code ${q[k]} vs PyTorch ${b.code[k]}, not at a rounding tie`);
      }
      sameImage.push(same);
      if (same) exactImages++;
    }
    // The server side on exactly PyTorch's codes.
    const sent = new Float32Array(q.length);
    for (let i = 0; i < n; i++) {
      for (let k = i * per; k < (i + 1) * per; k++) sent[k] = Math.fround(Math.fround((b.code[k] as number) - (b.zeroPoint[i] as number)) * Math.fround(b.scale[i] as number));
    }
    const tail = await withSession(m.tail, (s) => runFloat(s, PAYLOAD, sent, code.dims, LOGITS));
    for (const [label, out, images] of [
      ['tail from PyTorch codes', tail.data, [...Array(n).keys()]],
      ...(['fold', 'node'] as const).map((bn) => [`whole graph (${bn})`, null, [...Array(n).keys()].filter((i) => sameImage[i])] as const),
    ] as const) {
      const logitsOut = out ?? (await logits(buildEvaluationModel(store, g.arch, b.s, 'int8', { bottleneck: b.width, bn: label.includes('node') ? 'node' : 'fold' }), x, n));
      for (const i of images) {
        (b.logits[i] as number[]).forEach((e, k) => {
          const d = Math.abs((logitsOut[i * 10 + k] as number) - e);
          worst = Math.max(worst, d);
          assert.ok(d <= 1e-3 + 1e-3 * Math.abs(e), `${g.name} s=${b.s} c=${b.width} ${label} image ${i} class ${k}: ${logitsOut[i * 10 + k]} vs ${e}`);
        });
      }
    }
  }
  assert.equal(cases, 18);
  assert.ok(exactImages >= 0.8 * cases * n, `only ${exactImages} of ${cases * n} images with all codes equal`);
  t.diagnostic(`${cases} (genome, bottleneck) pairs × ${n} images: max |logit diff| ${worst.toExponential(2)}; ${flips} codes differ by one step at near-ties; ${exactImages}/${cases * n} images code-identical`);
});

test('head → int8 → tail of a bottleneck split equals the evaluation graph', { skip: !HAVE_FIXTURE }, async () => {
  const f = loadFixture();
  const store = loadWeightStore(FIXTURE_STORE);
  const n = f.count;
  const x = toFloatBatch(f.pixels, store.normalization);
  // 1×1 and 2×2-patch bottlenecks alike
  for (const g of [...f.genomes.slice(0, 6), ...f.genomes.slice(12, 15)]) {
    const b = g.bottleneck;
    assert.ok(b !== undefined);
    const m = buildSplitModels(store, g.arch, b.s, { bottleneck: b.width });
    const code = await withSession(m.head as Uint8Array, (s) => runFloat(s, IMAGE, x, [n, 3, 32, 32], PAYLOAD));
    const sent = applyPayloadPrecision(Float32Array.from(code.data), n, 'int8');
    const viaSplit = await withSession(m.tail as Uint8Array, (s) => runFloat(s, PAYLOAD, sent, code.dims, LOGITS));
    const whole = await logits(buildEvaluationModel(store, g.arch, b.s, 'int8', { bottleneck: b.width }), x, n);
    let d = 0;
    for (let i = 0; i < whole.length; i++) d = Math.max(d, Math.abs((whole[i] as number) - (viaSplit.data[i] as number)));
    assert.ok(d <= 1e-4, `${g.name}: split models vs evaluation graph ${d}`);
  }
});

test('a bottleneck the store lacks, or one with a payload other than int8, is refused', { skip: !HAVE_FIXTURE }, () => {
  const store = loadWeightStore(FIXTURE_STORE);
  const arch = Array<number>(22).fill(0);
  assert.throws(() => buildEvaluationModel(store, arch, 6, 'int8', { bottleneck: 2 }), /no learned bottleneck of width 2 at split 6 \(there: 3\)/);
  assert.throws(() => buildEvaluationModel(store, arch, 7, 'int8', { bottleneck: 3 }), /there: none/);
  assert.throws(() => buildEvaluationModel(store, arch, 6, 'fp32', { bottleneck: 3 }), /sends int8, not fp32/);
  assert.throws(() => buildSplitModels(store, arch, 9, { bottleneck: 1 }), /no learned bottleneck/);
});

test('the calibration graph of a bottleneck split also measures the bottleneck BNs', { skip: !HAVE_FIXTURE }, () => {
  const store = loadWeightStore(FIXTURE_STORE);
  const arch = Array<number>(22).fill(3);
  const plain = buildCalibrationModel(store, arch).outputs.map((o) => o.prefix);
  const withB = buildCalibrationModel(store, arch, { split: 13, width: 2 }).outputs.map((o) => o.prefix);
  assert.deepEqual(withB.filter((p) => !p.startsWith('bottleneck.')), plain);
  assert.deepEqual(
    withB.filter((p) => p.startsWith('bottleneck.')),
    ['bottleneck.13.2.enc_bn', 'bottleneck.13.2.dec_bn'],
  );
  // A patch bottleneck's encoder BN sees 4c channels at half the side; its decoder BN C at full size.
  const patch = buildCalibrationModel(store, arch, { split: 10, width: 2 }).outputs.filter((o) => o.prefix.startsWith('bottleneck.'));
  assert.deepEqual(
    patch.map((o) => [o.prefix, o.channels, o.spatial]),
    [
      ['bottleneck.10.2.enc_bn', 8, 4 * 4],
      ['bottleneck.10.2.dec_bn', 6, 8 * 8],
    ],
  );
});
