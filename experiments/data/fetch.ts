/**
 * `nasc data fetch <dataset>`: download a dataset's official archive into the data directory,
 * check its size and MD5 while it streams, extract the wanted members, confirm them with the
 * project's loader, and only then put them in place.
 *
 * Nothing half-done is left behind: the archive goes to `<dataDir>/.<archive>.<pid>.part`,
 * every member to a temporary file beside its final name (written and flushed), and the
 * members are renamed into place only after the whole archive was read and the loader accepted
 * them. Any failure — or Ctrl-C — removes the temporaries and the folders this run created, so
 * a rerun starts clean.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmdirSync, rmSync, statSync, writeSync, accessSync, constants } from 'node:fs';
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { createGunzip } from 'node:zlib';
import { pipeline } from 'node:stream/promises';
import { InputError, isInputError } from '../../core/errors.js';
import { getDataset, type DatasetSpec } from './datasets.js';
import { download, parseUrl, reason } from './download.js';
import { downloadProgress, type ProgressMode } from './progress.js';
import { safeEntryPath, TarReader, type TarEntrySink } from './tar.js';
import { checkOutputDir } from '../io/output_target.js';

export interface FetchOptions {
  readonly dataset: string;
  /** The data directory (created when missing); defaults to $NASC_DATA. */
  readonly dataDir?: string;
  /** Where to get the archive (http:, https: or file:); defaults to the dataset's official URL. */
  readonly url?: string;
  /** Expected MD5 (hex) of the archive; defaults to the official one. */
  readonly md5?: string;
  /** Expected size of the archive in bytes; defaults to the official one unless `md5` is given. */
  readonly size?: number;
  /** Download and extract even when valid files are already there. */
  readonly force?: boolean;
  /** Progress on stderr: bar on a terminal and lines otherwise ('auto', the default), or forced. */
  readonly progress?: ProgressMode;
  /** Give up when the server sends nothing for this long (ms; default 60 s). */
  readonly idleTimeoutMs?: number;
  /**
   * Called once the server has answered, before any progress output: the place for an
   * announcement, so that an unreachable server prints only its error line.
   */
  readonly onStart?: (totalBytes: number | undefined) => void;
}

export interface FetchResult {
  readonly dataset: string;
  /** 'downloaded': fetched and extracted now; 'present': valid files were already there, nothing done. */
  readonly status: 'downloaded' | 'present';
  readonly dataDir: string;
  /** The folder holding the files. */
  readonly directory: string;
  /** Base names of the files in `directory` (extracted now, or the required ones found). */
  readonly files: readonly string[];
  /** Records per split, as the project's loader reads them. */
  readonly records: Readonly<Record<string, number>>;
  readonly url?: string;
  readonly finalUrl?: string;
  readonly bytes?: number;
  readonly md5?: string;
  readonly seconds: number;
  readonly notes: readonly string[];
}

