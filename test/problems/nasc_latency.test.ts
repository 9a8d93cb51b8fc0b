import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { headKeys, layerKeys, stemKey } from '../../problems/nasc/op_keys.js';
import { LatencyTable, deviceCosts, wholeNetworkCost } from '../../problems/nasc/latency_table.js';
import { SplitLatencyModel, splitLatency } from '../../problems/nasc/latency_model.js';
import { DEFAULT_LINK, linkMs, packetCount, wireBytes, type LinkParams } from '../../problems/nasc/link_model.js';
import { payloadBytes, payloadShape, elements, isLossless } from '../../problems/nasc/payload.js';
import { FBNET_LAYERS, MAX_SPLIT, NUM_LAYERS, CANDIDATES } from '../../problems/nasc/search_space.js';
import { PAYLOAD_PRECISIONS, type PayloadPrecision } from '../../problems/nasc/accuracy_oracle.js';
import { syntheticLut } from '../fixtures/nasc/synthetic_lut.js';

const raw = syntheticLut();
const table = LatencyTable.parse({ raw_lut: raw }, 'synthetic');
const link10: LinkParams = { ...DEFAULT_LINK, bandwidthMbps: 10 };
const model = SplitLatencyModel.fromTable(table, { device: 'tiny', server: 'big', link: link10, numClasses: 10 });

const archArb = fc.array(fc.integer({ min: 0, max: CANDIDATES.length - 1 }), { minLength: NUM_LAYERS, maxLength: NUM_LAYERS });
const splitArb = fc.integer({ min: 0, max: MAX_SPLIT });
const precisionArb = fc.constantFrom<PayloadPrecision>(...PAYLOAD_PRECISIONS);
const linkArb = fc.record({
  bandwidthMbps: fc.double({ min: 0.01, max: 1000, noNaN: true }),
  rttMs: fc.double({ min: 0, max: 100, noNaN: true }),
  packetBytes: fc.integer({ min: 1, max: 9000 }),
  headerBytes: fc.integer({ min: 0, max: 100 }),
  lossRate: fc.double({ min: 0, max: 0.99, noNaN: true }),
});

describe('payload', () => {
  it('reproduces the REFERENCE.md tensor table', () => {
    const expected: [number, number, number][] = [
      // [after layer, elements, fp32 bytes]
      [0, 16384, 65536],
      [1, 24576, 98304],
      [4, 24576, 98304],
      [5, 8192, 32768],
      [8, 8192, 32768],
      [9, 4096, 16384],
      [12, 4096, 16384],
      [13, 7168, 28672],
      [16, 7168, 28672],
      [17, 2944, 11776],
      [20, 2944, 11776],
      [21, 5632, 22528],
    ];
    for (const [layer, n, fp32] of expected) {
      const out = FBNET_LAYERS[layer]?.output ?? [0, 0, 0];
      assert.equal(elements(out), n, `elements of layer ${layer}'s output`);
      // After layer 21 the next split is s = 22, which sends the scores instead.
      if (layer === 21) continue;
      const s = layer + 1;
      assert.equal(elements(payloadShape(s) as [number, number, number]), n, `elements after layer ${layer}`);
      assert.equal(payloadBytes(s, 'fp32', 10), fp32);
      assert.equal(payloadBytes(s, 'fp16', 10), 2 * n);
      assert.equal(payloadBytes(s, 'int8', 10), n + 8, 'int8 = 1 B/element + 8 B scale/zero-point');
    }
    for (const p of PAYLOAD_PRECISIONS) assert.equal(payloadBytes(0, p, 10), 3072, 'uint8 image whatever the precision');
    assert.equal(payloadBytes(MAX_SPLIT, 'fp32', 10), 40);
    assert.equal(payloadBytes(MAX_SPLIT, 'int8', 100), 400);
  });

  it('is lossless exactly at s = 0, s = 22 or fp32', () => {
    assert.ok(isLossless(0, 'int8') && isLossless(22, 'fp16') && isLossless(7, 'fp32'));
    assert.ok(!isLossless(7, 'int8') && !isLossless(1, 'fp16'));
  });

  it('layer shapes follow the stage layout', () => {
    assert.equal(FBNET_LAYERS.length, 22);
    assert.deepEqual(FBNET_LAYERS[5]?.input, [24, 32, 32]);
    assert.deepEqual(FBNET_LAYERS[5]?.output, [32, 16, 16]);
    assert.equal(FBNET_LAYERS[5]?.stride, 2);
    assert.deepEqual(FBNET_LAYERS[21]?.output, [352, 4, 4]);
  });
});

describe('link model', () => {
  it('is bits / bandwidth with the defaults', () => {
    assert.equal(linkMs(3072, link10), 2.4576);
    assert.equal(linkMs(16392, link10), 13.1136);
  });

  it('adds rtt, one header per packet and 1/(1-p) retransmissions', () => {
    const l: LinkParams = { bandwidthMbps: 8, rttMs: 5, packetBytes: 1000, headerBytes: 50, lossRate: 0.2 };
    assert.equal(packetCount(2500, 1000), 3);
    assert.equal(packetCount(0, 1000), 1);
    assert.equal(wireBytes(2500, l), 2650);
    assert.ok(Math.abs(linkMs(2500, l) - (5 + (2650 * 8) / 8000 / 0.8)) < 1e-12);
  });

  it('rejects bad parameters with one-line InputErrors', () => {
    const bad: Partial<LinkParams>[] = [{ bandwidthMbps: 0 }, { bandwidthMbps: Number.NaN }, { lossRate: 1 }, { lossRate: -0.1 }, { rttMs: -1 }, { packetBytes: 0 }, { headerBytes: 1.5 }];
    for (const b of bad) {
      assert.throws(
        () => model.withLink({ ...link10, ...b }),
        (e: Error) => e.name === 'InputError' && !e.message.includes('\n') && e.message.includes(Object.keys(b)[0] as string),
      );
    }
  });
});

