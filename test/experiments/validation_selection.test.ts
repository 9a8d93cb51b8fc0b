import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { StudyRun } from '../../experiments/reproduce/paper_analysis.js';
import { checkReference, writeStudyOutputs } from '../../experiments/reproduce/paper_study.js';
import { familyMembers, selectionLabel, selectOnValidation } from '../../experiments/reproduce/validation_selection.js';
import { InputError } from '../../core/errors.js';
import { studyRun, testPoint } from '../fixtures/study_run.js';

/** A run with a validation HV and a one-point test front (test accuracy, ms). */
function run(strategy: string, seed: number, hv: number, point: [number, number], bandwidthMbps = 10, boundMs = 30): StudyRun {
  const final = { hv, test_hv: hv - 1, bestFeasibleAccuracy: 0.8, test_bestFeasibleAccuracy: point[0] };
  return studyRun({ strategy, seed, bandwidthMbps, boundMs, final, front: [testPoint(point[0], point[1])] });
}

const C2 = 'hwnas(max-bottleneck=1)';
const C4 = 'hwnas(max-bottleneck=2)';
const strategies = ['nasc', 'hwnas', C2, C4];

describe('a strategy family chosen per cell on validation HV', () => {
  it('members are the plain name and its variants, in listed order; nothing else', () => {
    assert.deepEqual(familyMembers('hwnas', ['nasc', C4, 'hwnas', 'hwnas-like', C2]), [C4, 'hwnas', C2]);
  });

  it('picks the highest median validation HV per cell, never a test figure, a tie going to the first listed', () => {
    const runs = [
      // cell 30 ms / 10 Mbit/s: C/4 has the best validation HV (median 5) but the worst test front
      run('hwnas', 1, 3, [0.7, 20]),
      run('hwnas', 2, 3, [0.7, 20]),
      run(C2, 1, 4, [0.7, 10]),
      run(C2, 2, 4, [0.7, 10]),
      run(C4, 1, 5, [0.7, 25]),
      run(C4, 2, 5.2, [0.7, 25]),
      run('nasc', 1, 9, [0.7, 5]),
      // cell 20 ms / 1 Mbit/s: a tie between plain and C/2, C/4 absent
      run('hwnas', 1, 2, [0.6, 15], 1, 20),
      run(C2, 1, 2, [0.6, 12], 1, 20),
    ];
    const { runs: chosen, selections } = selectOnValidation(runs, 'hwnas', strategies);
    assert.deepEqual(
      selections.map((s) => [s.boundMs, s.bandwidthMbps, s.chosen]),
      [
        [20, 1, 'hwnas'],
        [30, 10, C4],
      ],
    );
    assert.equal(selections[1]?.validationHv[C4], 5.1);
    assert.deepEqual(
      chosen.map((r) => [r.strategy, r.boundMs, r.seed, r.front[0]?.objectives[1]]),
      [
        [selectionLabel('hwnas'), 20, 1, 15],
        [selectionLabel('hwnas'), 30, 1, 25],
        [selectionLabel('hwnas'), 30, 2, 25],
      ],
    );
  });

  it('the chosen family can be the reference; a family of fewer than two configurations is refused', () => {
    assert.doesNotThrow(() => checkReference(selectionLabel('hwnas'), strategies, 'hwnas'));
    assert.throws(() => checkReference(selectionLabel('hwnas'), strategies, undefined), InputError);
    assert.throws(() => checkReference('nasc', ['nasc', 'hwnas'], 'hwnas'), /needs at least two hwnas configurations among --strategies, found 1/);
    assert.throws(() => selectOnValidation([], 'random', strategies), InputError);
  });

  it('the study outputs compare with it and say which configuration stood for it in each cell', () => {
    const out = mkdtempSync(path.join(os.tmpdir(), 'nasc-selection-'));
    const runs = [run('hwnas', 1, 3, [0.7, 20]), run(C2, 1, 4, [0.7, 10]), run(C4, 1, 5, [0.7, 25]), run('nasc', 1, 9, [0.7, 5])];
    const r = writeStudyOutputs(out, runs, selectionLabel('hwnas'), strategies, '200 evaluations', 'hwnas');
    // nasc 5 ms vs the chosen C/4's 25 ms: 80 % faster; plain hwnas (20 ms) 20 % faster than it.
    const near = (x: number | undefined, y: number) => assert.ok(x !== undefined && Math.abs(x - y) < 1e-9, `${x} ≈ ${y}`);
    near(r.cells[0]?.reductions.nasc?.spread?.median, 80);
    near(r.cells[0]?.reductions.hwnas?.spread?.median, 20);
    const table = readFileSync(path.join(out, 'table.md'), 'utf8');
    assert.match(table, /nasc vs hwnas\[best on validation\]: latency reduction/);
    assert.match(table, /\| 10 \| 30 \| hwnas\(max-bottleneck=2\) \| 3\.00 \| 4\.00 \| 5\.00 \|/);
    const summary = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')) as { selections: { chosen: string }[]; strategies: string[] };
    assert.equal(summary.selections[0]?.chosen, C4);
    assert.ok(summary.strategies.includes(selectionLabel('hwnas')));
    // runs.json keeps the runs as measured, without the relabelled copies
    assert.equal((JSON.parse(readFileSync(path.join(out, 'runs.json'), 'utf8')) as unknown[]).length, 4);
  });
});
