/**
 * The NAS-Bench-201 strategy study behind the numbers in the compare issue note: every strategy
 * with the registry's defaults, plus the tuned variants the study recommends, on the same budget
 * and seeds. Run with
 *
 *   npx tsx experiments/compare/nb201_study.ts --seeds 10 --evaluations 1500 --out results/nb201-study
 *
 * (flags: --dataset, --device, --seed, --workers, --strategies a,b,…, --report-at, --data-dir).
 * The module also exports its registries, so worker threads can import it.
 */
import { parseArgs } from 'node:util';
import { Registry } from '../../core/registry.js';
import { asng } from '../../operators/algorithms/asng.js';
import { nsga2 } from '../../operators/algorithms/nsga2.js';
import { smsEmoa } from '../../operators/algorithms/sms_emoa.js';
import { surrogateNsga2 } from '../../operators/algorithms/surrogate_nsga2.js';
import { MixedVariation } from '../../operators/variation/mixed_variation.js';
import { formatReport } from './format_report.js';
import { algorithms as registered, problems } from '../plugins.js';
import type { AlgorithmFactory } from '../plugin_types.js';
import { runCompare } from './run_compare.js';

/**
 * Settings the study found best on NAS-Bench-201 (6 categorical genes, K = 5): a population of 60
 * and a per-gene random-reset probability of 0.05 (≈ 0.3 genes per child instead of 1), with
 * uniform crossover 0.9 and duplicates judged against everything evaluated.
 */
export const TUNED = { populationSize: 60, mutationProb: 0.05, crossoverProb: 0.9 } as const;

const tunedVariation = () => new MixedVariation({ mutationProb: TUNED.mutationProb, crossoverProb: TUNED.crossoverProb });

export { problems };
export const algorithms = new Registry<AlgorithmFactory>('algorithm');
for (const entry of registered.list()) algorithms.register(entry);
const discrete = { kinds: ['integer', 'categorical', 'binary'] as const, objectives: { min: 1, max: 3 }, constraints: true };
algorithms
  .register({
    name: 'nsga2-tuned',
    description: `NSGA-II, population ${TUNED.populationSize}, random reset p = ${TUNED.mutationProb} per gene`,
    capabilities: discrete,
    create: (problem, s, rng) => nsga2(problem.space, { ...s, populationSize: TUNED.populationSize, variation: tunedVariation(), duplicateScope: 'archive' }, rng),
  })
  .register({
    name: 'sms-emoa-tuned',
    description: `SMS-EMOA, population 100, random reset p = ${TUNED.mutationProb} per gene`,
    capabilities: discrete,
    create: (problem, s, rng) => smsEmoa(problem.space, { ...s, populationSize: 100, variation: tunedVariation() }, rng),
  })
  .register({
    name: 'asng-penalty',
    description: 'ASNG with the penalty constraint handling (same as asng on an unconstrained problem)',
    capabilities: discrete,
    create: (problem, _s, rng) => asng(problem.space, { constraint: 'penalty' }, rng),
  });
if (!algorithms.has('surrogate-nsga2')) {
  algorithms.register({
    name: 'surrogate-nsga2',
    description: 'Surrogate-assisted NSGA-II: 10× candidates screened by boosted trees, the best truly evaluated',
    capabilities: { ...discrete, kinds: ['real', 'integer', 'categorical', 'binary'] },
    create: (problem, s, rng) => surrogateNsga2(problem.space, s, rng),
  });
}
algorithms.register({
  name: 'surrogate-nsga2-tuned',
  description: `Surrogate-assisted NSGA-II on the tuned NSGA-II settings (population ${TUNED.populationSize}, p = ${TUNED.mutationProb})`,
  capabilities: discrete,
  create: (problem, s, rng) => surrogateNsga2(problem.space, { ...s, populationSize: TUNED.populationSize, variation: tunedVariation() }, rng),
});

const DEFAULT_STRATEGIES = 'nsga2,nsga2-tuned,random,asng,sms-emoa,sms-emoa-tuned,surrogate-nsga2,surrogate-nsga2-tuned';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      dataset: { type: 'string', default: 'cifar100' },
      device: { type: 'string', default: 'raspi4' },
      strategies: { type: 'string', default: DEFAULT_STRATEGIES },
      seeds: { type: 'string', default: '10' },
      evaluations: { type: 'string', default: '1500' },
      seed: { type: 'string', default: '1' },
      workers: { type: 'string', default: '1' },
      'report-at': { type: 'string' },
      out: { type: 'string' },
      'data-dir': { type: 'string' },
    },
  });
  const report = await runCompare(
    {
      problem: 'nb201',
      dataset: values.dataset,
      device: values.device,
      strategies: values.strategies,
      seeds: Number(values.seeds),
      evaluations: Number(values.evaluations),
      seed: Number(values.seed),
      workers: Number(values.workers),
      ...(values['report-at'] === undefined ? {} : { reportAt: values['report-at'].split(',').map(Number) }),
      ...(values.out === undefined ? {} : { out: values.out }),
      ...(values['data-dir'] === undefined ? {} : { dataDir: values['data-dir'] }),
      onRun: (r, done, total) => process.stderr.write(`${done}/${total} ${r.strategy} seed ${r.seed}: frontRecall ${r.final.frontRecall?.toFixed(3)} (${r.seconds.toFixed(1)} s)\n`),
    },
    { problems, algorithms, module: import.meta.url },
  );
  process.stdout.write(formatReport(report));
}

if (process.argv[1] !== undefined && /nb201_study\.(ts|js)$/.test(process.argv[1])) {
  main().catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  });
}
