import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { runCommand } from '../../experiments/cli/commands/run.js';

const root = path.resolve(import.meta.dirname, '../..');

function nasc(args: string[], env: NodeJS.ProcessEnv = process.env) {
  return spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'experiments/cli/main.ts'), ...args], {
    cwd: root,
    encoding: 'utf8',
    env,
  });
}

const base = { algorithm: 'nsga2', seed: 4, json: true } as const;

test('run --checkpoint then --resume ends identical to the uninterrupted run', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nasc-run-'));
  const ckpt = path.join(dir, 'state.json');
  const whole = await runCommand({ ...base, problem: 'zdt2', pop: 21, generations: 30 });
  const part = await runCommand({ ...base, problem: 'zdt2', pop: 21, generations: 12, checkpoint: ckpt });
  assert.equal(part.generations, 12);
  assert.ok(existsSync(ckpt));
  const { seed: _seed, ...noSeed } = base;
  const resumed = await runCommand({ ...noSeed, generations: 30, resume: ckpt });
  assert.deepEqual(resumed.front, whole.front);
  assert.equal(resumed.evaluations, whole.evaluations);
  // A flag that would change the run is refused by name, not silently ignored.
  await assert.rejects(runCommand({ ...base, seed: 1, generations: 30, resume: ckpt }), /--seed 1 differs from the checkpoint's 4/);
  await assert.rejects(runCommand({ ...noSeed, algorithm: 'random', generations: 30, resume: ckpt }), /--algorithm random differs from the checkpoint's nsga2/);
});

test('run on ZDT1 prints the fields the checks read', () => {
  const r = nasc(['run', '--problem', 'zdt1', '--pop', '20', '--generations', '5', '--seed', '1', '--json']);
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { front: number[][]; indicators: { hv: number; igd: number }; evaluations: number; seconds: number };
  assert.equal(out.evaluations, 120);
  assert.ok(out.front.length > 0 && out.front.every((p) => p.length === 2));
  assert.ok(out.indicators.hv >= 0 && out.indicators.igd > 0 && out.seconds > 0);
});

test('bad input: one line on stderr, exit code 2, no stack trace', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nasc-bad-'));
  const garbage = path.join(dir, 'garbage.json');
  const brokenTables = path.join(dir, 'broken-tables');
  mkdirSync(path.join(brokenTables, 'nas-bench-201'), { recursive: true });
  writeFileSync(path.join(brokenTables, 'nas-bench-201', 'nb201_test_acc_200ep.json'), '{"arch_str": [');
  const cases: string[][] = [
    ['run', '--problem', 'nope', '--generations', '3'],
    ['run', '--problem', 'zdt1', '--algorithm', 'nope', '--generations', '3'],
    ['run', '--problem', 'zdt1', '--generations', '-1'],
    ['run', '--problem', 'zdt1', '--pop', '0', '--generations', '3'],
    ['run', '--problem', 'zdt1', '--pop', 'many', '--generations', '3'],
    ['run', '--problem', 'zdt1'],
    ['run', '--problem', 'zdt1', '--generations', '3', '--unknown-flag'],
    ['run', '--problem', 'zdt1', '--generations', '3', '--resume', path.join(dir, 'missing.json')],
    ['run', '--problem', 'nb201', '--evaluations', '10', '--data-dir', path.join(dir, 'no-such-dir')],
    // The data directory's copy of a table wins over the shipped one, so a broken copy is refused (an empty directory falls back to the shipped tables).
    ['run', '--problem', 'nb201', '--evaluations', '10', '--data-dir', brokenTables],
    ['no-such-command'],
  ];
  for (const args of cases) {
    const r = nasc(args);
    assert.equal(r.status, 2, `${args.join(' ')} → ${r.status}: ${r.stderr}`);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, `${args.join(' ')} printed: ${r.stderr}`);
    assert.match(lines[0] as string, /^nasc: /);
    assert.doesNotMatch(r.stderr, /\bat .*\.(ts|js):\d+/);
  }
  // A corrupt checkpoint is refused the same way.
  const fs = spawnSync('sh', ['-c', `printf '{"format":"nasc-check' > ${garbage}`]);
  assert.equal(fs.status, 0);
  const r = nasc(['run', '--generations', '3', '--resume', garbage]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /not valid JSON/);
  assert.equal(readFileSync(garbage, 'utf8'), '{"format":"nasc-check');
});
