/**
 * `nasc reproduce paper` end to end on the tiny test supernet (real onnxruntime, real images and
 * tables): runs are saved and a rerun reuses them; other settings on the same folder are refused.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { skipUnlessData } from '../helpers/needs_data.js';
import { splitSpecList } from '../../core/registry.js';
import { defaultReference, defaultSelection, PAPER_DEFAULTS } from '../../experiments/cli/commands/reproduce.js';

const root = path.resolve(import.meta.dirname, '../..');
// Under CI=true a data-dependent test does not skip silently (test/helpers/needs_data.ts).
const skip = skipUnlessData('cifar10', 'hw-nas-bench');
const cli = [path.join(root, 'node_modules/tsx/dist/cli.mjs'), path.join(root, 'experiments/cli/main.ts')];
const tiny = path.join(root, 'test/fixtures/supernet-tiny/tiny.json');

function reproduce(args: string[]) {
  return spawnSync(process.execPath, [...cli, 'reproduce', 'paper', ...args], { cwd: root, encoding: 'utf8', env: process.env });
}

test('reproduce paper compares with plain HWNAS when it runs, else with the first HWNAS variant listed', () => {
  assert.equal(defaultReference(['nasc', 'hwnas', 'hwnas(max-bottleneck=1)']), 'hwnas');
  assert.equal(defaultReference(splitSpecList(PAPER_DEFAULTS.extendedStrategies)), 'hwnas(surrogate=true,init=size-stratified)');
  // none listed: the plain name, which the study then refuses as absent, naming --strategies
  assert.equal(defaultReference(['nasc', 'random']), 'hwnas');
});

test('reproduce paper reports HWNAS chosen on validation when it runs in two or more configurations, unless told none', () => {
  assert.equal(defaultSelection(undefined, splitSpecList(PAPER_DEFAULTS.extendedStrategies)), 'hwnas');
  assert.equal(defaultSelection(undefined, splitSpecList(PAPER_DEFAULTS.strategies)), undefined);
  assert.equal(defaultSelection('none', splitSpecList(PAPER_DEFAULTS.extendedStrategies)), undefined);
  assert.equal(defaultSelection('nasc', ['nasc', 'nasc(surrogate=true)']), 'nasc');
});

test('reproduce paper: every strategy gets the budget, fronts are re-measured, a rerun reuses saved runs', { skip }, () => {
  const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'nasc-reproduce-')), 'study');
  const args = ['--weights', tiny, '--bandwidths', '5,50', '--bounds', '40', '--seeds', '2', '--evaluations', '10', '--pop', '5', '--val-images', '30', '--test-images', '40', '--calibration-images', '16', '--workers', '2', '--strategies', 'nasc,hwnas', '--out', out];
  const first = reproduce([...args, '--json']);
  assert.equal(first.status, 0, first.stderr);
  const runs = JSON.parse(readFileSync(path.join(out, 'runs.json'), 'utf8')) as { strategy: string; evaluations: number; front: { heldOutObjectives: number[] }[]; final: Record<string, number> }[];
  assert.equal(runs.length, 2 * 2 * 2);
  for (const r of runs) {
    assert.equal(r.evaluations, 10, `${r.strategy} used its whole budget`);
    assert.ok(r.front.every((p) => p.heldOutObjectives.every(Number.isFinite)));
    assert.ok(Number.isFinite(r.final.test_hv));
  }
  const table = readFileSync(path.join(out, 'table.md'), 'utf8');
  assert.match(table, /nasc vs hwnas: latency reduction at matched test accuracy/);
  assert.equal(readdirSync(path.join(out, 'runs')).length, 2);
  // report.html: one front chart per cell, one mark per re-measured front point.
  const html = readFileSync(path.join(out, 'report.html'), 'utf8');
  for (const bw of [5, 50]) assert.match(html, new RegExp(`id="cell-${bw}-40"`));
  const marks = (html.match(/class="mark"/g) ?? []).length;
  assert.equal(marks, runs.reduce((n, r) => n + r.front.length, 0));
  const again = reproduce(args);
  assert.equal(again.status, 0, again.stderr);
  assert.equal((again.stderr.match(/\(saved\)/g) ?? []).length, 8, 'the rerun recomputed nothing');
  const other = reproduce([...args.slice(0, -2), '--evaluations', '12', '--out', out]);
  assert.equal(other.status, 2);
  assert.match(other.stderr, /^nasc: .* holds a study with other settings/);
});
