/**
 * One process at a time in a results folder: a lock file naming its owner (pid, host, the
 * process's start time where the OS tells it, the command), created atomically — the owner's
 * record is written to a private temporary file and hard-linked to the lock name, which fails
 * when the name exists, so a lock file is never seen half-written and two racing processes
 * cannot both create it.
 *
 * A lock whose owner is gone (same host, the pid no longer runs, or runs but started at another
 * time: a reused pid) is stale — left by a killed run — and is taken over. Taking over goes
 * through a second lock (`<lock>.takeover`, created the same way), and the stale record is
 * re-read under it before it is replaced, so of several processes that find the same stale lock
 * exactly one takes it. A lock from another host cannot be checked and is never taken over.
 */
import { linkSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InputError } from '../../core/errors.js';

export const LOCK_FILE = '.nasc-lock';

export interface LockOwner {
  readonly pid: number;
  readonly host: string;
  /** Start time of the process (Linux: clock ticks since boot from /proc/<pid>/stat), to tell a reused pid. */
  readonly started: string | null;
  readonly command: string;
  /** When the lock was taken (ISO time, for people reading the file). */
  readonly since: string;
}

let tmpCounter = 0;

export class RunLock {
  private released = false;
  private readonly onExit = () => this.release();

  private constructor(
    readonly file: string,
    readonly owner: LockOwner,
  ) {
    // A run that ends by an uncaught error still frees the folder; a SIGKILL leaves a stale lock.
    process.on('exit', this.onExit);
  }

  /** Takes the lock of `dir` (which must exist) or throws an InputError naming the live owner. */
  static acquire(dir: string, command: string): RunLock {
    const file = path.join(dir, LOCK_FILE);
    const me = currentOwner(command);
    for (let attempt = 0; attempt < 5; attempt++) {
      if (createExclusive(file, me)) return new RunLock(file, me);
      const held = readOwner(file);
      if (held === 'missing') continue; // released meanwhile: try again
      if (held !== 'unreadable' && held.host !== me.host) {
        throw new InputError(`${dir} is locked by a nasc run on host ${held.host} (pid ${held.pid}); if that run is over, delete ${file}`);
      }
      if (held !== 'unreadable' && ownerAlive(held)) throw new InputError(`${dir} is in use by another nasc run (${describeOwner(held)}); wait for it to end, or stop it`);
      if (takeOver(file, held, me, dir)) return new RunLock(file, me);
    }
    throw new InputError(`${dir}: could not take its lock ${file} (other processes keep taking it)`);
  }

  /** Frees the folder (only if the lock is still this process's). Idempotent. */
  release(): void {
    if (this.released) return;
    this.released = true;
    process.off('exit', this.onExit);
    const held = readOwner(this.file);
    if (held !== 'missing' && held !== 'unreadable' && sameOwner(held, this.owner)) rmSync(this.file, { force: true });
  }
}

export function currentOwner(command: string): LockOwner {
  return { pid: process.pid, host: os.hostname(), started: processStartTime(process.pid), command, since: new Date().toISOString() };
}

/** The lock's record, 'missing' when there is no lock, 'unreadable' when it is not a lock record. */
export function readOwner(file: string): LockOwner | 'missing' | 'unreadable' {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    return 'unreadable';
  }
  try {
    const o = JSON.parse(text) as Partial<LockOwner>;
    if (typeof o.pid !== 'number' || !Number.isSafeInteger(o.pid) || o.pid < 1 || typeof o.host !== 'string' || typeof o.command !== 'string') return 'unreadable';
    return { pid: o.pid, host: o.host, started: typeof o.started === 'string' ? o.started : null, command: o.command, since: typeof o.since === 'string' ? o.since : '?' };
  } catch {
    return 'unreadable';
  }
}

/** Whether the owner still runs: same host, the pid exists, and (where known) it is the same process. */
export function ownerAlive(owner: LockOwner): boolean {
  if (owner.host !== os.hostname()) return true; // cannot tell: assume it runs
  if (owner.pid === process.pid) return owner.started === processStartTime(process.pid);
  try {
    process.kill(owner.pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ESRCH') return false;
    // EPERM: a process of another user has that pid; compare start times below.
  }
  const started = processStartTime(owner.pid);
  if (owner.started !== null && started !== null && started !== owner.started) return false;
  return true;
}

export function describeOwner(o: LockOwner): string {
  return `pid ${o.pid} on ${o.host}, ${o.command}, since ${o.since}`;
}

/** Linux: field 22 of /proc/<pid>/stat (start time in clock ticks after boot); null elsewhere. */
export function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may itself contain spaces or ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? null;
  } catch {
    return null;
  }
}

function sameOwner(a: LockOwner, b: LockOwner): boolean {
  return a.pid === b.pid && a.host === b.host && a.started === b.started && a.since === b.since;
}

/** Creates `file` holding `owner` if it does not exist; false when it exists. */
function createExclusive(file: string, owner: LockOwner): boolean {
  const tmp = `${file}.${process.pid}.${tmpCounter++}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(owner)}\n`);
  try {
    linkSync(tmp, file);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new InputError(`cannot create the lock ${file} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  } finally {
    rmSync(tmp, { force: true });
  }
}

/** Replaces a stale lock by ours, under the takeover lock; false when someone else got there first. */
function takeOver(file: string, stale: LockOwner | 'unreadable', me: LockOwner, dir: string): boolean {
  const guard = `${file}.takeover`;
  if (!createExclusive(guard, me)) {
    const other = readOwner(guard);
    if (other === 'missing') return false;
    if (other !== 'unreadable' && ownerAlive(other)) throw new InputError(`${dir} is being taken over by another nasc run (${describeOwner(other)})`);
    rmSync(guard, { force: true }); // its taker died mid-way: clear and retry
    return false;
  }
  try {
    const now = readOwner(file);
    // Gone meanwhile: a plain exclusive create may race us, so go back to that path.
    if (now === 'missing') return false;
    const unchanged = now === 'unreadable' ? stale === 'unreadable' : stale !== 'unreadable' && sameOwner(now, stale);
    if (!unchanged) return false;
    const tmp = `${file}.${process.pid}.${tmpCounter++}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(me)}\n`);
    renameSync(tmp, file); // atomic replace of the stale record
    return true;
  } finally {
    rmSync(guard, { force: true });
  }
}
