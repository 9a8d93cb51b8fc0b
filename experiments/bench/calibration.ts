/**
 * `npm run bench:calibration`: how few BN-calibration images keep the ranking of subnets.
 *
 * Per setting (calibration images K, calibration batch size), the accuracies of a fixed set of
 * queries — seeded random architectures (whole net) plus some of them split with an int8 / fp16
 * payload — on the first BENCH_IMAGES validation images of the shipped store's split, and against
 * the reference (today's K = 256 in batches of 100): Kendall τ-b, mean shift, mean and largest
 * |Δ|, and seconds of recalibration per architecture. The `*-other` settings use a disjoint set
 * of calibration images of the same size: the spread the choice of images alone causes, i.e.
 * the noise today's setting already has. Figures, not assertions; one JSON object on stdout.
 *
 * Environment: NASC_DATA (required), BENCH_GENOMES (40), BENCH_SPLIT_QUERIES (12), BENCH_IMAGES
 * (400), BENCH_WORKERS (cores), BENCH_SETTINGS (e.g. "256x100,256x100-other,128x100,64x64"),
 * BENCH_WEIGHTS (default: the shipped store).
 */
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Rng } from '../../core/rng.js';
import { kendallTau } from '../../operators/surrogate/rank_correlation.js';
import type { SubnetQuery } from '../../problems/nasc/accuracy_oracle.js';
import { OnnxAccuracyOracle } from '../../workers/accuracy_pool.js';
import { complementIndices, loadCifar10, selectImages, validationSplit } from '../../workers/cifar10.js';
import { layerCount } from '../../workers/supernet_space.js';
import { loadWeightStore } from '../../workers/weight_store.js';

interface Setting {
  readonly name: string;
  readonly images: number;
  readonly batch: number;
  /** Take the calibration images after the first `offset` of the pool (a disjoint set). */
  readonly offset: number;
}

const env = (k: string, d: number): number => (process.env[k] === undefined ? d : Number(process.env[k]));
const round = (x: number, d = 4): number => Math.round(x * 10 ** d) / 10 ** d;

function parseSetting(s: string): Setting {
  const m = /^(\d+)x(\d+)(-other)?$/.exec(s.trim());
  if (m === null) throw new Error(`bad setting ${s} (want IMAGESxBATCH or IMAGESxBATCH-other)`);
  const images = Number(m[1]);
  return { name: s.trim(), images, batch: Number(m[2]), offset: m[3] === undefined ? 0 : 256 };
}

async function main(): Promise<void> {
  const dir = process.env.NASC_DATA;
  if (dir === undefined || dir === '') throw new Error('bench:calibration needs NASC_DATA (CIFAR-10)');
  const here = path.dirname(fileURLToPath(import.meta.url));
  const weights = process.env.BENCH_WEIGHTS ?? path.join(here, '..', 'supernet', 'store', 'fbnet-cifar10.json');
  const G = env('BENCH_GENOMES', 40);
  const S = env('BENCH_SPLIT_QUERIES', 12);
  const N = env('BENCH_IMAGES', 400);
  const W = env('BENCH_WORKERS', availableParallelism());
  const settings = (process.env.BENCH_SETTINGS ?? '256x100,256x100-other,128x100,128x100-other,64x64,64x64-other,32x32,16x16').split(',').map(parseSetting);
  const reference = settings[0] as Setting;

  const store = loadWeightStore(weights);
  const L = layerCount(store.space);
  const rng = Rng.fromSeed(15);
  const archs = Array.from({ length: G }, () => Array.from({ length: L }, () => rng.index(store.space.candidates.length)));
  const queries: SubnetQuery[] = [
    ...archs.map((architecture) => ({ architecture, split: L, precision: 'fp32' as const })),
    ...archs.slice(0, S).map((architecture, i) => ({ architecture, split: rng.integer(1, L - 1), precision: i % 3 === 2 ? ('fp16' as const) : ('int8' as const) })),
  ];
  const train = loadCifar10(dir, 'train');
  const split = store.manifest.split ?? { seed: 0, validationPerClass: 500 };
  const valIdx = validationSplit(train.labels, split.seed, split.validationPerClass);
  const val = selectImages(train, valIdx.slice(0, N));
  const pool = complementIndices(train.count, valIdx);

  const accuracies = new Map<string, number[]>();
  const rows: Record<string, unknown>[] = [];
  for (const s of settings) {
    const calibration = selectImages(train, pool.slice(s.offset, s.offset + s.images));
    const oracle = new OnnxAccuracyOracle({ weights, images: val, workers: W, bn: 'recalibrate', calibration, calibrationBatchSize: s.batch });
    const t0 = performance.now();
    try {
      const r = await oracle.accuracy(queries);
      const failed = r.filter((x) => x.failure !== undefined);
      if (failed.length > 0) throw new Error(`${failed.length} queries failed: ${failed[0]?.failure}`);
      accuracies.set(s.name, r.map((x) => x.accuracy));
      rows.push({
        setting: s.name,
        calibrationImages: s.images,
        calibrationBatch: s.batch,
        disjointImages: s.offset > 0,
        seconds: round((performance.now() - t0) / 1000, 1),
        recalibrationSecondsPerArchitecture: round(oracle.stats.calibrateMs / 1000 / Math.max(1, oracle.stats.calibrations), 3),
        evaluationSecondsPerQuery: round((oracle.stats.buildMs + oracle.stats.sessionMs + oracle.stats.runMs) / 1000 / Math.max(1, oracle.stats.evaluated), 3),
        calibrations: oracle.stats.calibrations,
      });
    } finally {
      await oracle.close();
    }
    process.stderr.write(`${s.name} done\n`);
  }
  const ref = accuracies.get(reference.name) as number[];
  const meanOf = (v: readonly number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
  for (const row of rows) {
    const a = accuracies.get(row.setting as string) as number[];
    const d = a.map((x, i) => x - (ref[i] as number));
    Object.assign(row, {
      tauVsReference: round(kendallTau(a, ref), 3),
      tauWholeNet: round(kendallTau(a.slice(0, G), ref.slice(0, G)), 3),
      meanShift: round(meanOf(d)),
      meanAbsDiff: round(meanOf(d.map(Math.abs))),
      maxAbsDiff: round(Math.max(...d.map(Math.abs))),
      meanAccuracy: round(meanOf(a)),
    });
  }
  const p = meanOf(ref);
  process.stdout.write(
    `${JSON.stringify(
      {
        weights: path.relative(process.cwd(), weights), // no machine path in committed results
        queries: { architectures: G, splitQueries: S, total: queries.length },
        validationImages: N,
        workers: W,
        reference: reference.name,
        binomialStandardError: round(Math.sqrt((p * (1 - p)) / N)),
        settings: rows,
        accuracies: Object.fromEntries(accuracies),
      },
      null,
      1,
    )}\n`,
  );
}

void main();
