/**
 * The catalogue of bad inputs, by class (issue 11): every case must end with exactly one line
 * `nasc: …` on stderr that names its own fault (a substring distinctive of the case, so one
 * unrelated early rejection cannot pass them all), exit code 2, nothing on stdout, no stack
 * trace, and no output folder or file left behind.
 *
 * The cases run `main()` in long-lived runner processes (test/helpers/case_runner.ts: Node +
 * tsx start-up is ≈ 2.7 s of CPU, paid once per runner, not per case); a sample of them also
 * runs as real `nasc` processes below, where the exit status and the whole stderr are the
 * operating system's. Times per case are printed (figures, not assertions); a case that does
 * not answer within HANG_MS counts as hung and fails.
 */
import assert from 'node:assert/strict';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { before, test } from 'node:test';
import fc from 'fast-check';
import { parsePluginSpec } from '../../core/registry.js';
import { algorithms } from '../../experiments/plugins.js';
import { readSearchResults } from '../../experiments/report/results_reader.js';
import { runCases, type CaseResult } from '../helpers/case_pool.js';
import { fcSeed } from '../helpers/fc_seed.js';
import { mutate, mutation, type Json } from '../helpers/json_mutation.js';
import { nasc, pool, root, tinyStore as tiny } from '../helpers/nasc_cli.js';
import { dataDir, skipUnlessData } from '../helpers/needs_data.js';

const skip = skipUnlessData('cifar10', 'hw-nas-bench');
const HANG_MS = 120_000;
/** No case may download anything: the archive's URL is a closed local port. */
const OFFLINE = { NASC_CIFAR10_URL: 'http://127.0.0.1:9/cifar-10-binary.tar.gz' };

/** The classes of issue 11, plus the earlier catalogue of bad files and tables. */
type CaseClass = 'resume' | 'output' | 'leaves-nothing' | 'numbers' | 'signals' | 'report-run' | 'files';

interface Case {
  readonly cls: CaseClass;
  readonly name: string;
  readonly args: readonly string[];
  /** Substrings the one line must contain (the case's own fault). */
  readonly expect: readonly (string | RegExp)[];
  /** Paths that must not exist (or be empty folders) afterwards. */
  readonly absent?: readonly string[];
  readonly env?: Readonly<Record<string, string | null>>;
  /** Folders whose listing must be unchanged (e.g. a run refused on a resume keeps its files). */
  readonly unchanged?: readonly string[];
}

let tmp = '';
let data = '';
let A = ''; // a real finished search folder (tiny store, seed 3)
const cases: Case[] = [];

const write = (name: string, content: string): string => {
  const f = path.join(tmp, name);
  mkdirSync(path.dirname(f), { recursive: true });
  writeFileSync(f, content);
  return f;
};
const json = (f: string): Record<string, unknown> => JSON.parse(readFileSync(f, 'utf8')) as Record<string, unknown>;

/** A copy of the finished folder A with `edit` applied to one of its JSON files. */
function copyOfA(name: string, edits: Record<string, ((o: Record<string, unknown>) => unknown) | string> = {}): string {
  const dir = path.join(tmp, 'folders', name);
  cpSync(A, dir, { recursive: true });
  for (const [file, edit] of Object.entries(edits)) {
    const f = path.join(dir, file);
    if (typeof edit === 'string') writeFileSync(f, edit);
    else writeFileSync(f, JSON.stringify(edit(json(f))));
  }
  return dir;
}

/** A results folder that was interrupted: A's config and checkpoint, no results yet. */
function interruptedCopyOfA(name: string, edits: Parameters<typeof copyOfA>[1] = {}): string {
  const dir = copyOfA(name, edits);
  for (const f of readdirSync(dir)) if (!['config.json', 'checkpoint.json', 'accuracy-val.json'].includes(f)) rmFile(path.join(dir, f));
  return dir;
}

function rmFile(f: string): void {
  rmSync(f, { force: true });
}

/** A folder's files (a stale lock taken over and released is not a change). */
function listing(dir: string): string {
  return existsSync(dir) ? readdirSync(dir).filter((f) => !f.startsWith('.nasc-lock')).sort().join(',') : '<none>';
}

before(async () => {
  if (skip !== false) return;
  tmp = mkdtempSync(path.join(os.tmpdir(), 'nasc-bad-'));
  data = dataDir('cifar10', 'hw-nas-bench') as string;
  A = path.join(tmp, 'A');
  // One real tiny search: the resume cases damage copies of it.
  const [made] = await runCases(
    [{ args: ['search', '--weights', tiny, '--space', 'fbnet', '--scenario', 'open', '--evaluations', '8', '--pop', '4', '--val-images', '20', '--test-images', '10', '--calibration-images', '8', '--baselines', '', '--workers', '1', '--seed', '3', '--out', A, '--no-progress', '--json'] }],
    1,
    600_000,
  );
  assert.equal(made?.code, 0, `setup search: ${made?.stderr} ${made?.thrown ?? ''}`);
  buildCases();
});

