/**
 * `nasc search --queue`: a small search (tiny fixture store, real CIFAR-10 and HW-NAS-Bench
 * tables) evaluated by 2 `nasc worker` processes on a redis-server of its own, one of them
 * SIGKILLed mid-run, writes the same front.json byte for byte as the search on local threads;
 * the queue URL (with its password) appears nowhere in the results folder.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { Job, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { DEFAULT_QUEUE_NAME, QUEUE_PREFIX } from '../../workers/queue/accuracy_job.js';
import { startLocalRedis } from '../../workers/queue/local_redis.js';
import { queueSkip, ROOT, sleep, startWorker, TINY_STORE } from '../workers/queue_helpers.js';
import { skipUnlessData } from '../helpers/needs_data.js';

const skip = queueSkip() || skipUnlessData('hw-nas-bench');
const CLI = ['--import', 'tsx', path.join(ROOT, 'experiments/cli/main.ts')];
const SMALL = ['--weights', TINY_STORE, '--space', 'fbnet', '--evaluations', '24', '--pop', '8', '--val-images', '40', '--test-images', '40', '--calibration-images', '16', '--baselines', '', '--seed', '3', '--scenario', 'open', '--no-racing'];

function search(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...CLI, 'search', ...args], { cwd: ROOT, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.once('exit', (status) => resolve({ status, stdout, stderr }));
  });
}

test('search --queue with 2 workers, one SIGKILLed mid-run: front.json byte-identical to the local search; no credentials in the results', { skip }, async () => {
  const base = mkdtempSync(path.join(os.tmpdir(), 'nasc-queue-search-'));
  const local = await search([...SMALL, '--workers', '1', '--out', path.join(base, 'local'), '--json']);
  assert.equal(local.status, 0, local.stderr);
  const password = 'pa55-w0rd';
  const redis = await startLocalRedis({ password });
  const workers = [await startWorker(redis.url, 'a', ['--lock-ms', '1000', '--concurrency', '1']), await startWorker(redis.url, 'b', ['--lock-ms', '1000', '--concurrency', '1'])];
  const connection = new Redis({ host: '127.0.0.1', port: redis.port, password, maxRetriesPerRequest: null });
  const queue = new Queue(DEFAULT_QUEUE_NAME, { connection, prefix: QUEUE_PREFIX });
  try {
    // The password from the environment, not the command line.
    const url = `redis://127.0.0.1:${redis.port}/0`;
    const run = search([...SMALL, '--queue', url, '--out', path.join(base, 'queue'), '--json'], { ...process.env, NASC_REDIS_PASSWORD: password });
    // Kill worker a in the middle of a job, once it has answered a few.
    let victim: string | undefined;
    for (let i = 0; i < 4800 && victim === undefined; i++) {
      if ((workers[0]?.log().match(/ accuracy /g)?.length ?? 0) >= 3) victim = (await queue.getActive()).find((j) => j.processedBy === 'a')?.id;
      if (victim === undefined) await sleep(25);
    }
    assert.ok(victim !== undefined, 'worker a never held a job after its third answer');
    workers[0]?.child.kill('SIGKILL');
    const queued = await run;
    assert.equal(queued.status, 0, queued.stderr);
    assert.equal(await workers[0]?.exited, 'SIGKILL');
    const recovered = await Job.fromId(queue, victim);
    assert.equal(recovered?.processedBy, 'b');
    assert.ok((recovered?.stalledCounter ?? 0) >= 1, 'the killed job was recovered as stalled');
    assert.equal(readFileSync(path.join(base, 'queue', 'front.json'), 'utf8'), readFileSync(path.join(base, 'local', 'front.json'), 'utf8'));
    assert.match(workers[1]?.log() ?? '', / accuracy /);
    for (const f of readdirSync(path.join(base, 'queue'))) {
      const text = readFileSync(path.join(base, 'queue', f), 'latin1');
      assert.ok(!text.includes(password) && !text.includes(String(redis.port)), `${f} mentions the queue`);
    }
    assert.ok(!queued.stdout.includes(password) && !queued.stderr.includes(password));
  } finally {
    await queue.close();
    connection.disconnect();
    await Promise.all(workers.map((w) => w.stop()));
    await redis.stop();
  }
});

test('search --queue: an unreachable queue or a bad URL is one line, exit code 2, nothing written', { skip }, async () => {
  const base = mkdtempSync(path.join(os.tmpdir(), 'nasc-queue-bad-'));
  for (const [url, message] of [
    ['redis://127.0.0.1:1/0', /^nasc: cannot use the queue at redis:\/\/127\.0\.0\.1:1\/0: connect ECONNREFUSED/],
    ['http://127.0.0.1:6379', /^nasc: --queue: scheme must be redis:\/\/ or rediss:\/\//],
    ['redis://user:secret@127.0.0.1:1/x', /^nasc: --queue: the path must be a database number/],
  ] as const) {
    const out = path.join(base, 'run');
    // Without racing flags: racing is off by default on a queue, so the queue itself is what fails.
    const r = await search([...SMALL.filter((a) => a !== '--no-racing'), '--queue', url, '--out', out]);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, message);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.ok(!r.stderr.includes('secret'));
    assert.ok(!existsSync(out), 'nothing written');
  }
});
