/**
 * Downloads one URL to a file with node's own http/https: follows up to 5 redirects, refuses
 * any final status but 200, hashes (MD5) and counts the bytes while they stream to disk, and
 * stops as soon as more bytes arrive than expected. `file:` URLs are copied the same way, for
 * machines that got the archive some other way. Every failure is an InputError with one line;
 * the caller owns (and removes) the destination file.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, statSync } from 'node:fs';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { InputError } from '../../core/errors.js';

export interface DownloadProgress {
  /** Called once the body starts, with the expected total when known. */
  start(total: number | undefined): void;
  update(bytes: number): void;
  stop(): void;
}

export interface DownloadOptions {
  readonly url: string;
  /** Destination; created (must not exist) and left in place on success and failure alike. */
  readonly file: string;
  /** Expected byte count; a different Content-Length fails before the body, more bytes stop the download. */
  readonly expectedSize?: number;
  readonly maxRedirects?: number;
  /** Give up when the server sends nothing for this long (ms). */
  readonly idleTimeoutMs?: number;
  readonly progress?: DownloadProgress;
}

export interface DownloadResult {
  /** The URL the body came from, after redirects. */
  readonly finalUrl: string;
  readonly redirects: number;
  readonly bytes: number;
  /** Lower-case hex MD5 of the bytes written. */
  readonly md5: string;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export async function download(options: DownloadOptions): Promise<DownloadResult> {
  const maxRedirects = options.maxRedirects ?? 5;
  const timeout = options.idleTimeoutMs ?? 60_000;
  let url = parseUrl(options.url);
  let redirects = 0;
  let body: Readable;
  let announced: number | undefined;
  for (;;) {
    if (url.protocol === 'file:') {
      const path = fileURLToPath(url);
      let size: number;
      try {
        size = statSync(path).size;
      } catch (e) {
        throw new InputError(`cannot read ${path}: ${reason(e)}`);
      }
      body = createReadStream(path);
      announced = size;
      break;
    }
    const res = await get(url, timeout);
    const status = res.statusCode ?? 0;
    if (REDIRECTS.has(status)) {
      res.resume();
      const location = res.headers.location;
      if (location === undefined || location === '') throw new InputError(`${url.href}: HTTP ${status} redirect without a Location header`);
      if (redirects >= maxRedirects) throw new InputError(`${options.url}: more than ${maxRedirects} redirects (last to ${location})`);
      redirects++;
      let next: URL;
      try {
        next = new URL(location, url);
      } catch {
        throw new InputError(`${url.href}: redirect to an invalid URL '${location}'`);
      }
      if (next.protocol !== 'http:' && next.protocol !== 'https:') {
        throw new InputError(`${url.href}: redirect to unsupported URL ${next.href}`);
      }
      url = next;
      continue;
    }
    if (status !== 200) {
      res.resume();
      throw new InputError(`${url.href}: HTTP ${status}${res.statusMessage ? ` ${res.statusMessage}` : ''}`);
    }
    const length = res.headers['content-length'];
    announced = length === undefined || !/^\d+$/.test(length) ? undefined : Number(length);
    res.setTimeout(timeout, () => res.destroy(new InputError(`download of ${url.href} stalled: no data for ${Math.round(timeout / 1000)} s`)));
    body = res;
    break;
  }

  const expected = options.expectedSize;
  if (expected !== undefined && announced !== undefined && announced !== expected) {
    body.destroy();
    throw new InputError(`${url.href} is ${announced} bytes, expected ${expected} (a different file?)`);
  }
  const total = expected ?? announced;
  const hash = createHash('md5');
  let bytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      if (total !== undefined && bytes > total) {
        callback(new InputError(`${url.href} sent more than the expected ${total} bytes (a different file?)`));
        return;
      }
      hash.update(chunk);
      options.progress?.update(bytes);
      callback(null, chunk);
    },
  });
  const out = createWriteStream(options.file, { flags: 'wx' });
  let writeFailed: unknown;
  out.on('error', (e) => {
    writeFailed = e;
  });
  options.progress?.start(total);
  try {
    await pipeline(body, counter, out);
  } catch (e) {
    // A write stream destroyed before its file was open still opens (then closes) it: wait for
    // the close, so the caller's clean-up removes the file instead of racing its creation (seen
    // under load: a .part file left behind by a download cut short).
    // (The write stream's own error, if any, came before the rejection; pipeline's destroy of it
    // with the source's error comes after and is not a write failure.)
    const writeError = writeFailed;
    if (!out.closed) await new Promise<void>((resolve) => out.once('close', () => resolve()));
    if (writeError !== undefined) throw new InputError(`cannot write ${options.file}: ${reason(writeError)}`);
    if (e instanceof InputError) throw e;
    throw new InputError(
      `download of ${url.href} failed after ${bytes}${total === undefined ? '' : ` of ${total}`} bytes: ${reason(e)}`,
    );
  } finally {
    options.progress?.stop();
  }
  if (total !== undefined && bytes !== total) {
    throw new InputError(`download of ${url.href} is truncated: ${bytes} of ${total} bytes`);
  }
  return { finalUrl: url.href, redirects, bytes, md5: hash.digest('hex') };
}

export function parseUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new InputError(`invalid URL '${text}'`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:' && url.protocol !== 'file:') {
    throw new InputError(`unsupported URL ${url.href} (use http:, https: or file:)`);
  }
  return url;
}

function get(url: URL, timeout: number): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const client = url.protocol === 'https:' ? https : http;
    // agent: false → one connection, closed afterwards (node 20's global agent keeps sockets alive).
    const req = client.get(url, { agent: false, headers: { 'user-agent': 'nasc', 'accept-encoding': 'identity' } }, resolve);
    req.setTimeout(timeout, () => req.destroy(new InputError(`no response for ${Math.round(timeout / 1000)} s`)));
    req.on('error', (e) => reject(new InputError(`cannot download ${url.href}: ${e instanceof InputError ? e.message : reason(e)}`)));
  });
}

/** A short human reason for a network or file-system error. */
export function reason(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const code = (e as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ECONNRESET':
      return 'connection reset (closed early)';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host not found';
    case 'ETIMEDOUT':
      return 'connection timed out';
    case 'ENETUNREACH':
    case 'EHOSTUNREACH':
      return 'network unreachable';
    case 'ERR_STREAM_PREMATURE_CLOSE':
      return 'connection closed early';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOSPC':
      return 'no space left on the device';
    case 'EROFS':
      return 'read-only file system';
    case 'ENOTDIR':
      return 'a path component is not a directory';
    case 'ENOENT':
      return 'no such file or directory';
    default:
      return e.message === 'aborted' ? 'connection closed early' : e.message.split('\n')[0] ?? String(e);
  }
}