function buildCases(): void {
  const out = (name: string) => path.join(tmp, 'out', name);
  // The tiny store has no trained bottlenecks: the FBNet space, except where a case names a space.
  const small = ['--weights', tiny, '--space', 'fbnet', '--evaluations', '8', '--pop', '4', '--val-images', '10', '--test-images', '10', '--calibration-images', '8', '--baselines', '', '--workers', '1', '--no-progress'];
  const smallAnySpace = small.filter((_, i) => small[i] !== '--space' && small[i - 1] !== '--space');
  const s = (cls: CaseClass, name: string, expect: Case['expect'], ...args: string[]): Case => ({ cls, name, args: ['search', ...(args.includes('--space') || name.startsWith('scenario-extended') ? smallAnySpace : small), '--out', out(name), ...args], expect, absent: [out(name)] });
  const scenario = json(path.join(root, 'experiments/scenarios/default.json'));
  const scenarioWith = (name: string, change: Record<string, unknown>) => write(`scenarios/${name}.json`, JSON.stringify({ ...scenario, ...change }));
  const add = (...c: Case[]) => cases.push(...c);

  // ---- 1. resume: a checkpoint must belong to the config; flags must not change the run; files schema-checked
  const ckptOfA = path.join(A, 'checkpoint.json');
  // Each flag case resumes its own copy of A: parallel runners resuming one folder would meet its lock.
  const resumeCase = (name: string, expect: Case['expect'], dir: string, ...flags: string[]): Case => ({ cls: 'resume', name, args: ['search', '--resume', dir, '--no-progress', ...flags], expect, unchanged: [dir] });
  const cfg = (name: string, change: (c: Record<string, unknown>) => unknown) => interruptedCopyOfA(name, { 'config.json': change });
  const ck = (name: string, change: (c: Record<string, unknown>) => unknown) => interruptedCopyOfA(name, { 'checkpoint.json': change });
  const mutateState = (f: (state: Record<string, unknown>) => void) => (c: Record<string, unknown>) => {
    f(c.state as Record<string, unknown>);
    return c;
  };
  add(
    resumeCase('checkpoint-of-another-seed', ['belongs to another run', 'seed 3 (config: 4)'], cfg('other-seed', (c) => ({ ...c, seed: 4 }))),
    resumeCase('checkpoint-of-another-strategy', ['belongs to another run', 'strategy nasc(surrogate=true) (config: random)'], cfg('other-strategy', (c) => ({ ...c, strategy: 'random' }))),
    resumeCase('checkpoint-of-another-population', ['population size 4 (config: 5)'], cfg('other-pop', (c) => ({ ...c, populationSize: 5 }))),
    resumeCase('checkpoint-of-another-scenario', ['belongs to another run', 'scenario differs'], cfg('other-scenario', (c) => ({ ...c, scenario: { ...(c.scenario as object), latencyBoundMs: 31 } }))),
    resumeCase('checkpoint-of-other-val-images', ['validation images 20 (config: 30)'], cfg('other-val', (c) => ({ ...c, valImages: 30, ...(c.racing === undefined ? {} : { racing: { ...c.racing, frontImages: 30 } }) }))),
    resumeCase('checkpoint-of-other-bn', ['BN mode recalibrate (config: running)'], cfg('other-bn', (c) => ({ ...c, bn: 'running' }))),
    resumeCase('checkpoint-of-other-split-repair', ['split repair best (config: none)'], cfg('other-repair', (c) => ({ ...c, splitRepair: 'none' }))),
    resumeCase('checkpoint-of-other-calibration', ['calibration images 8 (config: 9)'], cfg('other-cal', (c) => ({ ...c, calibrationImages: 9 }))),
    resumeCase('weights-changed-since-start', ['changed since the run started'], cfg('other-sha', (c) => ({ ...c, weights: { ...(c.weights as object), sha256: 'b'.repeat(64) } }))),
    resumeCase('latency-table-changed-since-start', ['latency table', 'changed since the run started'], cfg('other-lut-sha', (c) => ({ ...c, tables: (c.tables as { file: string }[]).map((t) => ({ ...t, sha256: 'c'.repeat(64) })) }))),
    resumeCase('latency-table-no-longer-used', ['latency table /nowhere/lut.json of the run is no longer used'], cfg('other-lut-file', (c) => ({ ...c, tables: [{ file: '/nowhere/lut.json', sha256: 'd'.repeat(64) }] }))),
    resumeCase('flag-seed', ['--seed 99 (the run has 3)'], copyOfA('flag-seed'), '--seed', '99'),
    resumeCase('flag-strategy-and-seed', ['--strategy random (the run has nasc(surrogate=true))', '--seed 99'], copyOfA('flag-strategy-and-seed'), '--seed', '99', '--strategy', 'random'),
    resumeCase('flag-scenario', ['--scenario default (the run has open)'], copyOfA('flag-scenario'), '--scenario', 'default'),
    resumeCase('flag-pop', ['--pop 7 (the run has 4)'], copyOfA('flag-pop'), '--pop', '7'),
    resumeCase('flag-val-images', ['--val-images 30 (the run has 20)'], copyOfA('flag-val-images'), '--val-images', '30'),
    resumeCase('flag-test-images', ['--test-images 30 (the run has 10)'], copyOfA('flag-test-images'), '--test-images', '30'),
    resumeCase('flag-bandwidth', ['--bandwidth 5 (the run has'], copyOfA('flag-bandwidth'), '--bandwidth', '5'),
    resumeCase('flag-bound', ['--bound 99 (the run has'], copyOfA('flag-bound'), '--bound', '99'),
    resumeCase('flag-weights', ['--weights', '(the run has'], copyOfA('flag-weights'), '--weights', path.join(root, 'experiments/supernet/store/fbnet-cifar10.json')),
    resumeCase('flag-bn', ['--bn running (the run has recalibrate)'], copyOfA('flag-bn'), '--bn', 'running'),
    resumeCase('flag-out-elsewhere', ['--out', 'would change the run'], copyOfA('flag-out-elsewhere'), '--out', out('elsewhere')),
    resumeCase('flag-baselines', ['--baselines hwnas (the run has none)'], copyOfA('flag-baselines'), '--baselines', 'hwnas'),
    resumeCase('flag-split-repair', ['--split-repair none (the run has best)'], copyOfA('flag-split-repair'), '--split-repair', 'none'),
    resumeCase('flag-device', ['--device pixel3 (the run has raspi4)'], copyOfA('flag-device'), '--device', 'pixel3'),
    resumeCase('config-seed-not-a-number', ['config.json: seed = "abc"'], cfg('seed-abc', (c) => ({ ...c, seed: 'abc' }))),
    resumeCase('config-population-zero', ['config.json: populationSize = 0'], cfg('pop-0', (c) => ({ ...c, populationSize: 0 }))),
    resumeCase('config-evaluations-text', ['config.json: evaluations = "lots"'], cfg('evals-lots', (c) => ({ ...c, evaluations: 'lots' }))),
    resumeCase('config-seed-negative', ['config.json: seed = -1'], cfg('seed-neg', (c) => ({ ...c, seed: -1 }))),
    resumeCase('config-missing-scenario', ['config.json: scenario is missing'], cfg('no-scenario', (c) => ({ ...c, scenario: undefined }))),
    resumeCase('config-unknown-strategy', ['config.json: strategy', "unknown algorithm 'bogus'"], cfg('bogus-strategy', (c) => ({ ...c, strategy: 'bogus' }))),
    resumeCase('config-old-version', ['version 1', 'rerun the search'], cfg('v1', (c) => ({ ...c, version: 1 }))),
    resumeCase('config-unknown-field', ['config.json: unknown field "colour"'], cfg('extra-field', (c) => ({ ...c, colour: 'red' }))),
    resumeCase('config-bad-sha-format', ['weights: sha256', 'sha256'], cfg('sha-format', (c) => ({ ...c, weights: { ...(c.weights as object), sha256: 'xyz' } }))),
    resumeCase('config-scenario-negative-bandwidth', ['config.json: scenario', 'bandwidthMbps = -1'], cfg('neg-bw', (c) => ({ ...c, scenario: { ...(c.scenario as object), bandwidthMbps: -1 } }))),
    resumeCase('config-baselines-not-object', ['config.json: baselines = "none"'], cfg('baselines-str', (c) => ({ ...c, baselines: 'none' }))),
    resumeCase('config-null', ['config.json: must be a JSON object, got null'], interruptedCopyOfA('cfg-null', { 'config.json': 'null' })),
    resumeCase('config-not-json', ['config.json is not valid JSON'], interruptedCopyOfA('cfg-garbage', { 'config.json': '{"format":"nasc-sea' })),
    resumeCase('checkpoint-missing-state', ['checkpoint.json: state is missing'], ck('no-state', (c) => ({ ...c, state: undefined }))),
    resumeCase('checkpoint-gene-out-of-range', ['population[0]', 'outside its'], ck('bad-gene', mutateState((st) => ((st.population as { genome: number[] }[])[0]!.genome[2] = 40)))),
    resumeCase('checkpoint-rng-zero', ['state: rng', 'not all zero'], ck('rng-zero', mutateState((st) => (st.rng = [0, 0, 0, 0])))),
    resumeCase('checkpoint-population-not-array', ['state: population = "many"'], ck('pop-str', mutateState((st) => (st.population = 'many')))),
    resumeCase('checkpoint-archive-truncated', ['archive holds 3 individuals but state.evaluations is 8'], ck('short-archive', (c) => ({ ...c, archive: (c.archive as unknown[]).slice(0, 3) }))),
    resumeCase('checkpoint-history-bad-hv', ['history[0]: hv = "big"'], ck('bad-hv', (c) => ({ ...c, history: (c.history as Record<string, unknown>[]).map((h) => ({ ...h, hv: 'big' })) }))),
    resumeCase('checkpoint-negative-elapsed', ['checkpoint.json: elapsedMs = -5'], ck('neg-elapsed', (c) => ({ ...c, elapsedMs: -5 }))),
    resumeCase('checkpoint-old-format', ['older nasc (format 2'], ck('old-format', (c) => ({ ...c, version: 2 }))),
    resumeCase('checkpoint-not-json', ['checkpoint.json is not valid JSON'], interruptedCopyOfA('ckpt-garbage', { 'checkpoint.json': '{"format": "nasc-search-chec' })),
    resumeCase('checkpoint-identity-tampered-seed', ['belongs to another run', 'seed 9 (config: 3)'], ck('id-seed', (c) => ({ ...c, identity: { ...(c.identity as object), seed: 9 } }))),
    resumeCase('checkpoint-wrong-algorithm-state', ['does not fit strategy'], ck('alg-state', mutateState((st) => (st.algorithm = 'sms-emoa')))),
    resumeCase('not-a-search-folder', ['no config.json there'], (() => {
      const d = path.join(tmp, 'folders', 'empty');
      mkdirSync(d, { recursive: true });
      return d;
    })()),
    { cls: 'resume', name: 'resume-missing-folder', args: ['search', '--resume', path.join(tmp, 'nope')], expect: ['--resume', 'does not exist'] },
    { cls: 'resume', name: 'resume-a-file', args: ['search', '--resume', ckptOfA], expect: ['--resume', 'is a file, not a folder'] },
  );
  // `nasc run` checkpoints
  const runCkpt = path.join(tmp, 'run', 'state.json');
  mkdirSync(path.dirname(runCkpt), { recursive: true });
  const runCase = (name: string, expect: Case['expect'], ...args: string[]): Case => ({ cls: 'resume', name, args: ['run', ...args], expect });
  add(
    runCase('run-resume-conflicting-seed', ['--seed 9 differs from the checkpoint'], '--resume', runCkpt, '--generations', '4', '--seed', '9'),
    runCase('run-resume-conflicting-algorithm', ['--algorithm random differs'], '--resume', runCkpt, '--generations', '4', '--algorithm', 'random'),
    runCase('run-resume-config-seed-text', [': config: seed = "x"'], '--resume', path.join(tmp, 'run', 'seed-x.json'), '--generations', '4'),
    runCase('run-resume-state-garbage', [': state: population = 7'], '--resume', path.join(tmp, 'run', 'bad-state.json'), '--generations', '4'),
    runCase('run-resume-unknown-problem', [': config: problem = "zdt9"'], '--resume', path.join(tmp, 'run', 'zdt9.json'), '--generations', '4'),
    runCase('run-resume-evaluated-wrong-length', ['driver: evaluated[0]', 'genome'], '--resume', path.join(tmp, 'run', 'short-genome.json'), '--generations', '4'),
  );

  // ---- 2. output targets, checked before any work
  const file = write('plain-file', 'x');
  const full = path.join(tmp, 'full');
  mkdirSync(full);
  writeFileSync(path.join(full, 'keep.txt'), 'x');
  const locked = path.join(tmp, 'locked');
  mkdirSync(locked);
  writeFileSync(path.join(locked, '.nasc-lock'), JSON.stringify({ pid: process.pid, host: os.hostname(), started: null, command: 'nasc search', since: 'now' }));
  const remote = path.join(tmp, 'remote');
  mkdirSync(remote);
  writeFileSync(path.join(remote, '.nasc-lock'), JSON.stringify({ pid: 4242, host: 'elsewhere.example', started: null, command: 'nasc search', since: 'then' }));
  symlinkSync('/proc', path.join(tmp, 'to-proc'));
  const o = (name: string, expect: Case['expect'], target: string, extra: Partial<Case> = {}): Case => ({ cls: 'output', name, args: ['search', ...small, '--out', target], expect, ...extra });
  add(
    o('out-is-a-file', ['--out', 'is a file, not a folder'], file),
    o('out-dev-null', ['--out /dev/null is a system path'], '/dev/null'),
    o('out-proc', ['--out /proc/nasc-x is a system path'], '/proc/nasc-x'),
    o('out-sys', ['--out /sys/nasc-x is a system path'], '/sys/nasc-x'),
    o('out-dev-shm', ['--out /dev/shm/nasc-x is a system path'], '/dev/shm/nasc-x'),
    o('out-symlink-into-proc', ['to-proc/x (it leads to /proc/x) is a system path'], path.join(tmp, 'to-proc', 'x')),
    o('out-under-a-file', ['cannot be created', 'is a file, not a folder'], path.join(file, 'sub')),
    o('out-another-run', ["holds another run's results", '--resume'], A, { unchanged: [A] }),
    o('out-not-empty', ['exists and is not empty'], full, { unchanged: [full] }),
    o('out-locked-by-live-run', ['in use by another nasc run', `pid ${process.pid}`], locked, { unchanged: [locked] }),
    o('out-locked-on-other-host', ['locked by a nasc run on host elsewhere.example'], remote, { unchanged: [remote] }),
    { cls: 'output', name: 'profile-out-folder', args: ['profile', '--out', tmp, '--weights', tiny], expect: ['--out', 'is a folder, not a file'] },
    { cls: 'output', name: 'profile-out-dev-null', args: ['profile', '--out', '/dev/null', '--weights', tiny], expect: ['--out /dev/null is a system path'] },
    { cls: 'output', name: 'profile-out-under-file', args: ['profile', '--out', path.join(file, 'p.json'), '--weights', tiny], expect: ['cannot be created', 'plain-file is a file'] },
    { cls: 'output', name: 'profile-out-proc', args: ['profile', '--out', '/proc/p.json', '--weights', tiny], expect: ['--out /proc/p.json is a system path'] },
    { cls: 'output', name: 'run-checkpoint-folder', args: ['run', '--problem', 'zdt1', '--generations', '2', '--checkpoint', tmp], expect: ['--checkpoint', 'is a folder, not a file'] },
    { cls: 'output', name: 'run-checkpoint-dev-null', args: ['run', '--problem', 'zdt1', '--generations', '2', '--checkpoint', '/dev/null'], expect: ['--checkpoint /dev/null is a system path'] },
    { cls: 'output', name: 'run-checkpoint-under-file', args: ['run', '--problem', 'zdt1', '--generations', '2', '--checkpoint', path.join(file, 'c.json')], expect: ['--checkpoint', 'cannot be created'] },
    { cls: 'output', name: 'data-fetch-proc', args: ['data', 'fetch', 'cifar10', '--data-dir', '/proc/nasc-data'], expect: ['--data-dir /proc/nasc-data is a system path'] },
    { cls: 'output', name: 'data-fetch-into-file', args: ['data', 'fetch', 'cifar10', '--data-dir', file], expect: ['--data-dir', 'is a file, not a folder'] },
    { cls: 'output', name: 'data-fetch-env-proc', args: ['data', 'fetch', 'cifar10'], env: { NASC_DATA: '/proc/nasc-env' }, expect: ['NASC_DATA /proc/nasc-env is a system path'] },
    { cls: 'output', name: 'report-missing-folder', args: ['report', path.join(tmp, 'nope')], expect: ['report', 'does not exist'] },
    { cls: 'output', name: 'report-a-file', args: ['report', file], expect: ['report', 'is a file, not a folder'] },
    { cls: 'output', name: 'report-proc', args: ['report', '/proc/self'], expect: ['report /proc/self is a system path'] },
    { cls: 'output', name: 'resume-proc', args: ['search', '--resume', '/proc/self'], expect: ['--resume /proc/self is a system path'] },
  );

  // ---- 3. found late, but nothing left: each of these used to leave config.json behind
  const storeCopy = (name: string, edit?: (m: Record<string, unknown>) => Record<string, unknown>): string => {
    const dir = path.join(tmp, 'stores', name);
    mkdirSync(dir, { recursive: true });
    copyFileSync(tiny, path.join(dir, 'tiny.json'));
    copyFileSync(tiny.replace(/\.json$/, '.bin'), path.join(dir, 'tiny.bin'));
    if (edit !== undefined) writeFileSync(path.join(dir, 'tiny.json'), JSON.stringify(edit(json(path.join(dir, 'tiny.json')))));
    return path.join(dir, 'tiny.json');
  };
  add(
    s('leaves-nothing', 'third-objective-without-energy', ['thirdObjective energy needs raspi4_energy'], '--scenario', scenarioWith('energy-on-raspi4', { thirdObjective: 'energy' })),
    s('leaves-nothing', 'impossible-validation-split', ['validation split needs 6000 images'], '--weights', storeCopy('split-6000', (m) => ({ ...m, split: { seed: 0, validationPerClass: 6000 } }))),
    s('leaves-nothing', 'val-images-beyond-the-split', ['--val-images 999999 exceeds the 5000 validation images'], '--val-images', '999999'),
    s('leaves-nothing', 'calibration-beyond-the-data', ['--calibration-images 999999 exceeds the 45000 training images'], '--calibration-images', '999999'),
    s('leaves-nothing', 'test-images-beyond-the-data', ['asked for 20000 images', 'test.bin hold only 10000'], '--test-images', '20000'),
    s('leaves-nothing', 'scenario-100-classes', ['numClasses 100'], '--scenario', scenarioWith('classes-100', { numClasses: 100 })),
    s('leaves-nothing', 'baseline-with-bad-parameter', ['algorithm hwnas has no parameter "bogus"'], '--baselines', 'hwnas(bogus=1)'),
    s('leaves-nothing', 'unknown-device-in-scenario', ['toaster'], '--scenario', scenarioWith('toaster', { device: 'toaster' })),
    s('leaves-nothing', 'link-too-slow-for-a-double', ['not a finite number of ms', 'bandwidth 1e-320'], '--scenario', scenarioWith('slow', { bandwidthMbps: 1e-320 })),
    {
      ...s('leaves-nothing', 'nested-out-under-new-folders', ['--val-images 999999 exceeds'], '--val-images', '999999'),
      args: ['search', ...small, '--out', path.join(tmp, 'deep', 'a', 'b'), '--val-images', '999999'],
      absent: [path.join(tmp, 'deep')],
    },
    {
      cls: 'leaves-nothing',
      name: 'default-folder-under-results',
      args: ['search', ...small, '--scenario', scenarioWith('traversal', { name: 'x/../../../y' }), '--val-images', '999999'],
      expect: ['--val-images 999999 exceeds'],
      absent: [path.join(root, 'results', 'search-x-y-seed1'), path.resolve(root, '..', 'y-seed1')],
    },
  );

  // ---- 4. numbers checked before work
  add(
    s('numbers', 'seed-beyond-uint32', ['--seed must be an integer in 0..4294967295, got 10000000000000'], '--seed', '10000000000000'),
    s('numbers', 'seed-negative', ['--seed must be an integer in 0..4294967295, got -3'], '--seed', '-3'),
    s('numbers', 'seed-fraction', ['--seed must be an integer in 0..4294967295, got 1.5'], '--seed', '1.5'),
    s('numbers', 'workers-1000', ['--workers must be an integer in 1..', 'got 1000'], '--workers', '1000'),
    s('numbers', 'workers-zero', ['--workers must be an integer in 1..', 'got 0'], '--workers', '0'),
    s('numbers', 'pop-zero', ['--pop must be an integer in 1..100000, got 0'], '--pop', '0'),
    s('numbers', 'pop-huge', ['--pop must be an integer in 1..100000, got 1000000000'], '--pop', '1000000000'),
    s('numbers', 'evaluations-text', ['--evaluations must be an integer in 1..100000000'], '--evaluations', 'lots'),
    s('numbers', 'evaluations-huge', ['--evaluations must be an integer in 1..100000000, got 1000000000000'], '--evaluations', '1000000000000'),
    { ...s('numbers', 'generations-overflow', ['--generations 100000000000 gives'], '--generations', '100000000000'), args: ['search', '--weights', tiny, '--space', 'fbnet', '--generations', '100000000000', '--out', out('generations-overflow')] },
    s('numbers', 'val-images-zero', ['--val-images must be a positive integer, got 0'], '--val-images', '0'),
    s('numbers', 'calibration-images-negative', ['--calibration-images must be a positive integer, got -8'], '--calibration-images', '-8'),
    s('numbers', 'baseline-evaluations-zero', ['--baseline-evaluations must be an integer in 1..'], '--baseline-evaluations', '0'),
    s('numbers', 'bandwidth-tiny-flag', ['not a finite number of ms', 'bandwidth 1e-320'], '--bandwidth', '1e-320'),
    s('numbers', 'bandwidth-zero', ['--bandwidth must be a positive number, got 0'], '--bandwidth', '0'),
    s('numbers', 'loss-one', ['lossRate = 1, must be a number in [0, 1)'], '--loss', '1'),
    s('numbers', 'loss-too-large', ['lossRate = 1.5, must be a number in [0, 1)'], '--loss', '1.5'),
    s('numbers', 'bound-negative', ['--bound must be a positive number, got -5'], '--bound', '-5'),
    s('numbers', 'rtt-negative', ['--rtt must be a non-negative number, got -1'], '--rtt', '-1'),
    s('numbers', 's-min-23', ['sMin = 23, must be an integer in 0..22'], '--s-min', '23'),
    s('numbers', 'scenario-zero-classes', ['numClasses = 0, must be an integer >= 1'], '--scenario', scenarioWith('classes-0', { numClasses: 0 })),
    s('numbers', 'scenario-zero-packet', ['packetBytes = 0, must be an integer >= 1'], '--scenario', scenarioWith('packet-0', { packetBytes: 0 })),
    s('numbers', 'scenario-bound-text', ['latencyBoundMs = "fast"'], '--scenario', scenarioWith('bound-text', { latencyBoundMs: 'fast' })),
    s('numbers', 'scenario-smin-30', ['sMin = 30'], '--scenario', scenarioWith('smin', { sMin: 30 })),
    s('numbers', 'scenario-loss-one', ['lossRate = 1'], '--scenario', scenarioWith('loss1', { lossRate: 1 })),
    s('numbers', 'scenario-negative-bandwidth', ['bandwidthMbps = -1, must be a number > 0'], '--scenario', scenarioWith('neg-bw', { bandwidthMbps: -1 })),
    { cls: 'numbers', name: 'accuracy-images-negative', args: ['accuracy', '--arch', 'k3_e1', '--split', '3', '--images', '-4', '--weights', tiny], expect: ['--images must be a positive integer, got -4'] },
    { cls: 'numbers', name: 'accuracy-images-beyond-data', args: ['accuracy', '--arch', 'k3_e1', '--images', '999999', '--weights', tiny, '--bn', 'running'], expect: ['asked for 999999 images', 'hold only 10000'] },
    { cls: 'numbers', name: 'accuracy-workers-1000', args: ['accuracy', '--arch', 'k3_e1', '--workers', '1000', '--weights', tiny], expect: ['--workers must be an integer in 1..', 'got 1000'] },
    { cls: 'numbers', name: 'accuracy-split-23', args: ['accuracy', '--arch', 'k3_e1', '--split', '23', '--weights', tiny, '--bn', 'running', '--images', '10'], expect: ['split point must be an integer in 0..22, got 23'] },
    { cls: 'numbers', name: 'accuracy-calibration-beyond-data', args: ['accuracy', '--arch', 'k3_e1', '--images', '10', '--calibration-images', '999999', '--weights', tiny], expect: ['--calibration-images 999999 exceeds the 45000'] },
    { cls: 'numbers', name: 'run-seed-beyond-uint32', args: ['run', '--problem', 'zdt1', '--generations', '2', '--seed', '10000000000000'], expect: ['--seed must be an integer in 0..4294967295'] },
    { cls: 'numbers', name: 'run-pop-zero', args: ['run', '--problem', 'zdt1', '--generations', '2', '--pop', '0'], expect: ['--pop must be an integer in 1..100000, got 0'] },
    { cls: 'numbers', name: 'run-variables-huge', args: ['run', '--problem', 'zdt1', '--generations', '2', '--variables', '100000000'], expect: ['--variables must be an integer in 1..10000'] },
    { cls: 'numbers', name: 'run-evaluations-huge', args: ['run', '--problem', 'zdt1', '--evaluations', '1000000000000'], expect: ['--evaluations must be an integer in 1..100000000'] },
    { cls: 'numbers', name: 'run-generations-negative', args: ['run', '--problem', 'zdt1', '--generations', '-1'], expect: ['--generations must be a non-negative integer, got -1'] },
    { cls: 'numbers', name: 'latency-bandwidth-1e-320', args: ['latency', '--scenario', 'default', '--arch', 'k3_e1', '--split', '1', '--bandwidth', '1e-320'], expect: ['not a finite number of ms', 'bandwidth 1e-320'] },
    { cls: 'numbers', name: 'latency-split-23', args: ['latency', '--scenario', 'default', '--arch', 'k3_e1', '--split', '23'], expect: ['--split must be an integer in 0..22, got 23'] },
    { cls: 'numbers', name: 'profile-runs-zero', args: ['profile', '--runs', '0', '--weights', tiny], expect: ['--runs must be a positive integer, got 0'] },
    { cls: 'numbers', name: 'data-fetch-size-zero', args: ['data', 'fetch', 'cifar10', '--size', '0', '--data-dir', path.join(tmp, 'fetch-here')], expect: ['--size must be a positive integer, got 0'], absent: [path.join(tmp, 'fetch-here')] },
  );

  // ---- the extended space: bottleneck widths, payloads and splits that do not exist
  add(
    { cls: 'numbers', name: 'latency-bottleneck-not-a-width', args: ['latency', '--scenario', 'default', '--arch', 'k3_e1', '--split', '9', '--bottleneck', '7', '--precision', 'int8'], expect: ['bottleneck width 7 at split 9', 'not one of 16, 8, 4, 2'] },
    { cls: 'numbers', name: 'latency-bottleneck-fp32', args: ['latency', '--scenario', 'default', '--arch', 'k3_e1', '--split', '9', '--bottleneck', '8'], expect: ['--bottleneck sends an int8 payload'] },
    { cls: 'numbers', name: 'latency-bottleneck-split-22', args: ['latency', '--scenario', 'default', '--arch', 'k3_e1', '--split', '22', '--bottleneck', '8', '--precision', 'int8'], expect: ['a bottleneck needs a split in 1..21, got 22'] },
    { cls: 'files', name: 'accuracy-bottleneck-untrained', args: ['accuracy', '--arch', 'k3_e1', '--split', '6', '--bottleneck', '2', '--precision', 'int8', '--images', '10', '--weights', tiny], expect: ['no learned bottleneck of width 2 at split 6'] },
    { cls: 'numbers', name: 'accuracy-bottleneck-fp32', args: ['accuracy', '--arch', 'k3_e1', '--split', '6', '--bottleneck', '3', '--images', '10', '--weights', tiny], expect: ['--bottleneck sends an int8 payload'] },
    { cls: 'numbers', name: 'accuracy-bottleneck-negative', args: ['accuracy', '--arch', 'k3_e1', '--split', '6', '--bottleneck', '-3', '--precision', 'int8', '--weights', tiny], expect: ['--bottleneck must be a non-negative integer, got -3'] },
    s('leaves-nothing', 'scenario-bad-space', ['space = "huge"', 'fbnet, extended'], '--scenario', scenarioWith('bad-space', { space: 'huge' })),
    s('leaves-nothing', 'scenario-extended-no-bottlenecks', ['the extended space needs weights with trained bottlenecks'], '--scenario', scenarioWith('extended', { space: 'extended' })),
    s('leaves-nothing', 'flag-space-extended-no-bottlenecks', ['the extended space needs weights with trained bottlenecks'], '--space', 'extended'),
    s('numbers', 'flag-bad-space', ['space = "wide"'], '--space', 'wide'),
  );

  // ---- 5. interrupted runs: what a killed or stopped run leaves must resume or be refused cleanly
  const killed = interruptedCopyOfA('killed');
  writeFileSync(path.join(killed, '.nasc-lock'), JSON.stringify({ pid: 2 ** 22 + 4321, host: os.hostname(), started: null, command: 'nasc search', since: 'then' }));
  const stopping = interruptedCopyOfA('stopping');
  writeFileSync(path.join(stopping, '.nasc-lock'), JSON.stringify({ pid: process.pid, host: os.hostname(), started: null, command: 'nasc search', since: 'now' }));
  const beforeFirst = interruptedCopyOfA('before-first-checkpoint');
  rmFile(path.join(beforeFirst, 'checkpoint.json'));
  const midWrite = interruptedCopyOfA('mid-write', { 'checkpoint.json': '{"format":"nasc-search-checkpoint","version":3,"ident' });
  writeFileSync(path.join(midWrite, '.checkpoint.json.999.tmp'), '{"format"');
  add(
    { cls: 'signals', name: 'killed-run-stale-lock-and-a-conflicting-flag', args: ['search', '--resume', killed, '--seed', '8'], expect: ['--seed 8 (the run has 3)'], unchanged: [killed] },
    { cls: 'signals', name: 'run-still-stopping-holds-the-lock', args: ['search', '--resume', stopping], expect: ['in use by another nasc run', `pid ${process.pid}`], unchanged: [stopping] },
    { cls: 'signals', name: 'stopped-before-first-checkpoint-conflicting-strategy', args: ['search', '--resume', beforeFirst, '--strategy', 'random'], expect: ['--strategy random (the run has nasc(surrogate=true))'], unchanged: [beforeFirst] },
    { cls: 'signals', name: 'killed-mid-write-truncated-checkpoint', args: ['search', '--resume', midWrite, '--no-progress'], expect: ['checkpoint.json is not valid JSON (truncated or corrupt)'], unchanged: [midWrite] },
    { cls: 'signals', name: 'stopped-run-with-changed-config', args: ['search', '--resume', interruptedCopyOfA('stopped-edited', { 'config.json': (c) => ({ ...c, seed: 11 }) }), '--no-progress'], expect: ['belongs to another run', 'seed 3 (config: 11)'] },
  );

  // ---- 6. report and run
  // A's front, with one point even if the tiny search found none (the damage needs a point to act on).
  const points = (f: Record<string, unknown>): Record<string, unknown>[] => {
    const p = f.front as Record<string, unknown>[];
    return p.length > 0 ? p : [{ architecture: Array(22).fill('k3_e1'), split: 1, precision: 'fp32', valAccuracy: 0.1, testAccuracy: 0.1, deviceMs: 1, linkMs: 1, serverMs: 1, totalMs: 3, payloadBytes: 100 }];
  };
  const rep = (name: string, expect: Case['expect'], edits: Parameters<typeof copyOfA>[1]): Case => ({ cls: 'report-run', name, args: ['report', copyOfA(`report-${name}`, edits)], expect });
  add(
    rep('front-empty-object', ['front.json: indicators is missing'], { 'front.json': '{}' }),
    rep('front-null', ['front.json: must be a JSON object, got null'], { 'front.json': 'null' }),
    rep('front-points-not-array', ['front.json: front = "none"'], { 'front.json': (f) => ({ ...f, front: 'none' }) }),
    rep('front-point-bad-architecture', ['front[0]: architecture[0] must be one of'], { 'front.json': (f) => ({ ...f, front: points(f).map((p) => ({ ...p, architecture: Array(22).fill('k9_e9') })) }) }),
    rep('front-point-negative-latency', ['front[0]: totalMs = -1'], { 'front.json': (f) => ({ ...f, front: points(f).map((p) => ({ ...p, totalMs: -1 })) }) }),
    rep('history-not-array', ['history.json: must be a JSON array'], { 'history.json': '{"hv": 1}' }),
    rep('baselines-null', ['baselines.json: must be a JSON array, got null'], { 'baselines.json': 'null' }),
    rep('front-not-json', ['front.json is not valid JSON'], { 'front.json': '{"front": [' }),
    rep('config-seed-text', ['config.json: seed = "one"'], { 'config.json': (c) => ({ ...c, seed: 'one' }) }),
    { cls: 'report-run', name: 'report-missing-front', args: ['report', (() => {
      const d = copyOfA('report-no-front');
      rmFile(path.join(d, 'front.json'));
      return d;
    })()], expect: ['front.json is missing'] },
    { cls: 'report-run', name: 'run-zdt1-one-variable', args: ['run', '--problem', 'zdt1', '--variables', '1', '--generations', '2'], expect: ['zdt1: n must be an integer >= 2 (--variables), got 1'] },
    { cls: 'report-run', name: 'run-dtlz2-one-objective', args: ['run', '--problem', 'dtlz2', '--objectives', '1', '--generations', '2'], expect: ['dtlz2: m must be an integer >= 2 (--objectives), got 1'] },
    { cls: 'report-run', name: 'run-dtlz1-fewer-variables-than-objectives', args: ['run', '--problem', 'dtlz1', '--objectives', '5', '--variables', '3', '--generations', '2'], expect: ['dtlz1: n must be an integer >= m = 5'] },
    { cls: 'report-run', name: 'run-ctp1-one-variable', args: ['run', '--problem', 'ctp1', '--variables', '1', '--generations', '2'], expect: ['ctp1: n must be an integer >= 2'] },
    { cls: 'report-run', name: 'run-unknown-problem', args: ['run', '--problem', 'zdt9', '--generations', '2'], expect: ["unknown problem 'zdt9'"] },
    { cls: 'report-run', name: 'run-unknown-algorithm', args: ['run', '--problem', 'zdt1', '--algorithm', 'nope', '--generations', '2'], expect: ["unknown algorithm 'nope'"] },
    { cls: 'report-run', name: 'run-no-budget', args: ['run', '--problem', 'zdt1'], expect: ['give a budget'] },
    { cls: 'report-run', name: 'run-no-problem', args: ['run', '--generations', '2'], expect: ['--problem is required'] },
    { cls: 'report-run', name: 'run-objectives-beyond-100', args: ['run', '--problem', 'dtlz2', '--objectives', '101', '--generations', '2'], expect: ['--objectives must be an integer in 1..100'] },
  );

  // ---- the earlier catalogue: bad files, tables, data and flags
  const lut = json(path.join(data, 'hw-nas-bench/fbnet_cifar100_lut.json')) as { raw_lut: Record<string, Record<string, number>> };
  const firstKey = 'ConvBlock_H32_W32_Cin16_Cout16_exp1_kernel3_stride1_group1';
  const lutMissing = structuredClone(lut);
  delete (lutMissing.raw_lut.raspi4_latency as Record<string, number>)[firstKey];
  const lutNegative = structuredClone(lut);
  (lutNegative.raw_lut.raspi4_latency as Record<string, number>)[firstKey] = -1;
  const truncatedStore = storeCopy('truncated');
  truncateSync(truncatedStore.replace(/\.json$/, '.bin'), 1000);
  const badSha = storeCopy('badsha', (m) => ({ ...m, sha256: '0'.repeat(64) }));
  const notJsonStore = storeCopy('notjson');
  writeFileSync(notJsonStore, '{"format": "nasc-weight-st');
  const emptyData = path.join(tmp, 'empty-data');
  mkdirSync(emptyData);
  const badData = path.join(tmp, 'bad-data');
  mkdirSync(path.join(badData, 'cifar10'), { recursive: true });
  symlinkSync(path.join(data, 'hw-nas-bench'), path.join(badData, 'hw-nas-bench'));
  copyFileSync(path.join(data, 'cifar10/test.bin'), path.join(badData, 'cifar10/train.bin'));
  truncateSync(path.join(badData, 'cifar10/train.bin'), 3073 * 100 + 17);
  copyFileSync(path.join(data, 'cifar10/test.bin'), path.join(badData, 'cifar10/test.bin'));
  const { comment: _drop, ...noComment } = scenario;
  add(
    s('files', 'scenario-missing-file', ['scenario', 'nope.json: cannot read'], '--scenario', path.join(tmp, 'nope.json')),
    s('files', 'scenario-not-json', ['not valid JSON'], '--scenario', write('garbage-scenario.json', '{ nope')),
    s('files', 'scenario-unknown-field', ['unknown field "bandwith"'], '--scenario', scenarioWith('unknown-field', { bandwith: 10 })),
    s('files', 'scenario-missing-device', ['device is missing'], '--scenario', write('missing-device.json', JSON.stringify({ ...noComment, device: undefined }))),
    s('files', 'flag-bad-precision', ['--precision must be one of', 'fp8'], '--precision', 'fp8'),
    s('files', 'flag-bad-bn', ['--bn must be one of', 'magic'], '--bn', 'magic'),
    s('files', 'flag-unknown-strategy', ["unknown algorithm 'nope'"], '--strategy', 'nope'),
    s('files', 'flag-unknown', ['Unknown argument: frobnicate'], '--frobnicate'),
    s('files', 'flag-bad-split-repair', ['--split-repair must be one of', 'sometimes'], '--split-repair', 'sometimes'),
    s('files', 'weights-missing', ['none.json'], '--weights', path.join(tmp, 'none.json')),
    s('files', 'weights-truncated', ['truncated', 'tiny.bin'], '--weights', truncatedStore),
    s('files', 'weights-bad-sha', ['does not match the manifest'], '--weights', badSha),
    s('files', 'weights-not-json', ['notjson/tiny.json'], '--weights', notJsonStore),
    s('files', 'lut-missing-file', ['no-lut.json'], '--lut', path.join(tmp, 'no-lut.json')),
    s('files', 'lut-missing-key', [firstKey], '--lut', write('lut-missing.json', JSON.stringify(lutMissing))),
    s('files', 'lut-negative', ['-1'], '--lut', write('lut-negative.json', JSON.stringify(lutNegative))),
    s('files', 'lut-not-json', ['lut-garbage.json'], '--lut', write('lut-garbage.json', 'not json at all')),
    s('files', 'data-dir-missing', ['no-such-dir', 'does not exist'], '--data-dir', path.join(tmp, 'no-such-dir')),
    s('files', 'data-dir-empty', ['CIFAR-10 not found in', 'empty-data'], '--data-dir', emptyData),
    s('files', 'data-truncated-train', ['whole number'], '--data-dir', badData),
    // Nothing named, an empty user cache, and the archive unreachable (a closed local port): one line saying what to do.
    { ...s('files', 'no-data-offline', ['cannot fetch CIFAR-10', 'connection refused']), env: { NASC_DATA: '', XDG_CACHE_HOME: path.join(tmp, 'empty-cache') } },
    { cls: 'files', name: 'latency-short-arch', args: ['latency', '--scenario', 'default', '--arch', '0,1,2', '--split', '3'], expect: ['has 3 items, expected 22'] },
    { cls: 'files', name: 'accuracy-bad-arch-name', args: ['accuracy', '--arch', 'k7_e9', '--split', '3', '--weights', tiny], expect: ['k7_e9'] },
    { cls: 'files', name: 'unknown-command', args: ['frobnicate'], expect: ['frobnicate'] },
    { cls: 'files', name: 'compare-nasc-bad-split-repair', args: ['compare', '--problem', 'nasc', '--strategies', 'nsga2', '--evaluations', '4', '--split-repair', 'x', '--weights', tiny], expect: ['--split-repair must be one of', '"x"'] },
    { cls: 'files', name: 'compare-nasc-unknown-scenario', args: ['compare', '--problem', 'nasc', '--strategies', 'nsga2', '--evaluations', '4', '--scenario', path.join(tmp, 'nope.json'), '--weights', tiny], expect: ['nope.json'] },
  );
}

