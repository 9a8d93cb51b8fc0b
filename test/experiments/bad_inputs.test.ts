/**
 * The catalogue of bad inputs: every one must end with exactly one line `nasc: …` on stderr,
 * exit code 2, no stack trace, and no output folder or partial file left behind.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { skipUnlessData } from '../helpers/needs_data.js';

const root = path.resolve(import.meta.dirname, '../..');
const cli = [path.join(root, 'node_modules/tsx/dist/cli.mjs'), path.join(root, 'experiments/cli/main.ts')];
const realData = process.env.NASC_DATA;
const skip = skipUnlessData('cifar10', 'hw-nas-bench');

interface Outcome {
  status: number | null;
  stdout: string;
  stderr: string;
}

function nasc(args: string[], env: NodeJS.ProcessEnv): Promise<Outcome> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...cli, ...args], { cwd: root, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** Runs `jobs` with at most `limit` at a time (each is a child process). */
async function pool<T>(jobs: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array(jobs.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < jobs.length) {
        const i = next++;
        results[i] = await (jobs[i] as () => Promise<T>)();
      }
    }),
  );
  return results;
}

test('a catalogue of bad inputs: one line, exit 2, nothing written', { skip, timeout: 300_000 }, async () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'nasc-bad-'));
  const data = realData as string;
  const tiny = path.join(root, 'test/fixtures/supernet-tiny/tiny.json');
  const write = (name: string, content: string): string => {
    const f = path.join(tmp, name);
    writeFileSync(f, content);
    return f;
  };
  const scenario = JSON.parse(readFileSync(path.join(root, 'experiments/scenarios/default.json'), 'utf8')) as Record<string, unknown>;
  const scenarioWith = (name: string, change: Record<string, unknown>) => write(`${name}.json`, JSON.stringify({ ...scenario, ...change }));
  const { comment: _drop, ...noComment } = scenario;
  const missingField = write('missing-field.json', JSON.stringify({ ...noComment, device: undefined }));

  // A weight store copied and then damaged in three ways.
  const storeCopy = (name: string): string => {
    const dir = path.join(tmp, name);
    mkdirSync(dir);
    copyFileSync(tiny, path.join(dir, 'tiny.json'));
    copyFileSync(tiny.replace(/\.json$/, '.bin'), path.join(dir, 'tiny.bin'));
    return path.join(dir, 'tiny.json');
  };
  const truncatedStore = storeCopy('truncated');
  truncateSync(truncatedStore.replace(/\.json$/, '.bin'), 1000);
  const badShaStore = storeCopy('badsha');
  const manifest = JSON.parse(readFileSync(badShaStore, 'utf8')) as Record<string, unknown>;
  writeFileSync(badShaStore, JSON.stringify({ ...manifest, sha256: '0'.repeat(64) }));
  const notJsonStore = storeCopy('notjson');
  writeFileSync(notJsonStore, '{"format": "nasc-weight-st');

  // Latency tables: missing key, NaN, not JSON.
  const lut = JSON.parse(readFileSync(path.join(data, 'hw-nas-bench/fbnet_cifar100_lut.json'), 'utf8')) as { raw_lut: Record<string, Record<string, number>> };
  const firstKey = 'ConvBlock_H32_W32_Cin16_Cout16_exp1_kernel3_stride1_group1'; // layer 0's k3_e1 on CIFAR
  const lutMissing = JSON.parse(JSON.stringify(lut)) as typeof lut;
  delete (lutMissing.raw_lut.raspi4_latency as Record<string, number>)[firstKey];
  const lutMissingFile = write('lut-missing.json', JSON.stringify(lutMissing));
  const lutNegative = JSON.parse(JSON.stringify(lut)) as typeof lut;
  (lutNegative.raw_lut.raspi4_latency as Record<string, number>)[firstKey] = -1;
  const lutNegativeFile = write('lut-negative.json', JSON.stringify(lutNegative));
  const lutGarbage = write('lut-garbage.json', 'not json at all');

  // Data directories: empty, and one whose train.bin is truncated mid-record.
  const emptyData = path.join(tmp, 'empty-data');
  mkdirSync(emptyData);
  const badData = path.join(tmp, 'bad-data');
  mkdirSync(path.join(badData, 'cifar10'), { recursive: true });
  symlinkSync(path.join(data, 'hw-nas-bench'), path.join(badData, 'hw-nas-bench'));
  copyFileSync(path.join(data, 'cifar10/test.bin'), path.join(badData, 'cifar10/train.bin'));
  truncateSync(path.join(badData, 'cifar10/train.bin'), 3073 * 100 + 17);
  copyFileSync(path.join(data, 'cifar10/test.bin'), path.join(badData, 'cifar10/test.bin'));

  const existing = path.join(tmp, 'existing');
  mkdirSync(existing);
  writeFileSync(path.join(existing, 'keep.txt'), 'x');
  const notAFolder = write('plain-file', 'x');
  const corruptResume = path.join(tmp, 'corrupt-resume');
  mkdirSync(corruptResume);
  writeFileSync(path.join(corruptResume, 'config.json'), '{"format":"nasc-sea');

  const out = (name: string) => path.join(tmp, 'out', name);
  const small = ['--weights', tiny, '--evaluations', '10', '--pop', '5', '--val-images', '10', '--test-images', '10'];
  const s = (name: string, ...args: string[]) => ({ name, args: ['search', ...small, '--out', out(name), ...args], out: out(name) });
  const cases: { name: string; args: string[]; out?: string; env?: NodeJS.ProcessEnv }[] = [
    s('scenario-missing-file', '--scenario', path.join(tmp, 'nope.json')),
    s('scenario-not-json', '--scenario', write('garbage-scenario.json', '{ nope')),
    s('scenario-unknown-field', '--scenario', scenarioWith('unknown-field', { bandwith: 10 })),
    s('scenario-negative-bandwidth', '--scenario', scenarioWith('neg-bw', { bandwidthMbps: -1 })),
    s('scenario-unknown-device', '--scenario', scenarioWith('unknown-device', { device: 'toaster' })),
    s('scenario-smin-too-large', '--scenario', scenarioWith('smin', { sMin: 30 })),
    s('scenario-missing-device', '--scenario', missingField),
    s('scenario-loss-one', '--scenario', scenarioWith('loss1', { lossRate: 1 })),
    s('flag-negative-bound', '--bound', '-5'),
    s('flag-loss-too-large', '--loss', '1.5'),
    s('flag-bad-precision', '--precision', 'fp8'),
    s('flag-bad-bn', '--bn', 'magic'),
    s('flag-unknown-strategy', '--strategy', 'nope'),
    s('flag-zero-pop', '--pop', '0'),
    s('flag-text-evaluations', '--evaluations', 'lots'),
    s('flag-unknown', '--frobnicate'),
    s('flag-bad-split-repair', '--split-repair', 'sometimes'),
    s('weights-missing', '--weights', path.join(tmp, 'none.json')),
    s('weights-truncated', '--weights', truncatedStore),
    s('weights-bad-sha', '--weights', badShaStore),
    s('weights-not-json', '--weights', notJsonStore),
    s('lut-missing-file', '--lut', path.join(tmp, 'no-lut.json')),
    s('lut-missing-key', '--lut', lutMissingFile),
    s('lut-negative', '--lut', lutNegativeFile),
    s('lut-not-json', '--lut', lutGarbage),
    s('data-dir-missing', '--data-dir', path.join(tmp, 'no-such-dir')),
    s('data-dir-empty', '--data-dir', emptyData),
    s('data-truncated-train', '--data-dir', badData),
    s('val-images-too-many', '--val-images', '999999'),
    s('test-images-too-many', '--test-images', '20000'),
    { name: 'out-exists', args: ['search', ...small, '--out', existing] },
    { name: 'out-under-a-file', args: ['search', ...small, '--out', path.join(notAFolder, 'sub')] },
    { name: 'resume-not-a-search', args: ['search', '--resume', emptyData] },
    { name: 'resume-corrupt-config', args: ['search', '--resume', corruptResume] },
    { name: 'no-data-dir', args: ['search', ...small, '--out', out('no-data-dir')], env: { ...process.env, NASC_DATA: '' }, out: out('no-data-dir') },
    { name: 'latency-short-arch', args: ['latency', '--scenario', 'default', '--arch', '0,1,2', '--split', '3'] },
    { name: 'latency-split-23', args: ['latency', '--scenario', 'default', '--arch', 'k3_e1', '--split', '23'] },
    { name: 'accuracy-bad-images', args: ['accuracy', '--arch', 'k3_e1', '--split', '3', '--images', '-4', '--weights', tiny] },
    { name: 'accuracy-bad-arch-name', args: ['accuracy', '--arch', 'k7_e9', '--split', '3', '--weights', tiny] },
    { name: 'run-unknown-problem', args: ['run', '--problem', 'zdt9', '--generations', '2'] },
    { name: 'unknown-command', args: ['frobnicate'] },
    { name: 'compare-nasc-bad-split-repair', args: ['compare', '--problem', 'nasc', '--strategies', 'nsga2', '--evaluations', '4', '--split-repair', 'x', '--weights', tiny] },
    { name: 'compare-nasc-unknown-scenario', args: ['compare', '--problem', 'nasc', '--strategies', 'nsga2', '--evaluations', '4', '--scenario', path.join(tmp, 'nope.json'), '--weights', tiny] },
  ];
  assert.ok(cases.length >= 25);
  const outcomes = await pool(
    cases.map((c) => () => nasc(c.args, c.env ?? process.env)),
    3,
  );
  cases.forEach((c, i) => {
    const r = outcomes[i] as Outcome;
    const lines = r.stderr.trim().split('\n');
    assert.equal(r.status, 2, `${c.name}: exit ${r.status}: ${r.stderr}`);
    assert.equal(lines.length, 1, `${c.name}: ${r.stderr}`);
    assert.match(lines[0] as string, /^nasc: \S/, c.name);
    assert.doesNotMatch(r.stderr, /\n\s+at |Error:/, `${c.name}: stack trace`);
    assert.equal(r.stdout, '', `${c.name}: printed to stdout`);
    if (c.out !== undefined) assert.ok(!existsSync(c.out) || readdirSync(c.out).length === 0, `${c.name}: left ${c.out} behind`);
  });
  assert.deepEqual(readdirSync(existing), ['keep.txt']);
});
