/**
 * `npm run bench:queue`: what distributed evaluation costs and how far it scales. Figures, not
 * assertions; prints one JSON object. Needs redis-server (experiments/setup/debian.sh queue) and
 * NASC_DATA (CIFAR-10); starts its own redis-server and `nasc worker` processes.
 *
 * 1. Queue alone: BullMQ no-op jobs through a local redis-server — bulk throughput (jobs/s,
 *    added, taken by an in-process worker, completed, all awaited) and the round trip of one
 *    job at a time (ms), i.e. the floor of the per-job overhead.
 * 2. Overhead against the local pool on the same genomes: the same BENCH_GENOMES queries
 *    (≈ 1 s of one core each with the defaults) on the local Piscina pool with T threads, then
 *    through the queue on one `nasc worker` process with T threads running T jobs at once.
 * 3. Throughput with 1 and 2 worker processes (T threads in all: 1 × T and 2 × T/2).
 * Each round has its own run id (nothing is reused) and is preceded by a warm-up query, so pool
 * start-up is not counted (a search pays it once). The scale-out estimate: the queue becomes the
 * limit at about noOpJobsPerSecond × secondsPerCandidate / coresPerMachine machines.
 *
 * `npm run bench:queue -- noop` measures only (1).
 *
 * Environment: BENCH_GENOMES (12), BENCH_VAL (200 validation images per query),
 * BENCH_CALIBRATION (128), BENCH_THREADS (cores), BENCH_NOOP (5000), BENCH_WEIGHTS (shipped store).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Queue, QueueEvents, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { Rng } from '../../core/rng.js';
import type { SubnetQuery } from '../../problems/nasc/accuracy_oracle.js';
import { OnnxAccuracyOracle } from '../../workers/accuracy_pool.js';
import { complementIndices, loadCifar10, selectImages, validationSplit } from '../../workers/cifar10.js';
import { describeImageSet } from '../../workers/queue/image_set.js';
import { redisServerMissing, startLocalRedis, type LocalRedis } from '../../workers/queue/local_redis.js';
import { QueueAccuracyOracle } from '../../workers/queue/queue_oracle.js';
import { loadWeightStore } from '../../workers/weight_store.js';
import { defaultWeights } from '../paths.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const env = (k: string, d: number): number => (process.env[k] === undefined ? d : Number(process.env[k]));
const GENOMES = env('BENCH_GENOMES', 12);
const VAL = env('BENCH_VAL', 200);
const CALIBRATION = env('BENCH_CALIBRATION', 128);
const THREADS = env('BENCH_THREADS', availableParallelism());
const NOOP = env('BENCH_NOOP', 5000);
const WEIGHTS = process.env.BENCH_WEIGHTS ?? defaultWeights();

const round = (x: number, d = 3): number => Number(x.toFixed(d));

async function noOpThroughput(redis: LocalRedis): Promise<{ jobs: number; jobsPerSecond: number; roundTripMs: number }> {
  const connection = new Redis(redis.port, '127.0.0.1', { maxRetriesPerRequest: null });
  const queue = new Queue('bench-noop', { connection });
  const events = new QueueEvents('bench-noop', { connection });
  await events.waitUntilReady();
  let done = 0;
  let all: () => void = () => {};
  const finished = new Promise<void>((r) => (all = r));
  const worker = new Worker('bench-noop', async () => ({ ok: 1 }), { connection, concurrency: 64 });
  worker.on('completed', () => {
    if (++done === NOOP) all();
  });
  await worker.waitUntilReady();
  const t0 = performance.now();
  for (let k = 0; k < NOOP; k += 500) {
    await queue.addBulk(Array.from({ length: Math.min(500, NOOP - k) }, (_, i) => ({ name: 'noop', data: { i: k + i }, opts: { jobId: `n${k + i}`, removeOnComplete: false } })));
  }
  await finished;
  const bulkS = (performance.now() - t0) / 1000;
  // One at a time: add, wait for its completion event.
  const single: number[] = [];
  for (let i = 0; i < 200; i++) {
    const t = performance.now();
    const job = await queue.add('noop', { i }, { jobId: `s${i}` });
    await job.waitUntilFinished(events);
    single.push(performance.now() - t);
  }
  single.sort((a, b) => a - b);
  await worker.close();
  await events.close();
  await queue.close();
  connection.disconnect();
  return { jobs: NOOP, jobsPerSecond: round(NOOP / bulkS, 0), roundTripMs: round(single[Math.floor(single.length / 2)] as number, 2) };
}

function startWorkerProcess(url: string, name: string, threads: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'experiments/cli/main.ts'), 'worker', '--queue', url, '--name', name, '--weights', WEIGHTS, '--workers', String(threads), '--quiet'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  return new Promise((resolve, reject) => {
    child.stderr?.on('data', (b: Buffer) => {
      log += b.toString();
      if (log.includes(`nasc worker ${name}:`)) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`worker exited (${code}): ${log}`)));
  });
}

async function stop(children: readonly ChildProcess[]): Promise<void> {
  await Promise.all(children.map((c) => new Promise<void>((r) => (c.exitCode !== null ? r() : (c.once('exit', () => r()), c.kill('SIGTERM'))))));
}

function genomes(seed: number, n: number): SubnetQuery[] {
  const rng = Rng.fromSeed(seed);
  const precisions = ['fp16', 'int8'] as const;
  return Array.from({ length: n }, () => ({ architecture: Array.from({ length: 22 }, () => rng.integer(0, 8)), split: rng.integer(1, 21), precision: precisions[rng.integer(0, 1)] as SubnetQuery['precision'] }));
}

/** Machines at which the queue, not evaluation, is the limit: jobs/s × seconds per candidate per core / cores per machine. */
function scaleOut(jobsPerSecond: number, measuredSecondsPerCandidate?: number): Record<string, number | string> {
  return {
    note: 'noOpJobsPerSecond × secondsPerCandidatePerCore / coresPerMachine',
    at1sPerCandidate2Cores: round(jobsPerSecond / 2, 0),
    at1sPerCandidate32Cores: round(jobsPerSecond / 32, 0),
    ...(measuredSecondsPerCandidate === undefined ? {} : { atMeasuredSecondsPerCandidate2Cores: round((jobsPerSecond * measuredSecondsPerCandidate) / 2, 0) }),
  };
}