/** The `nasc run` checkpoints the run-resume cases need (fast: ZDT). */
async function prepareRunCheckpoints(): Promise<void> {
  const dir = path.join(tmp, 'run');
  const good = path.join(dir, 'state.json');
  const [r] = await runCases([{ args: ['run', '--problem', 'zdt1', '--pop', '8', '--generations', '2', '--seed', '4', '--checkpoint', good] }], 1, HANG_MS);
  assert.equal(r?.code, 0, r?.stderr);
  const c = json(good);
  const edit = (name: string, f: (c: Record<string, unknown>) => unknown) => writeFileSync(path.join(dir, name), JSON.stringify(f(structuredClone(c))));
  edit('seed-x.json', (x) => ({ ...x, config: { ...(x.config as object), seed: 'x' } }));
  edit('bad-state.json', (x) => ({ ...x, state: { ...(x.state as object), population: 7 } }));
  edit('zdt9.json', (x) => ({ ...x, config: { ...(x.config as object), problem: 'zdt9' } }));
  edit('short-genome.json', (x) => ({ ...x, driver: { evaluated: [{ genome: [0.5], objectives: [1, 1], constraints: [], cv: 0, rank: null, crowding: null }] } }));
}

function checkCase(c: Case, r: CaseResult, listingsBefore: Map<string, string>): void {
  const where = `[${c.cls}] ${c.name}`;
  assert.ok(r.hung === undefined, `${where}: no answer within ${HANG_MS / 1000} s (hung)`);
  assert.equal(r.thrown, undefined, `${where}: main() threw (exit 1 with a stack in the CLI): ${r.thrown}`);
  assert.equal(r.code, 2, `${where}: exit ${r.code}: ${r.stderr}`);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `${where}: ${r.stderr}`);
  const line = lines[0] as string;
  assert.match(line, /^nasc: \S/, where);
  assert.doesNotMatch(r.stderr, /\n\s+at |Error:|TypeError|terminate called/, `${where}: stack trace`);
  assert.equal(r.stdout, '', `${where}: printed to stdout`);
  for (const e of c.expect) {
    if (typeof e === 'string') assert.ok(line.includes(e), `${where}: the message does not name its fault (${JSON.stringify(e)}): ${line}`);
    else assert.match(line, e, where);
  }
  for (const p of c.absent ?? []) assert.ok(!existsSync(p), `${where}: left ${p} behind (${listing(p)})`);
  for (const p of c.unchanged ?? []) assert.equal(listing(p), listingsBefore.get(p), `${where}: changed ${p}`);
}

