import type { CompareReport } from './run_compare.js';

/** A plain-text table: final median [q1, q3] per strategy and indicator, then who leads at each budget. */
export function formatReport(report: CompareReport): string {
  const names = Object.keys(report.strategies);
  const indicators = report.indicators;
  const cell = (s: { median: number; q1: number; q3: number } | undefined) => (s === undefined ? '—' : `${fmt(s.median)} [${fmt(s.q1)}, ${fmt(s.q3)}]`);
  const header = ['strategy', ...indicators];
  const rows = names.map((n) => [n, ...indicators.map((ind) => cell(report.strategies[n]?.[ind]))]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (r: readonly string[]) => r.map((c, i) => c.padEnd(widths[i] as number)).join('  ');
  const out = [`${report.problem}: ${report.evaluations} evaluations, seeds ${report.seeds[0]}..${report.seeds[report.seeds.length - 1]} (median [q1, q3])`, line(header), ...rows.map(line)];
  for (const b of report.atBudgets) {
    const leads = indicators.map((ind) => {
      const l = b.leader[ind];
      return l === undefined ? '' : `${ind}: ${l.strategy}${l.p === undefined ? '' : ` (p=${fmt(l.p)} vs ${l.runnerUp})`}`;
    });
    out.push(`at ${b.evaluations}: ${leads.filter((s) => s !== '').join('; ')}`);
  }
  if (report.files.length > 0) out.push(`wrote ${report.files.length} files to ${report.files[0]?.replace(/[\\/][^\\/]*$/, '')}`);
  return `${out.join('\n')}\n`;
}

function fmt(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x !== 0 && Math.abs(x) < 1e-3) return x.toExponential(2);
  return Number(x.toPrecision(4)).toString();
}
