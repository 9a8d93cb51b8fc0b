import type { Argv, CommandModule } from 'yargs';
import { HW_NAS_BENCH_DEVICES } from '../../../problems/nasc/latency_table.js';
import { algorithms, operators, problems } from '../../plugins.js';
import { shippedScenarios } from '../../scenarios.js';

const CATEGORIES = ['problems', 'algorithms', 'operators', 'devices', 'scenarios'] as const;
type Category = (typeof CATEGORIES)[number];

interface ListArgs {
  category?: Category;
  json: boolean;
}

interface Row {
  name: string;
  description: string;
  capabilities?: unknown;
}

function rows(category: Category): Row[] {
  switch (category) {
    case 'problems':
      return problems.list().map((e) => ({ name: e.name, description: e.description, capabilities: e.capabilities }));
    case 'algorithms':
      return algorithms.list().map((e) => ({ name: e.name, description: e.description, capabilities: e.capabilities }));
    case 'operators':
      return operators.list().map((e) => ({ name: e.name, description: e.description, capabilities: e.capabilities }));
    case 'devices':
      return [
        ...HW_NAS_BENCH_DEVICES.map((d) => ({ name: d, description: 'HW-NAS-Bench FBNet per-block table (latency; energy on edgegpu, eyeriss, fpga)' })),
        { name: 'FILE.json', description: 'a profile written by `nasc profile` (same layout, official op keys)' },
      ];
    case 'scenarios':
      return shippedScenarios().map((s) => ({ name: s, description: `experiments/scenarios/${s}.json` }));
  }
}

export const listCommandModule: CommandModule<object, ListArgs> = {
  command: 'list [category]',
  describe: 'List registered problems, algorithms, operators, devices and scenarios',
  builder: (y: Argv) =>
    y
      .positional('category', { choices: CATEGORIES, describe: 'only this category' })
      .option('json', { type: 'boolean', default: false }) as unknown as Argv<ListArgs>,
  handler: (args) => {
    const cats = args.category === undefined ? CATEGORIES : [args.category];
    const out: Record<string, Row[]> = {};
    for (const c of cats) out[c] = rows(c);
    if (args.json) {
      process.stdout.write(`${JSON.stringify(out)}\n`);
      return;
    }
    for (const [c, list] of Object.entries(out)) {
      process.stdout.write(`${c}:\n`);
      const width = Math.max(...list.map((r) => r.name.length));
      for (const r of list) process.stdout.write(`  ${r.name.padEnd(width)}  ${r.description}\n`);
    }
  },
};
