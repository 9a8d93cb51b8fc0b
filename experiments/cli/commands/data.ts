import type { Argv, CommandModule } from 'yargs';
import { InputError } from '../../../core/errors.js';
import { userCacheDir } from '../../data/data_dir.js';
import { DATASETS, datasetNames } from '../../data/datasets.js';
import { fetchDataset, type FetchResult } from '../../data/fetch.js';
import { positiveInteger } from '../validate.js';
import { checkOutputDir } from '../../io/output_target.js';

export interface DataFetchArgs {
  dataset: string;
  'data-dir'?: string;
  url?: string;
  md5?: string;
  size?: number;
  force: boolean;
  json: boolean;
  /** Not a flag: tests turn the progress output off. */
  progress?: 'auto' | 'none';
}

/** `nasc data fetch <dataset>`: what the handler does, minus the printing. */
export async function dataFetchCommand(args: DataFetchArgs): Promise<FetchResult> {
  // --data-dir, then NASC_DATA, then the per-user cache (where `nasc search` looks last).
  const env = process.env.NASC_DATA;
  const [dataDir, source] = args['data-dir'] !== undefined ? [args['data-dir'], '--data-dir'] : env !== undefined && env !== '' ? [env, 'NASC_DATA'] : [userCacheDir(), 'the user cache'];
  // Named by where it came from, and checked before any mkdir (recursive mkdir below /proc never returns).
  checkOutputDir(dataDir, { flag: source });
  return fetchDataset({
    dataset: args.dataset,
    force: args.force,
    progress: args.progress ?? 'auto',
    dataDir,
    ...(args.url === undefined ? {} : { url: args.url }),
    ...(args.md5 === undefined ? {} : { md5: args.md5 }),
    ...(args.size === undefined ? {} : { size: args.size }),
  });
}

/** The lines the handler prints for a result (stdout). */
export function describeFetch(r: FetchResult): string[] {
  const counts = Object.entries(r.records)
    .map(([split, n]) => `${n.toLocaleString('en-US')} ${split === 'train' ? 'training' : split}`)
    .join(' and ');
  const lines =
    r.status === 'present'
      ? [`${r.dataset}: already present in ${r.directory} (${counts} records); nothing to do (--force fetches it again)`]
      : [
          `${r.dataset}: downloaded ${(r.bytes ?? 0).toLocaleString('en-US')} bytes from ${r.finalUrl ?? r.url ?? '?'} (MD5 ${r.md5 ?? '?'} ok)`,
          `${r.dataset}: extracted ${r.files.length} files into ${r.directory}; the loader reads ${counts} records (${r.seconds.toFixed(1)} s)`,
        ];
  for (const note of r.notes) lines.push(`note: ${note}`);
  return lines;
}

const fetchCommandModule: CommandModule<object, DataFetchArgs> = {
  command: 'fetch <dataset>',
  describe: `Download and check a dataset (${datasetNames().join(', ')}) into the data directory`,
  builder: (y: Argv) =>
    y
      .positional('dataset', {
        type: 'string',
        describe: DATASETS.map((d) => `${d.name}: ${d.description}`).join('; '),
        coerce: (v: unknown) => {
          const name = String(v);
          if (!datasetNames().includes(name)) {
            throw new InputError(`unknown dataset '${name}' (known: ${datasetNames().join(', ')})`);
          }
          return name;
        },
      })
      .option('data-dir', { type: 'string', describe: 'data directory, created when missing (default: $NASC_DATA, else the user cache $XDG_CACHE_HOME/nasc or ~/.cache/nasc)' })
      .option('url', { type: 'string', describe: 'fetch the archive from here instead (http:, https: or file:)' })
      .option('md5', { type: 'string', describe: 'expected MD5 of the archive (default: the official one)' })
      .option('size', { type: 'number', describe: 'expected size of the archive in bytes (default: the official one unless --md5 is given)', coerce: positiveInteger('size') })
      .option('force', { type: 'boolean', default: false, describe: 'fetch again even when valid files are present' })
      .option('json', { type: 'boolean', default: false, describe: 'print one JSON object' }) as unknown as Argv<DataFetchArgs>,
  handler: async (args) => {
    const result = await dataFetchCommand(args);
    if (args.json) {
      process.stdout.write(`${JSON.stringify(result)}\n`);
      return;
    }
    process.stdout.write(`${describeFetch(result).join('\n')}\n`);
  },
};

export const dataCommandModule: CommandModule<object, object> = {
  command: 'data',
  describe: 'Datasets: fetch one into the data directory',
  builder: (y: Argv) =>
    y.command(fetchCommandModule as unknown as CommandModule<object, object>).demandCommand(1, 'name a data command: nasc data fetch <dataset>'),
  handler: () => undefined,
};
