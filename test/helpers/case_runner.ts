/**
 * A long-lived child that runs `nasc` commands in-process for the bad-input catalogue: each
 * request (args, env, cwd) runs `main(args)` with stdout/stderr captured, and the reply holds
 * the exit code main returns, everything written, and the time taken. One process serves many
 * cases, so the catalogue does not pay Node + tsx start-up (≈ 2.7 s of CPU) per case; a case
 * that hangs is caught by the parent's timeout (it kills and restarts this child).
 */
import { main } from '../../experiments/cli/main.js';

export interface CaseRequest {
  readonly id: number;
  readonly args: readonly string[];
  /** Variables to set ('' or a value) or remove (null) for this case only. */
  readonly env?: Readonly<Record<string, string | null>>;
  readonly cwd?: string;
}

export interface CaseReply {
  readonly id: number;
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** An error main() itself threw (a bug: the CLI would print "internal error" and exit 1). */
  readonly thrown?: string;
  readonly ms: number;
}

type Write = typeof process.stdout.write;

async function runCase(req: CaseRequest): Promise<CaseReply> {
  let stdout = '';
  let stderr = '';
  const outWrite = process.stdout.write.bind(process.stdout);
  const errWrite = process.stderr.write.bind(process.stderr);
  const saved: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(req.env ?? {})) {
    saved[k] = process.env[k];
    if (v === null) delete process.env[k];
    else process.env[k] = v;
  }
  const cwd = process.cwd();
  if (req.cwd !== undefined) process.chdir(req.cwd);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    stdout += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
    return true;
  }) as Write;
  process.stderr.write = ((chunk: string | Uint8Array) => {
    stderr += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
    return true;
  }) as Write;
  const started = performance.now();
  let code: number | null = null;
  let thrown: string | undefined;
  try {
    code = await main(req.args);
  } catch (e) {
    thrown = e instanceof Error ? (e.stack ?? e.message) : String(e);
  } finally {
    process.stdout.write = outWrite;
    process.stderr.write = errWrite;
    process.chdir(cwd);
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    process.exitCode = undefined;
  }
  return { id: req.id, code, stdout, stderr, ms: performance.now() - started, ...(thrown === undefined ? {} : { thrown }) };
}

// Requests are served one at a time, in order.
let queue = Promise.resolve();
process.on('message', (req: CaseRequest) => {
  queue = queue.then(async () => {
    const reply = await runCase(req);
    process.send?.(reply);
  });
});
process.send?.({ ready: true });
