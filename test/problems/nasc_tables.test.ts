import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { LatencyTable, deviceCosts, loadLatencyTable } from '../../problems/nasc/latency_table.js';
import { SplitLatencyModel } from '../../problems/nasc/latency_model.js';
import { loadScenario, overrideScenario, parseScenario } from '../../problems/nasc/scenario.js';
import { DEFAULT_LINK } from '../../problems/nasc/link_model.js';
import { stemKey } from '../../problems/nasc/op_keys.js';
import { syntheticLut, writeTempJson } from '../fixtures/nasc/synthetic_lut.js';

/** An InputError whose one-line message contains every fragment. */
function inputError(...fragments: string[]): (e: unknown) => boolean {
  return (e: unknown) => {
    assert.ok(e instanceof Error, 'an Error');
    assert.equal(e.name, 'InputError', `InputError expected, got ${e.name}: ${e.message}`);
    assert.ok(!e.message.includes('\n'), `one line: ${e.message}`);
    for (const f of fragments) assert.ok(e.message.includes(f), `"${e.message}" should name ${f}`);
    return true;
  };
}

const raw = syntheticLut();
const withRaw = (r: unknown): unknown => ({ raw_lut: r });
const link = { ...DEFAULT_LINK, bandwidthMbps: 10 };

describe('latency table loader', () => {
  it('accepts the synthetic table and a profile layout', () => {
    const t = LatencyTable.parse(withRaw(raw), 'fixture');
    assert.deepEqual(t.devices.sort(), ['big', 'tiny']);
    const profile = LatencyTable.parse({ description: 'local profile', local_latency: raw.big_latency }, 'profile');
    assert.deepEqual(profile.devices, ['local']);
    const merged = LatencyTable.merge([t, profile]);
    assert.deepEqual(merged.devices.sort(), ['big', 'local', 'tiny']);
    const m = SplitLatencyModel.fromTable(merged, { device: 'local', server: 'big', link, numClasses: 10 });
    assert.equal(m.hasDeviceEnergy, false);
  });

  it('refuses a missing op key, naming it', () => {
    const r = structuredClone(raw);
    delete (r.tiny_latency as Record<string, number>)[stemKey()];
    const t = LatencyTable.parse(withRaw(r), 'fixture');
    assert.throws(() => deviceCosts(t, 'tiny', 'latency', 10), inputError('tiny_latency', stemKey()));
  });

  it('refuses a missing FC for the number of classes', () => {
    const t = LatencyTable.parse(withRaw(raw), 'fixture');
    assert.throws(() => deviceCosts(t, 'tiny', 'latency', 7), inputError('FC_Cin1504_Cout7'));
  });

  it('refuses NaN, negative, non-number and non-object entries', () => {
    const key = stemKey();
    const cases: [unknown, string[]][] = [
      [{ ...raw, tiny_latency: { ...raw.tiny_latency, [key]: 'NaN' } }, ['tiny_latency', key, 'not a number']],
      [{ ...raw, tiny_latency: { ...raw.tiny_latency, [key]: null } }, ['tiny_latency', key, 'null']],
      [{ ...raw, tiny_latency: { ...raw.tiny_latency, [key]: -0.5 } }, ['tiny_latency', key, 'negative']],
      [{ ...raw, tiny_latency: { ...raw.tiny_latency, [key]: [1] } }, ['tiny_latency', key, 'array']],
      [{ ...raw, tiny_latency: 5 }, ['tiny_latency', 'not an object']],
      [{ ...raw, tiny_latency: [1, 2] }, ['tiny_latency', 'not an object']],
      [{ ...raw, weird: {} }, ['weird']],
      [{}, ['no <device>_latency']],
    ];
    for (const [r, fragments] of cases) assert.throws(() => LatencyTable.parse(withRaw(r), 'fixture'), inputError('fixture', ...fragments));
    assert.throws(() => LatencyTable.parse([1], 'fixture'), inputError('not a JSON object'));
    assert.throws(() => LatencyTable.parse({ raw_lut: 3 }, 'fixture'), inputError('raw_lut'));
  });

  it('refuses files that are missing or not JSON (e.g. Python NaN)', () => {
    assert.throws(() => loadLatencyTable('/nonexistent/lut.json'), inputError('/nonexistent/lut.json', 'cannot read'));
    const nanFile = writeTempJson('nan.json', '{"raw_lut": {"a_latency": {"k": NaN}}}');
    assert.throws(() => loadLatencyTable(nanFile), inputError(nanFile, 'not valid JSON'));
  });

  it('refuses an unknown device, listing the known ones', () => {
    const t = LatencyTable.parse(withRaw(raw), 'fixture');
    assert.throws(() => SplitLatencyModel.fromTable(t, { device: 'raspi9', server: 'big', link, numClasses: 10 }), inputError('raspi9', 'big', 'tiny'));
    assert.throws(() => deviceCosts(t, 'big', 'energy', 10), inputError('big', 'energy'));
  });
});

