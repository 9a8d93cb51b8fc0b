import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { makeIndividual } from '../../core/individual.js';
import { Rng } from '../../core/rng.js';
import type { Genome } from '../../core/variables.js';
import type { AccuracyOracle, AccuracyResult, SubnetQuery } from '../../problems/nasc/accuracy_oracle.js';
import { LatencyTable } from '../../problems/nasc/latency_table.js';
import { NascProblem } from '../../problems/nasc/problem.js';
import { ProxyAccuracyOracle, proxyAccuracy } from '../../problems/nasc/proxy_oracle.js';
import { parseScenario, type Scenario } from '../../problems/nasc/scenario.js';
import {
  CANDIDATES,
  MAX_SPLIT,
  NUM_LAYERS,
  decodeGenome,
  encodeGenome,
  genomeLength,
  nascSearchSpace,
  parseArchitecture,
  type GenomeLayout,
} from '../../problems/nasc/search_space.js';
import { PrivacyRepair } from '../../problems/nasc/privacy_repair.js';
import { BestSplitRepair, parseSplitRepair, splitRepair } from '../../problems/nasc/best_split_repair.js';
import { syntheticLut } from '../fixtures/nasc/synthetic_lut.js';

const table = LatencyTable.parse({ raw_lut: syntheticLut() }, 'synthetic');
const scenario = (over: Record<string, unknown> = {}): Scenario =>
  parseScenario({ device: 'tiny', server: 'big', bandwidthMbps: 10, latencyBoundMs: 40, sMin: 1, ...over }, 'test.json');
const allOf = (c: number): number[] => new Array<number>(NUM_LAYERS).fill(c);

describe('genome', () => {
  const layouts: GenomeLayout[] = [
    { split: 'integer', precision: 'fp32' },
    { split: 'categorical', precision: 'search' },
    { split: { fixed: 22 }, precision: 'int8' },
    { split: { fixed: 3 }, precision: 'search' },
  ];

  it('round-trips through encode/decode for every layout', () => {
    for (const layout of layouts) {
      const space = nascSearchSpace(layout);
      assert.equal(space.size, genomeLength(layout));
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 2 ** 31 }), (seed) => {
          const rng = Rng.fromSeed(seed);
          const g = space.variables.map((v) => (v.kind === 'integer' ? rng.integer(v.lower, v.upper) : v.kind === 'categorical' ? rng.index(v.choices.length) : 0));
          const d = decodeGenome(layout, g);
          assert.deepEqual(encodeGenome(layout, d), g);
          assert.ok(space.contains(g));
        }),
        { numRuns: 30 },
      );
    }
  });

  it('decodes split and precision genes', () => {
    const d = decodeGenome({ split: 'integer', precision: 'search' }, [...allOf(7), 5, 2]);
    assert.equal(d.split, 5);
    assert.equal(d.precision, 'int8');
    assert.throws(() => decodeGenome({ split: 'integer', precision: 'fp32' }, [...allOf(7), 23]), /split 23/);
    assert.throws(() => decodeGenome({ split: 'integer', precision: 'fp32' }, allOf(7)), /22 genes/);
    assert.throws(() => decodeGenome({ split: 'integer', precision: 'fp32' }, [...allOf(9), 1]), /layer 0 = 9/);
  });

  it('parses architectures by index or name', () => {
    assert.deepEqual(parseArchitecture('k5_e6'), allOf(7));
    assert.deepEqual(parseArchitecture(['skip', ...new Array(21).fill('0')].join(',')), [8, ...new Array(21).fill(0)]);
    for (const bad of ['k5_e7', '9', '1,2', '', '-1']) {
      assert.throws(
        () => parseArchitecture(bad),
        (e: Error) => e.name === 'InputError' && !e.message.includes('\n'),
      );
    }
  });
});

describe('privacy repair', () => {
  it('lifts the split to sMin and leaves other genes alone', () => {
    for (const layout of [{ split: 'integer', precision: 'search' }, { split: 'categorical', precision: 'fp32' }] as GenomeLayout[]) {
      const space = nascSearchSpace(layout);
      const repair = new PrivacyRepair(4);
      fc.assert(
        fc.property(fc.array(fc.integer({ min: 0, max: 8 }), { minLength: 22, maxLength: 22 }), fc.integer({ min: 0, max: MAX_SPLIT }), (arch, s) => {
          const g = layout.precision === 'search' ? [...arch, s, 1] : [...arch, s];
          const r = repair.repair(space, g);
          assert.equal(r[22], Math.max(4, s));
          assert.deepEqual(r.slice(0, 22), arch);
          assert.equal(r.length, g.length);
        }),
        { numRuns: 50 },
      );
    }
  });
});

