/**
 * A Redis connection from a queue URL: `redis://[user[:password]@]host[:port][/db]` or
 * `rediss://…` (TLS; the server certificate is checked against the system CAs, plus
 * NODE_EXTRA_CA_CERTS). The password comes from the URL or, when the URL has none, from
 * NASC_REDIS_PASSWORD, so it need not appear on a command line. Only the redacted form
 * (scheme, host, port, db) is ever printed or written.
 */
import { Redis, type RedisOptions } from 'ioredis';
import { InputError } from '../../core/errors.js';

export const PASSWORD_ENV = 'NASC_REDIS_PASSWORD';

export interface RedisTarget {
  readonly options: RedisOptions;
  /** scheme://host:port/db — no user, no password. */
  readonly display: string;
}

export function parseRedisUrl(url: string, env: NodeJS.ProcessEnv = process.env): RedisTarget {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new InputError(`--queue must be a URL like redis://host:6379/0 or rediss://host:6380, got ${JSON.stringify(redactAny(url))}`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new InputError(`--queue: scheme must be redis:// or rediss://, got ${u.protocol}//`);
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
  if (host === '') throw new InputError('--queue: the URL names no host');
  const port = u.port === '' ? 6379 : Number(u.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new InputError(`--queue: port must be 1..65535, got ${u.port}`);
  const path = u.pathname.replace(/^\//, '');
  if (path !== '' && !/^\d{1,5}$/.test(path)) throw new InputError(`--queue: the path must be a database number (e.g. /0), got /${path}`);
  const db = path === '' ? 0 : Number(path);
  if (u.search !== '' || u.hash !== '') throw new InputError('--queue: no query string or fragment is read; give only scheme://[user:password@]host:port/db');
  const username = decodeURIComponent(u.username);
  const password = u.password !== '' ? decodeURIComponent(u.password) : env[PASSWORD_ENV];
  const tls = u.protocol === 'rediss:';
  const display = `${u.protocol}//${u.hostname}:${port}/${db}`;
  return {
    display,
    options: {
      host,
      port,
      db,
      ...(username === '' ? {} : { username }),
      ...(password === undefined || password === '' ? {} : { password }),
      ...(tls ? { tls: { servername: host } } : {}),
      // BullMQ's blocking connections need this; commands wait for a reconnect instead of failing.
      maxRetriesPerRequest: null,
      connectionName: 'nasc',
      lazyConnect: true,
    },
  };
}

/**
 * Connects and checks the server answers within `timeoutMs`, so a wrong host, port or password
 * is one clear error at start instead of endless reconnect attempts.
 */
export async function connectRedis(target: RedisTarget, timeoutMs = 10_000): Promise<Redis> {
  const client = new Redis(target.options);
  let lastError = '';
  const onError = (e: Error): void => {
    lastError = e.message;
  };
  client.on('error', onError);
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      client.connect().then(() => client.ping()),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(lastError === '' ? `no answer within ${timeoutMs} ms` : lastError)), timeoutMs);
      }),
    ]);
  } catch (e) {
    client.disconnect();
    // The client's own error event names the cause (ECONNREFUSED, WRONGPASS …); the rejection often only says "closed".
    const why = lastError !== '' ? lastError : e instanceof Error ? e.message : String(e);
    throw new InputError(`cannot use the queue at ${target.display}: ${redactAny(why)}`);
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
  return client;
}

/** Strips anything that looks like credentials out of a URL-ish text (for messages). */
export function redactAny(text: string): string {
  return text.replace(/(rediss?:\/\/)[^@/\s]*@/gi, '$1***@');
}
