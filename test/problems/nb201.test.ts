import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { NB201_GENES, NB201_OPS, NB201_SIZE, archToString, parseArchString } from '../../problems/nas_bench_201/arch_string.js';
import { NasBench201Problem } from '../../problems/nas_bench_201/problem.js';
import { loadNb201, loadNb201Files, nb201Tables, parseNb201Accuracy, parseNb201Hardware } from '../../problems/nas_bench_201/tables.js';
import { DATA_FILES, dataFile, shippedDataDir } from '../../problems/data_dir.js';
import { nb201Fixture } from '../fixtures/nasc/nb201_fixture.js';
import { realDataDir, writeTempJson } from '../fixtures/nasc/synthetic_lut.js';

const genomeArb = fc.array(fc.integer({ min: 0, max: NB201_OPS.length - 1 }), { minLength: NB201_GENES, maxLength: NB201_GENES });

function inputError(...fragments: string[]): (e: unknown) => boolean {
  return (e: unknown) => {
    assert.ok(e instanceof Error && e.name === 'InputError', `InputError expected, got ${String(e)}`);
    assert.ok(!e.message.includes('\n'));
    for (const f of fragments) assert.ok(e.message.includes(f), `"${e.message}" should name ${f}`);
    return true;
  };
}

function fixtureTables(count: number, seed = 3, coarse = false) {
  const f = nb201Fixture(count, seed, coarse);
  return nb201Tables(parseNb201Accuracy(f.accuracy, 'acc.json'), parseNb201Hardware(f.hardware, 'hw.json'));
}

describe('NAS-Bench-201 arch strings', () => {
  it('round-trip genome <-> arch string', () => {
    fc.assert(
      fc.property(genomeArb, (g) => {
        assert.deepEqual(parseArchString(archToString(g)), g);
      }),
    );
    const s = '|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|';
    assert.deepEqual(parseArchString(s), [4, 2, 1, 2, 1, 1]);
    assert.equal(archToString([4, 2, 1, 2, 1, 1]), s);
    assert.equal(NB201_SIZE, 15625);
  });

  it('refuses malformed strings', () => {
    for (const bad of ['', '|none~0|', '|none~0|+|none~0|none~1|+|none~0|none~1|', '|conv~0|+|none~0|none~1|+|none~0|none~1|none~2|', '|none~1|+|none~0|none~1|+|none~0|none~1|none~2|']) {
      assert.throws(() => parseArchString(bad), inputError('arch string'));
    }
    assert.throws(() => archToString([0, 1, 2, 3, 4, 5]), inputError('gene 5'));
  });
});


