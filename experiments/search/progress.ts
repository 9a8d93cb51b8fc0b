import cliProgress from 'cli-progress';

export interface ProgressUpdate {
  readonly evaluations: number;
  readonly total: number;
  readonly generation: number;
  readonly bestFeasibleAccuracy: number;
  readonly hv: number;
}

/**
 * Progress of a search on stderr: a bar with ETA on a terminal, one plain line per generation
 * otherwise (logs and CI stay readable). Silent when disabled.
 */
export class SearchProgress {
  private bar: cliProgress.SingleBar | undefined;
  private readonly start = Date.now();

  constructor(
    private readonly enabled: boolean,
    private readonly label: string,
  ) {}

  update(u: ProgressUpdate): void {
    if (!this.enabled) return;
    const acc = Number.isFinite(u.bestFeasibleAccuracy) ? `${(100 * u.bestFeasibleAccuracy).toFixed(1)}%` : '—';
    if (process.stderr.isTTY) {
      if (this.bar === undefined) {
        this.bar = new cliProgress.SingleBar(
          {
            format: `${this.label} [{bar}] {value}/{total} evals | gen {generation} | ETA {eta_formatted} | best feasible acc {acc} | HV {hv}`,
            stream: process.stderr,
            hideCursor: true,
          },
          cliProgress.Presets.shades_classic,
        );
        this.bar.start(u.total, 0, { generation: 0, acc: '—', hv: '0' });
      }
      this.bar.setTotal(u.total);
      this.bar.update(u.evaluations, { generation: u.generation, acc, hv: u.hv.toFixed(4) });
    } else {
      const s = ((Date.now() - this.start) / 1000).toFixed(0);
      process.stderr.write(`${this.label}: ${u.evaluations}/${u.total} evaluations, generation ${u.generation}, best feasible accuracy ${acc}, HV ${u.hv.toFixed(4)}, ${s} s\n`);
    }
  }

  note(line: string): void {
    if (!this.enabled) return;
    this.stop();
    process.stderr.write(`${line}\n`);
  }

  stop(): void {
    this.bar?.stop();
    this.bar = undefined;
  }
}
