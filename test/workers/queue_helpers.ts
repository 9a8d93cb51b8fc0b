/**
 * Test helpers for the evaluation queue: whether a real redis-server and the CIFAR-10 data are
 * here (skip with the reason otherwise — but under CI=true a missing redis-server fails), `nasc
 * worker` processes, and the validation images a search would use on the tiny fixture store.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { UintImages } from '../../workers/accuracy_pool.js';
import { complementIndices, loadCifar10, selectImages, validationSplit } from '../../workers/cifar10.js';
import type { ImageSetSpec } from '../../workers/queue/accuracy_job.js';
import { describeImageSet } from '../../workers/queue/image_set.js';
import { redisServerMissing } from '../../workers/queue/local_redis.js';
import { loadWeightStore } from '../../workers/weight_store.js';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const TINY_STORE = path.join(ROOT, 'test/fixtures/supernet-tiny/tiny.json');
export const DATA_DIR = process.env.NASC_DATA;
// Node itself with the tsx loader, not the tsx CLI: that one runs the program in a child process,
// so a SIGKILL would hit the wrapper and leave the worker running.
const CLI = ['--import', 'tsx', path.join(ROOT, 'experiments/cli/main.ts')];

/** false when the queue tests can run, else why not (printed by node:test as the skip reason). */
export function queueSkip(): string | false {
  const redis = redisServerMissing();
  if (redis !== undefined) {
    // CI installs redis-server (.ci/run → debian.sh queue): there a missing server is a failure.
    if (process.env.CI === 'true') throw new Error(`CI=true but ${redis}`);
    return redis;
  }
  if (DATA_DIR === undefined || !existsSync(path.join(DATA_DIR, 'cifar10'))) return 'NASC_DATA is not set (needs cifar10)';
  return false;
}

export interface WorkerProcess {
  readonly name: string;
  readonly child: ChildProcess;
  log(): string;
  /** Resolves with the exit code (or signal) once the process has ended. */
  readonly exited: Promise<number | string>;
  stop(): Promise<number | string>;
}

export async function startWorker(url: string, name: string, extra: string[] = [], env: NodeJS.ProcessEnv = process.env): Promise<WorkerProcess> {
  const args = [...CLI, 'worker', '--queue', url, '--name', name, '--weights', TINY_STORE, '--data-dir', DATA_DIR ?? '', '--workers', '1', ...extra];
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], env });
  let log = '';
  child.stderr?.on('data', (b: Buffer) => {
    log += b.toString();
  });
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  await new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (log.includes(`nasc worker ${name}:`)) {
        clearInterval(timer);
        resolve();
      }
    }, 50);
    void exited.then((code) => {
      clearInterval(timer);
      reject(new Error(`worker ${name} exited (${code}) before it was ready: ${log}`));
    });
  });
  return {
    name,
    child,
    log: () => log,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

export interface SearchImages {
  readonly images: UintImages;
  readonly calibration: { readonly pixels: Uint8Array };
  readonly spec: ImageSetSpec;
}

/** What a search on `store` uses: the first `count` held-out validation images, `calibration` BN images. */
export function validationImages(store: string, count: number, calibration: number, batchSize = 100): SearchImages {
  const manifest = loadWeightStore(store).manifest;
  const train = loadCifar10(DATA_DIR ?? '', 'train');
  const val = validationSplit(train.labels, manifest.split.seed, manifest.split.validationPerClass);
  const images = selectImages(train, val.slice(0, count));
  const cal = selectImages(train, complementIndices(train.count, val).slice(0, calibration));
  return { images, calibration: cal, spec: describeImageSet('validation', images, cal, { bn: 'recalibrate', batchSize }) };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
