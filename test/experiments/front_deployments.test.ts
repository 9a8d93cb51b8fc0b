import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deploymentLabel, deploymentsMarkdown, frontDeployments } from '../../experiments/reproduce/front_deployments.js';
import type { StudyRun } from '../../experiments/reproduce/paper_analysis.js';
import { studyRun } from '../fixtures/study_run.js';

function run(strategy: string, seed: number, deployments: Record<string, string | number>[], bandwidthMbps = 10, boundMs = 30): StudyRun {
  const front = deployments.map((details, i) => ({ genome: [], objectives: [0.3, 10 + i], heldOutObjectives: [0.3, 10 + i], details }));
  return studyRun({ strategy, seed, bandwidthMbps, boundMs, front });
}

describe('front deployments', () => {
  it('labels device-only, server-only, plain splits and bottlenecks with their payload', () => {
    assert.equal(deploymentLabel({ split: 22, precision: 'fp32' }), 'device-only');
    assert.equal(deploymentLabel({ split: 0, precision: 'fp32' }), 'server-only');
    assert.equal(deploymentLabel({ split: 18, precision: 'fp32', bottleneck: 0 }), 's=18 fp32');
    // 184 channels at 4×4 after layer 21: C/8 = 23 channels, 23·16 + 8 bytes.
    assert.equal(deploymentLabel({ split: 21, precision: 'int8', bottleneck: 23 }), 's=21 C/8 (376 B)');
    assert.equal(deploymentLabel({ split: 21, precision: 'int8', bottleneck: 92 }), 's=21 C/2 (1480 B)');
    assert.equal(deploymentLabel({ split: 21, precision: 'int8', bottleneck: 50 }), 's=21 c=50 (808 B)');
    assert.equal(deploymentLabel(undefined), 'unknown');
  });

  it('pools seeds per cell and strategy, most used first, and lists the rest as other', () => {
    const c8 = { split: 21, precision: 'int8', bottleneck: 23 };
    const dev = { split: 22, precision: 'fp32' };
    const runs = [
      run('nasc', 1, [c8, c8, dev]),
      run('nasc', 2, [c8]),
      run('hwnas', 1, [dev, dev]),
      run('hwnas', 1, [dev], 50, 20),
    ];
    const cells = frontDeployments(runs);
    assert.deepEqual(cells.map((c) => [c.boundMs, c.bandwidthMbps]), [[20, 50], [30, 10]]);
    assert.deepEqual(cells[1]?.byStrategy.nasc, [{ label: 's=21 C/8 (376 B)', points: 3 }, { label: 'device-only', points: 1 }]);
    assert.equal(cells[0]?.byStrategy.nasc, undefined);
    const md = deploymentsMarkdown(cells, ['hwnas', 'nasc'], 1);
    assert.match(md, /\| 10 \| 30 \| 2 points: device-only ×2 \| 4 points: s=21 C\/8 \(376 B\) ×3, other ×1 \|/);
    assert.match(md, /\| 50 \| 20 \| 1 point: device-only ×1 \| — \|/);
  });
});
