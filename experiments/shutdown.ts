/**
 * Cooperative stop on SIGINT / SIGTERM. The first signal aborts `signal` (its reason is an
 * Interrupted error); a run observes it, lets the subnet evaluations already running finish,
 * stops its worker pool and exits 130 / 143 with one line — the checkpoint on disk is the one
 * of the last whole generation. Exiting at once instead (Node's default, or tsx's
 * `process.exit(130)`) terminates worker threads while onnxruntime calls are in flight, and
 * onnxruntime-node then aborts the process in native code ("terminate called after throwing an
 * instance of 'Napi::Error'", exit 134).
 *
 * A second signal stops at once (SIGKILL to itself: no worker clean-up, so no native abort
 * either); every file nasc writes is written atomically, so what is on disk stays valid.
 */
import { Interrupted, type StopSignal } from '../core/errors.js';

const SIGNALS: readonly StopSignal[] = ['SIGINT', 'SIGTERM'];

export class Shutdown {
  private readonly controller = new AbortController();
  private readonly handlers = new Map<StopSignal, () => void>();
  private first: StopSignal | undefined;

  private constructor(private readonly writeLine: (line: string) => void) {
    for (const sig of SIGNALS) {
      const handler = () => this.receive(sig);
      this.handlers.set(sig, handler);
      process.on(sig, handler);
    }
  }

  /** Installs the handlers until `dispose()`; `writeLine` prints the forced-stop line (stderr). */
  static install(writeLine: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Shutdown {
    return new Shutdown(writeLine);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** The first signal received, if any. */
  get received(): StopSignal | undefined {
    return this.first;
  }

  /** Throws the Interrupted error once a signal has arrived (for checks between steps). */
  throwIfStopped(): void {
    if (this.first !== undefined) throw this.controller.signal.reason as Interrupted;
  }

  dispose(): void {
    for (const [sig, handler] of this.handlers) process.off(sig, handler);
    this.handlers.clear();
  }

  private receive(sig: StopSignal): void {
    if (this.first === undefined) {
      this.first = sig;
      this.controller.abort(new Interrupted(sig));
      return;
    }
    this.writeLine(`nasc: ${sig} again: stopped at once (files on disk are whole; the last checkpoint is intact)`);
    process.kill(process.pid, 'SIGKILL');
  }
}

/** The reason of an aborted signal as an Interrupted error (a plain abort counts as SIGINT). */
export function interruptedBy(signal: AbortSignal): Interrupted {
  const r: unknown = signal.reason;
  return r instanceof Interrupted ? r : new Interrupted('SIGINT');
}