describe('NasBench201Problem (fixture tables)', () => {
  it('front is exactly the non-dominated set, recall and HV ratio behave', () => {
    for (const coarse of [false, true]) {
      const tables = fixtureTables(300, 5, coarse);
      const p = new NasBench201Problem(tables, { dataset: 'cifar100', device: 'pixel3' });
      assert.deepEqual(p.trueFrontIndices(), paretoFrontNaive(p.objectives));
      assert.equal(p.frontRecall(p.trueFrontIndices()), 1);
      assert.equal(p.frontRecall([]), 0);
      // The ratio's denominator is the front's HV: one front point's rectangle over a naive 2-D HV.
      checkHvRatioAgainstNaive(p);
      assert.ok(Math.abs(p.hvRatio(p.objectives) - 1) < 1e-12, 'adding dominated points changes nothing');
      const half = p.trueFrontIndices().filter((_, k) => k % 2 === 0);
      // Dropping a front point whose objective vector no kept point shares loses hypervolume.
      const key = (i: number): string => (p.objectives[i] as readonly number[]).join(',');
      const kept = new Set(half.map(key));
      const lost = p.trueFrontIndices().some((i) => !kept.has(key(i)));
      const ratio = p.hvRatio(half.map((i) => p.objectives[i] as readonly number[]));
      assert.ok(lost ? ratio < 1 : Math.abs(ratio - 1) < 1e-12, `hv ratio ${ratio}, lost ${lost}`);
      const ind = p.indicators(half.map((i) => ({ objectives: [...(p.objectives[i] as readonly number[])], info: { index: i, arch: '' } })));
      assert.equal(ind.frontRecall, half.length / p.trueFrontIndices().length);
    }
  });

  it('evaluates genomes by arch string', () => {
    const tables = fixtureTables(50);
    const p = new NasBench201Problem(tables, { dataset: 'cifar10', device: 'raspi4' });
    const g = tables.genomes[17] as number[];
    const [e] = p.evaluate([g]);
    assert.equal(e?.info?.index, 17);
    assert.equal(e?.info?.arch, tables.archStrings[17]);
    assert.deepEqual(e?.objectives, [100 - (tables.accuracy.cifar10[17] as number), tables.latencyMs.raspi4[17]]);
    const missing = [0, 0, 0, 0, 0, 0];
    if (!tables.indexOf.has(archToString(missing))) assert.throws(() => p.evaluate([missing]), inputError('not in the table'));
    assert.throws(() => new NasBench201Problem(tables, { dataset: 'cifar1000' as never, device: 'raspi4' }), inputError('cifar1000'));
    assert.throws(() => new NasBench201Problem(tables, { dataset: 'cifar10', device: 'edgegpu' as never }), inputError('edgegpu'));
  });

  it('loaders refuse malformed tables, naming file and key', () => {
    const f = nb201Fixture(20);
    const acc = (mut: (o: Record<string, unknown>) => void): unknown => {
      const o = structuredClone(f.accuracy) as unknown as Record<string, unknown>;
      mut(o);
      return o;
    };
    const ta = (o: Record<string, unknown>): Record<string, unknown[]> => o.test_accuracy as Record<string, unknown[]>;
    const cases: [unknown, string[]][] = [
      [acc((o) => delete o.arch_str), ['arch_str']],
      [acc((o) => delete ta(o).cifar100), ['test_accuracy.cifar100', 'missing']],
      [acc((o) => (ta(o).cifar10 = [1, 2])), ['test_accuracy.cifar10', 'entries']],
      [acc((o) => ((ta(o).cifar10 as unknown[])[3] = null)), ['test_accuracy.cifar10[3]']],
      [acc((o) => ((ta(o).cifar10 as unknown[])[4] = 'NaN')), ['test_accuracy.cifar10[4]']],
      [acc((o) => ((ta(o).cifar10 as unknown[])[5] = -1)), ['test_accuracy.cifar10[5]']],
      [acc((o) => (o.test_accuracy = 7)), ['test_accuracy']],
      [[], ['not a JSON object']],
    ];
    for (const [json, frags] of cases) assert.throws(() => parseNb201Accuracy(json, 'acc.json'), inputError('acc.json', ...frags));
    const hw = structuredClone(f.hardware) as unknown as { latency_ms: Record<string, unknown[]> };
    (hw.latency_ms.fpga as unknown[])[2] = -3;
    assert.throws(() => parseNb201Hardware(hw, 'hw.json'), inputError('hw.json', 'latency_ms.fpga[2]'));
    delete (hw.latency_ms as Record<string, unknown>).eyeriss;
    assert.throws(() => parseNb201Hardware(hw, 'hw.json'), inputError('latency_ms.eyeriss'));
    // Arch lists must agree.
    const other = nb201Fixture(20, 99);
    assert.throws(() => nb201Tables(parseNb201Accuracy(f.accuracy, 'a'), parseNb201Hardware(other.hardware, 'h')), inputError('arch_str[0]'));
    const bad = structuredClone(f);
    bad.accuracy.arch_str[1] = 'garbage';
    bad.hardware.arch_str[1] = 'garbage';
    assert.throws(() => nb201Tables(parseNb201Accuracy(bad.accuracy, 'a'), parseNb201Hardware(bad.hardware, 'h')), inputError('arch_str[1]'));
    // Files.
    const accFile = writeTempJson('acc.json', f.accuracy);
    const hwFile = writeTempJson('hw.json', f.hardware);
    assert.equal(loadNb201Files(accFile, hwFile).archStrings.length, 20);
    assert.throws(() => loadNb201Files(writeTempJson('acc.json', '{"arch_str": [NaN]}'), hwFile), inputError('not valid JSON'));
    // A data directory's copies win over the shipped tables; a directory without them falls back.
    const dataDir = mkdtempSync(path.join(tmpdir(), 'nasc-nb201-'));
    mkdirSync(path.join(dataDir, 'nas-bench-201'));
    mkdirSync(path.join(dataDir, 'hw-nas-bench'));
    writeFileSync(path.join(dataDir, DATA_FILES.nb201Accuracy), JSON.stringify(f.accuracy));
    writeFileSync(path.join(dataDir, DATA_FILES.nb201Hardware), JSON.stringify(f.hardware));
    assert.equal(loadNb201(dataDir).archStrings.length, 20);
    assert.equal(dataFile(mkdtempSync(path.join(tmpdir(), 'nasc-empty-')), 'nb201Accuracy'), path.join(shippedDataDir(), DATA_FILES.nb201Accuracy));
  });
});

