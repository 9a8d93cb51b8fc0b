/**
 * Where data comes from (experiments/data/data_dir.ts): --data-dir, NASC_DATA, the user cache;
 * CIFAR-10 fetched into the cache on first use from a local HTTP server (127.0.0.1 only) serving
 * a CIFAR-10-shaped archive; offline, one line naming the URL, the cache and NASC_DATA.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, symlinkSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { isInputError } from '../../core/errors.js';
import { ensureCifar10, hasCifar10, namedDataDir, resolveDataDir, userCacheDir } from '../../experiments/data/data_dir.js';
import { loadCifar10 } from '../../workers/cifar10.js';
import { cifar10Archive } from '../fixtures/cifar10_archive.js';

const archive = cifar10Archive(50, 20);
const md5 = createHash('md5').update(archive.gz).digest('hex');
let server: http.Server;
let base = '';
let hits = 0;

before(async () => {
  server = http.createServer((req, res) => {
    if (req.url !== '/cifar-10-binary.tar.gz') {
      res.writeHead(404).end();
      return;
    }
    hits++;
    res.writeHead(200, { 'content-type': 'application/gzip', 'content-length': archive.gz.length }).end(archive.gz);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(() => {
  server.closeAllConnections();
  server.close();
});

const tmp = (p: string) => mkdtempSync(path.join(os.tmpdir(), p));

/** A port nothing listens on: bind one, note it, close it. */
async function closedPort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

function inputErrorLine(e: unknown, ...fragments: string[]): true {
  assert.ok(isInputError(e), String(e));
  assert.ok(!e.message.includes('\n'), `one line: ${e.message}`);
  for (const f of fragments) assert.ok(e.message.includes(f), `"${e.message}" should name ${f}`);
  return true;
}

test('the user cache: $XDG_CACHE_HOME/nasc, else ~/.cache/nasc (a relative XDG_CACHE_HOME is ignored, as the spec says)', () => {
  assert.equal(userCacheDir({ XDG_CACHE_HOME: '/x/cache', HOME: '/home/u' }), '/x/cache/nasc');
  assert.equal(userCacheDir({ HOME: '/home/u' }), '/home/u/.cache/nasc');
  assert.equal(userCacheDir({ XDG_CACHE_HOME: 'rel', HOME: '/home/u' }), '/home/u/.cache/nasc');
});

test('--data-dir wins over NASC_DATA; a named directory that does not exist is a one-line error; nothing named → the cache', () => {
  const a = tmp('nasc-a-');
  const b = tmp('nasc-b-');
  assert.deepEqual(namedDataDir(a, { NASC_DATA: b }), { dir: a, from: '--data-dir' });
  assert.deepEqual(namedDataDir(undefined, { NASC_DATA: b }), { dir: b, from: 'NASC_DATA' });
  assert.equal(namedDataDir(undefined, {}), undefined);
  assert.throws(() => namedDataDir('/nonexistent-nasc', {}), (e) => inputErrorLine(e, '/nonexistent-nasc', '--data-dir'));
  assert.throws(() => namedDataDir(undefined, { NASC_DATA: '/nonexistent-nasc' }), (e) => inputErrorLine(e, 'NASC_DATA'));
  assert.equal(resolveDataDir(undefined, { HOME: '/home/u' }), '/home/u/.cache/nasc');
});

test('CIFAR-10 missing everywhere: fetched once into the cache (size + MD5 checked, loader-verified), then found there', async () => {
  const cache = tmp('nasc-cache-');
  const env = { XDG_CACHE_HOME: cache, NASC_CIFAR10_URL: `${base}/cifar-10-binary.tar.gz`, NASC_CIFAR10_MD5: md5 };
  const lines: string[] = [];
  const before = hits;
  const started = process.hrtime.bigint();
  const got = await ensureCifar10({ fetch: true, env, progress: 'none', log: (l) => lines.push(l) });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  assert.equal(hits, before + 1);
  assert.equal(got.from, 'cache');
  assert.equal(got.dir, path.join(cache, 'nasc'));
  assert.equal(got.fetched?.status, 'downloaded');
  assert.ok(hasCifar10(got.dir));
  assert.equal(loadCifar10(got.dir, 'train').count, 50);
  assert.equal(loadCifar10(got.dir, 'test').count, 20);
  // Says what it does and where it put it.
  assert.match(lines[0] ?? '', /CIFAR-10 is not in the user cache .*nasc and NASC_DATA is not set: downloading http:\/\/127\.0\.0\.1:\d+\/cifar-10-binary\.tar\.gz \(0 MB, once\) into it/);
  assert.match(lines[1] ?? '', /CIFAR-10: downloaded and checked in .*cifar10\/cifar-10-batches-bin/);
  // No temporary left behind.
  assert.deepEqual(readdirSync(got.dir), ['cifar10']);
  console.log(`# first-run fetch: ${archive.gz.length} bytes (${archive.real ? 'real' : 'synthetic'} records) in ${ms.toFixed(0)} ms`);
  // Second use: from the cache, no request.
  const again = await ensureCifar10({ fetch: true, env, progress: 'none', log: (l) => lines.push(l) });
  assert.equal(again.fetched, undefined);
  assert.equal(hits, before + 1);
});