describe('latency model (synthetic table)', () => {
  it('equals the hand-summed table entries', () => {
    fc.assert(
      fc.property(archArb, splitArb, precisionArb, (arch, s, p) => {
        const b = model.breakdown(arch, s, p);
        const dev = raw.tiny_latency as Record<string, number>;
        const srv = raw.big_latency as Record<string, number>;
        const last = FBNET_LAYERS[21];
        assert.ok(last);
        const hk = headKeys(last.output, 10);
        let d = 0;
        let v = 0;
        if (s === 0) v += srv[stemKey()] as number;
        else d += dev[stemKey()] as number;
        FBNET_LAYERS.forEach((layer, i) => {
          const key = layerKeys(layer)[arch[i] as number] as string;
          if (i < s) d += dev[key] as number;
          else v += srv[key] as number;
        });
        const head = (t: Record<string, number>): number => (t[hk.conv] as number) + (t[hk.pool] as number) + (t[hk.fc] as number);
        if (s === MAX_SPLIT) d += head(dev);
        else v += head(srv);
        const bytes = payloadBytes(s, p, 10);
        assert.ok(Math.abs(b.deviceMs - d) < 1e-9);
        assert.ok(Math.abs(b.serverMs - v) < 1e-9);
        assert.equal(b.payloadBytes, bytes);
        assert.ok(Math.abs(b.linkMs - (bytes * 8) / 10000) < 1e-12);
        assert.equal(b.totalMs, b.deviceMs + b.linkMs + b.serverMs);
        assert.ok(b.deviceEnergyMj !== undefined && b.deviceEnergyMj >= 0);
      }),
      { numRuns: 100 },
    );
  });

  it('s = 0 is server-only and s = 22 is device-only', () => {
    fc.assert(
      fc.property(archArb, precisionArb, (arch, p) => {
        const server = model.breakdown(arch, 0, p);
        assert.equal(server.deviceMs, 0);
        assert.equal(server.deviceEnergyMj, 0);
        assert.ok(Math.abs(server.serverMs - wholeNetworkCost(model.costs.server, arch)) < 1e-9);
        const device = model.breakdown(arch, MAX_SPLIT, p);
        assert.equal(device.serverMs, 0);
        assert.ok(Math.abs(device.deviceMs - wholeNetworkCost(model.costs.device, arch)) < 1e-9);
        assert.equal(device.deviceMs, model.deviceOnlyMs(arch));
      }),
      { numRuns: 50 },
    );
  });

  it('total latency is non-increasing in bandwidth', () => {
    fc.assert(
      fc.property(archArb, splitArb, precisionArb, linkArb, fc.double({ min: 1, max: 100, noNaN: true }), (arch, s, p, l, factor) => {
        const slow = splitLatency(model.costs, l, 10, arch, s, p).totalMs;
        const fast = splitLatency(model.costs, { ...l, bandwidthMbps: l.bandwidthMbps * factor }, 10, arch, s, p).totalMs;
        assert.ok(fast <= slow, `${fast} > ${slow}`);
      }),
    );
  });

  it('total latency is non-decreasing in loss', () => {
    fc.assert(
      fc.property(archArb, splitArb, precisionArb, linkArb, fc.double({ min: 0, max: 0.99, noNaN: true }), (arch, s, p, l, q) => {
        const [lo, hi] = l.lossRate <= q ? [l.lossRate, q] : [q, l.lossRate];
        const a = splitLatency(model.costs, { ...l, lossRate: lo }, 10, arch, s, p).totalMs;
        const b = splitLatency(model.costs, { ...l, lossRate: hi }, 10, arch, s, p).totalMs;
        assert.ok(a <= b, `${a} > ${b}`);
      }),
    );
  });

  it('bestSplit is the minimum of the sweep over s >= sMin', () => {
    fc.assert(
      fc.property(archArb, precisionArb, fc.integer({ min: 0, max: MAX_SPLIT }), (arch, p, sMin) => {
        const best = model.bestSplit(arch, p, sMin);
        const sweep = model.sweep(arch, p);
        assert.ok(best.split >= sMin);
        for (let s = sMin; s <= MAX_SPLIT; s++) assert.ok(best.latency.totalMs <= (sweep[s]?.totalMs ?? Infinity));
      }),
      { numRuns: 50 },
    );
  });

  it('uses the 100-class FC when asked', () => {
    const m100 = SplitLatencyModel.fromTable(table, { device: 'tiny', server: 'big', link: link10, numClasses: 100 });
    const last = FBNET_LAYERS[21];
    assert.ok(last);
    const c = deviceCosts(table, 'big', 'latency', 100);
    assert.equal(c.fc, (raw.big_latency as Record<string, number>)[headKeys(last.output, 100).fc]);
    assert.equal(m100.breakdown(new Array(22).fill(0), 22, 'fp32').payloadBytes, 400);
  });
});
