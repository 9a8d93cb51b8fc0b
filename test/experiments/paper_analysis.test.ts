import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { seedReduction, studyMarkdown, summariseStudy, type StudyRun } from '../../experiments/reproduce/paper_analysis.js';
import { studyRun, testPoint } from '../fixtures/study_run.js';

/** A run whose front has (test accuracy, ms) points; validation numbers beside them. */
function run(strategy: string, seed: number, points: [number, number][], bandwidthMbps = 10, boundMs = 30): StudyRun {
  const final = { test_hv: 1, hv: 1.1, test_bestFeasibleAccuracy: Math.max(...points.map((p) => p[0])), bestFeasibleAccuracy: 0.8 };
  return studyRun({ strategy, seed, bandwidthMbps, boundMs, final, front: points.map(([acc, ms]) => testPoint(acc, ms)) });
}

describe('paper analysis', () => {
  it('a front 20 % faster at every accuracy gives a 20 % reduction; identical fronts 0', () => {
    const hw = run('hwnas', 1, [[0.7, 20], [0.75, 25], [0.8, 30]]);
    const nasc = run('nasc', 1, [[0.7, 16], [0.75, 20], [0.8, 24]]);
    const r = seedReduction(1, nasc, hw);
    assert.ok(Math.abs((r.medianPct ?? NaN) - 20) < 1e-9);
    assert.equal(seedReduction(1, hw, hw).medianPct, 0);
  });

  it('reports seeds without a shared accuracy range and which side was more accurate', () => {
    const r = seedReduction(3, run('nasc', 3, [[0.9, 20]]), run('hwnas', 3, [[0.7, 10]]));
    assert.equal(r.medianPct, null);
    assert.equal(r.moreAccurate, 'a');
    assert.equal(seedReduction(3, run('nasc', 3, [[0.9, 20]]), { front: [] }).moreAccurate, 'empty');
  });

  it('summarises per cell over seeds and writes the table', () => {
    const runs = [
      run('hwnas', 1, [[0.7, 20], [0.8, 30]]),
      run('nasc', 1, [[0.7, 10], [0.8, 15]]),
      run('hwnas', 2, [[0.7, 20], [0.8, 30]]),
      run('nasc', 2, [[0.7, 20], [0.8, 30]]),
      run('hwnas', 1, [[0.7, 20]], 50, 20),
      run('nasc', 1, [[0.95, 20]], 50, 20),
    ];
    const cells = summariseStudy(runs, 'hwnas', ['nasc', 'hwnas']);
    assert.deepEqual(cells.map((c) => [c.boundMs, c.bandwidthMbps]), [[20, 50], [30, 10]]);
    const c30 = cells[1];
    assert.equal(c30?.reductions.nasc?.spread?.median, 25); // seeds: 50 % and 0 %
    assert.equal(cells[0]?.reductions.nasc?.spread, null);
    const md = studyMarkdown(cells, 'hwnas', ['nasc', 'hwnas'], '200 evaluations');
    assert.match(md, /\| 10 \| 30 \| 2 \| 25\.0 \[12\.5, 37\.5\] \|/);
    assert.match(md, /no shared accuracy range in 1 of 1: nasc more accurate in 1, hwnas in 0/);
  });
});