describe('best-split repair', () => {
  const genomes = fc.tuple(fc.array(fc.integer({ min: 0, max: 8 }), { minLength: 22, maxLength: 22 }), fc.integer({ min: 0, max: MAX_SPLIT }), fc.integer({ min: 0, max: 2 }));
  it('moves an fp32 genome to its latency-optimal split ≥ sMin: same net, never slower, idempotent', () => {
    const p = NascProblem.fromTable(scenario({ sMin: 2, precision: 'search' }), table, new ProxyAccuracyOracle());
    const repair = splitRepair(p, 'best');
    fc.assert(
      fc.property(genomes, ([arch, s, prec]) => {
        const g = [...arch, s, prec];
        const r = repair.repair(p.space, g);
        const before = p.decode(g);
        const after = p.decode(r);
        assert.deepEqual(after.architecture, arch);
        assert.equal(after.precision, before.precision);
        assert.ok(after.split >= 2);
        if (before.precision !== 'fp32') {
          assert.equal(after.split, Math.max(2, s)); // lossy payloads: privacy repair only
        } else {
          const ms = (d: typeof after) => p.model.breakdown(d.architecture, d.split, d.precision).totalMs;
          for (let t = 2; t <= MAX_SPLIT; t++) assert.ok(ms(after) <= ms({ ...after, split: t }) + 1e-9);
          if (s >= 2) assert.ok(ms(after) <= ms(before) + 1e-9);
        }
        assert.deepEqual(repair.repair(p.space, r), r);
      }),
      { numRuns: 60 },
    );
  });
  it('is the privacy repair when asked for none (old name privacy), and leaves a fixed-split layout alone', () => {
    const p = NascProblem.fromTable(scenario(), table, new ProxyAccuracyOracle());
    assert.equal(splitRepair(p, 'none'), p.repair);
    assert.equal(parseSplitRepair('privacy'), 'none');
    assert.equal(parseSplitRepair(undefined), 'best');
    assert.throws(() => parseSplitRepair('bset'), /--split-repair must be one of best, deployment, none, got "bset"/);
    const fixed = p.withLayout({ split: { fixed: 5 }, precision: 'fp32' });
    const g = allOf(3);
    assert.deepEqual(new BestSplitRepair(fixed).repair(fixed.space, g), g);
  });
});

/** Records queries; returns the proxy value, or failures for architectures starting with 'skip'. */
class RecordingOracle implements AccuracyOracle {
  readonly name = 'recording';
  readonly seen: SubnetQuery[] = [];
  calls = 0;
  async accuracy(queries: readonly SubnetQuery[]): Promise<AccuracyResult[]> {
    this.calls++;
    this.seen.push(...queries);
    return queries.map((q) => (q.architecture[0] === 8 ? { accuracy: Number.NaN, images: 0, failure: 'worker crashed' } : { accuracy: proxyAccuracy(q), images: 100 }));
  }
}

