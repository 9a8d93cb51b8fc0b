/**
 * A private `redis-server` on 127.0.0.1 and a free port, in a temporary folder, without
 * persistence: what the queue tests and `npm run bench:queue` run against (the real server,
 * Debian's package; experiments/setup/debian.sh queue installs it).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface LocalRedis {
  readonly port: number;
  /** redis://127.0.0.1:PORT/0 (with the password when one was set). */
  readonly url: string;
  stop(): Promise<void>;
}

/** Why a local redis-server cannot be started here, or undefined when it can. */
export function redisServerMissing(): string | undefined {
  const r = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  return r.error === undefined && r.status === 0 ? undefined : 'redis-server is not installed (bash experiments/setup/debian.sh queue)';
}

export async function startLocalRedis(options: { password?: string } = {}): Promise<LocalRedis> {
  let lastError = '';
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'nasc-redis-'));
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no', '--loglevel', 'notice'];
    if (options.password !== undefined) args.push('--requirepass', options.password);
    const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      await ready(child);
      const auth = options.password === undefined ? '' : `:${encodeURIComponent(options.password)}@`;
      return {
        port,
        url: `redis://${auth}127.0.0.1:${port}/0`,
        stop: async () => {
          await stopChild(child);
          rmSync(dir, { recursive: true, force: true });
        },
      };
    } catch (e) {
      lastError = e instanceof Error ? e.message : String(e);
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
    }
  }
  throw new Error(`could not start redis-server: ${lastError}`);
}

function ready(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let log = '';
    const timer = setTimeout(() => reject(new Error(`not ready within 10 s: ${log.slice(-300)}`)), 10_000);
    const onData = (b: Buffer): void => {
      log += b.toString();
      if (log.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited (${code}): ${log.slice(-300)}`));
    });
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}