const dir = realDataDir();
describe('NAS-Bench-201 (real data)', () => {
  const tables = loadNb201(dir);

  it('has all 15,625 cells; best CIFAR-100 is 73.51 % at index 9930', () => {
    assert.ok(tables);
    assert.equal(tables.archStrings.length, NB201_SIZE);
    const acc = tables.accuracy.cifar100;
    let best = 0;
    for (let i = 1; i < acc.length; i++) if ((acc[i] as number) > (acc[best] as number)) best = i;
    assert.equal(best, 9930);
    assert.ok(Math.abs((acc[9930] as number) - 73.51) < 0.005);
    const p = new NasBench201Problem(tables, { dataset: 'cifar100', device: 'raspi4' });
    const [e] = p.evaluate([parseArchString(tables.archStrings[9930] as string)]);
    assert.equal(e?.info?.index, 9930);
    assert.equal(p.indexOf(tables.genomes[0] as number[]), 0);
  });

  it('the enumerated front is exactly the non-dominated set', () => {
    assert.ok(tables);
    for (const device of ['raspi4', 'fpga'] as const) {
      const p = new NasBench201Problem(tables, { dataset: 'cifar100', device });
      const front = new Set(p.trueFrontIndices());
      const F = [...front].map((i) => p.objectives[i] as readonly number[]);
      const dominates = (a: readonly number[], b: readonly number[]): boolean =>
        (a[0] as number) <= (b[0] as number) && (a[1] as number) <= (b[1] as number) && ((a[0] as number) < (b[0] as number) || (a[1] as number) < (b[1] as number));
      // A point is non-dominated iff no front point dominates it (any dominator is itself dominated by a front point, or is one).
      p.objectives.forEach((o, i) => assert.equal(!F.some((f) => dominates(f, o)), front.has(i), `index ${i}`));
      assert.ok(front.has(9930) || F.some((f) => f[0] === p.objectives[9930]?.[0]), 'the most accurate cell is on the front');
      checkHvRatioAgainstNaive(p);
    }
  });
});

/** HV of 2-D points by a sweep over the points sorted by f1 (independent of core/indicators). */
function naiveHv2d(points: readonly (readonly number[])[], ref: readonly number[]): number {
  const sorted = [...points].sort((a, b) => (a[0] as number) - (b[0] as number));
  let hv = 0;
  let prevF2 = ref[1] as number;
  for (const [f1, f2] of sorted as [number, number][]) {
    if (f2 < prevF2) {
      hv += ((ref[0] as number) - f1) * (prevF2 - f2);
      prevF2 = f2;
    }
  }
  return hv;
}

/** hvRatio of single front points equals their rectangle over the naive HV of the whole front. */
function checkHvRatioAgainstNaive(p: NasBench201Problem): void {
  const front = p.trueFront();
  const total = naiveHv2d(front, p.referencePoint);
  assert.ok(total > 0);
  for (const q of [front[0], front[front.length - 1]] as (readonly number[])[]) {
    const rect = ((p.referencePoint[0] as number) - (q[0] as number)) * ((p.referencePoint[1] as number) - (q[1] as number));
    assert.ok(Math.abs(p.hvRatio([q]) - rect / total) < 1e-9, `hvRatio([${q.join(', ')}])`);
  }
}

/** The O(N²) definition of the non-dominated set, for the check above. */
function paretoFrontNaive(points: readonly (readonly number[])[]): number[] {
  const dominated = (p: readonly number[], q: readonly number[]): boolean => q.every((x, k) => x <= (p[k] as number)) && q.some((x, k) => x < (p[k] as number));
  return points.flatMap((p, i) => (points.some((q) => dominated(p, q)) ? [] : [i]));
}
