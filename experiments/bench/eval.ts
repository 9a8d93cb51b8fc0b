/**
 * `npm run bench:eval`: throughput of the accuracy pool (OnnxAccuracyOracle) against plain
 * onnxruntime sessions doing the same work, one thread per core, plus the single-thread cost of
 * the graph variants behind the design choices (BN folded or as nodes; payload as graph ops in
 * one session or in TS between a head and a tail session) and of BN recalibration.
 * Prints one JSON object. Figures, not assertions: each pool/plain round is repeated and the
 * best and median are given, because the development machines are shared and noisy.
 *
 * Environment: BENCH_GENOMES (20), BENCH_IMAGES per genome (250), BENCH_ROUNDS (2),
 * BENCH_WORKERS (cores), BENCH_WEIGHTS (default: the shipped store, else a full-width random
 * store is written to a temporary folder: speed does not depend on the weights' values),
 * NASC_DATA (CIFAR-10 test images; random pixels when absent), BENCH_CALIBRATION (250), BENCH_BATCH
 * (the pool's evaluation batch, used by both sides).
 *
 * `npm run bench:eval -- bn` instead measures the BatchNorm modes on a trained store (needs
 * NASC_DATA): per mode, accuracies of BENCH_GENOMES random subnets (plus the largest and the
 * smallest) on BENCH_IMAGES validation images and as many test images, and how well the two
 * rankings agree (Kendall τ-b: a mode whose ranking does not carry over to other images cannot
 * guide a search); recalibration with BENCH_CALIBRATION_SWEEP images (e.g. "50,100,250,500").
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { median } from 'd3-array';
import * as ort from 'onnxruntime-node';
import { Rng } from '../../core/rng.js';
import { PAYLOAD_PRECISIONS, type PayloadPrecision } from '../../problems/nasc/accuracy_oracle.js';
import { DEFAULT_BATCH_SIZE, DEFAULT_CALIBRATION_BATCH_SIZE, OnnxAccuracyOracle } from '../../workers/accuracy_pool.js';
import { recalibrateBn, type BnMode } from '../../workers/bn_statistics.js';
import { CIFAR10_IMAGE_BYTES, complementIndices, loadCifar10, selectImages, toFloatBatch, validationSplit } from '../../workers/cifar10.js';
import { buildEvaluationModel, buildSplitModels, IMAGE, LOGITS, PAYLOAD, type BnTreatment } from '../../workers/graph_builder.js';
import { createSession } from '../../workers/onnx_session.js';
import { applyPayloadPrecision } from '../../workers/payload_precision.js';
import { argmax, evaluateSubnet } from '../../workers/subnet_evaluator.js';
import { FBNET_CIFAR_SPACE, writeSyntheticStore } from '../../workers/synthetic_store.js';
import { layerCount } from '../../workers/supernet_space.js';
import { loadWeightStore, type WeightStore } from '../../workers/weight_store.js';

interface Genome {
  readonly architecture: number[];
  readonly split: number;
  readonly precision: PayloadPrecision;
}

interface PlainSetup {
  readonly storePath: string;
  readonly genomes: readonly Genome[];
  readonly pixels: Uint8Array;
  readonly labels: Uint8Array;
  readonly batchSize: number;
}

interface PlainResult {
  readonly correct: number[];
  readonly buildMs: number;
  readonly sessionMs: number;
}

const here = fileURLToPath(import.meta.url);
const env = (k: string, d: number): number => (process.env[k] === undefined ? d : Number(process.env[k]));
/** The pool's evaluation batch, for both sides (BENCH_BATCH overrides). */
const BATCH = env('BENCH_BATCH', DEFAULT_BATCH_SIZE);

if (!isMainThread) {
  void plainWorker(workerData as PlainSetup);
} else if (process.argv[2] === 'bn') {
  void bnStudy();
} else {
  void main();
}

