/**
 * A child process for the lock race tests: waits for DIR/go (so all children try at once),
 * tries to take DIR's lock, prints "won" or "refused: <message>", then holds the lock until
 * DIR/done exists.
 */
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { RunLock } from '../../experiments/io/run_lock.js';

const [dir, id] = process.argv.slice(2) as [string, string];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
writeFileSync(path.join(dir, `ready-${id}`), '');
while (!existsSync(path.join(dir, 'go'))) await sleep(2);
let lock: RunLock | undefined;
try {
  lock = RunLock.acquire(dir, `lock-child ${id}`);
  process.stdout.write('won\n');
} catch (e) {
  process.stdout.write(`refused: ${e instanceof Error ? e.message : String(e)}\n`);
}
while (!existsSync(path.join(dir, 'done'))) await sleep(5);
lock?.release();
