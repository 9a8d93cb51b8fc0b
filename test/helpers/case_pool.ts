/**
 * The parent side of case_runner.ts: a few long-lived runner children, each serving cases one
 * at a time over IPC. A case that does not answer within `hangMs` is recorded as hung and its
 * child replaced (a hang guard, not a speed assertion).
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { CaseReply, CaseRequest } from './case_runner.js';
import { root } from './nasc_cli.js';

export type CaseResult = CaseReply & { readonly hung?: true };

class Runner {
  private child!: ChildProcess;
  private ready!: Promise<void>;
  private nativeStderr = '';

  constructor() {
    this.start();
  }

  private start(): void {
    this.child = fork(path.join(root, 'test/helpers/case_runner.ts'), [], { cwd: root, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    this.child.stderr?.on('data', (d: Buffer) => (this.nativeStderr += d.toString()));
    this.child.stdout?.on('data', () => undefined);
    this.ready = new Promise((resolve) => this.child.once('message', () => resolve()));
  }

  async run(req: CaseRequest, hangMs: number): Promise<CaseResult> {
    await this.ready;
    this.nativeStderr = '';
    const child = this.child;
    const reply = await new Promise<CaseResult>((resolve) => {
      const finish = (r: CaseResult) => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(r);
      };
      const timer = setTimeout(() => {
        finish({ id: req.id, code: null, stdout: '', stderr: '', ms: hangMs, hung: true });
        child.kill('SIGKILL');
        this.start();
      }, hangMs);
      const onMessage = (m: CaseReply) => {
        if (m.id === req.id) finish(m);
      };
      const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
        finish({ id: req.id, code: null, stdout: '', stderr: this.nativeStderr, ms: 0, thrown: `the runner died (exit ${code}, ${signal})` });
        this.start();
      };
      child.on('message', onMessage);
      child.on('exit', onExit);
      child.send(req);
    });
    // Anything written around the JS streams (native code, worker threads) counts as the case's output.
    return this.nativeStderr === '' ? reply : { ...reply, stderr: reply.stderr + this.nativeStderr };
  }

  close(): void {
    this.child.kill();
  }
}

/** Runs the requests on `parallel` runners; results in request order. */
export async function runCases(requests: readonly Omit<CaseRequest, 'id'>[], parallel: number, hangMs: number): Promise<CaseResult[]> {
  const runners = Array.from({ length: parallel }, () => new Runner());
  const results: CaseResult[] = new Array(requests.length);
  let next = 0;
  try {
    await Promise.all(
      runners.map(async (r) => {
        while (next < requests.length) {
          const i = next++;
          results[i] = await r.run({ id: i, ...(requests[i] as Omit<CaseRequest, 'id'>) }, hangMs);
        }
      }),
    );
  } finally {
    for (const r of runners) r.close();
  }
  return results;
}