/** Plain baseline: one thread, one session at a time, a static share of the genomes. */
async function plainWorker(setup: PlainSetup): Promise<void> {
  const store = loadWeightStore(setup.storePath, { verifyHash: false });
  const n = setup.labels.length;
  const x = toFloatBatch(setup.pixels, store.normalization);
  const correct: number[] = [];
  let buildMs = 0;
  let sessionMs = 0;
  for (const g of setup.genomes) {
    const t0 = performance.now();
    const model = buildEvaluationModel(store, g.architecture, g.split, g.precision);
    const t1 = performance.now();
    const session = await createSession(model);
    buildMs += t1 - t0;
    sessionMs += performance.now() - t1;
    let c = 0;
    for (let b = 0; b < n; b += setup.batchSize) {
      const m = Math.min(setup.batchSize, n - b);
      const out = await session.run({ [IMAGE]: new ort.Tensor('float32', x.subarray(b * 3072, (b + m) * 3072), [m, 3, 32, 32]) });
      const logits = out[LOGITS]?.data as Float32Array;
      for (let i = 0; i < m; i++) if (argmax(logits, i * 10, 10) === setup.labels[b + i]) c++;
    }
    await session.release();
    correct.push(c);
  }
  parentPort?.postMessage({ correct, buildMs, sessionMs } satisfies PlainResult);
}

function startPlain(setup: PlainSetup): Promise<PlainResult> {
  // A .ts worker needs the tsx loader registered before it is imported (Node 20 cannot take a
  // .ts file as a worker's main module); a built .js is imported directly.
  const url = pathToFileURL(here).href;
  const boot = here.endsWith('.ts')
    ? `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((m) => { m.register(); return import(${JSON.stringify(url)}); });`
    : `import(${JSON.stringify(url)});`;
  const worker = new Worker(boot, { eval: true, workerData: setup });
  return new Promise((resolve, reject) => {
    worker.once('message', (m: PlainResult) => {
      resolve(m);
      void worker.terminate();
    });
    worker.once('error', reject);
  });
}

/** Peak resident set size (MiB) while `work` runs, sampled every 50 ms. */
async function withPeakRss<T>(work: () => Promise<T>): Promise<{ value: T; peakRssMiB: number; rssBeforeMiB: number }> {
  const before = process.memoryUsage.rss();
  let peak = before;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 50);
  try {
    const value = await work();
    peak = Math.max(peak, process.memoryUsage.rss());
    return { value, peakRssMiB: Math.round(peak / 2 ** 20), rssBeforeMiB: Math.round(before / 2 ** 20) };
  } finally {
    clearInterval(timer);
  }
}

function storePath(): { path: string; kind: string } {
  const given = process.env.BENCH_WEIGHTS;
  if (given !== undefined) return { path: given, kind: 'given' };
  const shipped = path.join(path.dirname(here), '..', 'supernet', 'store', 'fbnet-cifar10.json');
  if (existsSync(shipped)) return { path: shipped, kind: 'shipped' };
  return { path: writeSyntheticStore({ space: FBNET_CIFAR_SPACE, dtype: 'float16', name: 'fbnet-random' }), kind: 'synthetic full-width (random weights)' };
}

