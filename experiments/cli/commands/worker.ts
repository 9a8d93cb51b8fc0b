/**
 * `nasc worker --queue URL`: a long-running evaluation process for a fleet. It takes accuracy
 * jobs that `nasc search|compare|reproduce --queue URL` put on the queue and answers them with
 * the local worker-thread pool, until SIGINT/SIGTERM (then it finishes its active jobs).
 */
import path from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { InputError } from '../../../core/errors.js';
import { AccuracyWorker, DEFAULT_LOCK_MS } from '../../../workers/queue/accuracy_worker.js';
import { connectRedis, parseRedisUrl, PASSWORD_ENV } from '../../../workers/queue/redis_connection.js';
import { DEFAULT_QUEUE_NAME } from '../../../workers/queue/accuracy_job.js';
import { defaultWeights } from '../../paths.js';
import { ensureCifar10 } from '../../data/data_dir.js';
import { positiveInteger } from '../validate.js';

export interface WorkerArgs {
  queue: string;
  concurrency?: number;
  workers?: number;
  weights?: string[];
  'data-dir'?: string;
  'queue-name'?: string;
  'lock-ms'?: number;
  name?: string;
  quiet: boolean;
}

export async function workerCommand(args: WorkerArgs): Promise<void> {
  const target = parseRedisUrl(args.queue);
  // CIFAR-10 from --data-dir, NASC_DATA or the user cache (not downloaded here: one line says how).
  const dataDir = (await ensureCifar10({ ...(args['data-dir'] === undefined ? {} : { dataDir: args['data-dir'] }), fetch: false })).dir;
  const weights = (args.weights ?? [defaultWeights()]).map((w) => path.resolve(w));
  const log = (line: string): void => {
    if (!args.quiet) process.stderr.write(`${new Date().toISOString()} ${line}\n`);
  };
  const connection = await connectRedis(target);
  let worker: AccuracyWorker;
  try {
    worker = new AccuracyWorker({
      connection,
      weights,
      dataDir,
      ...(args.workers === undefined ? {} : { threads: args.workers }),
      ...(args.concurrency === undefined ? {} : { concurrency: args.concurrency }),
      ...(args['queue-name'] === undefined ? {} : { queueName: args['queue-name'] }),
      ...(args['lock-ms'] === undefined ? {} : { lockMs: args['lock-ms'] }),
      ...(args.name === undefined ? {} : { name: args.name }),
      log,
    });
  } catch (e) {
    connection.disconnect();
    throw e;
  }
  await worker.start();
  process.stderr.write(`nasc worker ${worker.name}: ${target.display} queue ${args['queue-name'] ?? DEFAULT_QUEUE_NAME}, ${worker.threads} threads, ${worker.concurrency} jobs at once, weights ${worker.weightsSha256.map((s) => s.slice(0, 16)).join(', ')}\n`);
  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals): void => {
      if (stopping) {
        process.stderr.write(`nasc worker: ${signal} again, exiting without waiting\n`);
        process.exit(130);
      }
      stopping = true;
      process.stderr.write(`nasc worker: ${signal}, finishing active jobs\n`);
      void worker.close().finally(() => {
        connection.disconnect();
        process.stderr.write(`nasc worker: stopped (${worker.stats.completed} completed, ${worker.stats.refused} refused, ${worker.stats.failed} failed)\n`);
        resolve();
      });
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

export const workerCommandModule: CommandModule<object, WorkerArgs> = {
  command: 'worker',
  describe: 'Evaluate accuracy jobs from a Redis queue (one of a fleet serving nasc search|compare|reproduce --queue)',
  builder: (y: Argv) =>
    y
      .option('queue', {
        type: 'string',
        demandOption: true,
        describe: `redis://[user:password@]host:port[/db] or rediss://… (TLS); password also from $${PASSWORD_ENV}`,
      })
      .option('concurrency', { coerce: positiveInteger('concurrency'), describe: 'jobs evaluated at once (default: --workers)' })
      .option('workers', { coerce: positiveInteger('workers'), describe: 'evaluation threads (default: one per core)' })
      .option('weights', { type: 'string', array: true, describe: 'weight store(s) this worker answers for, checked by sha256 (default: the shipped one)' })
      .option('data-dir', { type: 'string', describe: 'data directory with cifar10/ (default: $NASC_DATA, else the user cache ~/.cache/nasc)' })
      .option('queue-name', { type: 'string', describe: `queue name (default ${DEFAULT_QUEUE_NAME})` })
      .option('lock-ms', {
        coerce: (v: unknown) => {
          const n = positiveInteger('lock-ms')(v);
          if (n !== undefined && n < 1000) throw new InputError(`--lock-ms must be at least 1000, got ${n}`);
          return n;
        },
        describe: `job lock duration and stalled-job check period in ms (default ${DEFAULT_LOCK_MS}); a dead worker's job is recovered within about twice this`,
      })
      .option('name', { type: 'string', describe: 'name recorded on the jobs it processes (default host:pid)' })
      .option('quiet', { type: 'boolean', default: false, describe: 'no per-job log lines' }) as unknown as Argv<WorkerArgs>,
  handler: async (args) => {
    await workerCommand(args);
  },
};
