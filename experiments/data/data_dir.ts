/**
 * Where nasc's data comes from, the way the well-known libraries do it.
 *
 * - Tables (HW-NAS-Bench, NAS-Bench-201) ship with the package (data/); a copy in the user's
 *   data directory wins when present (problems/data_dir.ts).
 * - CIFAR-10 comes from `--data-dir`, else `NASC_DATA`, else the per-user cache
 *   (`$XDG_CACHE_HOME/nasc`, else `~/.cache/nasc`). When nothing is named and the cache lacks it,
 *   `ensureCifar10({ fetch: true })` downloads the official archive into the cache on first use
 *   (progress, size + MD5, atomic install: experiments/data/fetch.ts) and says where it put it —
 *   like torchvision's `download=True`.
 *
 * Library code: no CLI imports; the CLI passes its `--data-dir` flag in.
 */
import { existsSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InputError, isInputError } from '../../core/errors.js';
import { cifar10Files } from '../../workers/cifar10.js';
import { getDataset } from './datasets.js';
import { fetchDataset, type FetchResult } from './fetch.js';
import type { ProgressMode } from './progress.js';

export type DataDirSource = '--data-dir' | 'NASC_DATA' | 'cache';

export interface DataDirChoice {
  readonly dir: string;
  readonly from: DataDirSource;
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The data directory the user named: `--data-dir` wins over `NASC_DATA`; undefined when neither
 * is set. A named directory that does not exist is an InputError (a typo must not silently fall
 * back to something else).
 */
export function namedDataDir(flag: string | undefined, env: Env = process.env): DataDirChoice | undefined {
  const fromFlag = flag !== undefined && flag !== '';
  const dir = fromFlag ? flag : env.NASC_DATA;
  if (dir === undefined || dir === '') return undefined;
  const from: DataDirSource = fromFlag ? '--data-dir' : 'NASC_DATA';
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new InputError(`data directory ${dir} (from ${from}) does not exist`);
  }
  return { dir: path.resolve(dir), from };
}

/** The per-user cache: `$XDG_CACHE_HOME/nasc`, else `~/.cache/nasc` (it may not exist yet). */
export function userCacheDir(env: Env = process.env): string {
  const xdg = env.XDG_CACHE_HOME;
  // The XDG spec: a relative $XDG_CACHE_HOME is invalid and is ignored.
  const base = xdg !== undefined && xdg !== '' && path.isAbsolute(xdg) ? xdg : path.join(env.HOME !== undefined && env.HOME !== '' ? env.HOME : os.homedir(), '.cache');
  return path.join(base, 'nasc');
}

/**
 * The data directory for commands that read files from one: the named one, else the user
 * cache. Tables missing there fall back to the shipped ones (problems/data_dir.ts); for CIFAR-10
 * use `ensureCifar10`, which also searches and can download.
 */
export function resolveDataDir(flag: string | undefined, env: Env = process.env): string {
  return namedDataDir(flag, env)?.dir ?? userCacheDir(env);
}

/** Whether both CIFAR-10 splits are in `dir` (any layout the loader reads). */
export function hasCifar10(dir: string): boolean {
  try {
    cifar10Files(dir, 'train');
    cifar10Files(dir, 'test');
    return true;
  } catch (e) {
    if (isInputError(e)) return false;
    throw e;
  }
}

export interface EnsureCifar10Options {
  /** The `--data-dir` flag, if given. */
  readonly dataDir?: string;
  /** Download the official archive into the user cache when nothing is named and the cache lacks it. */
  readonly fetch: boolean;
  readonly env?: Env;
  /** Download progress (stderr): 'auto' = bar on a terminal, lines otherwise. */
  readonly progress?: ProgressMode;
  /** Where to say what happens (default: stderr). */
  readonly log?: (line: string) => void;
}

export interface Cifar10Location extends DataDirChoice {
  /** Set when this call downloaded it. */
  readonly fetched?: FetchResult;
}

/**
 * A data directory holding CIFAR-10. The first of --data-dir, NASC_DATA and the user cache that
 * is set decides (a directory the user named is never silently passed over for another): a named
 * one must hold it; the cache gets it downloaded on first use when `fetch` is set. The archive
 * URL and MD5 can be replaced by NASC_CIFAR10_URL / NASC_CIFAR10_MD5 (a mirror; tests). Every
 * failure is one InputError line saying what to do.
 */
export async function ensureCifar10(options: EnsureCifar10Options): Promise<Cifar10Location> {
  const env = options.env ?? process.env;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const cache = userCacheDir(env);
  const named = namedDataDir(options.dataDir, env);
  if (named !== undefined) {
    if (hasCifar10(named.dir)) return named;
    const instead = named.from === 'NASC_DATA' ? 'unset NASC_DATA' : 'leave out --data-dir (and NASC_DATA)';
    throw new InputError(`CIFAR-10 not found in ${named.dir} (from ${named.from}): put it there with \`nasc data fetch cifar10 --data-dir ${named.dir}\`, or ${instead} to use the user cache ${cache}`);
  }
  if (hasCifar10(cache)) return { dir: cache, from: 'cache' };

  const spec = getDataset('cifar10');
  const url = env.NASC_CIFAR10_URL !== undefined && env.NASC_CIFAR10_URL !== '' ? env.NASC_CIFAR10_URL : spec.url;
  const md5 = env.NASC_CIFAR10_MD5 !== undefined && env.NASC_CIFAR10_MD5 !== '' ? env.NASC_CIFAR10_MD5 : undefined;
  const remedy = `put CIFAR-10 there with \`nasc data fetch cifar10\` (on a machine with internet), or set NASC_DATA to a data directory holding cifar10/`;
  if (!options.fetch) {
    throw new InputError(`CIFAR-10 not found in the user cache ${cache} and NASC_DATA is not set: ${remedy.replace('there', `in ${cache}`)} (it downloads ${url})`);
  }
  let fetched: FetchResult;
  try {
    fetched = await fetchDataset({
      dataset: 'cifar10',
      dataDir: cache,
      url,
      ...(md5 === undefined ? {} : { md5 }),
      progress: options.progress ?? 'auto',
      // Announced once the server answers: offline, the error line is all that is printed.
      onStart: (total) => log(`CIFAR-10 is not in the user cache ${cache} and NASC_DATA is not set: downloading ${url} (${((total ?? spec.size) / 1e6).toFixed(0)} MB, once) into it`),
    });
  } catch (e) {
    if (!isInputError(e)) throw e;
    throw new InputError(`cannot fetch CIFAR-10 from ${url} into the cache ${cache} (${e.message}): ${remedy.replace('there', `in ${cache}`)}`);
  }
  log(`CIFAR-10: ${fetched.status === 'downloaded' ? 'downloaded and checked' : 'found'} in ${fetched.directory}; later runs use it from there`);
  return { dir: cache, from: 'cache', fetched };
}