test('a catalogue of bad inputs (≥ 100, six classes): one line naming its fault, exit 2, nothing written', { skip, timeout: 1_800_000 }, async (t) => {
  await prepareRunCheckpoints();
  const listingsBefore = new Map<string, string>();
  for (const c of cases) for (const p of c.unchanged ?? []) listingsBefore.set(p, listing(p));
  const results = await runCases(
    cases.map((c) => ({ args: c.args, env: { ...OFFLINE, ...c.env } })),
    2,
    HANG_MS,
  );
  const byClass = new Map<string, number>();
  for (const c of cases) byClass.set(c.cls, (byClass.get(c.cls) ?? 0) + 1);
  const ms = results.map((r) => r.ms).sort((a, b) => a - b);
  t.diagnostic(`${cases.length} cases: ${[...byClass].map(([k, n]) => `${k} ${n}`).join(', ')}`);
  t.diagnostic(`time per case (in-process): median ${(ms[Math.floor(ms.length / 2)] ?? 0).toFixed(0)} ms, max ${(ms[ms.length - 1] ?? 0).toFixed(0)} ms`);
  const failures: string[] = [];
  cases.forEach((c, i) => {
    try {
      checkCase(c, results[i] as CaseResult, listingsBefore);
    } catch (e) {
      failures.push(e instanceof Error ? e.message : String(e));
    }
  });
  assert.deepEqual(failures, [], `${failures.length} of ${cases.length} cases failed:\n${failures.join('\n')}`);
  assert.ok(cases.length >= 100, `${cases.length} cases`);
  for (const cls of ['resume', 'output', 'leaves-nothing', 'numbers', 'signals', 'report-run'] as const) assert.ok((byClass.get(cls) ?? 0) >= 3, `class ${cls} has cases`);
  assert.deepEqual(readdirSync(path.join(tmp, 'full')), ['keep.txt']);
});