describe('NascProblem', () => {
  it('evaluates objectives, constraints and info', async () => {
    const oracle = new ProxyAccuracyOracle();
    const p = NascProblem.fromTable(scenario(), table, oracle);
    assert.deepEqual(p.objectiveNames, ['error', 'latency_ms']);
    assert.deepEqual(p.constraintNames, ['latency_bound', 'privacy']);
    assert.deepEqual(p.referencePoint, [1, 40]);
    const [e] = await p.evaluate([[...allOf(7), 5]]);
    assert.ok(e && e.info);
    const lat = p.model.breakdown(allOf(7), 5, 'fp32');
    assert.deepEqual(e.info.latency, lat);
    assert.equal(e.objectives[1], lat.totalMs);
    assert.ok(Math.abs((e.objectives[0] as number) - (1 - proxyAccuracy({ architecture: allOf(7), split: 22, precision: 'fp32' }))) < 1e-15);
    assert.equal(e.constraints[0], lat.totalMs - 40);
    assert.equal(e.constraints[1], 1 - 5);
    assert.equal(e.info.accuracyKey, 'exact');
    assert.equal(e.info.privacyViolated, false);
  });

  it('flags a privacy violation through the constraint', async () => {
    const p = NascProblem.fromTable(scenario({ sMin: 3 }), table, new ProxyAccuracyOracle());
    const [e] = await p.evaluate([[...allOf(0), 0]]);
    assert.ok(e && e.info);
    assert.equal(e.constraints[1], 3);
    assert.equal(e.info.privacyViolated, true);
    assert.ok(makeIndividual([...allOf(0), 0], e).cv >= 3);
    assert.deepEqual(p.repair.repair(p.space, [...allOf(0), 0]), [...allOf(0), 3]);
  });

  it('asks the oracle once per architecture while the payload is lossless', async () => {
    const oracle = new RecordingOracle();
    const p = NascProblem.fromTable(scenario({ precision: 'search' }), table, oracle);
    const a = allOf(3);
    // fp32 at every split + s = 0 / 22 at any precision: all 'exact'.
    const genomes: Genome[] = [];
    for (let s = 0; s <= MAX_SPLIT; s++) genomes.push([...a, s, 0]);
    genomes.push([...a, 0, 2], [...a, 22, 1]);
    const evals = await p.evaluate(genomes);
    assert.equal(p.oracleQueries, 1);
    assert.equal(oracle.calls, 1);
    assert.deepEqual(oracle.seen[0], { architecture: a, split: 22, precision: 'fp32' });
    assert.ok(evals.every((e) => e.objectives[0] === evals[0]?.objectives[0]));
    // Again: all cached, no call.
    await p.evaluate(genomes);
    assert.equal(oracle.calls, 1);
    // Lossy payloads: one query per (precision, split), batched in one call.
    await p.evaluate([[...a, 5, 2], [...a, 5, 2], [...a, 6, 2], [...a, 5, 1]]);
    assert.equal(oracle.calls, 2);
    assert.equal(p.oracleQueries, 4);
    assert.deepEqual(oracle.seen.slice(1).map((q) => `${q.precision}@${q.split}`), ['int8@5', 'int8@6', 'fp16@5']);
  });

  it('shares the cache across concurrent calls and with withLayout problems', async () => {
    const oracle = new RecordingOracle();
    const p = NascProblem.fromTable(scenario(), table, oracle);
    await Promise.all([p.evaluate([[...allOf(2), 4]]), p.evaluate([[...allOf(2), 9]])]);
    assert.equal(p.oracleQueries, 1);
    const fixed = p.withLayout({ split: { fixed: 22 }, precision: 'fp32' });
    assert.equal(fixed.space.size, 22);
    await fixed.evaluate([allOf(2)]);
    assert.equal(oracle.calls, 1);
  });

  it('reports oracle failures without caching them', async () => {
    const oracle = new RecordingOracle();
    const p = NascProblem.fromTable(scenario(), table, oracle);
    const g = [8, ...allOf(0).slice(1), 3];
    const [e] = await p.evaluate([g]);
    assert.equal(e?.failure, 'worker crashed');
    assert.equal(makeIndividual(g, e as never).cv, Infinity);
    await p.evaluate([g]);
    assert.equal(oracle.calls, 2);
  });

  it('supports a third objective', async () => {
    const pe = NascProblem.fromTable(scenario({ thirdObjective: 'energy' }), table, new ProxyAccuracyOracle());
    const [e] = await pe.evaluate([[...allOf(1), 6]]);
    assert.equal(e?.objectives.length, 3);
    assert.equal(e?.objectives[2], pe.model.breakdown(allOf(1), 6, 'fp32').deviceEnergyMj);
    const pp = NascProblem.fromTable(scenario({ thirdObjective: 'payload' }), table, new ProxyAccuracyOracle());
    const [f] = await pp.evaluate([[...allOf(1), 1]]);
    assert.equal(f?.objectives[2], 65536);
    assert.equal(pp.referencePoint?.[2], 98304);
    assert.throws(
      () => NascProblem.fromTable(parseScenario({ device: 'big', server: 'tiny', bandwidthMbps: 10, latencyBoundMs: 40, thirdObjective: 'energy' }, 's.json'), table, new ProxyAccuracyOracle()),
      (err: Error) => err.name === 'InputError' && err.message.includes('big_energy'),
    );
  });
});

describe('proxy oracle', () => {
  it('is deterministic, bigger nets score higher, int8 costs accuracy', () => {
    const q = (arch: number[], split = 22, precision: 'fp32' | 'int8' = 'fp32'): number => proxyAccuracy({ architecture: arch, split, precision });
    assert.equal(q(allOf(3)), q(allOf(3)));
    assert.ok(q(allOf(7)) > q(allOf(0)) && q(allOf(0)) > q(allOf(8)));
    assert.ok(q(allOf(7), 5, 'int8') < q(allOf(7), 5, 'fp32'));
    for (let c = 0; c < CANDIDATES.length; c++) {
      const a = q(allOf(c));
      assert.ok(a > 0 && a < 1);
    }
  });
});
