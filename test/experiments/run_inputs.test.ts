import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError } from '../../core/errors.js';
import { SplitLatencyModel } from '../../problems/nasc/latency_model.js';
import { scenarioLink } from '../../problems/nasc/scenario.js';
import { checkClassCounts, checkImageCounts, checkLatenciesFinite } from '../../experiments/validation/run_inputs.js';
import { checkNumber, maxWorkers, POPULATION_SIZE, SEED, toNumber, workersRule } from '../../experiments/validation/numbers.js';
import { fixtureScenario, fixtureTable } from '../helpers/search_fixture.js';

const refused = (fn: () => unknown, ...fragments: string[]) =>
  assert.throws(fn, (e: unknown) => e instanceof InputError && fragments.every((f) => e.message.includes(f)), `expected an InputError with ${fragments.join(' & ')}`);

test('number rules: seeds are uint32, workers are capped, strings must be plain decimals', () => {
  assert.equal(checkNumber(0, SEED, '--seed'), 0);
  assert.equal(checkNumber(4294967295, SEED, '--seed'), 4294967295);
  refused(() => checkNumber(10000000000000, SEED, '--seed'), '--seed must be an integer in 0..4294967295, got 10000000000000');
  refused(() => checkNumber(-1, SEED, '--seed'), 'got -1');
  refused(() => checkNumber('abc', SEED, 'config.json: seed'), 'config.json: seed', '"abc"');
  refused(() => checkNumber(0, POPULATION_SIZE, '--pop'), '--pop');
  assert.ok(Number.isNaN(toNumber('0x10')) && Number.isNaN(toNumber('')) && toNumber(' 12 ') === 12);
  assert.equal(maxWorkers(2), 4);
  assert.equal(maxWorkers(16), 32);
  refused(() => checkNumber(1000, workersRule(2), '--workers'), '--workers must be an integer in 1..4', 'got 1000');
});

test('image counts: a request beyond the data is refused (never clamped)', () => {
  checkImageCounts([{ flag: '--val-images', requested: 10, available: 10, what: 'validation images' }]);
  refused(() => checkImageCounts([{ flag: '--calibration-images', requested: 999999, available: 45000, what: 'training images outside the validation split' }]), '--calibration-images 999999 exceeds the 45000 training images');
});

test('class counts: scenario, weight store and data must agree', () => {
  checkClassCounts({ scenario: 10, weights: 10, data: 10 }, 'default');
  refused(() => checkClassCounts({ scenario: 100, weights: 10, data: 10 }, 'big'), 'scenario big has numClasses 100', 'weight store 10');
});

test('latencies: a bandwidth of 1e-320 Mbit/s is refused; ordinary links pass', () => {
  const model = (bandwidthMbps: number) => {
    const s = fixtureScenario({ bandwidthMbps, precision: 'search' });
    return { s, m: SplitLatencyModel.fromTable(fixtureTable, { device: s.device, server: s.server, link: scenarioLink(s), numClasses: 10 }) };
  };
  const ok = model(10);
  checkLatenciesFinite(ok.m, ok.s);
  const tiny = model(1e-320);
  refused(() => checkLatenciesFinite(tiny.m, tiny.s), 'not a finite number of ms', 'bandwidth 1e-320');
  // 1e-300 Mbit/s is absurd but finite: the check is about representability, not taste.
  const slow = model(1e-300);
  checkLatenciesFinite(slow.m, slow.s);
});
