/**
 * `nasc report` redraws a folder from what `readSearchResults` gives back: every field a search
 * wrote must survive, or the redrawn plots differ from the first ones (the latency breakdown lost
 * its encoder and decoder bars, and its bottleneck labels, before the extended-space fields were read).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { parsePluginSpec } from '../../core/registry.js';
import { algorithms } from '../../experiments/plugins.js';
import { readSearchResults } from '../../experiments/report/results_reader.js';
import { writeResults, type FrontPoint } from '../../experiments/search/results.js';
import { CANDIDATE_NAMES, NUM_LAYERS } from '../../problems/nasc/search_space.js';
import { fcSeed } from '../helpers/fc_seed.js';
import { fixtureConfig } from '../helpers/search_fixture.js';

const ms = fc.double({ min: 0, max: 100, noNaN: true });
const unit = fc.double({ min: 0, max: 1, noNaN: true });

const frontPoint: fc.Arbitrary<FrontPoint> = fc
  .record({
    architecture: fc.array(fc.constantFrom(...CANDIDATE_NAMES), { minLength: NUM_LAYERS, maxLength: NUM_LAYERS }),
    split: fc.integer({ min: 0, max: 22 }),
    precision: fc.constantFrom('fp32', 'fp16', 'int8'),
    valAccuracy: unit,
    testAccuracy: unit,
    deviceMs: ms,
    linkMs: ms,
    serverMs: ms,
    totalMs: ms,
    payloadBytes: fc.nat(1_000_000),
    extended: fc.option(fc.record({ bottleneck: fc.integer({ min: 1, max: 184 }), encoderMs: ms, decoderMs: ms }), { nil: undefined }),
    deviceEnergyMj: fc.option(ms, { nil: undefined }),
  })
  .map(({ extended, deviceEnergyMj, ...p }) => ({ ...p, ...(extended ?? {}), ...(deviceEnergyMj === undefined ? {} : { deviceEnergyMj }) }));

test('a results folder reads back field for field, bottleneck width and encoder/decoder latency included', (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nasc-results-'));
  try {
    const config = fixtureConfig();
    writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config));
    fc.assert(
      fc.property(fc.array(frontPoint, { maxLength: 6 }), fc.array(frontPoint, { maxLength: 4 }), (front, baselineFront) => {
        const written = {
          config,
          front,
          history: [{ generation: 0, evaluations: 6, hv: 1.5, bestFeasibleAccuracy: 0.5, feasible: 3, failed: 0 }],
          baselines: [{ name: 'hwnas', budget: 12, evaluations: 12, stoppedBy: 'budget' as const, front: baselineFront }],
          indicators: { hv: 1.5, testHv: 1.25 },
          referencePoint: [1, 60],
        };
        writeResults(dir, written);
        const read = readSearchResults(dir, (spec) => void parsePluginSpec(algorithms, spec));
        assert.deepEqual(read.front, front);
        assert.deepEqual(read.baselines[0]?.front, baselineFront);
      }),
      { seed: fcSeed(t), numRuns: 100 },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
