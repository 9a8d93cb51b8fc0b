import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { best, fastestWithin, markdown, summarise, type CellResult } from '../../experiments/reproduce/comparison_table.js';

const p = (accuracy: number, totalMs: number, feasible = true, split = 5) => ({ accuracy, totalMs, split, feasible });

describe('paper comparison table', () => {
  it('best: most accurate feasible point, ties to the faster; null without a feasible one', () => {
    assert.deepEqual(best([p(0.8, 25), p(0.9, 40, false), p(0.8, 20), p(0.7, 10)]), { accuracy: 0.8, totalMs: 20, split: 5 });
    assert.equal(best([p(0.9, 40, false), p(Number.NaN, 10)]), null);
  });

  it('fastestWithin: fastest feasible point at or above the accuracy floor', () => {
    const pts = [p(0.80, 29), p(0.795, 18), p(0.78, 12), p(0.99, 5, false)];
    assert.deepEqual(fastestWithin(pts, 0.79), { accuracy: 0.795, totalMs: 18, split: 5 });
    assert.deepEqual(fastestWithin(pts, 0.70), { accuracy: 0.78, totalMs: 12, split: 5 });
    assert.equal(fastestWithin(pts, 0.81), null);
  });

  it('summarise: latency reduction and accuracy difference vs HWNAS per (bandwidth, bound), over seeds with both', () => {
    const cell = (seed: number, nascMs: number, nascAcc: number, hwMs: number, hwAcc: number | null): CellResult => ({
      bandwidthMbps: 10,
      boundMs: 30,
      seed,
      methods: {
        nasc: { accuracy: nascAcc, totalMs: nascMs, split: 3 },
        nascIsoAccuracy: { accuracy: nascAcc - 0.005, totalMs: nascMs / 2, split: 3 },
        hwnas: hwAcc === null ? null : { accuracy: hwAcc, totalMs: hwMs, split: 22 },
      },
    });
    const rows = summarise([cell(1, 20, 0.7, 25, 0.71), cell(2, 15, 0.72, 30, 0.7), cell(3, 10, 0.69, 20, null)]);
    assert.equal(rows.length, 1);
    const row = rows[0];
    assert.ok(row !== undefined);
    assert.equal(row.seeds, 3);
    const nasc = row.vsHwnas.nasc;
    assert.ok(nasc !== undefined);
    assert.equal(nasc.pairs, 2);
    // 1 − 20/25 = 20 %, 1 − 15/30 = 50 % → median 35
    assert.ok(Math.abs((nasc.latencyReductionPct?.median ?? NaN) - 35) < 1e-9);
    assert.ok(Math.abs((nasc.accuracyDiffPts?.median ?? NaN) - 0.5) < 1e-9); // (−1 + 2) / 2
    assert.equal(row.infeasible.hwnas, 1);
    assert.equal(row.medianMs.nasc, 15);
    const md = markdown(rows, 1);
    assert.match(md, /\| 10 \| 30 \| 3 \| 35\.0 \[27\.5, 42\.5\] \/ 0\.5 \[-0\.3, 1\.3\] \(2 of 3 seeds\)/);
    assert.match(md, /\(no point in 1 of 3\)/);
  });
});
