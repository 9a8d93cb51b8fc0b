/**
 * End to end: `nasc search` with the real pieces — onnxruntime-node on worker threads, the real
 * CIFAR-10 images and HW-NAS-Bench tables from NASC_DATA — but the tiny test supernet, so it
 * runs in seconds. Skips (saying why) where NASC_DATA is not set.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it, test } from 'node:test';
import { skipUnlessData } from '../helpers/needs_data.js';

const root = path.resolve(import.meta.dirname, '../..');
const dataDir = process.env.NASC_DATA;
const skip = skipUnlessData('cifar10', 'hw-nas-bench');
const tiny = path.join(root, 'test/fixtures/supernet-tiny/tiny.json');
// One process (not the tsx launcher, which would put a second process in between): a kill reaches nasc itself.
const cli = ['--import', 'tsx', path.join(root, 'experiments/cli/main.ts')];

function small(evaluations: number, workers: number): string[] {
  return ['--weights', tiny, '--space', 'fbnet', '--evaluations', String(evaluations), '--pop', '8', '--val-images', '40', '--test-images', '40', '--calibration-images', '16', '--baseline-evaluations', '8', '--workers', String(workers), '--seed', '3'];
}

function search(args: string[]) {
  return spawnSync(process.execPath, [...cli, 'search', ...args], { cwd: root, encoding: 'utf8', env: process.env });
}

test('search writes a complete results folder and prints the summary JSON', { skip }, () => {
  const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'nasc-search-')), 'run');
  const r = search([...small(24, 2), '--scenario', 'open', '--baselines', 'hwnas,device-only,fixed-architectures', '--out', out, '--json']);
  assert.equal(r.status, 0, r.stderr);
  const summary = JSON.parse(r.stdout) as { front: { totalMs: number; testAccuracy: number }[]; indicators: { hv: number }; evaluations: number; seconds: number; outDir: string };
  assert.equal(summary.evaluations, 24);
  assert.equal(summary.outDir, out);
  assert.ok(summary.seconds > 0);
  for (const f of ['config.json', 'front.json', 'front.csv', 'history.json', 'baselines.json', 'front.svg', 'hv.svg', 'latency_breakdown.svg', 'split_histogram.svg', 'front.png', 'hv.png', 'latency_breakdown.png', 'split_histogram.png', 'report.html']) {
    assert.ok(existsSync(path.join(out, f)), `${f} missing`);
  }
  const front = JSON.parse(readFileSync(path.join(out, 'front.json'), 'utf8')) as { front: unknown[] };
  assert.equal(front.front.length, summary.front.length);
  assert.ok(summary.front.length > 0, 'the open scenario (image may be sent) has feasible points');
  for (const p of summary.front) assert.ok(p.testAccuracy >= 0 && p.testAccuracy <= 1 && p.totalMs > 0);
  const csv = readFileSync(path.join(out, 'front.csv'), 'utf8').trim().split('\n');
  assert.equal(csv.length, summary.front.length + 1);
  const baselines = JSON.parse(readFileSync(path.join(out, 'baselines.json'), 'utf8')) as { name: string; budget: number; evaluations: number }[];
  assert.deepEqual(
    baselines.map((b) => b.name),
    ['hwnas', 'device-only', 'fixed-architectures'],
  );
  // Budgets are recorded as measured evaluations, not population sizes.
  assert.deepEqual(baselines.map((b) => [b.budget, b.evaluations]), [[8, 8], [8, 8], [8, 3]]);
  const config = JSON.parse(readFileSync(path.join(out, 'config.json'), 'utf8')) as { strategy: string; splitRepair: string };
  assert.deepEqual([config.strategy, config.splitRepair], ['nasc(surrogate=true)', 'best']);
  // `nasc report` redraws the plots from the folder.
  const rep = spawnSync(process.execPath, [...cli, 'report', out, '--json'], { cwd: root, encoding: 'utf8' });
  assert.equal(rep.status, 0, rep.stderr);
});

test('SIGKILL during search, then --resume: front.json is byte-identical to an uninterrupted run', { skip, timeout: 900_000 }, async () => {
  await killAndResume([...small(40, 1), '--scenario', 'open']);
});

test('the same with racing on images (its front is rebuilt from the checkpoint)', { skip, timeout: 900_000 }, async () => {
  const out = await killAndResume([...small(40, 1), '--scenario', 'open', '--racing', '--racing-first-images', '10', '--racing-front-images', '80']);
  const checkpoint = JSON.parse(readFileSync(path.join(out, 'checkpoint.json'), 'utf8')) as { archive: { info: { images: number; stoppedEarly?: boolean; interval?: number[] } }[] };
  const images = checkpoint.archive.map((i) => i.info.images);
  assert.ok(images.every((n) => [10, 20, 40, 80].includes(n)), `images per candidate ${[...new Set(images)].join(',')}`);
  assert.ok(checkpoint.archive.every((i) => i.info.interval?.length === 2));
});

async function killAndResume(args: string[]): Promise<string> {
  const base = mkdtempSync(path.join(os.tmpdir(), 'nasc-resume-'));
  const whole = path.join(base, 'whole');
  const killed = path.join(base, 'killed');
  const first = search([...args, '--out', whole]);
  assert.equal(first.status, 0, first.stderr);
  // Start the same run and kill it hard once a checkpoint past the first generation exists.
  const child = spawn(process.execPath, [...cli, 'search', ...args, '--out', killed], { cwd: root, stdio: 'ignore' });
  const ckpt = path.join(killed, 'checkpoint.json');
  const evaluations = (): number => {
    try {
      return (JSON.parse(readFileSync(ckpt, 'utf8')) as { state: { evaluations: number } }).state.evaluations;
    } catch {
      return 0; // none yet, or a reader racing the rename
    }
  };
  let exited = false;
  const exit = new Promise((r) => child.once('exit', r)).then(() => (exited = true));
  // Polls until the checkpoint holds ≥ 16 evaluations; the test's own timeout bounds a hang.
  while (!exited && evaluations() < 16) await new Promise((r) => setTimeout(r, 20));
  child.kill('SIGKILL');
  await exit;
  const killedAt = evaluations();
  assert.ok(killedAt >= 16 && !existsSync(path.join(killed, 'front.json')), 'killed before the end (choose a larger budget if this fails)');
  // A resume that would change the run is refused, and the folder stays as the kill left it.
  const conflicting = search(['--resume', killed, '--seed', '4']);
  assert.equal(conflicting.status, 2);
  assert.match(conflicting.stderr, /--seed 4 \(the run has 3\)/);
  const resumed = search(['--resume', killed, '--workers', '2', '--json', '--no-progress']);
  assert.equal(resumed.status, 0, resumed.stderr);
  // It resumed (not restarted): it began from the checkpoint and evaluated only the rest.
  const summary = JSON.parse(resumed.stdout) as { evaluations: number; resumedFrom: number };
  assert.equal(summary.resumedFrom, killedAt);
  assert.equal(summary.evaluations, 40);
  assert.ok(summary.evaluations - summary.resumedFrom < 40, `evaluations after the resume: ${summary.evaluations - summary.resumedFrom}`);
  assert.equal(readFileSync(path.join(killed, 'front.json'), 'utf8'), readFileSync(path.join(whole, 'front.json'), 'utf8'));
  assert.equal(readFileSync(path.join(killed, 'baselines.json'), 'utf8'), readFileSync(path.join(whole, 'baselines.json'), 'utf8'));
  return killed;
}

describe('nasc compare on the NASC problem', { skip }, () => {
  it('runs the NASC strategies and baselines × seeds on one budget, re-measures each front on test images, and releases the workers', async () => {
    const { runCompare } = await import('../../experiments/compare/run_compare.js');
    const { algorithms, problems } = await import('../../experiments/plugins.js');
    const names = ['nasc', 'nasc(split-repair=none)', 'hwnas', 'random'];
    const report = await runCompare(
      { problem: 'nasc', scenario: 'open', strategies: names.join(','), seeds: 2, evaluations: 12, pop: 6, valImages: 30, testImages: 40, calibrationImages: 16, weights: tiny, dataDir },
      { problems, algorithms },
    );
    assert.deepEqual(Object.keys(report.strategies).sort(), [...names].sort());
    for (const name of names) {
      const s = report.strategies[name];
      assert.ok(s !== undefined);
      assert.ok(Number.isFinite(s.hv?.median ?? Number.NaN));
      assert.ok(Number.isFinite(s.test_hv?.median ?? Number.NaN), `${name} has a test hypervolume`);
      assert.ok(s.feasibleFraction !== undefined);
    }
  });
});
