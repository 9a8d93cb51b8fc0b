import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { InputError } from '../../core/errors.js';
import { LOCK_FILE, RunLock, currentOwner, ownerAlive, processStartTime, readOwner } from '../../experiments/io/run_lock.js';

const root = path.resolve(import.meta.dirname, '../..');
const child = path.join(root, 'test/helpers/lock_child.ts');

/** A pid that no longer runs: a child that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

test('acquire, refuse a second taker naming the owner, release', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nasc-lock-'));
  const lock = RunLock.acquire(dir, 'nasc search');
  const owner = readOwner(path.join(dir, LOCK_FILE));
  assert.ok(owner !== 'missing' && owner !== 'unreadable');
  assert.equal(owner.pid, process.pid);
  assert.equal(owner.command, 'nasc search');
  // The same process counts as a live owner too: a second claim inside one process is refused.
  assert.throws(() => RunLock.acquire(dir, 'again'), (e: unknown) => e instanceof InputError && e.message.includes(`pid ${process.pid}`) && e.message.includes('in use'));
  lock.release();
  assert.deepEqual(readdirSync(dir), []);
  RunLock.acquire(dir, 'third').release();
  assert.deepEqual(readdirSync(dir), []);
});

test('a stale lock (dead pid, or a reused pid with another start time) is taken over; an unreadable one too', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nasc-lock-'));
  const file = path.join(dir, LOCK_FILE);
  const dead = { ...currentOwner('killed run'), pid: deadPid() };
  assert.equal(ownerAlive(dead), false);
  writeFileSync(file, JSON.stringify(dead));
  const lock = RunLock.acquire(dir, 'resume');
  assert.equal((readOwner(file) as { pid: number }).pid, process.pid);
  lock.release();
  if (processStartTime(process.pid) !== null) {
    // Our own pid, but recorded with another start time: a previous process that had this pid.
    const reused = { ...currentOwner('old'), pid: process.pid, started: '1' };
    assert.equal(ownerAlive(reused), false);
    writeFileSync(file, JSON.stringify(reused));
    RunLock.acquire(dir, 'resume').release();
  }
  writeFileSync(file, 'garbage');
  RunLock.acquire(dir, 'resume').release();
  assert.deepEqual(readdirSync(dir), []);
});

test('a lock held on another host is never taken over; the message says how to clear it', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nasc-lock-'));
  writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify({ ...currentOwner('remote'), host: 'elsewhere.example', pid: 12345 }));
  assert.throws(() => RunLock.acquire(dir, 'x'), (e: unknown) => e instanceof InputError && e.message.includes('elsewhere.example') && e.message.includes('pid 12345'));
});

/** Starts `n` children on `dir`, releases them at once, returns their verdicts. */
async function race(dir: string, n: number): Promise<string[]> {
  const kids = Array.from({ length: n }, (_, i) => {
    const p = spawn(process.execPath, ['--import', 'tsx', child, dir, String(i)], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    return { p, out: () => out.trim(), exited: new Promise((r) => p.once('exit', r)) };
  });
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  while (readdirSync(dir).filter((f) => f.startsWith('ready-')).length < n) await sleep(10);
  writeFileSync(path.join(dir, 'go'), '');
  while (kids.some((k) => k.out() === '')) await sleep(10);
  const verdicts = kids.map((k) => k.out());
  writeFileSync(path.join(dir, 'done'), '');
  await Promise.all(kids.map((k) => k.exited));
  return verdicts;
}

test('processes racing for one folder: exactly one wins, on a fresh folder and on a stale lock (3 rounds each)', { timeout: 180_000 }, async () => {
  for (let round = 0; round < 3; round++) {
    for (const stale of [false, true]) {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'nasc-lock-race-'));
      if (stale) writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify({ ...currentOwner('killed'), pid: deadPid() }));
      const verdicts = await race(dir, 5);
      const winners = verdicts.filter((v) => v === 'won');
      assert.equal(winners.length, 1, `round ${round} stale=${stale}: ${verdicts.join(' | ')}`);
      for (const v of verdicts.filter((x) => x !== 'won')) assert.match(v, /^refused: .*(in use by another nasc run|being taken over)/);
      assert.ok(!existsSync(path.join(dir, LOCK_FILE)), 'the winner released its lock');
    }
  }
});
