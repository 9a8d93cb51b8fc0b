/**
 * `nasc reproduce paper` stopped by SIGTERM / SIGINT mid-study: exit 143 / 130 with one line
 * (never onnxruntime's native abort, exit 134), the finished runs kept, and the same command then
 * finishes the study with runs.json byte-identical to an uninterrupted study's. Real pieces
 * (onnxruntime workers, CIFAR-10, HW-NAS-Bench), tiny supernet.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { skipUnlessData } from '../helpers/needs_data.js';
import { nasc, startNasc, tinyStore, until } from '../helpers/nasc_cli.js';

const skip = skipUnlessData('cifar10', 'hw-nas-bench');
const study = ['reproduce', 'paper', '--weights', tinyStore, '--bandwidths', '5,50', '--bounds', '40', '--seeds', '2', '--evaluations', '10', '--pop', '5', '--val-images', '30', '--test-images', '40', '--calibration-images', '16', '--workers', '2', '--strategies', 'nasc,hwnas', '--json'];

const savedRuns = (out: string): number => {
  const dir = path.join(out, 'runs');
  return existsSync(dir) ? readdirSync(dir).reduce((n, cell) => n + readdirSync(path.join(dir, cell)).filter((f) => f.endsWith('.json')).length, 0) : 0;
};

test('reproduce paper stopped by a signal mid-study: one line, exit 143 / 130, finished runs kept, the rerun gives the same runs.json', { skip, timeout: 600_000 }, async () => {
  const base = mkdtempSync(path.join(os.tmpdir(), 'nasc-reproduce-signals-'));
  const whole = path.join(base, 'whole');
  const reference = await nasc([...study, '--out', whole]);
  assert.equal(reference.status, 0, reference.stderr);
  const expected = readFileSync(path.join(whole, 'runs.json'), 'utf8');
  for (const [sig, code, afterRuns] of [['SIGTERM', 143, 1], ['SIGINT', 130, 3]] as const) {
    const out = path.join(base, sig);
    const run = startNasc([...study, '--out', out]);
    let exited = false;
    void run.done.then(() => (exited = true));
    await until(() => exited || savedRuns(out) >= afterRuns);
    assert.ok(!exited, `${sig}: the study ran to its end before the signal`);
    run.child.kill(sig);
    const r = await run.done;
    assert.doesNotMatch(r.stderr, /terminate called|Napi::Error|\n\s+at /, `${sig}: ${r.stderr}`);
    assert.equal(r.status, code, `${sig}: exit ${r.status} ${r.signal}: ${r.stderr}`);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, `${sig}: ${r.stderr}`);
    assert.match(lines[0] as string, new RegExp(`^nasc: interrupted by ${sig} after \\d+ of 8 runs; .* keeps the finished runs`));
    const kept = savedRuns(out);
    assert.ok(kept >= afterRuns && kept < 8, `${sig}: ${kept} runs kept`);
    const rest = await nasc([...study, '--out', out]);
    assert.equal(rest.status, 0, rest.stderr);
    assert.equal(readFileSync(path.join(out, 'runs.json'), 'utf8'), expected, `${sig}: runs.json differs from the uninterrupted study's`);
  }
});
