/**
 * The queue's pure parts: job ids (one per canonical accuracy key, run, image set and store),
 * payload validation (data only, known kinds, ranges, no extra fields) and queue URLs
 * (credentials from the URL or NASC_REDIS_PASSWORD, never in the printed form).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError } from '../../core/errors.js';
import type { SubnetQuery } from '../../problems/nasc/accuracy_oracle.js';
import {
  accuracyJobData,
  accuracyJobId,
  imageSetDigest,
  InvalidJobError,
  parseAccuracyJob,
  parseAccuracyResult,
  type ImageSetSpec,
} from '../../workers/queue/accuracy_job.js';
import { parseRedisUrl, redactAny } from '../../workers/queue/redis_connection.js';

const SPEC: ImageSetSpec = { source: 'validation', count: 40, calibration: 16, bn: 'recalibrate', batchSize: 100, sha256: 'a'.repeat(64) };
const SHA = 'b'.repeat(64);
const ARCH = [7, 1, 3, 8, 5, 2, 8, 4, 6, 1, 0, 7, 3, 5, 8, 2, 6, 4, 1, 3, 7, 0];

test('job ids: lossless queries of one architecture share a job; run, images, weights and lossy payloads make others', () => {
  const id = (q: SubnetQuery, run = 'r', spec = SPEC, sha = SHA) => accuracyJobId(run, q, spec, sha);
  const whole = id({ architecture: ARCH, split: 0, precision: 'int8' });
  assert.equal(id({ architecture: ARCH, split: 22, precision: 'fp16' }), whole);
  assert.equal(id({ architecture: ARCH, split: 9, precision: 'fp32' }), whole);
  assert.match(whole, /^[0-9a-f]{64}$/);
  const lossy = id({ architecture: ARCH, split: 9, precision: 'int8' });
  assert.notEqual(lossy, whole);
  assert.notEqual(id({ architecture: ARCH, split: 9, precision: 'fp16' }), lossy);
  assert.notEqual(id({ architecture: ARCH, split: 10, precision: 'int8' }), lossy);
  assert.notEqual(id({ architecture: ARCH, split: 9, precision: 'int8' }, 'other-run'), lossy);
  assert.notEqual(id({ architecture: ARCH, split: 9, precision: 'int8' }, 'r', { ...SPEC, count: 41 }), lossy);
  assert.notEqual(id({ architecture: ARCH, split: 9, precision: 'int8' }, 'r', { ...SPEC, sha256: 'c'.repeat(64) }), lossy);
  assert.notEqual(id({ architecture: ARCH, split: 9, precision: 'int8' }, 'r', SPEC, 'd'.repeat(64)), lossy);
  // The payload asks the canonical query (lossless → split 22, fp32).
  assert.deepEqual(accuracyJobData('r', SHA, SPEC, { architecture: ARCH, split: 0, precision: 'int8' }).query, { architecture: ARCH, split: 22, precision: 'fp32' });
});

test('payload validation: a valid job round-trips; unknown kinds, extra fields, out-of-range values and bad ids are refused', () => {
  const good = accuracyJobData('run-1', SHA, SPEC, { architecture: ARCH, split: 9, precision: 'int8' });
  assert.deepEqual(parseAccuracyJob(JSON.parse(JSON.stringify(good))), good);
  const bad: [unknown, RegExp][] = [
    [null, /job must be an object/],
    [{ ...good, kind: 'exec' }, /unknown job kind "exec"/],
    [{ ...good, version: 2 }, /job version 2 not supported/],
    [{ ...good, file: '/etc/passwd' }, /unknown field\(s\) "file"/],
    [{ ...good, runId: '../x' }, /run id must be/],
    [{ ...good, weightsSha256: 'xyz' }, /weightsSha256 must be 64/],
    [{ ...good, query: { ...good.query, architecture: ARCH.slice(1) } }, /architecture must be a list of 22/],
    [{ ...good, query: { ...good.query, architecture: [...ARCH.slice(1), 9] } }, /architecture\[21\] must be an integer in 0\.\.8/],
    [{ ...good, query: { ...good.query, split: 1.5 } }, /split must be an integer in 0\.\.22/],
    [{ ...good, query: { ...good.query, precision: 'fp8' } }, /precision must be one of fp32, fp16, int8/],
    [{ ...good, query: { ...good.query, code: 'x' } }, /job\.query has unknown field/],
    [{ ...good, imageSet: { ...SPEC, source: '/data/cifar' } }, /source must be one of validation, test/],
    [{ ...good, imageSet: { ...SPEC, count: 0 } }, /count must be an integer in 1\.\.50000/],
    [{ ...good, imageSet: { ...SPEC, bn: 'running' } }, /bn 'running' takes no calibration images/],
    [{ ...good, imageSet: { ...SPEC, calibration: 0 } }, /bn 'recalibrate' needs calibration images/],
    [{ ...good, imageSet: { ...SPEC, batchSize: 1e9 } }, /batchSize must be an integer/],
    [{ ...good, imageSet: { ...SPEC, path: '/tmp' } }, /imageSet has unknown field/],
  ];
  for (const [raw, message] of bad) assert.throws(() => parseAccuracyJob(raw), (e: unknown) => e instanceof InvalidJobError && message.test(e.message), message.source);
  assert.deepEqual(parseAccuracyResult({ accuracy: 0.5, images: 40 }, 40), { accuracy: 0.5, images: 40 });
  assert.throws(() => parseAccuracyResult({ accuracy: 1.5, images: 40 }, 40), /accuracy must be a number in \[0, 1\]/);
  assert.throws(() => parseAccuracyResult({ accuracy: 0.5, images: 39 }, 40), /the image set has 40/);
});

test('image set digest: any changed byte, label or calibration image changes it', () => {
  const pixels = new Uint8Array(2 * 3072).map((_, i) => i % 251);
  const labels = Uint8Array.from([3, 7]);
  const base = imageSetDigest({ pixels, labels }, { pixels: pixels.subarray(0, 3072) });
  const p2 = pixels.slice();
  p2[5000] = (p2[5000] as number) ^ 1;
  assert.notEqual(imageSetDigest({ pixels: p2, labels }, { pixels: pixels.subarray(0, 3072) }), base);
  assert.notEqual(imageSetDigest({ pixels, labels: Uint8Array.from([3, 8]) }, { pixels: pixels.subarray(0, 3072) }), base);
  assert.notEqual(imageSetDigest({ pixels, labels }, undefined), base);
  assert.equal(imageSetDigest({ pixels: pixels.slice(), labels: labels.slice() }, { pixels: pixels.slice(0, 3072) }), base);
});

test('queue URLs: redis/rediss, db, credentials from the URL or NASC_REDIS_PASSWORD, never in the display form', () => {
  const plain = parseRedisUrl('redis://10.0.0.5:6380/3', {});
  assert.equal(plain.display, 'redis://10.0.0.5:6380/3');
  assert.deepEqual([plain.options.host, plain.options.port, plain.options.db, plain.options.password, plain.options.tls], ['10.0.0.5', 6380, 3, undefined, undefined]);
  const tls = parseRedisUrl('rediss://nasc:p%40ss@redis.example:6390', {});
  assert.equal(tls.display, 'rediss://redis.example:6390/0');
  assert.equal(tls.options.username, 'nasc');
  assert.equal(tls.options.password, 'p@ss');
  assert.deepEqual(tls.options.tls, { servername: 'redis.example' });
  assert.equal(parseRedisUrl('redis://h', { NASC_REDIS_PASSWORD: 'from-env' }).options.password, 'from-env');
  assert.equal(parseRedisUrl('redis://:url@h', { NASC_REDIS_PASSWORD: 'from-env' }).options.password, 'url');
  assert.equal(parseRedisUrl('redis://h').options.port, 6379);
  for (const [url, message] of [
    ['localhost:6379', /scheme must be redis:\/\/ or rediss:\/\//],
    ['http://h:1', /scheme must be/],
    ['redis://h:0', /--queue must be a URL|port must be/],
    ['redis://h/abc', /database number/],
    ['redis://h/0?password=x', /no query string/],
    ['not a url at all', /--queue must be a URL/],
  ] as const) {
    assert.throws(() => parseRedisUrl(url, {}), (e: unknown) => e instanceof InputError && message.test(e.message), url);
  }
  assert.equal(redactAny('connect to redis://u:secret@h:1 failed'), 'connect to redis://***@h:1 failed');
});
