/**
 * The extended space: bottleneck widths and payload, the width-level gene, cache keys, the
 * encoder/decoder latency estimate (fit on the real HW-NAS-Bench table and on the synthetic one) and its override by a table's own entry, and the problem.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { accuracyKeyOf, canonicalQuery } from '../../problems/nasc/accuracy_cache.js';
import { dataFile } from '../../problems/data_dir.js';
import { BottleneckSet, bottleneckPayloadBytes, bottleneckWidth, levelOfWidth, widthOfLevel } from '../../problems/nasc/bottleneck.js';
import { bottleneckMacs, conv1x1Points, decoderKey, encoderKey, fitConvCost, predictConvCost } from '../../problems/nasc/bottleneck_latency.js';
import { SplitLatencyModel } from '../../problems/nasc/latency_model.js';
import { LatencyTable, loadLatencyTable } from '../../problems/nasc/latency_table.js';
import { DEFAULT_LINK } from '../../problems/nasc/link_model.js';
import { Rng } from '../../core/rng.js';
import type { Individual } from '../../core/individual.js';
import { runStrategy } from '../../experiments/compare/run_strategy.js';
import { nascAlgorithm } from '../../problems/nasc/nasc_algorithm.js';
import type { NascInfo } from '../../problems/nasc/problem.js';
import { NascProblem } from '../../problems/nasc/problem.js';
import { ProxyAccuracyOracle } from '../../problems/nasc/proxy_oracle.js';
import { parseScenario } from '../../problems/nasc/scenario.js';
import { BOTTLENECK_GENE, NUM_LAYERS, bottleneckGeneIndex, decodeGenome, encodeGenome, genomeLength, nascVariables, type GenomeLayout } from '../../problems/nasc/search_space.js';
import { bestUnderAccuracyLoss, splitBottleneckChoices } from '../../problems/nasc/split_bottleneck_choices.js';
import { UniformSampling } from '../../operators/sampling/uniform.js';
import { parseSplitRepair, splitRepair } from '../../problems/nasc/best_split_repair.js';
import { realDataDir, syntheticLut } from '../fixtures/nasc/synthetic_lut.js';

const synthetic = LatencyTable.parse({ raw_lut: syntheticLut() }, 'synthetic');
const trained = new BottleneckSet([
  { split: 10, width: 32 },
  { split: 10, width: 16 },
  { split: 10, width: 4 },
  { split: 1, width: 1 },
]);
const arch = (c: number): number[] => new Array<number>(NUM_LAYERS).fill(c);

describe('bottleneck widths and payload', () => {
  it('widths are C/2 … C/16 rounded down, at least 1', () => {
    assert.deepEqual([1, 2, 3, 4].map((l) => widthOfLevel(9, l)), [16, 8, 4, 2]);
    assert.deepEqual([1, 2, 3, 4].map((l) => widthOfLevel(2, l)), [12, 6, 3, 1]);
    assert.deepEqual([1, 2, 3, 4].map((l) => widthOfLevel(18, l)), [92, 46, 23, 11]);
    assert.equal(widthOfLevel(9, 0), 0);
    assert.equal(bottleneckWidth(16, 16), 1);
    assert.equal(levelOfWidth(10, 16), 2);
    assert.equal(levelOfWidth(10, 0), 0);
    assert.throws(() => levelOfWidth(9, 7), /bottleneck width 7 at split 9 \(C = 32\) is not one of 16, 8, 4, 2/);
    assert.throws(() => widthOfLevel(0, 1), /split in 1..21/);
    assert.throws(() => widthOfLevel(22, 1), /split in 1..21/);
  });

  it('payload = c·H·W int8 bytes + 8 (s = 9, c = 8: 2,056 B)', () => {
    assert.equal(bottleneckPayloadBytes(9, 8), 2056);
    assert.equal(bottleneckPayloadBytes(1, 1), 1032);
    assert.equal(bottleneckPayloadBytes(21, 11), 11 * 16 + 8);
  });

  it('a set answers which (split, width) are trained and maps untrained levels to none', () => {
    assert.equal(trained.size, 4);
    assert.deepEqual(trained.splits, [1, 10]);
    assert.deepEqual(trained.widths(10), [32, 16, 4]);
    assert.equal(trained.decodeLevel(10, 2), 16);
    assert.equal(trained.decodeLevel(10, 3), 0); // C/8 = 8 not trained at 10
    assert.equal(trained.decodeLevel(6, 1), 0);
    assert.equal(trained.decodeLevel(0, 1), 0);
    assert.equal(trained.decodeLevel(22, 1), 0);
    assert.throws(() => new BottleneckSet([{ split: 10, width: 5 }]), /not one of 32, 16, 8, 4/);
  });
});

describe('the width-level gene', () => {
  const layout: GenomeLayout = { split: 'integer', precision: 'fp32', bottleneck: trained };
  it('adds one integer gene 0..4 after split (and precision)', () => {
    assert.equal(genomeLength(layout), NUM_LAYERS + 2);
    assert.equal(bottleneckGeneIndex(layout), NUM_LAYERS + 1);
    const v = nascVariables(layout).at(-1);
    assert.deepEqual(v, { kind: 'integer', name: BOTTLENECK_GENE, lower: 0, upper: 4 });
    const searched: GenomeLayout = { split: 'categorical', precision: 'search', bottleneck: trained };
    assert.equal(bottleneckGeneIndex(searched), NUM_LAYERS + 2);
    assert.equal(bottleneckGeneIndex({ split: 'integer', precision: 'fp32' }), -1);
  });

  it('decodes a trained level to its width with an int8 payload, an untrained one to none', () => {
    assert.deepEqual(decodeGenome(layout, [...arch(2), 10, 2]), { architecture: arch(2), split: 10, precision: 'int8', bottleneck: 16 });
    assert.deepEqual(decodeGenome(layout, [...arch(2), 10, 3]), { architecture: arch(2), split: 10, precision: 'fp32', bottleneck: 0 });
    assert.deepEqual(decodeGenome(layout, [...arch(2), 22, 1]), { architecture: arch(2), split: 22, precision: 'fp32', bottleneck: 0 });
    assert.throws(() => decodeGenome(layout, [...arch(2), 10, 5]), /bottleneck gene 5 is not in 0..4/);
  });

  it('encodes decoded genomes back (an untrained level comes back as 0)', () => {
    for (let s = 0; s <= 22; s++) {
      for (let level = 0; level < 5; level++) {
        const d = decodeGenome(layout, [...arch(7), s, level]);
        const g = encodeGenome(layout, d);
        assert.deepEqual(decodeGenome(layout, g), d);
        assert.equal(g.at(-1), (d.bottleneck ?? 0) > 0 ? level : 0);
      }
    }
    const searched: GenomeLayout = { split: 'integer', precision: 'search', bottleneck: trained };
    assert.deepEqual(encodeGenome(searched, decodeGenome(searched, [...arch(1), 1, 0, 4])), [...arch(1), 1, 2, 4]);
    assert.throws(() => encodeGenome(layout, { architecture: arch(1), split: 10, precision: 'int8', bottleneck: 8 }), /no trained bottleneck of width 8 at split 10/);
    assert.throws(() => encodeGenome({ split: 'integer', precision: 'int8' }, { architecture: arch(1), split: 10, precision: 'int8', bottleneck: 16 }), /needs the extended space/);
  });

  it('keys the accuracy cache per (int8, split, width)', () => {
    assert.equal(accuracyKeyOf({ split: 10, precision: 'int8', bottleneck: 16 }), 'int8@10/16');
    assert.equal(accuracyKeyOf({ split: 10, precision: 'int8', bottleneck: 0 }), 'int8@10');
    assert.equal(accuracyKeyOf({ split: 10, precision: 'fp32' }), 'exact');
    assert.deepEqual(canonicalQuery({ architecture: arch(0), split: 10, precision: 'int8', bottleneck: 4 }), { architecture: arch(0), split: 10, precision: 'int8', bottleneck: 4 });
  });
});

describe('encoder/decoder latency', () => {
  it('fits cost = a + b·MACs on the 1×1 conv entries and reports the error', () => {
    const f = fitConvCost(synthetic, 'tiny');
    const pts = conv1x1Points(synthetic, 'tiny_latency');
    assert.equal(f.points, pts.length);
    assert.ok(pts.length >= 3 && pts.every((p) => /^Skip_/.test(p.key)));
    // the residuals of a least-squares line sum to zero
    const sum = pts.reduce((a, p) => a + (f.intercept + f.perMac * p.macs - p.cost), 0);
    assert.ok(Math.abs(sum) < 1e-9);
    assert.ok(f.looRms >= f.rms);
  });

  it('on the real tables: raspi4 0.15 ms + 0.11 ms/MMAC, edgegpu 0.44 ms (leave-one-out RMS 0.09 / 0.008 ms)', () => {
    const table = loadLatencyTable(dataFile(realDataDir(), 'fbnetLut')); // NASC_DATA's copy, else the shipped one
    const r = fitConvCost(table, 'raspi4');
    const e = fitConvCost(table, 'edgegpu');
    assert.equal(r.points, 12);
    assert.ok(Math.abs(r.intercept - 0.1507) < 1e-3 && Math.abs(r.perMac * 1e6 - 0.1117) < 1e-3, JSON.stringify(r));
    assert.ok(Math.abs(e.intercept - 0.4352) < 1e-3 && r.looRms < 0.1 && e.looRms < 0.01, JSON.stringify(e));
    const model = SplitLatencyModel.fromTable(table, { device: 'raspi4', server: 'edgegpu', link: { ...DEFAULT_LINK, bandwidthMbps: 10 }, numClasses: 10 });
    const b = model.breakdown(arch(7), 9, 'int8', 8);
    assert.equal(b.payloadBytes, 2056);
    assert.ok(Math.abs(b.encoderMs - predictConvCost(r, bottleneckMacs(9, 8))) < 1e-12);
    assert.ok(Math.abs(b.decoderMs - predictConvCost(e, bottleneckMacs(9, 8))) < 1e-12);
    assert.equal(b.totalMs, b.deviceMs + b.encoderMs + b.linkMs + b.decoderMs + b.serverMs);
    const plain = model.breakdown(arch(7), 9, 'int8');
    assert.equal(plain.encoderMs, 0);
    assert.equal(plain.decoderMs, 0);
    assert.equal(plain.payloadBytes, 8200);
    assert.equal(plain.deviceMs, b.deviceMs);
    assert.equal(plain.serverMs, b.serverMs);
  });

  it('a table entry with the op\'s own key overrides the fit (e.g. from nasc profile)', () => {
    const lut = syntheticLut();
    lut.tiny_latency = { ...lut.tiny_latency, [encoderKey(10, 16)]: 7.5 };
    lut.big_latency = { ...lut.big_latency, [decoderKey(10, 16)]: 0.25 };
    const table = LatencyTable.parse({ raw_lut: lut }, 'override');
    // the 2×2-patch form: 4c channels at half the side, and its transpose
    assert.equal(encoderKey(10, 16), 'ConvNorm_H8_W8_Cin64_Cout64_kernel2_stride2_group1');
    assert.equal(decoderKey(10, 16), 'ConvTransposeNorm_H4_W4_Cin64_Cout64_kernel2_stride2_group1');
    assert.equal(bottleneckMacs(10, 16), 4 * 8 * 8 * 64 * 16);
    const model = SplitLatencyModel.fromTable(table, { device: 'tiny', server: 'big', link: { ...DEFAULT_LINK, bandwidthMbps: 10 }, numClasses: 10 });
    const b = model.breakdown(arch(0), 10, 'int8', 16);
    assert.equal(b.encoderMs, 7.5);
    assert.equal(b.decoderMs, 0.25);
    assert.equal(model.costs.encoder?.measured, 4); // s = 10..13 share the 64×8×8 shape, so the key
    const other = model.breakdown(arch(0), 10, 'int8', 32);
    assert.equal(other.encoderMs, predictConvCost(fitConvCost(table, 'tiny'), bottleneckMacs(10, 32)));
    // energy of the encoder joins the device's energy when the device has an energy metric
    assert.ok((b.deviceEnergyMj as number) > (model.breakdown(arch(0), 10, 'int8').deviceEnergyMj as number));
  });

  it('a metric with fewer than 3 1×1 conv entries cannot be fitted; a model without an estimate refuses bottlenecks', () => {
    const table = LatencyTable.parse({ few_latency: { Skip_H8_W8_Cin64_Cout112_stride1: 0.2, Skip_H8_W8_Cin64_Cout64_stride1: 0.01, Skip_H4_W4_Cin184_Cout352_stride1: 0.3 } }, 'few');
    assert.throws(() => fitConvCost(table, 'few'), /few_latency: 2 shape-changing skip \(1×1 conv\) entries, the encoder\/decoder estimate needs at least 3/);
    const full = SplitLatencyModel.fromTable(synthetic, { device: 'tiny', server: 'big', link: { ...DEFAULT_LINK, bandwidthMbps: 10 }, numClasses: 10 });
    const { encoder: _e, decoder: _d, ...rest } = full.costs;
    const bare = new SplitLatencyModel(rest, full.link, 10);
    assert.throws(() => bare.breakdown(arch(0), 10, 'int8', 16), /no encoder\/decoder latency estimate/);
    assert.equal(bare.breakdown(arch(0), 10, 'int8').encoderMs, 0);
  });
});

describe('the extended space in the problem', () => {
  const scenario = parseScenario({ device: 'tiny', server: 'big', bandwidthMbps: 10, latencyBoundMs: 40, sMin: 1, space: 'extended' }, 'ext.json');

  it('reads "space" from the scenario and refuses unknown values', () => {
    assert.equal(scenario.space, 'extended');
    assert.equal(parseScenario({ device: 'a', server: 'b', bandwidthMbps: 1, latencyBoundMs: 1 }, 'x.json').space, undefined);
    assert.throws(() => parseScenario({ device: 'a', server: 'b', bandwidthMbps: 1, latencyBoundMs: 1, space: 'wide' }, 'x.json'), /space = "wide", must be one of fbnet, extended/);
  });

  it('adds the gene from the oracle\'s trained set and evaluates bottleneck genomes with their payload, codec latency and cache key', async () => {
    const oracle = new ProxyAccuracyOracle(10, 0, trained);
    const problem = NascProblem.fromTable(scenario, synthetic, oracle);
    assert.equal(problem.space.size, NUM_LAYERS + 2);
    const [withB, untrained, plain] = await problem.evaluate([
      [...arch(3), 10, 2],
      [...arch(3), 10, 3],
      [...arch(3), 10, 0],
    ]);
    assert.ok(withB?.info !== undefined && untrained?.info !== undefined && plain !== undefined);
    assert.equal(withB.info.bottleneck, 16);
    assert.equal(withB.info.precision, 'int8');
    assert.equal(withB.info.accuracyKey, 'int8@10/16');
    assert.equal(withB.info.latency.payloadBytes, 16 * 8 * 8 + 8);
    assert.ok(withB.info.latency.encoderMs > 0 && withB.info.latency.decoderMs > 0);
    assert.equal(withB.objectives[1], withB.info.latency.totalMs);
    assert.ok((withB.objectives[0] as number) > (plain.objectives[0] as number), 'the proxy charges the squeeze');
    assert.equal(untrained.info.bottleneck, 0);
    assert.equal(untrained.info.accuracyKey, 'exact');
    assert.deepEqual(untrained.objectives, plain.objectives);
  });

  it('refuses the extended space when the weights have no bottlenecks, or not of its 2×2-patch form', () => {
    assert.throws(() => NascProblem.fromTable(scenario, synthetic, new ProxyAccuracyOracle()), /extended space needs weights with trained bottlenecks/);
    const pixel = new BottleneckSet([{ split: 10, width: 16, patch: 1 }]);
    assert.throws(() => NascProblem.fromTable(scenario, synthetic, new ProxyAccuracyOracle(10, 0, pixel)), /these weights have 1×1 bottlenecks; the extended space uses 2×2-patch ones \(weight store format 3/);
    const mixed = new BottleneckSet([{ split: 10, width: 16, patch: 1 }, { split: 14, width: 28, patch: 2 }]);
    assert.equal(mixed.patch, undefined);
    assert.throws(() => NascProblem.fromTable(scenario, synthetic, new ProxyAccuracyOracle(10, 0, mixed)), /mix 1×1 and 2×2-patch bottlenecks/);
  });
});

describe('HWNAS + best (split, bottleneck) helpers', () => {
  const scenario = parseScenario({ device: 'tiny', server: 'big', bandwidthMbps: 10, latencyBoundMs: 40, sMin: 2, space: 'extended' }, 'ext.json');
  it('lists the plain best split and every trained bottleneck at s ≥ sMin', () => {
    const problem = NascProblem.fromTable(scenario, synthetic, new ProxyAccuracyOracle(10, 0, trained));
    const choices = splitBottleneckChoices(problem, arch(4));
    assert.equal(choices.length, 1 + 3); // (1, 1) is below sMin
    assert.equal(choices[0]?.bottleneck, 0);
    assert.deepEqual(choices.slice(1).map((d) => [d.split, d.bottleneck, d.precision]), [
      [10, 32, 'int8'],
      [10, 16, 'int8'],
      [10, 4, 'int8'],
    ]);
  });

  it('picks the fastest option within the accuracy loss, else the plain split', async () => {
    const problem = NascProblem.fromTable(scenario, synthetic, new ProxyAccuracyOracle(10, 0, trained));
    const choices = splitBottleneckChoices(problem, arch(4));
    const acc = (await problem.accuracies(choices)).map((r) => r.accuracy);
    const ms = choices.map((d) => problem.model.breakdown(d.architecture, d.split, d.precision, d.bottleneck ?? 0).totalMs);
    assert.deepEqual(bestUnderAccuracyLoss(problem, choices, acc, -1), choices[0]); // nothing beats a negative loss
    const any = bestUnderAccuracyLoss(problem, choices, acc, 1);
    assert.equal(ms[choices.indexOf(any)], Math.min(...ms));
  });
});

describe('nasc(max-bottleneck=N)', () => {
  const scenario = parseScenario({ device: 'tiny', server: 'big', bandwidthMbps: 10, latencyBoundMs: 40, sMin: 1, space: 'extended' }, 'ext.json');
  it('never evaluates a bottleneck narrower than its level; without it the narrow ones are proposed', async () => {
    const widths = async (maxBottleneckLevel?: number) => {
      const problem = NascProblem.fromTable(scenario, synthetic, new ProxyAccuracyOracle(10, 0, trained));
      const algorithm = nascAlgorithm(problem, { populationSize: 10, ...(maxBottleneckLevel === undefined ? {} : { maxBottleneckLevel }) }, Rng.fromSeed(5));
      const r = await runStrategy({ problem, algorithm, evaluations: 120 });
      return (r.evaluated as Individual<NascInfo>[]).map((i) => ({ split: i.info?.split ?? -1, width: i.info?.bottleneck ?? 0 }));
    };
    const capped = await widths(1);
    // Level 1 is C/2: at s = 10 (C = 64) only width 32; (1, 1) is C/16 and (10, 16) C/4.
    assert.ok(capped.every((w) => w.width === 0 || (w.split === 10 && w.width === 32)), JSON.stringify(capped.filter((w) => w.width !== 0)));
    assert.ok(capped.some((w) => w.width === 32), 'the allowed bottleneck is still searched');
    const free = await widths();
    assert.ok(free.some((w) => w.width !== 0 && w.width !== 32), 'without the cap narrower bottlenecks are proposed');
    const problem = NascProblem.fromTable(parseScenario({ device: 'tiny', server: 'big', bandwidthMbps: 10, latencyBoundMs: 40 }, 'plain.json'), synthetic, new ProxyAccuracyOracle());
    assert.throws(() => nascAlgorithm(problem, { maxBottleneckLevel: 1 }, Rng.fromSeed(1)), /max-bottleneck needs the extended space/);
  });
});

describe('split-repair=deployment (best bottleneck placement inside the joint search)', () => {
  const scenario = parseScenario({ device: 'tiny', server: 'big', bandwidthMbps: 10, latencyBoundMs: 40, sMin: 1, space: 'extended' }, 'ext.json');
  const problem = NascProblem.fromTable(scenario, synthetic, new ProxyAccuracyOracle(10, 0, trained));
  const repair = splitRepair(problem, parseSplitRepair('deployment'));
  const b = bottleneckGeneIndex(problem.layout);
  const ms = (g: number[]) => {
    const d = problem.decode(g);
    return problem.model.breakdown(d.architecture, d.split, d.precision, d.bottleneck ?? 0).totalMs;
  };

  it('moves a bottleneck genome to the fastest deployment no narrower than its level, and writes it back', () => {
    for (const g0 of new UniformSampling().sample(problem.space, 200, Rng.fromSeed(11))) {
      const g = [...g0] as number[];
      const level = g[b] as number;
      const r = repair.repair(problem.space, g) as number[];
      assert.deepEqual(repair.repair(problem.space, r), r, 'idempotent');
      assert.deepEqual(r.slice(0, NUM_LAYERS), g.slice(0, NUM_LAYERS), 'the architecture is the search\'s');
      const d = problem.decode(r);
      if (level === 0) {
        assert.equal(d.bottleneck ?? 0, 0);
        continue;
      }
      // never narrower than the gene asked for; the plain split only where it is faster
      assert.ok((r[b] as number) <= level);
      const best = Math.min(...splitBottleneckChoices(problem, g.slice(0, NUM_LAYERS)).filter((c) => (c.bottleneck ?? 0) === 0 || levelOfWidth(c.split, c.bottleneck ?? 0) <= level).map((c) => problem.model.breakdown(c.architecture, c.split, c.precision, c.bottleneck ?? 0).totalMs));
      assert.equal(ms(r), best);
    }
  });

  it('an untrained (split, level) is placed where that level is trained instead of decoding to none', () => {
    const g = [...arch(3), 5, 2]; // C/4 at s = 5: not trained; at s = 10 it is (width 16)
    assert.equal(problem.decode(g).bottleneck ?? 0, 0);
    const r = repair.repair(problem.space, g) as number[];
    const d = problem.decode(r);
    assert.ok(d.bottleneck === 0 || levelOfWidth(d.split, d.bottleneck ?? 0) <= 2, JSON.stringify(d));
    assert.ok(ms(r) <= ms([...arch(3), 10, 2]) && ms(r) <= ms([...arch(3), 10, 0]), 'no slower than the trained C/4 or the plain cut');
  });

  it('is a nasc parameter: nasc(split-repair=deployment) evaluates only placed genomes', async () => {
    const algorithm = nascAlgorithm(problem, { populationSize: 10, splitRepair: 'deployment' }, Rng.fromSeed(5));
    const r = await runStrategy({ problem, algorithm, evaluations: 60 });
    for (const i of r.evaluated as Individual<NascInfo>[]) assert.deepEqual(repair.repair(problem.space, i.genome), [...i.genome]);
  });
});