function images(count: number): { pixels: Uint8Array; labels: Uint8Array; source: string } {
  const dir = process.env.NASC_DATA;
  if (dir !== undefined && dir !== '') {
    const t = loadCifar10(dir, 'test', count);
    return { pixels: t.pixels, labels: t.labels, source: 'CIFAR-10 test' };
  }
  const rng = Rng.fromSeed(11);
  const pixels = Uint8Array.from({ length: count * CIFAR10_IMAGE_BYTES }, () => rng.integer(0, 255));
  return { pixels, labels: Uint8Array.from({ length: count }, (_, i) => i % 10), source: 'random pixels' };
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

/** Single-thread cost of the graph variants on a few genomes. */
async function variants(store: WeightStore, genomes: readonly Genome[], x: Float32Array, n: number): Promise<Record<string, { buildMs: number; sessionMs: number; imagesPerSecond: number }>> {
  const out: Record<string, { build: number[]; session: number[]; ips: number[] }> = {};
  const record = (k: string, build: number, session: number, run: number): void => {
    const r = (out[k] ??= { build: [], session: [], ips: [] });
    r.build.push(build);
    r.session.push(session);
    r.ips.push((n / run) * 1000);
  };
  const batches = (f: (b: number, m: number) => Promise<void>) => async () => {
    for (let b = 0; b < n; b += BATCH) await f(b, Math.min(BATCH, n - b));
  };
  const input = (b: number, m: number) => new ort.Tensor('float32', x.subarray(b * 3072, (b + m) * 3072), [m, 3, 32, 32]);
  for (const g of genomes) {
    for (const bn of ['fold', 'node'] as BnTreatment[]) {
      const t0 = performance.now();
      const model = buildEvaluationModel(store, g.architecture, g.split, g.precision, { bn });
      const t1 = performance.now();
      const s = await createSession(model);
      const t2 = performance.now();
      await batches(async (b, m) => {
        await s.run({ [IMAGE]: input(b, m) });
      })();
      record(`oneGraph_bn${bn === 'fold' ? 'Folded' : 'Nodes'}`, t1 - t0, t2 - t1, performance.now() - t2);
      await s.release();
    }
    const t0 = performance.now();
    const m = buildSplitModels(store, g.architecture, g.split);
    const t1 = performance.now();
    const head = m.head === null ? null : await createSession(m.head);
    const tail = m.tail === null ? null : await createSession(m.tail);
    const t2 = performance.now();
    await batches(async (b, k) => {
      let t = input(b, k);
      if (head !== null) {
        const p = (await head.run({ [IMAGE]: t }))[PAYLOAD] as ort.Tensor;
        t = new ort.Tensor('float32', applyPayloadPrecision(p.data as Float32Array, k, g.precision), p.dims);
      }
      if (tail !== null) await tail.run({ [head === null ? IMAGE : PAYLOAD]: t });
    })();
    record('headTail_payloadInTS', t1 - t0, t2 - t1, performance.now() - t2);
    await head?.release();
    await tail?.release();
  }
  return Object.fromEntries(
    Object.entries(out).map(([k, v]) => [k, { buildMs: round1(median(v.build) ?? 0), sessionMs: round1(median(v.session) ?? 0), imagesPerSecond: round1(median(v.ips) ?? 0) }]),
  );
}

async function main(): Promise<void> {
  const G = env('BENCH_GENOMES', 20);
  const N = env('BENCH_IMAGES', 250);
  const rounds = env('BENCH_ROUNDS', 2);
  const W = env('BENCH_WORKERS', availableParallelism());
  const K = env('BENCH_CALIBRATION', 250);
  const weights = storePath();
  const store = loadWeightStore(weights.path);
  const L = layerCount(store.space);
  const rng = Rng.fromSeed(2024);
  const genomes: Genome[] = Array.from({ length: G }, () => ({
    architecture: Array.from({ length: L }, () => rng.index(store.space.candidates.length)),
    split: rng.integer(1, L - 1),
    precision: rng.choice(PAYLOAD_PRECISIONS),
  }));
  const data = images(N);

  type Round = { seconds: number; imagesPerSecond: number; peakRssMiB: number; rssBeforeMiB: number };
  const pool: Round[] = [];
  const plain: Round[] = [];
  let poolStats: OnnxAccuracyOracle['stats'] | undefined;
  let plainTimes: PlainResult[] = [];
  let poolAccuracies: number[] = [];
  let plainAccuracies: number[] = [];
  const runPlain = async (): Promise<void> => {
    // Plain: W threads, genome g on thread g mod W.
    const p = await withPeakRss(async () => {
      const t0 = performance.now();
      const shares = Array.from({ length: W }, (_, w) => genomes.filter((_, g) => g % W === w));
      const results = await Promise.all(shares.map((share) => startPlain({ storePath: weights.path, genomes: share, pixels: data.pixels, labels: data.labels, batchSize: BATCH })));
      return { seconds: (performance.now() - t0) / 1000, results };
    });
    plain.push({ seconds: p.value.seconds, imagesPerSecond: (G * N) / p.value.seconds, peakRssMiB: p.peakRssMiB, rssBeforeMiB: p.rssBeforeMiB });
    plainTimes = p.value.results;
    plainAccuracies = genomes.map((_, g) => (p.value.results[g % W]?.correct[Math.floor(g / W)] ?? Number.NaN) / N);
  };
  const runPool = async (): Promise<void> => {
    // Pool: the oracle, started and closed inside the timed region (worker start-up included).
    const q = await withPeakRss(async () => {
      const t0 = performance.now();
      const oracle = new OnnxAccuracyOracle({ weights: weights.path, images: data, workers: W, batchSize: BATCH, bn: 'running' });
      try {
        const res = await oracle.accuracy(genomes);
        return { seconds: (performance.now() - t0) / 1000, res, stats: oracle.stats };
      } finally {
        await oracle.close();
      }
    });
    pool.push({ seconds: q.value.seconds, imagesPerSecond: (G * N) / q.value.seconds, peakRssMiB: q.peakRssMiB, rssBeforeMiB: q.rssBeforeMiB });
    poolStats = q.value.stats;
    poolAccuracies = q.value.res.map((x) => x.accuracy);
  };
  // Alternate which goes first, so neither always inherits the other's leftover memory or load.
  for (let r = 0; r < rounds; r++) {
    if (r % 2 === 0) {
      await runPool();
      await runPlain();
    } else {
      await runPlain();
      await runPool();
    }
  }

  // Single-thread figures in this thread.
  const x = toFloatBatch(data.pixels, store.normalization);
  const variantFigures = await variants(store, genomes.slice(0, 4), x, Math.min(N, 200));
  const calib = rng.permutation(N).slice(0, Math.min(K, N));
  const calibX = toFloatBatch(data.pixels, store.normalization); // stand-in images: the cost does not depend on which
  const recal: number[] = [];
  for (const g of genomes.slice(0, 2)) {
    const t0 = performance.now();
    await recalibrateBn(store, g.architecture, { data: calibX, count: calib.length }, DEFAULT_CALIBRATION_BATCH_SIZE);
    recal.push(performance.now() - t0);
  }
  const oneEval = await evaluateSubnet(store, { data: x, labels: data.labels, count: N }, { ...(genomes[0] as Genome), start: 0, end: N }, { bn: 'running', batchSize: BATCH });

  const best = (a: { imagesPerSecond: number }[]): number => Math.max(...a.map((v) => v.imagesPerSecond));
  const med = (a: { imagesPerSecond: number }[]): number => median(a.map((v) => v.imagesPerSecond)) ?? 0;
  const evaluated = poolStats?.evaluated ?? 1;
  process.stdout.write(
    `${JSON.stringify(
      {
        weights: { path: weights.path, kind: weights.kind },
        images: { source: data.source, perGenome: N },
        genomes: G,
        workers: W,
        batchSize: BATCH,
        rounds,
        pool: {
          imagesPerSecondBest: round1(best(pool)),
          imagesPerSecondMedian: round1(med(pool)),
          rounds: pool.map((v) => ({ seconds: round1(v.seconds), imagesPerSecond: round1(v.imagesPerSecond), rssBeforeMiB: v.rssBeforeMiB, peakRssMiB: v.peakRssMiB })),
          buildMsPerGenome: round1((poolStats?.buildMs ?? 0) / evaluated),
          sessionMsPerGenome: round1((poolStats?.sessionMs ?? 0) / evaluated),
        },
        plain: {
          imagesPerSecondBest: round1(best(plain)),
          imagesPerSecondMedian: round1(med(plain)),
          rounds: plain.map((v) => ({ seconds: round1(v.seconds), imagesPerSecond: round1(v.imagesPerSecond), rssBeforeMiB: v.rssBeforeMiB, peakRssMiB: v.peakRssMiB })),
          buildMsPerGenome: round1(plainTimes.reduce((a, r) => a + r.buildMs, 0) / G),
          sessionMsPerGenome: round1(plainTimes.reduce((a, r) => a + r.sessionMs, 0) / G),
        },
        ratioBest: Math.round((best(pool) / best(plain)) * 1000) / 1000,
        ratioMedian: Math.round((med(pool) / med(plain)) * 1000) / 1000,
        sameAccuracies: poolAccuracies.every((a, i) => a === plainAccuracies[i]),
        singleThread: {
          variants: variantFigures,
          recalibrationMsPerGenome: { images: calib.length, ms: recal.map(round1) },
          evaluateSubnet: { images: N, calibrateMs: round1(oneEval.calibrateMs), buildMs: round1(oneEval.buildMs), sessionMs: round1(oneEval.sessionMs), runMs: round1(oneEval.runMs) },
        },
        maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
      },
      null,
      1,
    )}\n`,
  );
}

/** Kendall τ-b of two score lists (ties in either list count as neither concordant nor discordant). */
export function kendallTauB(a: readonly number[], b: readonly number[]): number {
  let concordant = 0;
  let discordant = 0;
  let tiesA = 0;
  let tiesB = 0;
  for (let i = 0; i < a.length; i++) {
    for (let j = i + 1; j < a.length; j++) {
      const da = Math.sign((a[i] as number) - (a[j] as number));
      const db = Math.sign((b[i] as number) - (b[j] as number));
      if (da === 0 && db === 0) continue;
      if (da === 0) tiesA++;
      else if (db === 0) tiesB++;
      else if (da === db) concordant++;
      else discordant++;
    }
  }
  const denominator = Math.sqrt((concordant + discordant + tiesA) * (concordant + discordant + tiesB));
  return denominator === 0 ? Number.NaN : (concordant - discordant) / denominator;
}

/** Which BN statistics rank subnets consistently (see the header). */
async function bnStudy(): Promise<void> {
  const dir = process.env.NASC_DATA;
  if (dir === undefined || dir === '') throw new Error('the BN study needs NASC_DATA (CIFAR-10)');
  const G = env('BENCH_GENOMES', 12);
  const N = env('BENCH_IMAGES', 1000);
  const W = env('BENCH_WORKERS', availableParallelism());
  const sweep = (process.env.BENCH_CALIBRATION_SWEEP ?? '100,250,500').split(',').map(Number);
  const weights = storePath();
  const store = loadWeightStore(weights.path);
  const L = layerCount(store.space);
  const rng = Rng.fromSeed(77);
  const archs: number[][] = [
    Array(L).fill(7) as number[],
    Array(L).fill(1) as number[],
    ...Array.from({ length: G }, () => Array.from({ length: L }, () => rng.index(store.space.candidates.length))),
  ];
  const train = loadCifar10(dir, 'train');
  const { seed, validationPerClass } = store.manifest.split;
  const valIdx = validationSplit(train.labels, seed, validationPerClass);
  const val = selectImages(train, valIdx.slice(0, N));
  const test = loadCifar10(dir, 'test', N);
  const calPool = complementIndices(train.count, valIdx);
  const modes: { name: string; bn: BnMode; k: number }[] = [{ name: 'running', bn: 'running', k: 0 }, ...sweep.map((k) => ({ name: `recalibrate${k}`, bn: 'recalibrate' as BnMode, k }))];
  const out: Record<string, unknown> = {};
  const accuracies: Record<string, { val: number[]; test: number[] }> = {};
  for (const m of modes) {
    const calibration = m.k > 0 ? selectImages(train, calPool.slice(0, m.k)) : undefined;
    const run = async (images: { pixels: Uint8Array; labels: Uint8Array }): Promise<number[]> => {
      const oracle = new OnnxAccuracyOracle({ weights: weights.path, images, workers: W, bn: m.bn, ...(calibration === undefined ? {} : { calibration }) });
      try {
        return (await oracle.accuracy(archs.map((architecture) => ({ architecture, split: 0, precision: 'fp32' as PayloadPrecision })))).map((r) => r.accuracy);
      } finally {
        await oracle.close();
      }
    };
    const t0 = performance.now();
    const a = { val: await run(val), test: await run(test) };
    accuracies[m.name] = a;
    const meanOf = (v: number[]): number => v.reduce((x, y) => x + y, 0) / v.length;
    out[m.name] = {
      seconds: round1((performance.now() - t0) / 1000),
      meanValAccuracy: Math.round(meanOf(a.val) * 1e4) / 1e4,
      largest: a.val[0],
      smallest: a.val[1],
      val: a.val,
      test: a.test,
      valTestTau: Math.round(kendallTauB(a.val, a.test) * 1000) / 1000,
      nearChance: a.val.filter((x) => x < 0.12).length,
    };
  }
  const names = Object.keys(accuracies);
  const agreement: Record<string, number> = {};
  for (let i = 0; i < names.length; i++) {
    for (let j = i + 1; j < names.length; j++) {
      const p = accuracies[names[i] as string] as { val: number[] };
      const q = accuracies[names[j] as string] as { val: number[] };
      agreement[`${names[i]}~${names[j]}`] = Math.round(kendallTauB(p.val, q.val) * 1000) / 1000;
    }
  }
  process.stdout.write(`${JSON.stringify({ weights: weights.path, genomes: archs.length, images: N, workers: W, modes: out, valTauBetweenModes: agreement, archs: archs.map((a) => a.join('')) }, null, 1)}\n`);
}
