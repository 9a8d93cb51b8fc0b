/**
 * `npm run bench:engine`: nasc's engine speed beside DEAP's on the same work, in one run.
 * Prints one JSON object. Figures, not assertions: the machines are shared and noisy, so each
 * nasc figure is the median of several repetitions, and DEAP runs in the same invocation.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from 'd3-array';
import { hypervolume } from '../../core/indicators/hypervolume.js';
import { minimize } from '../../core/minimize.js';
import { Rng } from '../../core/rng.js';
import { nonDominatedSort } from '../../core/sorting/non_dominated_sort.js';
import { maxGenerations } from '../../core/termination.js';
import { nsga2 } from '../../operators/algorithms/nsga2.js';
import { SimulatedBinaryCrossover } from '../../operators/crossover/sbx.js';
import { PolynomialMutation } from '../../operators/mutation/polynomial.js';
import { CrossoverThenMutation } from '../../operators/variation/crossover_then_mutation.js';
import { Zdt1 } from '../../problems/benchmarks/zdt.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repetitions = Number(process.env.BENCH_REPS ?? 5);

async function nsga2Zdt1(seed: number): Promise<{ seconds: number; hv: number }> {
  const problem = new Zdt1();
  const variation = new CrossoverThenMutation(
    new SimulatedBinaryCrossover({ eta: 20, prob: 0.9 }),
    new PolynomialMutation({ eta: 20, prob: 1 / 30 }),
  );
  const algorithm = nsga2(problem.space, { populationSize: 100, variation }, Rng.fromSeed(seed));
  const r = await minimize(problem, algorithm, { termination: maxGenerations(250) });
  return { seconds: r.seconds, hv: hypervolume(r.front.map((i) => [...i.objectives]), [1, 1]) };
}

function sortSeconds(m: number, seed: number): number {
  const rng = Rng.fromSeed(seed);
  const points = Array.from({ length: 10_000 }, () => Array.from({ length: m }, () => rng.random()));
  const start = performance.now();
  nonDominatedSort(points);
  return (performance.now() - start) / 1000;
}

interface DeapFigures {
  deap: string;
  nsga2Zdt1Seconds: { standard: number; log: number };
  sort10kSeconds: { m2: { log: number; standard?: number }; m3: { log: number; standard?: number } };
}

function runDeap(): DeapFigures | string {
  const python = '/usr/bin/python3';
  if (!existsSync(python)) return 'Debian python3 not found (run experiments/setup/debian.sh bench)';
  try {
    const out = execFileSync(python, [path.join(here, 'deap_peer.py')], { encoding: 'utf8', timeout: 600_000, stdio: ['ignore', 'pipe', 'pipe'] });
    return JSON.parse(out) as DeapFigures;
  } catch (e) {
    const msg = e instanceof Error ? e.message.split('\n').find((l) => l.includes('Error')) ?? e.message : String(e);
    return `DEAP not available (${msg.trim()}); install with experiments/setup/debian.sh bench`;
  }
}

async function main(): Promise<void> {
  // The first run pays for JIT compilation; it is reported on its own, the median is of warm runs.
  const firstRun = await nsga2Zdt1(1000);
  const runs: { seconds: number; hv: number }[] = [];
  for (let i = 0; i < repetitions; i++) runs.push(await nsga2Zdt1(i + 1));
  const sort2 = Array.from({ length: repetitions }, (_, i) => sortSeconds(2, i + 1));
  const sort3 = Array.from({ length: repetitions }, (_, i) => sortSeconds(3, i + 1));
  const nasc = {
    nsga2Zdt1Seconds: median(runs.map((r) => r.seconds)) ?? NaN,
    nsga2Zdt1FirstRunSeconds: firstRun.seconds,
    nsga2Zdt1MeanHv: runs.reduce((s, r) => s + r.hv, 0) / runs.length,
    sort10kSeconds: { m2: median(sort2) ?? NaN, m3: median(sort3) ?? NaN },
  };
  const deap = runDeap();
  const out: Record<string, unknown> = {
    node: process.version,
    repetitions,
    workload: 'NSGA-II ZDT1 n=30, pop 100, 250 generations (25,100 evaluations), SBX eta 20 p 0.9, PM eta 20 p 1/n; sort of 10,000 uniform points',
    nasc,
  };
  if (typeof deap === 'string') {
    out.deap = deap;
  } else {
    out.deap = deap;
    out.speedup = {
      nsga2VsDeapLog: deap.nsga2Zdt1Seconds.log / nasc.nsga2Zdt1Seconds,
      nsga2VsDeapStandard: deap.nsga2Zdt1Seconds.standard / nasc.nsga2Zdt1Seconds,
      sortM2VsDeapLog: deap.sort10kSeconds.m2.log / nasc.sort10kSeconds.m2,
      sortM3VsDeapLog: deap.sort10kSeconds.m3.log / nasc.sort10kSeconds.m3,
    };
  }
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
}

await main();
