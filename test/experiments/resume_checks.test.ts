import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError } from '../../core/errors.js';
import { refuseConflictingFlags } from '../../experiments/resume/flag_conflicts.js';
import { checkResumeIdentity, resumeIdentity, scenarioHash } from '../../experiments/resume/resume_identity.js';
import { parseSearchCheckpoint } from '../../experiments/resume/search_checkpoint.js';
import { fixtureCheckpoint, fixtureConfig, fixtureProblem, fixtureScenario } from '../helpers/search_fixture.js';

const refused = (fn: () => unknown, ...fragments: string[]) =>
  assert.throws(fn, (e: unknown) => e instanceof InputError && fragments.every((f) => e.message.includes(f)) && !e.message.includes('\n'), `expected an InputError with ${fragments.join(' & ')}`);

test('a checkpoint of another run is refused, naming what differs', async () => {
  const mine = fixtureConfig();
  const other = fixtureConfig({ seed: 8 });
  const ckpt = await fixtureCheckpoint(other, 12);
  refused(() => checkResumeIdentity(ckpt.identity, resumeIdentity(mine), 'ckpt', 'cfg'), 'belongs to another run', 'seed 8 (config: 7)');
  refused(() => checkResumeIdentity(resumeIdentity(fixtureConfig({ strategy: 'random', populationSize: 9 })), resumeIdentity(mine), 'ckpt', 'cfg'), 'strategy random (config: nasc)', 'population size 9 (config: 6)');
  refused(() => checkResumeIdentity(resumeIdentity(fixtureConfig({ scenario: fixtureScenario({ bandwidthMbps: 11 }) })), resumeIdentity(mine), 'ckpt', 'cfg'), 'scenario differs');
  refused(() => checkResumeIdentity(resumeIdentity(fixtureConfig({ weights: { file: 'x', sha256: 'b'.repeat(64), steps: null } })), resumeIdentity(mine), 'ckpt', 'cfg'), 'weight store (sha256) differs');
  // The same run, and the same run with a larger budget, pass.
  checkResumeIdentity(resumeIdentity(mine), resumeIdentity(fixtureConfig({ evaluations: 999 })), 'ckpt', 'cfg');
});

test('the scenario hash ignores key order and the comment, not values', () => {
  const a = fixtureScenario();
  const b = fixtureScenario({ comment: 'why' });
  assert.equal(scenarioHash(a), scenarioHash(b));
  assert.equal(scenarioHash(a), scenarioHash(Object.fromEntries(Object.entries(a).reverse()) as typeof a));
  assert.notEqual(scenarioHash(a), scenarioHash(fixtureScenario({ latencyBoundMs: 61 })));
});

test('checkpoint format 1 (no identity) and inconsistent counts are refused', async () => {
  const config = fixtureConfig();
  const ckpt = await fixtureCheckpoint(config, 12);
  const p = fixtureProblem(config);
  const shape = { space: p.space, objectives: 2, constraints: 2 };
  refused(() => parseSearchCheckpoint({ ...ckpt, version: 1 }, 'ck', shape), 'older nasc');
  refused(() => parseSearchCheckpoint({ ...ckpt, archive: ckpt.archive.slice(1) }, 'ck', shape), 'archive holds 11', 'state.evaluations is 12');
  refused(() => parseSearchCheckpoint({ ...ckpt, history: [] }, 'ck', shape), 'history');
  const { state: _s, ...noState } = ckpt;
  refused(() => parseSearchCheckpoint(noState, 'ck', shape), 'state is missing');
  const badGene = JSON.parse(JSON.stringify(ckpt)) as typeof ckpt;
  (badGene.state.population[0] as { genome: number[] }).genome[3] = 42;
  refused(() => parseSearchCheckpoint(badGene, 'ck', shape), 'state: population[0]', 'outside its categorical domain');
});

test('flags beside --resume: equal or absent pass, others are refused by name', () => {
  refuseConflictingFlags('d', [
    { flag: 'seed', given: undefined, stored: 1 },
    { flag: 'strategy', given: 'nsga2', stored: 'nsga2' },
  ]);
  refused(
    () =>
      refuseConflictingFlags('DIR', [
        { flag: 'seed', given: 99, stored: 1 },
        { flag: 'strategy', given: 'random', stored: 'nsga2' },
        { flag: 'pop', given: 20, stored: 20 },
      ]),
    '--resume DIR',
    '--seed 99 (the run has 1)',
    '--strategy random (the run has nsga2)',
    'drop them',
  );
});
