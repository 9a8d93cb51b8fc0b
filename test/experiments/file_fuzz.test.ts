/**
 * Fuzzing the readers of scenario files, config.json and checkpoint.json in-process: random
 * deletions, type swaps, out-of-range numbers and truncated arrays. Each damaged document must
 * either be refused with a one-line InputError, or be accepted and then work: a scenario gives
 * finite latencies, a config gives a resume identity, a checkpoint resumes and runs one more
 * generation. Anything else (TypeError, RangeError, a stack) fails the property.
 * Iterations per property: FUZZ_RUNS below; seed: test/helpers/fc_seed.ts.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import fc from 'fast-check';
import { isInputError } from '../../core/errors.js';
import { hypervolume } from '../../core/indicators/hypervolume.js';
import type { Individual } from '../../core/individual.js';
import { minimize, paretoFront } from '../../core/minimize.js';
import type { NascInfo } from '../../problems/nasc/problem.js';
import { maxEvaluations } from '../../core/termination.js';
import { SplitLatencyModel } from '../../problems/nasc/latency_model.js';
import { parseScenario, scenarioLink } from '../../problems/nasc/scenario.js';
import { CANDIDATE_NAMES, MAX_SPLIT } from '../../problems/nasc/search_space.js';
import { checkResumeIdentity, resumeIdentity } from '../../experiments/resume/resume_identity.js';
import { parseSearchCheckpoint, restoreSearch, type SearchCheckpoint } from '../../experiments/resume/search_checkpoint.js';
import { parseSearchConfig } from '../../experiments/resume/search_config_schema.js';
import { checkLatenciesFinite } from '../../experiments/validation/run_inputs.js';
import { fcSeed } from '../helpers/fc_seed.js';
import { mutate, mutation, type Json } from '../helpers/json_mutation.js';
import { checkStrategy, fixtureAlgorithm, fixtureCheckpoint, fixtureConfig, fixtureProblem, fixtureTable } from '../helpers/search_fixture.js';

export const FUZZ_RUNS = { scenario: 3000, config: 3000, checkpoint: 1000 } as const;

/** Runs `body`; an InputError must be one line; any other error fails. Returns whether it was accepted. */
function acceptedOrRefused(body: () => void): boolean {
  try {
    body();
    return true;
  } catch (e) {
    if (!isInputError(e)) throw e;
    assert.ok(!e.message.includes('\n') && e.message.length > 0, `InputError of more than one line: ${e.message}`);
    return false;
  }
}

const tally = { scenario: [0, 0], config: [0, 0], checkpoint: [0, 0] };

test('scenario JSON: refused in one line, or accepted with finite latencies everywhere', (t) => {
  const base = { name: 'fixture', device: 'tiny', server: 'big', bandwidthMbps: 10, rttMs: 1, packetBytes: 1460, headerBytes: 40, lossRate: 0.01, precision: 'search', latencyBoundMs: 60, sMin: 1, numClasses: 10, splitEncoding: 'integer' } as Json;
  fc.assert(
    fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), (ms) => {
      const doc = mutate(base, ms);
      const ok = acceptedOrRefused(() => {
        const s = parseScenario(doc, 'fuzz.json');
        const model = SplitLatencyModel.fromTable(fixtureTable, { device: s.device, server: s.server, link: scenarioLink(s), numClasses: s.numClasses });
        checkLatenciesFinite(model, s);
        const arch = Array(22).fill(7) as number[];
        for (let split = 0; split <= MAX_SPLIT; split++) {
          for (const p of ['fp32', 'fp16', 'int8'] as const) assert.ok(Number.isFinite(model.breakdown(arch, split, p).totalMs));
        }
      });
      tally.scenario[ok ? 0 : 1]! += 1;
    }),
    { seed: fcSeed(t), numRuns: FUZZ_RUNS.scenario },
  );
  t.diagnostic(`scenario: ${FUZZ_RUNS.scenario} runs, ${tally.scenario[0]} accepted, ${tally.scenario[1]} refused`);
});

test('config.json: refused in one line, or accepted with the same rules as fresh input', (t) => {
  const base = JSON.parse(JSON.stringify(fixtureConfig())) as Json;
  assert.deepEqual(parseSearchConfig(base, 'config.json', checkStrategy), fixtureConfig());
  fc.assert(
    fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), (ms) => {
      const doc = mutate(base, ms);
      const ok = acceptedOrRefused(() => {
        const c = parseSearchConfig(doc, 'config.json', checkStrategy);
        assert.ok(Number.isSafeInteger(c.seed) && c.seed >= 0 && c.seed <= 0xffffffff);
        assert.ok(c.populationSize >= 1 && c.evaluations >= 1 && c.valImages >= 1 && c.testImages >= 1);
        checkStrategy(c.strategy);
        c.baselines.strategies.forEach(checkStrategy);
        resumeIdentity(c);
      });
      tally.config[ok ? 0 : 1]! += 1;
    }),
    { seed: fcSeed(t), numRuns: FUZZ_RUNS.config },
  );
  t.diagnostic(`config: ${FUZZ_RUNS.config} runs, ${tally.config[0]} accepted, ${tally.config[1]} refused`);
});

let checkpoint: SearchCheckpoint;
before(async () => {
  checkpoint = await fixtureCheckpoint(fixtureConfig(), 18);
});

test('checkpoint.json: refused in one line, or accepted, restored and continued for a generation', async (t) => {
  const config = fixtureConfig();
  const shape = () => {
    const p = fixtureProblem(config);
    return { space: p.space, objectives: p.objectiveNames.length, constraints: p.constraintNames.length };
  };
  // The undamaged checkpoint round-trips.
  const parsed = parseSearchCheckpoint(checkpoint, 'checkpoint.json', shape());
  assert.deepEqual(parsed, checkpoint);
  await fc.assert(
    fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), async (ms) => {
      const doc = mutate(checkpoint as unknown as Json, ms);
      let accepted: SearchCheckpoint | undefined;
      let archive: Individual<NascInfo>[] = [];
      const problem = fixtureProblem(config);
      const algorithm = fixtureAlgorithm(problem, config);
      acceptedOrRefused(() => {
        const c = parseSearchCheckpoint(doc, 'checkpoint.json', shape());
        checkResumeIdentity(c.identity, resumeIdentity(config), 'checkpoint.json', 'config.json');
        archive = restoreSearch(algorithm, c, 'checkpoint.json');
        accepted = c;
      });
      tally.checkpoint[accepted === undefined ? 1 : 0]! += 1;
      if (accepted !== undefined) {
        const r = await minimize(problem, algorithm, { termination: maxEvaluations(accepted.state.evaluations + config.populationSize) });
        assert.ok(r.evaluations >= accepted.state.evaluations);
        // What the search reports from the archive: names, finite latencies, a finite HV.
        const front = paretoFront(archive);
        for (const ind of front) {
          const info = ind.info as NascInfo;
          assert.ok(info.architecture.every((c) => typeof CANDIDATE_NAMES[c] === 'string'));
          assert.ok([info.latency.deviceMs, info.latency.linkMs, info.latency.serverMs, info.latency.totalMs].every(Number.isFinite));
        }
        assert.ok(Number.isFinite(hypervolume(front.map((i) => [...i.objectives]), problem.referencePoint ?? [1, 60])));
      }
    }),
    { seed: fcSeed(t), numRuns: FUZZ_RUNS.checkpoint },
  );
  t.diagnostic(`checkpoint: ${FUZZ_RUNS.checkpoint} runs, ${tally.checkpoint[0]} accepted, ${tally.checkpoint[1]} refused`);
});