export async function fetchDataset(options: FetchOptions): Promise<FetchResult> {
  const started = Date.now();
  const spec = getDataset(options.dataset);
  const md5 = options.md5 === undefined ? spec.md5 : checkMd5(options.md5);
  if (options.size !== undefined && !(Number.isSafeInteger(options.size) && options.size > 0)) {
    throw new InputError(`--size must be a positive integer, got ${options.size}`);
  }
  const size = options.size ?? (options.md5 === undefined ? spec.size : undefined);
  const official = md5 === spec.md5;
  const url = parseUrl(options.url ?? spec.url).href;

  const cleanup = new Cleanup();
  try {
    const dataDir = prepareDataDir(options.dataDir, cleanup);
    const target = path.join(dataDir, ...spec.target);

    if (options.force !== true) {
      for (const rel of [spec.target, ...spec.alsoAt]) {
        const dir = path.join(dataDir, ...rel);
        if (!spec.required.every((f) => isFile(path.join(dir, f)))) continue;
        const records = tryVerify(spec, (f) => path.join(dir, f), official);
        if (records === undefined) continue;
        cleanup.done();
        return {
          dataset: spec.name,
          status: 'present',
          dataDir,
          directory: dir,
          files: [...spec.required],
          records,
          seconds: (Date.now() - started) / 1000,
          notes: spec.notes(dataDir),
        };
      }
    }

    try {
      accessSync(dataDir, constants.W_OK);
    } catch {
      throw new InputError(`data directory ${dataDir} is not writable`);
    }
    cleanup.armSignals();
    removeStale(dataDir, (name) => tempPid(name, `.${spec.archiveName}.`, '.part'));
    const archive = path.join(dataDir, `.${spec.archiveName}.${process.pid}.part`);
    cleanup.file(archive);
    const mode = options.progress ?? 'auto';
    const shown = downloadProgress(mode, `${spec.name}: download`);
    const onStart = options.onStart;
    const progress =
      onStart === undefined
        ? shown
        : {
            start: (total: number | undefined) => {
              onStart(total);
              shown?.start(total);
            },
            update: (bytes: number) => shown?.update(bytes),
            stop: () => shown?.stop(),
          };
    const got = await download({
      url,
      file: archive,
      ...(size === undefined ? {} : { expectedSize: size }),
      ...(options.idleTimeoutMs === undefined ? {} : { idleTimeoutMs: options.idleTimeoutMs }),
      ...(progress === undefined ? {} : { progress }),
    });
    if (got.md5 !== md5) {
      throw new InputError(`checksum mismatch for ${got.finalUrl}: MD5 ${got.md5}, expected ${md5} (corrupt download or a different file)`);
    }

    if (mode !== 'none') process.stderr.write(`${spec.name}: size and MD5 ok; extracting ${spec.member}/ and checking it with the loader\n`);
    cleanup.dir(target);
    removeStale(target, (name) => tempPid(name, '.', '.tmp'));
    const staged = await extract(spec, archive, target, cleanup);
    const missing = spec.required.filter((f) => !staged.has(f));
    if (missing.length > 0) {
      throw new InputError(
        `the archive lacks ${missing.map((f) => `${spec.member}/${f}`).join(', ')} (not the ${spec.name} archive?)`,
      );
    }
    const records = verifyStaged(spec, staged, official);
    for (const [base, tmp] of staged) renameSync(tmp, path.join(target, base));
    cleanup.done();
    rmSync(archive, { force: true });
    return {
      dataset: spec.name,
      status: 'downloaded',
      dataDir,
      directory: target,
      files: [...staged.keys()].sort(),
      records,
      url,
      finalUrl: got.finalUrl,
      bytes: got.bytes,
      md5: got.md5,
      seconds: (Date.now() - started) / 1000,
      notes: spec.notes(dataDir),
    };
  } catch (e) {
    cleanup.run();
    throw asInputError(e);
  } finally {
    cleanup.disarmSignals();
  }
}

/**
 * Streams the archive through gunzip and the tar reader; regular files directly under the
 * dataset's member folder go to flushed temporary files in `target`. Returns base name → temp file.
 */
async function extract(spec: DatasetSpec, archive: string, target: string, cleanup: Cleanup): Promise<Map<string, string>> {
  const staged = new Map<string, string>();
  const reader = new TarReader((header) => {
    const parts = safeEntryPath(header.name);
    if (header.type !== 'file' || parts.length !== 2 || parts[0] !== spec.member) return undefined;
    const base = parts[1] as string;
    if (base.startsWith('.')) return undefined;
    const tmp = path.join(target, `.${base}.${process.pid}.tmp`);
    cleanup.file(tmp);
    staged.set(base, tmp);
    return fileSink(tmp);
  });
  // pipeline() reports an error thrown by the consumer as an AbortError; keep the real one.
  let refused: unknown;
  try {
    await pipeline(createReadStream(archive), createGunzip(), async (source: AsyncIterable<Buffer>) => {
      try {
        for await (const chunk of source) reader.push(chunk);
        reader.end();
      } catch (e) {
        refused = e;
        throw e;
      }
    });
  } catch (e) {
    // A gunzip error reaches either pipeline() or, through the consumer's iteration, `refused`
    // (which one depends on timing): both are the same corrupt archive.
    const err = refused ?? e;
    if (isInputError(err)) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && code.startsWith('Z_')) {
      throw new InputError(`corrupt gzip in the downloaded ${spec.archiveName}: ${(err as Error).message}`);
    }
    throw err;
  }
  return staged;
}

function fileSink(file: string): TarEntrySink {
  let fd: number | undefined = openSync(file, 'w');
  return {
    write(chunk) {
      let at = 0;
      while (at < chunk.length) at += writeSync(fd as number, chunk, at, chunk.length - at);
    },
    end() {
      if (fd === undefined) return;
      fsyncSync(fd);
      closeSync(fd);
      fd = undefined;
    },
  };
}

/** Loads the staged files with the project's loader; messages name archive members, not temp files. */
function verifyStaged(spec: DatasetSpec, staged: Map<string, string>, official: boolean): Record<string, number> {
  let records: Record<string, number>;
  try {
    records = spec.verify((f) => staged.get(f) as string);
  } catch (e) {
    if (!isInputError(e)) throw e;
    let msg = e.message;
    for (const [base, tmp] of staged) msg = msg.split(tmp).join(`${spec.member}/${base}`);
    throw new InputError(`the archive's files do not load: ${msg}`);
  }
  if (official) {
    for (const [split, n] of Object.entries(spec.records)) {
      if (records[split] !== n) {
        throw new InputError(`the archive's ${split} split has ${records[split]} records, expected ${n}`);
      }
    }
  }
  return records;
}