test('a sample of the catalogue as real processes: exit status 2, one stderr line, nothing left', { skip, timeout: 900_000 }, async () => {
  const names = [
    'checkpoint-of-another-seed',
    'flag-strategy-and-seed',
    'config-seed-not-a-number',
    'out-dev-null',
    'out-proc',
    'data-fetch-proc',
    'impossible-validation-split',
    'third-objective-without-energy',
    'seed-beyond-uint32',
    'workers-1000',
    'link-too-slow-for-a-double',
    'killed-run-stale-lock-and-a-conflicting-flag',
    'front-empty-object',
    'run-zdt1-one-variable',
    'run-dtlz2-one-objective',
  ];
  const sample = names.map((n) => {
    const c = cases.find((x) => x.name === n);
    assert.ok(c, n);
    return c;
  });
  const listingsBefore = new Map<string, string>();
  for (const c of sample) for (const p of c.unchanged ?? []) listingsBefore.set(p, listing(p));
  const outcomes = await pool(
    sample.map((c) => () => {
      const env: NodeJS.ProcessEnv = { ...process.env, ...OFFLINE };
      for (const [k, v] of Object.entries(c.env ?? {})) {
        if (v === null) delete env[k];
        else env[k] = v;
      }
      return nasc(c.args, env);
    }),
    2,
  );
  sample.forEach((c, i) => {
    const o = outcomes[i] as Awaited<ReturnType<typeof nasc>>;
    checkCase(c, { id: i, code: o.status, stdout: o.stdout, stderr: o.stderr, ms: 0 }, listingsBefore);
  });
});

