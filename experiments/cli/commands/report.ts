import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { parsePluginSpec } from '../../../core/registry.js';
import { writeCompareReportHtml } from '../../report/compare_report.js';
import { writeSearchReportHtml } from '../../report/html.js';
import { algorithms } from '../../plugins.js';
import { readSearchResults } from '../../report/results_reader.js';
import { drawSearchPlots } from '../../report/search_plots.js';
import { checkInputDir, checkOutputDir } from '../../io/output_target.js';

interface ReportArgs {
  dir: string;
  json: boolean;
}

export interface ReportSummary {
  readonly dir: string;
  readonly kind: 'search' | 'compare';
  readonly files: string[];
  readonly front?: number;
  readonly hv?: number;
}

/** `nasc report DIR`: a search folder gets its plots (SVG + PNG) and report.html redrawn; a compare folder its report.html. */
export function reportCommand(dirArg: string): ReportSummary {
  const dir = checkInputDir(path.resolve(dirArg), { flag: 'report' });
  checkOutputDir(dir, { flag: 'report' }); // the plots and report.html are written back into it
  if (!existsSync(path.join(dir, 'config.json')) && existsSync(path.join(dir, 'compare.json'))) {
    return { dir, kind: 'compare', files: [writeCompareReportHtml(dir)] };
  }
  // Every file checked field by field: a front.json of {} or null is one line, not a TypeError.
  const results = readSearchResults(dir, (spec) => void parsePluginSpec(algorithms, spec));
  const files = [...drawSearchPlots(dir, results), writeSearchReportHtml(dir)];
  return { dir, kind: 'search', files, front: results.front.length, hv: results.indicators.hv };
}

export const reportCommandModule: CommandModule<object, ReportArgs> = {
  command: 'report <dir>',
  describe: 'Redraw the plots (SVG + PNG) and report.html of a search results folder, or the report.html of a compare folder',
  builder: (y: Argv) =>
    y.positional('dir', { type: 'string', demandOption: true, describe: 'results folder of `nasc search` or `nasc compare`' }).option('json', { type: 'boolean', default: false }) as unknown as Argv<ReportArgs>,
  handler: (args) => {
    const r = reportCommand(args.dir);
    if (args.json) {
      process.stdout.write(`${JSON.stringify(r)}\n`);
      return;
    }
    const head = r.kind === 'search' ? `${r.front ?? 0} front points, HV ${(r.hv ?? Number.NaN).toFixed(4)}; wrote:` : 'wrote:';
    process.stdout.write(`${head}\n${r.files.map((f) => `  ${f}`).join('\n')}\n`);
  },
};
