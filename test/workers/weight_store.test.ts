import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { InputError } from '../../core/errors.js';
import { floatToHalf, halfToFloat, roundTripHalf } from '../../workers/float16.js';
import { requiredTensors } from '../../workers/supernet_space.js';
import { loadWeightStore, storeFiles } from '../../workers/weight_store.js';
import { fixtureExists, FIXTURE_STORE } from './fixture.js';
import { TINY_SPACE, writeTinyStore } from './tiny_store.js';
import { skipUnless } from '../helpers/needs_data.js';

type Manifest = { tensors: { name: string; shape: number[]; offset: number; byteLength: number; dtype: string }[]; [k: string]: unknown };

/** A tiny store whose manifest (and optionally .bin) a test then damages. */
function damaged(edit: (m: Manifest, bin: Buffer) => Buffer | void, rehash = true): string {
  const json = writeTinyStore({ seed: 3 });
  const files = storeFiles(json);
  const m = JSON.parse(readFileSync(files.json, 'utf8')) as Manifest;
  let bin: Buffer = readFileSync(files.bin);
  bin = edit(m, bin) ?? bin;
  if (rehash) {
    m.byteLength = bin.length;
    m.sha256 = createHash('sha256').update(bin).digest('hex');
  }
  writeFileSync(files.json, JSON.stringify(m));
  writeFileSync(files.bin, bin);
  return files.bin;
}

function refuses(file: string, fragment: RegExp): void {
  assert.throws(() => loadWeightStore(file), (e: unknown) => e instanceof InputError && fragment.test(e.message) && !e.message.includes('\n'));
}

test('a valid store loads from either file and widens fp16 exactly', () => {
  const json32 = writeTinyStore({ seed: 5, dtype: 'float32' });
  const json16 = writeTinyStore({ seed: 5, dtype: 'float16' });
  const a = loadWeightStore(json32);
  const b = loadWeightStore(storeFiles(json16).bin);
  assert.equal(a.space.stemChannels, 4);
  assert.deepEqual(b.shape('stem.conv.weight'), [4, 3, 3, 3]);
  for (const name of requiredTensors(TINY_SPACE).keys()) {
    const x = a.tensor(name);
    const y = b.tensor(name);
    assert.equal(x.length, y.length);
    for (let i = 0; i < x.length; i++) assert.equal(y[i], roundTripHalf(x[i] as number));
  }
});

test('wrong sizes, hashes, bounds, tensors and versions are refused with one line naming the problem', () => {
  refuses(damaged((_, bin) => bin.subarray(0, bin.length - 8), false), /bytes but the manifest says/);
  refuses(damaged((_, bin) => { bin[100] = (bin[100] as number) ^ 0xff; }, false), /sha256/);
  refuses(damaged((m) => { m.version = 4; }), /version 4/);
  refuses(damaged((m) => { m.version = 2; }), /bottlenecks must be a list \(format version 2\)/);
  refuses(damaged((m) => { m.version = 3; }), /bottlenecks must be a list/);
  refuses(damaged((m) => { m.format = 'other'; }), /format must be/);
  refuses(damaged((m) => { (m.tensors[1] as Manifest['tensors'][0]).offset = 1 << 30; }), /outside the/);
  refuses(damaged((m) => { (m.tensors[1] as Manifest['tensors'][0]).offset += 4; }), /multiple of 8/);
  refuses(damaged((m) => { (m.tensors[0] as Manifest['tensors'][0]).byteLength -= 4; }), /needs \d+/);
  refuses(damaged((m) => { m.tensors = m.tensors.filter((t) => t.name !== 'layers.3.7.dw.weight'); }), /layers\.3\.7\.dw\.weight/);
  refuses(
    damaged((m) => {
      const t = m.tensors.find((x) => x.name === 'classifier.bias') as Manifest['tensors'][0];
      t.shape = [2, 5];
    }),
    /classifier\.bias has shape \[2, 5\]/,
  );
  refuses(damaged((m) => { (m.tensors[0] as Manifest['tensors'][0]).dtype = 'int8'; }), /dtype/);
  refuses(damaged((m) => { delete m.normalization; }), /normalization/);
  refuses('/nonexistent/store.json', /not found/);
  const json = writeTinyStore({ seed: 4 });
  writeFileSync(json, '{ not json');
  refuses(json, /not valid JSON/);
});

test('the PyTorch fixture store passes validation', { skip: skipUnless(fixtureExists(), 'the PyTorch fixture store test/fixtures/supernet-tiny') }, () => {
  const s = loadWeightStore(FIXTURE_STORE);
  assert.equal(s.space.stages.length, 7);
});

test('a bottleneck\'s patch: format 3 only, 1 or 2', { skip: skipUnless(fixtureExists(), 'the PyTorch fixture store test/fixtures/supernet-tiny') }, () => {
  const edited = (edit: (m: Manifest & { version: number; bottlenecks: Record<string, unknown>[] }) => void): string => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'nasc-patch-'));
    const from = storeFiles(FIXTURE_STORE);
    const m = JSON.parse(readFileSync(from.json, 'utf8')) as Manifest & { version: number; bottlenecks: Record<string, unknown>[] };
    edit(m);
    writeFileSync(path.join(dir, 'tiny.json'), JSON.stringify(m));
    copyFileSync(from.bin, path.join(dir, 'tiny.bin'));
    return path.join(dir, 'tiny.json');
  };
  refuses(edited((m) => { m.version = 2; }), /bottlenecks\[6\]: patch needs store format 3/);
  refuses(edited((m) => { (m.bottlenecks[6] as Record<string, unknown>).patch = 3; }), /bottlenecks\[6\]: patch = 3 must be an integer in 1\.\.2/);
  // patch 1 where the tensors are a 2×2 patch's: the shapes say so
  refuses(edited((m) => { delete (m.bottlenecks[6] as Record<string, unknown>).patch; }), /bottleneck\.4\.1\.enc\.weight has shape \[4, 4, 2, 2\]/);
});

test('float16 conversion is exact on every half and rounds ties to even', () => {
  for (let h = 0; h < 0x10000; h++) {
    const exp = (h >> 10) & 0x1f;
    if (exp === 0x1f && (h & 0x3ff) !== 0) continue; // NaNs
    assert.equal(floatToHalf(halfToFloat(h)), h === 0x8000 ? 0x8000 : h);
  }
  assert.equal(floatToHalf(1 + 2 ** -11), floatToHalf(1)); // tie → even (1.0)
  assert.equal(floatToHalf(1 + 3 * 2 ** -11), 0x3c02); // tie → even (1 + 2^-9)
  assert.equal(floatToHalf(65520), 0x7c00); // rounds up to overflow
  assert.equal(halfToFloat(floatToHalf(2 ** -25)), 0); // tie at half the smallest subnormal → 0
  assert.equal(halfToFloat(floatToHalf(3 * 2 ** -26)), 2 ** -24);
  assert.ok(Number.isNaN(roundTripHalf(Number.NaN)));
});
