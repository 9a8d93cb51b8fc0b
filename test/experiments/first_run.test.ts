/**
 * A newcomer's first `nasc search` (what `npm start` runs): no NASC_DATA and an empty user cache.
 * CIFAR-10 is fetched on first use from a local HTTP server (127.0.0.1 only) standing in for the
 * official URL (NASC_CIFAR10_URL/MD5), the tables come from the shipped data/, and the run ends
 * with PNGs and report.html. Offline, the search stops at once with one line naming the URL, the
 * cache and NASC_DATA, leaving nothing behind. The tiny test supernet keeps it to seconds.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { cifar10Archive } from '../fixtures/cifar10_archive.js';

const root = path.resolve(import.meta.dirname, '../..');
const tiny = path.join(root, 'test/fixtures/supernet-tiny/tiny.json');
const cli = [path.join(root, 'node_modules/tsx/dist/cli.mjs'), path.join(root, 'experiments/cli/main.ts')];
// The tiny store's validation split takes 500 images per class from the training set.
const archive = cifar10Archive(5200, 100);
const md5 = createHash('md5').update(archive.gz).digest('hex');
let server: http.Server;
let url = '';

before(async () => {
  server = http.createServer((req, res) => {
    if (req.url !== '/cifar-10-binary.tar.gz') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/gzip', 'content-length': archive.gz.length }).end(archive.gz);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/cifar-10-binary.tar.gz`;
});

after(() => {
  server.closeAllConnections();
  server.close();
});

const SMALL = ['--weights', tiny, '--space', 'fbnet', '--evaluations', '16', '--pop', '8', '--val-images', '40', '--test-images', '40', '--calibration-images', '16', '--baseline-evaluations', '8', '--baselines', 'device-only', '--workers', '1', '--seed', '2', '--scenario', 'open', '--json'];

/** A clean environment: no NASC_DATA, the cache in a fresh folder. */
function newcomerEnv(cache: string, extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, XDG_CACHE_HOME: cache, ...extra };
  delete env.NASC_DATA;
  delete env.NASC_CIFAR10_URL;
  delete env.NASC_CIFAR10_MD5;
  return { ...env, ...extra };
}

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** ms from the start to the line saying CIFAR-10 is in place (undefined: never said). */
  readonly fetchedAtMs?: number;
  readonly totalMs: number;
}

function run(args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  const started = performance.now();
  const child = spawn(process.execPath, [...cli, ...args], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let fetchedAtMs: number | undefined;
  child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => {
    stderr += s;
    if (fetchedAtMs === undefined && stderr.includes('CIFAR-10: downloaded')) fetchedAtMs = performance.now() - started;
  });
  return new Promise((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr, totalMs: performance.now() - started, ...(fetchedAtMs === undefined ? {} : { fetchedAtMs }) })),
  );
}

test('first search with nothing set up: CIFAR-10 fetched into the cache, shipped tables, PNGs and report.html', { timeout: 600_000 }, async () => {
  const cache = mkdtempSync(path.join(os.tmpdir(), 'nasc-newcomer-'));
  const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'nasc-first-')), 'run');
  const r = await run(['search', ...SMALL, '--out', out], newcomerEnv(cache, { NASC_CIFAR10_URL: url, NASC_CIFAR10_MD5: md5 }));
  assert.equal(r.code, 0, r.stderr);
  const where = path.join(cache, 'nasc', 'cifar10', 'cifar-10-batches-bin');
  assert.ok(r.stderr.includes(`CIFAR-10 is not in the user cache ${path.join(cache, 'nasc')} and NASC_DATA is not set: downloading ${url} (${(archive.gz.length / 1e6).toFixed(0)} MB, once) into it`), r.stderr);
  assert.ok(r.stderr.includes(`CIFAR-10: downloaded and checked in ${where}`), r.stderr);
  assert.deepEqual(readdirSync(where).sort(), ['batches.meta.txt', 'data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin', 'test_batch.bin']);
  for (const f of ['front.json', 'front.svg', 'front.png', 'hv.png', 'split_histogram.png', 'latency_breakdown.png', 'report.html']) assert.ok(existsSync(path.join(out, f)), `${f} missing`);
  const summary = JSON.parse(r.stdout) as { evaluations: number };
  assert.equal(summary.evaluations, 16);
  console.log(
    `# first-run download path: ${archive.gz.length.toLocaleString('en-US')} bytes (${archive.real ? 'real CIFAR-10 records' : 'synthetic records'}, 5,200 + 100) fetched, checked and installed ${((r.fetchedAtMs ?? Number.NaN) / 1000).toFixed(1)} s after start; whole run ${(r.totalMs / 1000).toFixed(1)} s`,
  );

  // Second run: found in the cache, no download.
  const again = await run(['search', ...SMALL, '--out', `${out}-2`], newcomerEnv(cache, { NASC_CIFAR10_URL: `${url}-gone`, NASC_CIFAR10_MD5: md5 }));
  assert.equal(again.code, 0, again.stderr);
  assert.doesNotMatch(again.stderr, /downloading/);
});

test('offline: exit 2, one line naming the URL, the cache and NASC_DATA; nothing written', { timeout: 120_000 }, async () => {
  const cache = mkdtempSync(path.join(os.tmpdir(), 'nasc-newcomer-'));
  const parent = mkdtempSync(path.join(os.tmpdir(), 'nasc-first-'));
  const probe = http.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const closed = `http://127.0.0.1:${(probe.address() as AddressInfo).port}/cifar-10-binary.tar.gz`;
  await new Promise((r) => probe.close(r));
  const r = await run(['search', ...SMALL, '--out', path.join(parent, 'run')], newcomerEnv(cache, { NASC_CIFAR10_URL: closed }));
  assert.equal(r.code, 2, r.stderr);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0] ?? '', /^nasc: /);
  for (const frag of [closed, path.join(cache, 'nasc'), 'NASC_DATA', 'nasc data fetch cifar10']) assert.ok(lines[0]?.includes(frag), `"${lines[0]}" should name ${frag}`);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  assert.deepEqual(readdirSync(parent), [], 'no results folder');
  assert.deepEqual(readdirSync(cache), [], 'nothing in the cache');
});
