/**
 * How well each surrogate predictor ranks genomes it has not seen: fit on n random evaluated
 * genomes, predict a disjoint random test set, report Kendall τ-b and Spearman ρ per objective
 * and the fit time (mean over repetitions). The measurement behind the default predictor:
 *
 *   NASC_DATA=../shared/data npx tsx experiments/compare/surrogate_ranking.ts --sizes 100,300,1000 --reps 5
 *
 * (flags: --problem (default nb201), --dataset, --device, --test 2000, --seed 1, --kinds a,b,…).
 */
import { parseArgs } from 'node:util';
import type { Problem } from '../../core/problem.js';
import { Rng } from '../../core/rng.js';
import type { Genome } from '../../core/variables.js';
import { kendallTau, spearmanRho } from '../../operators/surrogate/rank_correlation.js';
import { SURROGATE_KINDS, SurrogateModel, type SurrogateKind } from '../../operators/surrogate/surrogate_model.js';
import { UniformSampling } from '../../operators/sampling/uniform.js';
import { resolveDataDir } from '../data/data_dir.js';
import { problems } from '../plugins.js';

export interface RankingRow {
  readonly kind: SurrogateKind;
  readonly trainingSize: number;
  /** Mean over repetitions, per objective. */
  readonly tau: number[];
  readonly rho: number[];
  readonly fitSeconds: number;
}

/** Distinct random genomes (a discrete space must hold at least `count`). */
function distinctSample(problem: Problem<unknown>, count: number, rng: Rng): Genome[] {
  const sampler = new UniformSampling();
  const seen = new Set<string>();
  const out: Genome[] = [];
  while (out.length < count) {
    for (const g of sampler.sample(problem.space, count - out.length, rng)) {
      const k = problem.space.key(g);
      if (!seen.has(k)) {
        seen.add(k);
        out.push(g);
      }
    }
  }
  return out;
}

export async function surrogateRanking(problem: Problem<unknown>, options: { sizes: readonly number[]; reps: number; test: number; kinds: readonly SurrogateKind[]; seed: number }): Promise<RankingRow[]> {
  const rng = Rng.fromSeed(options.seed);
  const rows: RankingRow[] = [];
  const m = problem.objectiveNames.length;
  for (const n of options.sizes) {
    // The same splits for every predictor.
    const splits: { train: Genome[]; trainY: number[][]; test: Genome[]; testY: number[][] }[] = [];
    for (let r = 0; r < options.reps; r++) {
      const genomes = distinctSample(problem, n + options.test, rng);
      const ev = await problem.evaluate(genomes);
      const y = ev.map((e) => [...e.objectives]);
      splits.push({ train: genomes.slice(0, n), trainY: y.slice(0, n), test: genomes.slice(n), testY: y.slice(n) });
    }
    for (const kind of options.kinds) {
      const tau = new Array<number>(m).fill(0);
      const rho = new Array<number>(m).fill(0);
      let seconds = 0;
      for (const s of splits) {
        const model = new SurrogateModel(problem.space, { kind });
        const t0 = performance.now();
        model.fit(s.train, s.trainY, rng);
        seconds += (performance.now() - t0) / 1000;
        const pred = model.predict(s.test);
        for (let k = 0; k < m; k++) {
          const p = pred.map((row) => row[k] as number);
          const t = s.testY.map((row) => row[k] as number);
          tau[k] = (tau[k] as number) + kendallTau(p, t) / splits.length;
          rho[k] = (rho[k] as number) + spearmanRho(p, t) / splits.length;
        }
      }
      rows.push({ kind, trainingSize: n, tau, rho, fitSeconds: seconds / splits.length });
    }
  }
  return rows;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      problem: { type: 'string', default: 'nb201' },
      dataset: { type: 'string', default: 'cifar100' },
      device: { type: 'string', default: 'raspi4' },
      sizes: { type: 'string', default: '100,300,1000' },
      reps: { type: 'string', default: '5' },
      test: { type: 'string', default: '2000' },
      seed: { type: 'string', default: '1' },
      kinds: { type: 'string', default: SURROGATE_KINDS.join(',') },
      'data-dir': { type: 'string' },
    },
  });
  const { problem } = problems.get(values.problem).create({ dataDir: () => resolveDataDir(values['data-dir']), dataset: values.dataset, device: values.device });
  const rows = await surrogateRanking(problem, {
    sizes: values.sizes.split(',').map(Number),
    reps: Number(values.reps),
    test: Number(values.test),
    kinds: values.kinds.split(',') as SurrogateKind[],
    seed: Number(values.seed),
  });
  const names = problem.objectiveNames;
  process.stdout.write(`${problem.name}: held-out rank correlation (mean of ${values.reps} splits, ${values.test} test genomes)\n`);
  process.stdout.write(`n\tpredictor\t${names.map((o) => `τ ${o}\tρ ${o}`).join('\t')}\tfit s\n`);
  for (const r of rows) {
    process.stdout.write(`${r.trainingSize}\t${r.kind}\t${r.tau.map((t, k) => `${t.toFixed(3)}\t${(r.rho[k] as number).toFixed(3)}`).join('\t')}\t${r.fitSeconds.toFixed(2)}\n`);
  }
}

if (process.argv[1] !== undefined && /surrogate_ranking\.(ts|js)$/.test(process.argv[1])) {
  main().catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  });
}