test('CLI-level fuzz: resuming a folder whose config.json or checkpoint.json was damaged at random exits 2 with one line, or completes a correct run', { skip, timeout: 1_800_000 }, async (t) => {
  const seed = fcSeed(t);
  const runs = 16;
  const damaged = fc.sample(fc.tuple(fc.constantFrom('config.json', 'checkpoint.json'), fc.array(mutation, { minLength: 1, maxLength: 2 })), { seed, numRuns: runs });
  const dirs = damaged.map(([file, ms], i) => interruptedCopyOfA(`fuzz-${i}`, { [file]: (o) => mutate(o as Json, ms) }));
  const results = await runCases(
    dirs.map((d) => ({ args: ['search', '--resume', d, '--no-progress', '--json'], env: OFFLINE })),
    2,
    HANG_MS,
  );
  let refused = 0;
  results.forEach((r, i) => {
    const where = `fuzz ${i} (${damaged[i]?.[0]} ${JSON.stringify(damaged[i]?.[1])})`;
    assert.ok(r.hung === undefined && r.thrown === undefined, `${where}: ${r.thrown ?? 'hung'}`);
    assert.doesNotMatch(r.stderr, /\n\s+at |TypeError|terminate called/, where);
    if (r.code === 2) {
      refused++;
      assert.equal(r.stderr.trim().split('\n').length, 1, `${where}: ${r.stderr}`);
      assert.match(r.stderr, /^nasc: \S/);
    } else {
      assert.equal(r.code, 0, `${where}: exit ${r.code}: ${r.stderr}`);
      // A correct run: its results folder reads back with every field checked.
      readSearchResults(dirs[i] as string, (spec) => void parsePluginSpec(algorithms, spec));
    }
  });
  t.diagnostic(`CLI-level fuzz: ${runs} damaged folders resumed, ${refused} refused (exit 2, one line), ${runs - refused} completed`);
});
