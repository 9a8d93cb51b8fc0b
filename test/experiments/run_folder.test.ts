import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { InputError } from '../../core/errors.js';
import { LOCK_FILE } from '../../experiments/io/run_lock.js';
import { RunFolder } from '../../experiments/io/run_folder.js';

const claim = (dir: string, resume = false) => RunFolder.claim(dir, { flag: resume ? '--resume' : '--out', resume, command: 'test' });
const refused = (fn: () => unknown, ...fragments: string[]) =>
  assert.throws(fn, (e: unknown) => e instanceof InputError && fragments.every((f) => e.message.includes(f)), `expected an InputError with ${fragments.join(' & ')}`);

test('a fresh claim creates the folder and locks it; discard removes what it created, up to the first new folder', () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'nasc-folder-'));
  const dir = path.join(tmp, 'results', 'run');
  const f = claim(dir);
  assert.deepEqual(readdirSync(dir), [LOCK_FILE]);
  refused(() => claim(dir), 'in use by another nasc run');
  writeFileSync(path.join(dir, 'config.json'), '{}');
  f.discard();
  assert.deepEqual(readdirSync(tmp), [], 'results/ was created by the claim, so it goes too');
});

test('discard leaves a folder that existed before (empty) and parents shared with others', () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'nasc-folder-'));
  const f = claim(tmp);
  writeFileSync(path.join(tmp, 'config.json'), '{}');
  f.discard();
  assert.ok(existsSync(tmp));
  assert.deepEqual(readdirSync(tmp), []);
  const shared = path.join(tmp, 'results');
  const a = claim(path.join(shared, 'a'));
  mkdirSync(path.join(shared, 'b'));
  a.discard();
  assert.deepEqual(readdirSync(shared), ['b']);
});

test('a folder with another run is refused pointing at --resume; a non-empty one is refused; a resume keeps files on discard', () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'nasc-folder-'));
  const run = path.join(tmp, 'run');
  mkdirSync(run);
  writeFileSync(path.join(run, 'config.json'), '{}');
  refused(() => claim(run), "holds another run's results", `--resume ${run}`);
  const other = path.join(tmp, 'other');
  mkdirSync(other);
  writeFileSync(path.join(other, 'notes.txt'), '');
  refused(() => claim(other), 'exists and is not empty');
  const r = claim(run, true);
  r.discard();
  assert.deepEqual(readdirSync(run), ['config.json']);
  refused(() => claim(path.join(tmp, 'none'), true), '--resume', 'does not exist');
});

test('a stale lock left by a killed run does not make a folder non-empty, and is taken over', () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'nasc-folder-'));
  writeFileSync(path.join(tmp, LOCK_FILE), JSON.stringify({ pid: 2 ** 22 + 12345, host: os.hostname(), started: null, command: 'killed', since: 'then' }));
  const f = claim(tmp);
  f.release();
  assert.deepEqual(readdirSync(tmp), []);
});