test('--data-dir, else NASC_DATA, else the cache: a named directory is used, never passed over; no download', async () => {
  const cache = tmp('nasc-cache-');
  const env = { XDG_CACHE_HOME: cache, NASC_CIFAR10_URL: `${base}/cifar-10-binary.tar.gz`, NASC_CIFAR10_MD5: md5 };
  const filled = await ensureCifar10({ fetch: true, env, progress: 'none', log: () => undefined });
  const data = tmp('nasc-data-');
  mkdirSync(path.join(data, 'cifar10'));
  symlinkSync(path.join(filled.dir, 'cifar10', 'cifar-10-batches-bin'), path.join(data, 'cifar10', 'cifar-10-batches-bin'));
  const before = hits;
  const emptyCache = tmp('nasc-cache-');
  assert.deepEqual(await ensureCifar10({ fetch: true, env: { ...env, XDG_CACHE_HOME: emptyCache, NASC_DATA: data } }), { dir: data, from: 'NASC_DATA' });
  assert.deepEqual(await ensureCifar10({ fetch: true, dataDir: data, env: { ...env, XDG_CACHE_HOME: emptyCache, NASC_DATA: tmp('nasc-empty-') } }), { dir: data, from: '--data-dir' });
  assert.deepEqual(await ensureCifar10({ fetch: true, env }), { dir: path.join(cache, 'nasc'), from: 'cache' });
  // A named directory without CIFAR-10 is an error saying how to fill it, even when the cache has it.
  const empty = tmp('nasc-empty-');
  await assert.rejects(ensureCifar10({ fetch: true, env: { ...env, NASC_DATA: empty } }), (e) => inputErrorLine(e, empty, 'NASC_DATA', `nasc data fetch cifar10 --data-dir ${empty}`, 'unset NASC_DATA'));
  await assert.rejects(ensureCifar10({ fetch: true, dataDir: empty, env }), (e) => inputErrorLine(e, empty, '--data-dir'));
  assert.equal(hits, before);
});

test('offline: one line naming the URL, the cache folder and NASC_DATA; nothing left in the cache', async () => {
  const cache = tmp('nasc-cache-');
  const url = `http://127.0.0.1:${await closedPort()}/cifar-10-binary.tar.gz`;
  const logged: string[] = [];
  await assert.rejects(
    ensureCifar10({ fetch: true, env: { XDG_CACHE_HOME: cache, NASC_CIFAR10_URL: url }, progress: 'lines', log: (l) => logged.push(l) }),
    (e) => inputErrorLine(e, url, path.join(cache, 'nasc'), 'NASC_DATA', 'nasc data fetch cifar10'),
  );
  assert.deepEqual(logged, [], 'nothing announced before the error');
  assert.deepEqual(readdirSync(cache), []);
  // A corrupt download (wrong MD5) is refused the same way.
  await assert.rejects(
    ensureCifar10({ fetch: true, env: { XDG_CACHE_HOME: cache, NASC_CIFAR10_URL: `${base}/cifar-10-binary.tar.gz`, NASC_CIFAR10_MD5: '0'.repeat(32) }, progress: 'none', log: () => undefined }),
    (e) => inputErrorLine(e, 'checksum mismatch', path.join(cache, 'nasc'), 'NASC_DATA'),
  );
  assert.deepEqual(readdirSync(cache), []);
  // Without fetching: what to do, in one line.
  await assert.rejects(ensureCifar10({ fetch: false, env: { XDG_CACHE_HOME: cache } }), (e) => inputErrorLine(e, 'nasc data fetch cifar10', 'NASC_DATA', path.join(cache, 'nasc')));
});
