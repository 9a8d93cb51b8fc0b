/**
 * `nasc search` stopped by SIGINT / SIGTERM at random points (seeded), then resumed: every
 * interrupted run exits 130 / 143 with exactly one line (never a native abort, exit 134), leaves
 * a folder that `--resume` continues, and the resumed run's front.json is byte-identical to the
 * uninterrupted run's. Also: two searches started on one --out — one runs, the other is refused
 * naming the owner. Real pieces (onnxruntime workers, CIFAR-10, HW-NAS-Bench), tiny supernet.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { Rng } from '../../core/rng.js';
import { skipUnlessData } from '../helpers/needs_data.js';
import { nasc, startNasc, tinyStore, until, type Outcome } from '../helpers/nasc_cli.js';

const skip = skipUnlessData('cifar10', 'hw-nas-bench');
export const SIGNAL_TRIALS = 10;

/** A small search: 4 generations of 4, 2 workers (results do not depend on it), no baselines. */
const small = ['--weights', tinyStore, '--space', 'fbnet', '--scenario', 'open', '--evaluations', '16', '--pop', '4', '--val-images', '20', '--test-images', '10', '--calibration-images', '8', '--baselines', '', '--workers', '2', '--seed', '5', '--no-progress', '--json'];

const evaluationsIn = (dir: string): number => {
  try {
    return (JSON.parse(readFileSync(path.join(dir, 'checkpoint.json'), 'utf8')) as { state: { evaluations: number } }).state.evaluations;
  } catch {
    return -1; // none yet (or being renamed into place)
  }
};

test(`SIGINT / SIGTERM at random points, then --resume: one line, exit 130 / 143, the same front (${SIGNAL_TRIALS} trials)`, { skip, timeout: 1_800_000 }, async (t) => {
  const base = mkdtempSync(path.join(os.tmpdir(), 'nasc-signals-'));
  const whole = path.join(base, 'whole');
  const reference = await nasc(['search', ...small, '--out', whole]);
  assert.equal(reference.status, 0, reference.stderr);
  const expected = readFileSync(path.join(whole, 'front.json'), 'utf8');
  const rng = Rng.fromSeed(20261130);
  const tally = { interrupted: 0, finishedFirst: 0, beforeConfig: 0 };
  for (let trial = 0; trial < SIGNAL_TRIALS; trial++) {
    const sig = trial % 2 === 0 ? 'SIGINT' : 'SIGTERM';
    const out = path.join(base, `trial-${trial}`);
    // A random point: after the config is written (0) or after checkpoint k (k·4 evaluations), plus 0–400 ms.
    const after = rng.integer(0, 3);
    const extraMs = rng.integer(0, 400);
    const run = startNasc(['search', ...small, '--out', out]);
    let exited = false;
    void run.done.then(() => (exited = true));
    await until(() => exited || (after === 0 ? existsSync(path.join(out, 'config.json')) : evaluationsIn(out) >= 4 * after));
    if (!exited) {
      await new Promise((r) => setTimeout(r, extraMs));
      run.child.kill(sig);
    }
    const r: Outcome = await run.done;
    const where = `trial ${trial} (${sig} after ${after === 0 ? 'config.json' : `${4 * after} evaluations`} + ${extraMs} ms)`;
    assert.doesNotMatch(r.stderr, /terminate called|Napi::Error|\n\s+at /, `${where}: ${r.stderr}`);
    if (r.status === 0) {
      tally.finishedFirst++;
    } else {
      assert.equal(r.status, sig === 'SIGINT' ? 130 : 143, `${where}: exit ${r.status} ${r.signal}: ${r.stderr}`);
      const lines = r.stderr.trim().split('\n');
      assert.equal(lines.length, 1, `${where}: ${r.stderr}`);
      assert.match(lines[0] as string, new RegExp(`^nasc: interrupted by ${sig} after \\d+ of 16 evaluations; .* --resume `));
      assert.ok(!existsSync(path.join(out, '.nasc-lock')), `${where}: the lock was released`);
      tally.interrupted++;
      if (!existsSync(path.join(out, 'config.json'))) tally.beforeConfig++;
      const resumed = await nasc(existsSync(path.join(out, 'config.json')) ? ['search', '--resume', out, '--no-progress', '--json'] : ['search', ...small, '--out', out]);
      assert.equal(resumed.status, 0, `${where}: resume: ${resumed.stderr}`);
    }
    assert.equal(readFileSync(path.join(out, 'front.json'), 'utf8'), expected, `${where}: front.json differs from the uninterrupted run`);
  }
  t.diagnostic(`${SIGNAL_TRIALS} trials: ${tally.interrupted} interrupted and resumed (${tally.beforeConfig} before config.json), ${tally.finishedFirst} finished before the signal; all fronts byte-identical`);
  assert.ok(tally.interrupted >= SIGNAL_TRIALS / 2, 'most trials were really interrupted');
});

test('two searches on one --out: one runs, the other is refused naming the owner; nothing of the refused one is left', { skip, timeout: 600_000 }, async () => {
  const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'nasc-two-')), 'run');
  const [a, b] = await Promise.all([nasc(['search', ...small, '--out', out]), nasc(['search', ...small, '--out', out])]);
  const outcomes = [a, b] as Outcome[];
  const ok = outcomes.filter((o) => o.status === 0);
  const refused = outcomes.filter((o) => o.status === 2);
  assert.equal(ok.length, 1, outcomes.map((o) => `${o.status}: ${o.stderr}`).join(' | '));
  assert.equal(refused.length, 1);
  const line = (refused[0] as Outcome).stderr.trim();
  assert.ok(!line.includes('\n'));
  // Either it met the lock (the owner's pid named) or, if it came after the run ended, its results.
  assert.match(line, /^nasc: .*(in use by another nasc run \(pid \d+ on |holds another run's results)/);
  assert.ok(existsSync(path.join(out, 'front.json')));
  assert.ok(!readdirSync(out).includes('.nasc-lock'));
});
