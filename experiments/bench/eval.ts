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
 * NASC_DATA (CIFAR-10 test images; random pixels when absent), BENCH_CALIBRATION (500).
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
import { OnnxAccuracyOracle } from '../../workers/accuracy_pool.js';
import { recalibrateBn } from '../../workers/bn_statistics.js';
import { CIFAR10_IMAGE_BYTES, loadCifar10, toFloatBatch } from '../../workers/cifar10.js';
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
const BATCH = 100;

if (!isMainThread) {
  void plainWorker(workerData as PlainSetup);
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
async function withPeakRss<T>(work: () => Promise<T>): Promise<{ value: T; peakRssMiB: number }> {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 50);
  try {
    const value = await work();
    peak = Math.max(peak, process.memoryUsage.rss());
    return { value, peakRssMiB: Math.round(peak / 2 ** 20) };
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
  const K = env('BENCH_CALIBRATION', 500);
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

  const pool: { seconds: number; imagesPerSecond: number; peakRssMiB: number }[] = [];
  const plain: { seconds: number; imagesPerSecond: number; peakRssMiB: number }[] = [];
  let poolStats: OnnxAccuracyOracle['stats'] | undefined;
  let plainTimes: PlainResult[] = [];
  let poolAccuracies: number[] = [];
  let plainAccuracies: number[] = [];
  for (let r = 0; r < rounds; r++) {
    // Plain: W threads, genome g on thread g mod W.
    const p = await withPeakRss(async () => {
      const t0 = performance.now();
      const shares = Array.from({ length: W }, (_, w) => genomes.filter((_, g) => g % W === w));
      const results = await Promise.all(shares.map((share) => startPlain({ storePath: weights.path, genomes: share, pixels: data.pixels, labels: data.labels, batchSize: BATCH })));
      return { seconds: (performance.now() - t0) / 1000, results };
    });
    plain.push({ seconds: p.value.seconds, imagesPerSecond: (G * N) / p.value.seconds, peakRssMiB: p.peakRssMiB });
    plainTimes = p.value.results;
    plainAccuracies = genomes.map((_, g) => (p.value.results[g % W]?.correct[Math.floor(g / W)] ?? Number.NaN) / N);

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
    pool.push({ seconds: q.value.seconds, imagesPerSecond: (G * N) / q.value.seconds, peakRssMiB: q.peakRssMiB });
    poolStats = q.value.stats;
    poolAccuracies = q.value.res.map((x) => x.accuracy);
  }

  // Single-thread figures in this thread.
  const x = toFloatBatch(data.pixels, store.normalization);
  const variantFigures = await variants(store, genomes.slice(0, 4), x, Math.min(N, 200));
  const calib = rng.permutation(N).slice(0, Math.min(K, N));
  const calibX = toFloatBatch(data.pixels, store.normalization); // stand-in images: the cost does not depend on which
  const recal: number[] = [];
  for (const g of genomes.slice(0, 2)) {
    const t0 = performance.now();
    await recalibrateBn(store, g.architecture, { data: calibX, count: calib.length }, BATCH);
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
          rounds: pool.map((v) => ({ seconds: round1(v.seconds), imagesPerSecond: round1(v.imagesPerSecond), peakRssMiB: v.peakRssMiB })),
          buildMsPerGenome: round1((poolStats?.buildMs ?? 0) / evaluated),
          sessionMsPerGenome: round1((poolStats?.sessionMs ?? 0) / evaluated),
        },
        plain: {
          imagesPerSecondBest: round1(best(plain)),
          imagesPerSecondMedian: round1(med(plain)),
          rounds: plain.map((v) => ({ seconds: round1(v.seconds), imagesPerSecond: round1(v.imagesPerSecond), peakRssMiB: v.peakRssMiB })),
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