async function main(): Promise<void> {
  const missing = redisServerMissing();
  if (missing !== undefined) throw new Error(missing);
  if (process.argv[2] === 'noop') {
    // Only the queue's own throughput (seconds, no data needed).
    const redis = await startLocalRedis();
    try {
      const noop = await noOpThroughput(redis);
      process.stdout.write(`${JSON.stringify({ load: (await import('node:os')).loadavg().map((x) => round(x, 2)), noOpQueue: noop, machinesAtQueueLimit: scaleOut(noop.jobsPerSecond) }, null, 2)}\n`);
    } finally {
      await redis.stop();
    }
    return;
  }
  const dataDir = process.env.NASC_DATA;
  if (dataDir === undefined) throw new Error('set NASC_DATA (CIFAR-10)');
  const store = loadWeightStore(WEIGHTS);
  const train = loadCifar10(dataDir, 'train');
  const val = validationSplit(train.labels, store.manifest.split.seed, store.manifest.split.validationPerClass);
  const images = selectImages(train, val.slice(0, VAL));
  const calibration = selectImages(train, complementIndices(train.count, val).slice(0, CALIBRATION));
  const spec = describeImageSet('validation', images, calibration, { bn: 'recalibrate', batchSize: 100 });
  const warm = genomes(1, 1);
  const qs = genomes(2, GENOMES);

  const redis = await startLocalRedis();
  try {
    const noop = await noOpThroughput(redis);

    const local = new OnnxAccuracyOracle({ weights: WEIGHTS, images, calibration, bn: 'recalibrate', workers: THREADS });
    await local.accuracy(warm);
    let t = performance.now();
    const localAcc = (await local.accuracy(qs)).map((r) => r.accuracy);
    const localS = (performance.now() - t) / 1000;
    await local.close();

    const viaQueue = async (processes: number): Promise<{ seconds: number; identical: boolean }> => {
      const per = Math.max(1, Math.floor(THREADS / processes));
      const children: ChildProcess[] = [];
      for (let i = 0; i < processes; i++) children.push(await startWorkerProcess(redis.url, `bench${processes}-${i}`, per));
      try {
        const oracle = await QueueAccuracyOracle.connect({ url: redis.url, runId: `bench-${processes}`, weightsSha256: store.manifest.sha256, imageSet: spec });
        try {
          // Warm every process's pool: one distinct query per process, all at once.
          await oracle.accuracy(genomes(100 + processes, processes * per));
          const t0 = performance.now();
          const acc = (await oracle.accuracy(qs)).map((r) => r.accuracy);
          return { seconds: (performance.now() - t0) / 1000, identical: JSON.stringify(acc) === JSON.stringify(localAcc) };
        } finally {
          await oracle.close();
        }
      } finally {
        await stop(children);
      }
    };
    const one = await viaQueue(1);
    const two = await viaQueue(2);
    t = performance.now();
    const perCandidate = (localS * THREADS) / GENOMES;
    process.stdout.write(
      `${JSON.stringify(
        {
          machine: { cores: availableParallelism(), threads: THREADS, load: (await import('node:os')).loadavg().map((x) => round(x, 2)) },
          noOpQueue: noop,
          genomes: GENOMES,
          valImages: VAL,
          calibrationImages: CALIBRATION,
          secondsPerCandidatePerCore: round(perCandidate, 2),
          local: { seconds: round(localS, 2), candidatesPerSecond: round(GENOMES / localS, 3) },
          queue1Process: { threadsEach: THREADS, seconds: round(one.seconds, 2), candidatesPerSecond: round(GENOMES / one.seconds, 3), identicalToLocal: one.identical },
          queue2Processes: { threadsEach: Math.max(1, Math.floor(THREADS / 2)), seconds: round(two.seconds, 2), candidatesPerSecond: round(GENOMES / two.seconds, 3), identicalToLocal: two.identical },
          overheadVsLocalPercent: round((100 * (one.seconds - localS)) / localS, 1),
          overheadPerJobMs: round(((one.seconds - localS) * 1000 * THREADS) / GENOMES, 1),
          machinesAtQueueLimit: scaleOut(noop.jobsPerSecond, perCandidate),
        },
        null,
        2,
      )}\n`,
    );
  } finally {
    await redis.stop();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench:queue: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
