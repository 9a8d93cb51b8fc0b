import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import yargs from 'yargs';
import { latencyCommand, latencyReport, formatLatency, type LatencyArgs } from '../../experiments/cli/commands/latency.js';
import { LatencyTable } from '../../problems/nasc/latency_table.js';
import { SplitLatencyModel } from '../../problems/nasc/latency_model.js';
import { DEFAULT_LINK } from '../../problems/nasc/link_model.js';
import { syntheticLut, writeTempJson, realDataDir } from '../fixtures/nasc/synthetic_lut.js';

const lut = writeTempJson('lut.json', { raw_lut: syntheticLut() });
const scenarioFile = writeTempJson('s.json', { device: 'tiny', server: 'big', bandwidthMbps: 10, latencyBoundMs: 30, sMin: 1, precision: 'int8' });
const model = SplitLatencyModel.fromTable(LatencyTable.parse({ raw_lut: syntheticLut() }, 'x'), { device: 'tiny', server: 'big', link: { ...DEFAULT_LINK, bandwidthMbps: 10 }, numClasses: 10 });
const args = (over: Partial<LatencyArgs>): LatencyArgs => ({ arch: 'k5_e6', split: '3', lut, json: true, ...over });

function inputError(...fragments: string[]): (e: unknown) => boolean {
  return (e: unknown) => {
    assert.ok(e instanceof Error && e.name === 'InputError', `InputError expected, got ${String(e)}`);
    assert.ok(!e.message.includes('\n'), 'one line');
    for (const f of fragments) assert.ok(e.message.includes(f), `"${e.message}" should name ${f}`);
    return true;
  };
}

async function run(argv: string[]): Promise<string> {
  const chunks: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((c: string | Uint8Array) => {
    chunks.push(String(c));
    return true;
  }) as typeof process.stdout.write;
  try {
    await yargs(argv).command(latencyCommand).strict().exitProcess(false).fail((m: string | null, e: Error | null) => {
      throw e ?? new Error(m ?? 'failed');
    }).parseAsync();
  } finally {
    process.stdout.write = write;
  }
  return chunks.join('');
}

describe('nasc latency', () => {
  it('matches the latency model, architecture by names or indices', () => {
    const r = latencyReport(args({ scenario: scenarioFile }));
    const b = model.breakdown(new Array(22).fill(7), 3, 'int8');
    assert.equal(r.totalMs, b.totalMs);
    assert.equal(r.payloadBytes, b.payloadBytes);
    assert.equal(r.precision, 'int8', 'the scenario’s precision');
    const byIndex = latencyReport(args({ scenario: scenarioFile, arch: new Array(22).fill('7').join(','), precision: 'fp32' }));
    assert.equal(byIndex.totalMs, model.breakdown(new Array(22).fill(7), 3, 'fp32').totalMs);
    assert.match(formatLatency(r), /total\s+[\d.]+ ms/);
  });

  it('flags override the scenario; no scenario needs device, server and bandwidth', () => {
    const slow = latencyReport(args({ scenario: scenarioFile, bandwidth: '1', loss: '0.5', rtt: '3' }));
    assert.equal(slow.link.bandwidthMbps, 1);
    assert.ok(Math.abs(slow.linkMs - (3 + (slow.payloadBytes * 8) / 1000 / 0.5)) < 1e-9);
    const bare = latencyReport(args({ device: 'big', server: 'tiny', bandwidth: '5' }));
    assert.equal(bare.device, 'big');
    assert.throws(() => latencyReport(args({ device: 'big' })), inputError('--scenario'));
  });

  it('prints the JSON breakdown', async () => {
    const out = await run(['latency', '--lut', lut, '--scenario', scenarioFile, '--arch', 'skip', '--split', '22', '--json']);
    const j = JSON.parse(out) as Record<string, number>;
    assert.deepEqual(Object.keys(j).sort(), ['deviceEnergyMj', 'deviceMs', 'linkMs', 'payloadBytes', 'serverMs', 'totalMs']);
    assert.equal(j.serverMs, 0);
    assert.equal(j.payloadBytes, 40);
    const text = await run(['latency', '--lut', lut, '--scenario', scenarioFile, '--arch', 'skip', '--split', '0']);
    assert.match(text, /server-only/);
  });

  it('every bad input is a one-line InputError', () => {
    const cases: [Partial<LatencyArgs>, string][] = [
      [{ split: '23' }, '--split'],
      [{ split: '2.5' }, '--split'],
      [{ split: 'x' }, '--split'],
      [{ arch: 'k5_e7' }, 'k5_e7'],
      [{ arch: '1,2,3' }, '3 items'],
      [{ precision: 'int4' }, '--precision'],
      [{ bandwidth: '0' }, 'bandwidthMbps'],
      [{ bandwidth: 'fast' }, '--bandwidth'],
      [{ loss: '1' }, 'lossRate'],
      [{ device: 'raspi9' }, 'raspi9'],
      [{ classes: '7' }, 'FC_Cin1504_Cout7'],
      [{ lut: '/nonexistent/lut.json' }, '/nonexistent/lut.json'],
      [{ scenario: '/nonexistent/s.json' }, '/nonexistent/s.json'],
    ];
    for (const [over, frag] of cases) assert.throws(() => latencyReport(args({ scenario: scenarioFile, ...over })), inputError(frag));
    const dataless = { ...args({ scenario: scenarioFile }) };
    delete dataless.lut;
    const saved = process.env.NASC_DATA;
    delete process.env.NASC_DATA;
    try {
      // No data directory: the shipped table is used (it has no "tiny" device); a named one must exist.
      assert.throws(() => latencyReport(dataless), inputError('tiny', 'raspi4'));
      assert.throws(() => latencyReport({ ...dataless, 'data-dir': '/nonexistent-data' }), inputError('/nonexistent-data', '--data-dir'));
    } finally {
      if (saved !== undefined) process.env.NASC_DATA = saved;
    }
  });
});

const dir = realDataDir();
describe('nasc latency (real data)', () => {
  it('all-k5_e6 split at 1 with int8 on the default scenario: 35.4 ms', () => {
    const r = latencyReport({ scenario: 'experiments/scenarios/default.json', arch: 'k5_e6', split: '1', precision: 'int8', 'data-dir': dir, json: true });
    assert.ok(Math.abs(r.totalMs - 35.44) < 0.01, String(r.totalMs));
    assert.equal(r.payloadBytes, 16392);
  });
});
