/**
 * `report.html` of a `nasc reproduce paper` output: the study's tables, its reduction figures and,
 * per cell (bandwidth × bound), every run's test front by method — hover a point for its seed,
 * architecture, split, bottleneck and both accuracies. Self-contained like a search's page.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { CellSummary, StudyRun } from '../reproduce/paper_analysis.js';
import { writeReportHtml, type HtmlReport, type ReportSection } from './html.js';
import { reductionFigureBase } from './reduction_figure.js';
import { escapeXml, legendHtml, scatterChart, TipList } from './svg_chart.js';

export interface StudyReportInput {
  readonly out: string;
  readonly runs: readonly StudyRun[];
  readonly cells: readonly CellSummary[];
  readonly reference: string;
  readonly strategies: readonly string[];
  readonly budget: string;
  /** table.md as written beside the page. */
  readonly tableMarkdown: string;
}

/** Markdown as table.md writes it: paragraphs and pipe tables, nothing else. */
export function markdownTablesHtml(md: string): string {
  const blocks = md.split(/\n\s*\n/).map((b) => b.trim()).filter((b) => b.length > 0);
  return blocks
    .map((block) => {
      const lines = block.split('\n');
      if (!lines.every((l) => l.trim().startsWith('|'))) return `<p>${escapeXml(block.replace(/\n/g, ' '))}</p>`;
      const cells = (l: string) => l.trim().replace(/^\||\|$/g, '').split('|').map((c) => c.trim());
      const [head, , ...rows] = lines;
      const th = cells(head ?? '').map((c) => `<th>${escapeXml(c)}</th>`).join('');
      const trs = rows.map((r) => `<tr>${cells(r).map((c) => `<td>${escapeXml(c)}</td>`).join('')}</tr>`).join('');
      return `<table><thead><tr>${th}</tr></thead><tbody>${trs}</tbody></table>`;
    })
    .join('\n');
}

export function studyReport(s: StudyReportInput): HtmlReport {
  const tips = new TipList();
  const sections: ReportSection[] = [];
  const figures = s.strategies
    .filter((name) => name !== s.reference)
    .map((name) => `${reductionFigureBase(s.out, name)}.svg`)
    .filter((f) => existsSync(f))
    // Observable Plot's SVG, written by this study; the XML prolog is dropped for inline use.
    .map((f) => `<figure>${readFileSync(f, 'utf8').replace(/^<\?xml[^>]*>\s*/, '')}</figure>`);
  if (figures.length > 0) {
    sections.push({ id: 'reduction', title: `Latency at matched test accuracy vs ${s.reference}`, note: 'Median over seeds with the inter-quartile range; positive: faster than the reference.', body: figures.join('\n') });
  }
  sections.push({ id: 'tables', title: 'Tables', note: s.budget, body: markdownTablesHtml(s.tableMarkdown) });
  for (const cell of s.cells) {
    const runs = s.runs.filter((r) => r.bandwidthMbps === cell.bandwidthMbps && r.boundMs === cell.boundMs);
    const series = s.strategies.map((name) => ({
      name,
      points: runs
        .filter((r) => r.strategy === name)
        .flatMap((r) =>
          r.front.map((p) => {
            const testError = p.heldOutObjectives[0] ?? Number.NaN;
            const valError = p.objectives[0] ?? Number.NaN;
            const latency = p.heldOutObjectives[1] ?? Number.NaN;
            const d = p.details ?? {};
            const tip = tips.add({
              title: `${name}, seed ${r.seed}`,
              rows: [
                ['test accuracy', `${(100 * (1 - testError)).toFixed(1)} %`],
                ['validation accuracy', `${(100 * (1 - valError)).toFixed(1)} %`],
                ['total latency', `${latency.toFixed(2)} ms`],
                ['split', String(d.split ?? '—')],
                ['precision', String(d.precision ?? '—')],
                ['bottleneck', String(d.bottleneck ?? 0)],
                ['architecture', String(d.architecture ?? p.genome.join(' '))],
              ],
            });
            return { x: latency, y: 100 * testError, tip };
          }),
        ),
    }));
    const id = `cell-${cell.bandwidthMbps}-${cell.boundMs}`;
    const chart = scatterChart({
      id,
      label: `Test fronts at ${cell.bandwidthMbps} Mbit/s, bound ${cell.boundMs} ms`,
      xLabel: 'total latency (ms)',
      yLabel: 'top-1 test error (%)',
      series,
      rule: { x: cell.boundMs, label: `bound ${cell.boundMs} ms` },
    });
    sections.push({
      id,
      title: `${cell.bandwidthMbps} Mbit/s, bound ${cell.boundMs} ms`,
      note: `Every run's front re-measured on test images, all ${cell.seeds.length} seeds pooled.`,
      body: legendHtml(s.strategies) + chart,
    });
  }
  return { title: 'nasc reproduce paper', subtitle: s.budget, sections, tips: tips.tips };
}

export function writeStudyReportHtml(s: StudyReportInput): string {
  return writeReportHtml(s.out, studyReport(s));
}