/** Records per split when the files load (and, for the official archive, have the official counts). */
function tryVerify(spec: DatasetSpec, file: (base: string) => string, official: boolean): Record<string, number> | undefined {
  try {
    const records = spec.verify(file);
    if (official && Object.entries(spec.records).some(([split, n]) => records[split] !== n)) return undefined;
    return records;
  } catch (e) {
    if (isInputError(e)) return undefined;
    throw e;
  }
}

function prepareDataDir(flag: string | undefined, cleanup: Cleanup): string {
  const given = flag ?? process.env.NASC_DATA;
  if (given === undefined || given === '') {
    throw new InputError('no data directory: pass --data-dir DIR or set NASC_DATA');
  }
  // Before any mkdir: Node's recursive mkdir below /proc never returns (output_target.ts).
  const dir = checkOutputDir(given, { flag: flag === undefined ? 'NASC_DATA' : '--data-dir' });
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) throw new InputError(`data directory ${dir} is not a directory`);
    return dir;
  }
  try {
    cleanup.dir(dir);
  } catch (e) {
    throw new InputError(`cannot create data directory ${dir}: ${reason(e)}`);
  }
  return dir;
}

/** Temporary files left by runs that were killed (their process is gone). */
function removeStale(dir: string, pidOf: (name: string) => number | undefined): void {
  for (const name of readdirSync(dir)) {
    const pid = pidOf(name);
    if (pid === undefined || pid === process.pid || isAlive(pid)) continue;
    rmSync(path.join(dir, name), { force: true });
  }
}

/** The pid in `<prefix>…<pid><suffix>` temporary names, e.g. `.data_batch_1.bin.4242.tmp`. */
function tempPid(name: string, prefix: string, suffix: string): number | undefined {
  if (!name.startsWith(prefix) || !name.endsWith(suffix)) return undefined;
  const m = /\.(\d+)$/.exec(name.slice(0, -suffix.length));
  return m === null ? undefined : Number(m[1]);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function checkMd5(text: string): string {
  const md5 = text.trim().toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(md5)) throw new InputError(`--md5 must be 32 hexadecimal digits, got '${text}'`);
  return md5;
}

function isFile(f: string): boolean {
  return existsSync(f) && statSync(f).isFile();
}

/** File-system failures (permissions, full disk) are the user's to fix: one line, exit 2. */
function asInputError(e: unknown): unknown {
  if (isInputError(e)) return e;
  const err = e as NodeJS.ErrnoException;
  const fsCodes = new Set(['EACCES', 'EPERM', 'ENOSPC', 'EROFS', 'ENOTDIR', 'EISDIR', 'EDQUOT', 'EEXIST']);
  if (err instanceof Error && typeof err.code === 'string' && fsCodes.has(err.code)) {
    return new InputError(`cannot write ${err.path ?? 'the data directory'}: ${reason(err)}`);
  }
  return e;
}

/**
 * What a failed or interrupted fetch must undo: temporary files, and the folders it created
 * (removed only when empty, deepest first).
 */
class Cleanup {
  private readonly files = new Set<string>();
  private readonly dirs: string[] = [];
  private readonly onSignal = (signal: NodeJS.Signals) => {
    this.run();
    this.disarmSignals();
    process.kill(process.pid, signal);
  };
  private armed = false;

  file(f: string): void {
    this.files.add(f);
  }

  /** Creates `dir` (and missing parents), remembering which ones this run created. */
  dir(dir: string): void {
    const missing: string[] = [];
    for (let d = dir; !existsSync(d); d = path.dirname(d)) {
      missing.push(d);
      if (path.dirname(d) === d) break;
    }
    mkdirSync(dir, { recursive: true });
    this.dirs.push(...missing);
  }

  /** Success: keep everything. */
  done(): void {
    this.files.clear();
    this.dirs.length = 0;
  }

  run(): void {
    for (const f of this.files) rmSync(f, { force: true });
    this.files.clear();
    for (const d of [...this.dirs].sort((a, b) => b.length - a.length)) {
      try {
        if (readdirSync(d).length === 0) rmdirSync(d);
      } catch {
        // already gone or not empty: leave it
      }
    }
    this.dirs.length = 0;
  }

  armSignals(): void {
    if (this.armed) return;
    this.armed = true;
    process.once('SIGINT', this.onSignal);
    process.once('SIGTERM', this.onSignal);
  }

  disarmSignals(): void {
    if (!this.armed) return;
    this.armed = false;
    process.off('SIGINT', this.onSignal);
    process.off('SIGTERM', this.onSignal);
  }
}
