import path from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { parsePluginSpec } from '../../../core/registry.js';
import { algorithms } from '../../plugins.js';
import { readSearchResults } from '../../report/results_reader.js';
import { drawSearchPlots } from '../../report/search_plots.js';
import { checkInputDir, checkOutputDir } from '../../io/output_target.js';

interface ReportArgs {
  dir: string;
  json: boolean;
}

export const reportCommandModule: CommandModule<object, ReportArgs> = {
  command: 'report <dir>',
  describe: 'Redraw the plots and tables of a search results folder',
  builder: (y: Argv) =>
    y.positional('dir', { type: 'string', demandOption: true, describe: 'results folder of `nasc search`' }).option('json', { type: 'boolean', default: false }) as unknown as Argv<ReportArgs>,
  handler: (args) => {
    const dir = checkInputDir(path.resolve(args.dir), { flag: 'report' });
    checkOutputDir(dir, { flag: 'report' }); // the plots are written back into it
    const results = readSearchResults(dir, (spec) => parsePluginSpec(algorithms, spec));
    const files = drawSearchPlots(dir, results);
    if (args.json) {
      process.stdout.write(`${JSON.stringify({ dir, files, front: results.front.length, hv: results.indicators.hv })}\n`);
      return;
    }
    process.stdout.write(`${results.front.length} front points, HV ${results.indicators.hv.toFixed(4)}; wrote:\n${files.map((f) => `  ${f}`).join('\n')}\n`);
  },
};
