import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { InputError } from '../../core/errors.js';
import { childFolder, safeFolderName } from '../../experiments/io/folder_name.js';
import { checkInputDir, checkOutputDir, checkOutputFile, isSystemPath } from '../../experiments/io/output_target.js';

const flag = { flag: '--out' };
const refused = (fn: () => unknown, fragment: string) =>
  assert.throws(fn, (e: unknown) => e instanceof InputError && e.message.includes(fragment) && !e.message.includes('\n'), `expected an InputError with "${fragment}"`);

test('folders: new, existing-empty and nested new paths pass; nothing is created by the check', () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'nasc-target-'));
  assert.equal(checkOutputDir(path.join(tmp, 'a', 'b', 'c'), flag), path.join(tmp, 'a', 'b', 'c'));
  assert.ok(!existsSync(path.join(tmp, 'a')));
  assert.equal(checkOutputDir(tmp, flag), tmp);
});

test('folders: a file, /dev/null, a path under a file, and system paths are refused before any mkdir', () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'nasc-target-'));
  const file = path.join(tmp, 'f.txt');
  writeFileSync(file, 'x');
  refused(() => checkOutputDir(file, flag), 'is a file, not a folder');
  refused(() => checkOutputDir(path.join(file, 'sub'), flag), 'is a file, not a folder');
  refused(() => checkOutputDir('/dev/null', flag), 'system path');
  refused(() => checkOutputDir('/proc/x', flag), 'system path');
  refused(() => checkOutputDir('/proc/self/x/y', flag), 'system path');
  refused(() => checkOutputDir('/sys/kernel/x', flag), 'system path');
  refused(() => checkOutputDir('/dev/shm/x', flag), 'system path');
  assert.ok(isSystemPath('/proc') && !isSystemPath('/process') && !isSystemPath('/home/proc'));
  // A symlink into /proc is followed.
  symlinkSync('/proc', path.join(tmp, 'link'));
  refused(() => checkOutputDir(path.join(tmp, 'link', 'x'), flag), 'system path');
});

test('unwritable folders are refused (skipped as root, which may write anywhere)', { skip: process.getuid?.() === 0 ? 'running as root' : false }, () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'nasc-target-'));
  const ro = path.join(tmp, 'ro');
  mkdirSync(ro);
  chmodSync(ro, 0o500);
  try {
    refused(() => checkOutputDir(ro, flag), 'is not writable');
    refused(() => checkOutputDir(path.join(ro, 'new'), flag), 'is not writable');
    refused(() => checkOutputFile(path.join(ro, 'f.json'), { flag: '--checkpoint' }), 'is not writable');
  } finally {
    chmodSync(ro, 0o700);
  }
});

test('files: a folder or a device is refused, a new or existing regular file passes', () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'nasc-target-'));
  const f = { flag: '--checkpoint' };
  refused(() => checkOutputFile(tmp, f), 'is a folder, not a file');
  refused(() => checkOutputFile('/dev/null', f), 'system path');
  const file = path.join(tmp, 'state.json');
  assert.equal(checkOutputFile(file, f), file);
  writeFileSync(file, '{}');
  assert.equal(checkOutputFile(file, f), file);
  refused(() => checkOutputFile(path.join(file, 'x.json'), f), 'is a file, not a folder');
});

test('input folders must exist and be folders', () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'nasc-target-'));
  refused(() => checkInputDir(path.join(tmp, 'none'), { flag: '--resume' }), 'does not exist');
  writeFileSync(path.join(tmp, 'f'), '');
  refused(() => checkInputDir(path.join(tmp, 'f'), { flag: '--resume' }), 'not a folder');
  refused(() => checkInputDir('/proc/self', { flag: '--data-dir' }), 'system path');
});

test('folder names from scenario names stay one component below their parent', () => {
  assert.equal(safeFolderName('x/../../../y'), 'x-y');
  assert.equal(safeFolderName('default'), 'default');
  assert.equal(safeFolderName('bandwidth-1'), 'bandwidth-1');
  assert.equal(safeFolderName('../..'), 'unnamed');
  assert.equal(safeFolderName('a b\\c:d'), 'a-b-c-d');
  assert.equal(safeFolderName('é'.repeat(10)), 'unnamed');
  assert.ok(safeFolderName('x'.repeat(500)).length <= 64);
  const parent = path.resolve('results');
  for (const name of ['x/../../../y', '..', '/etc/passwd', 'a/b', '.hidden', '']) {
    const p = childFolder(parent, `search-${name}-seed1`);
    assert.equal(path.dirname(p), parent, name);
  }
});