const good = {
  device: 'tiny',
  server: 'big',
  bandwidthMbps: 10,
  latencyBoundMs: 30,
};

describe('scenario', () => {
  it('fills defaults', () => {
    const s = parseScenario(good, 'x.json');
    assert.equal(s.name, 'x');
    assert.equal(s.precision, 'fp32');
    assert.equal(s.sMin, 0);
    assert.equal(s.numClasses, 10);
    assert.equal(s.splitEncoding, 'integer');
    assert.equal(s.lossRate, 0);
    assert.equal(s.thirdObjective, undefined);
  });

  it('refuses each bad field with a one-line message naming it', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ device: undefined }, 'device'],
      [{ device: 3 }, 'device'],
      [{ bandwidthMbps: 0 }, 'bandwidthMbps'],
      [{ bandwidthMbps: '10' }, 'bandwidthMbps'],
      [{ bandwidthMbps: undefined }, 'bandwidthMbps'],
      [{ lossRate: 1 }, 'lossRate'],
      [{ lossRate: -0.1 }, 'lossRate'],
      [{ rttMs: -1 }, 'rttMs'],
      [{ packetBytes: 0 }, 'packetBytes'],
      [{ headerBytes: 2.5 }, 'headerBytes'],
      [{ precision: 'int4' }, 'precision'],
      [{ latencyBoundMs: -5 }, 'latencyBoundMs'],
      [{ latencyBoundMs: null }, 'latencyBoundMs'],
      [{ sMin: 23 }, 'sMin'],
      [{ sMin: 1.5 }, 'sMin'],
      [{ numClasses: 0 }, 'numClasses'],
      [{ thirdObjective: 'accuracy' }, 'thirdObjective'],
      [{ splitEncoding: 'real' }, 'splitEncoding'],
      [{ bandwith: 10 }, 'bandwith'],
    ];
    for (const [change, field] of cases) {
      const o: Record<string, unknown> = { ...good, ...change };
      for (const k of Object.keys(change)) if (change[k] === undefined) delete o[k];
      assert.throws(() => parseScenario(o, 'bad.json'), inputError('bad.json', field));
    }
    assert.throws(() => parseScenario([], 'bad.json'), inputError('bad.json'));
    assert.throws(() => loadScenario('/nonexistent/s.json'), inputError('/nonexistent/s.json'));
  });

  it('overrides re-validate', () => {
    const s = parseScenario(good, 'x.json');
    assert.equal(overrideScenario(s, { bandwidthMbps: 50 }).bandwidthMbps, 50);
    assert.throws(() => overrideScenario(s, { lossRate: 2 }), inputError('lossRate'));
  });

  it('every shipped scenario parses', () => {
    const dir = path.join(import.meta.dirname, '../../experiments/scenarios');
    const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
    for (const name of ['default', 'open', 'bandwidth-1', 'bandwidth-5', 'bandwidth-10', 'bandwidth-50']) assert.ok(files.includes(`${name}.json`), name);
    for (const f of files) {
      const s = loadScenario(path.join(dir, f));
      assert.equal(s.name, f.replace(/\.json$/, ''));
      assert.ok(['raspi4', 'edgegpu', 'pixel3', 'eyeriss', 'fpga'].includes(s.device));
    }
    const d = loadScenario(path.join(dir, 'default.json'));
    assert.equal(d.device, 'raspi4');
    assert.equal(d.server, 'edgegpu');
    assert.equal(d.bandwidthMbps, 10);
    assert.equal(d.sMin, 1);
    assert.equal(loadScenario(path.join(dir, 'open.json')).sMin, 0);
    for (const bw of [1, 5, 10, 50]) assert.equal(loadScenario(path.join(dir, `bandwidth-${bw}.json`)).bandwidthMbps, bw);
  });
});
