import path from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { InputError } from '../../../core/errors.js';
import { loadWeightStore } from '../../../workers/weight_store.js';
import { writeJsonAtomic } from '../../io/atomic_write.js';
import { checkOutputFile } from '../../io/output_target.js';
import { defaultWeights } from '../../paths.js';
import { profile } from '../../profile/profile_job.js';
import { positiveInteger } from '../validate.js';

interface ProfileArgs {
  name: string;
  out?: string;
  weights?: string;
  runs: number;
  warmup: number;
  json: boolean;
}

export const profileCommand: CommandModule<object, ProfileArgs> = {
  command: 'profile',
  describe: 'Time every FBNet op on this machine (onnxruntime-node, batch 1, 1 thread) and write a latency table with the official op keys',
  builder: (y: Argv) =>
    y
      .option('name', { type: 'string', default: 'local', describe: 'device name: the table gets the metric <name>_latency' })
      .option('out', { type: 'string', describe: 'table file (default results/profile-<name>.json)' })
      .option('weights', { type: 'string', describe: 'weight store (default: the shipped one; must be full width)' })
      .option('runs', { type: 'number', default: 30, coerce: positiveInteger('runs') })
      .option('warmup', { type: 'number', default: 5, coerce: positiveInteger('warmup', true) })
      .option('json', { type: 'boolean', default: false }) as unknown as Argv<ProfileArgs>,
  handler: async (args) => {
    if (!/^[a-z0-9][a-z0-9-]*$/i.test(args.name)) throw new InputError(`--name ${args.name}: use letters, digits and '-' only`);
    // Checked before profiling (minutes), so a bad --out cannot fail only at the end.
    const out = checkOutputFile(path.resolve(args.out ?? path.join('results', `profile-${args.name}.json`)), { flag: '--out' });
    const store = loadWeightStore(path.resolve(args.weights ?? defaultWeights()));
    const started = performance.now();
    const table = await profile(store, {
      name: args.name,
      runs: args.runs,
      warmup: args.warmup,
      onOp: (done, total, key, ms) => {
        if (!args.json) process.stderr.write(`${String(done).padStart(3)}/${total} ${key}: ${ms.toFixed(3)} ms\n`);
      },
    });
    writeJsonAtomic(out, table);
    const seconds = (performance.now() - started) / 1000;
    if (args.json) process.stdout.write(`${JSON.stringify({ out, metric: `${args.name}_latency`, ops: table.meta.ops, seconds })}\n`);
    else process.stdout.write(`wrote ${out} (${table.meta.ops} ops, metric ${args.name}_latency) in ${seconds.toFixed(0)} s; use it with --profile ${out} --device ${args.name}\n`);
  },
};
