/**
 * The ask/tell handshake every strategy shares: ask() opens a batch, and tell() must answer
 * exactly that batch before the next ask(). Kept in one place so each strategy holds only its
 * own logic (and so they all reject a mismatched tell() with the same message).
 */
export class PendingBatch<T> {
  private open: T[] | undefined;

  /** True between ask() and tell(): the strategy's state cannot be saved then. */
  get isOpen(): boolean {
    return this.open !== undefined;
  }

  /** Forgets an open batch (a strategy loading a saved state). */
  reset(): void {
    this.open = undefined;
  }

  /** Records the batch ask() hands out; a second ask() before tell() is a protocol error. */
  start(batch: T[]): T[] {
    if (this.open !== undefined) throw new Error('ask() called twice without tell()');
    this.open = batch;
    return batch;
  }

  /** The batch of the last ask(), after checking that tell()'s arguments answer it; closes it. */
  finish(genomes: readonly unknown[], evaluations: readonly unknown[]): T[] {
    const open = this.open;
    if (open === undefined) throw new Error('tell() called without a preceding ask()');
    if (genomes.length !== open.length || evaluations.length !== open.length) {
      throw new Error(`tell() expects the ${open.length} genomes of the last ask()`);
    }
    this.open = undefined;
    return open;
  }
}
