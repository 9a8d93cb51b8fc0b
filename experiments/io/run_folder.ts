/**
 * A results folder claimed by one run: checked before any work (output_target.ts), empty for a
 * fresh run (a folder holding another run's results is refused, pointing at --resume), locked
 * against a second process (run_lock.ts), and — for a fresh run that ends with bad input found
 * late — removed again, so exit code 2 leaves nothing behind and a rerun is not refused as "not
 * empty".
 */
import { existsSync, mkdirSync, readdirSync, rmdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../../core/errors.js';
import { checkInputDir, checkOutputDir } from './output_target.js';
import { LOCK_FILE, RunLock } from './run_lock.js';

export interface ClaimOptions {
  /** The flag that named the folder, for messages (--out, --resume). */
  readonly flag: string;
  /** Continue the run already in the folder (it must exist) instead of starting a fresh one. */
  readonly resume: boolean;
  /** What takes the folder, recorded in the lock (e.g. "nasc search"). */
  readonly command: string;
  /** The file that marks a folder as holding a run (its presence makes a fresh claim refuse). */
  readonly marker?: string;
}

export class RunFolder {
  private released = false;

  private constructor(
    readonly dir: string,
    readonly resume: boolean,
    /** The outermost folder this claim created (removed again by discard()), if any. */
    private readonly createdRoot: string | undefined,
    private readonly lock: RunLock,
  ) {}

  static claim(dir: string, options: ClaimOptions): RunFolder {
    const { flag, resume, command, marker = 'config.json' } = options;
    if (resume) {
      const abs = checkInputDir(dir, { flag });
      checkOutputDir(abs, { flag });
      const lock = RunLock.acquire(abs, command);
      return new RunFolder(abs, true, undefined, lock);
    }
    const abs = checkOutputDir(dir, { flag });
    let createdRoot: string | undefined;
    try {
      createdRoot = mkdirSync(abs, { recursive: true }) ?? undefined;
    } catch (e) {
      throw new InputError(`${flag} ${abs} cannot be created (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    let lock: RunLock;
    try {
      // The lock first: a folder another run is writing is refused naming that run, and the
      // emptiness check below cannot race a writer.
      lock = RunLock.acquire(abs, command);
    } catch (e) {
      if (createdRoot !== undefined) removeEmptyUpTo(abs, createdRoot);
      throw e;
    }
    try {
      refuseNonEmpty(abs, flag, marker);
    } catch (e) {
      lock.release();
      throw e;
    }
    return new RunFolder(abs, false, createdRoot, lock);
  }

  /**
   * Undoes a fresh claim: removes every file this run wrote into the folder, and the folders the
   * claim created. A resumed folder is left as it is (its earlier results are not this run's).
   */
  discard(): void {
    if (!this.resume) {
      for (const f of readdirSync(this.dir)) {
        if (f !== LOCK_FILE) rmSync(path.join(this.dir, f), { recursive: true, force: true });
      }
    }
    this.release();
    if (!this.resume && this.createdRoot !== undefined) removeEmptyUpTo(this.dir, this.createdRoot);
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    this.lock.release();
  }
}

/** Removes `dir` and its parents up to `root` while they are empty (another run may share a parent). */
function removeEmptyUpTo(dir: string, root: string): void {
  for (let d = dir; ; d = path.dirname(d)) {
    try {
      rmdirSync(d);
    } catch {
      return;
    }
    if (d === root || path.dirname(d) === d) return;
  }
}

/** The folder's entries apart from the lock machinery. */
export function runEntries(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => !f.startsWith(LOCK_FILE));
}

function refuseNonEmpty(abs: string, flag: string, marker: string): void {
  const entries = runEntries(abs);
  if (entries.length === 0) return;
  if (entries.includes(marker)) throw new InputError(`${flag} ${abs} holds another run's results (continue it with --resume ${abs}, or choose another ${flag})`);
  throw new InputError(`${flag} ${abs} exists and is not empty (choose an empty or new folder)`);
}
