/**
 * Speed of non-dominated sorting and hypervolume on 10,000 uniform random points (seeded).
 * Prints JSON seconds: `cold` is the first call (includes JIT warm-up), `median` and `min` over
 * the next seven (on a shared machine `min` is the least disturbed figure). Peer figure (REFERENCE.md): DEAP's sortLogNondominated takes 0.15 s / 1.35 s
 * for M = 2 / 3 on this kind of machine.
 *
 *   npx tsx experiments/bench/sorting_bench.ts [--n 10000] [--seed 1]
 */
import { hypervolume } from '../../core/indicators/hypervolume.js';
import { Rng } from '../../core/rng.js';
import { nonDominatedSort } from '../../core/sorting/non_dominated_sort.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const n = arg('n', 10000);
const seed = arg('seed', 1);
const rng = Rng.fromSeed(seed);

function uniform(m: number): number[][] {
  return Array.from({ length: n }, () => Array.from({ length: m }, () => rng.random()));
}

/** All points mutually non-dominated (on the plane Σf = 1): the worst case for front-based sorts. */
function onePlane(): number[][] {
  return Array.from({ length: n }, () => {
    const a = rng.random();
    const b = rng.random() * (1 - a);
    return [a, b, 1 - a - b];
  });
}

function time(run: () => unknown): { cold: number; median: number; min: number } {
  const seconds = (): number => {
    const t0 = process.hrtime.bigint();
    run();
    return Number(process.hrtime.bigint() - t0) / 1e9;
  };
  const cold = seconds();
  const warm = Array.from({ length: 7 }, seconds).sort((a, b) => a - b);
  return { cold: round(cold), median: round(warm[3] as number), min: round(warm[0] as number) };
}

function round(x: number): number {
  return Number(x.toPrecision(3));
}

const p2 = uniform(2);
const p3 = uniform(3);
const p4 = uniform(4);
const plane = onePlane();
const result = {
  n,
  seed,
  node: process.version,
  seconds: {
    sort_m2: time(() => nonDominatedSort(p2)),
    sort_m3: time(() => nonDominatedSort(p3)),
    sort_m4: time(() => nonDominatedSort(p4)),
    sort_m3_one_front: time(() => nonDominatedSort(plane)),
    hv_2d: time(() => hypervolume(p2, [1, 1])),
    hv_3d: time(() => hypervolume(p3, [1, 1, 1])),
    hv_3d_one_front: time(() => hypervolume(plane, [1, 1, 1])),
  },
  fronts: { m2: nonDominatedSort(p2).length, m3: nonDominatedSort(p3).length, m4: nonDominatedSort(p4).length },
};
console.log(JSON.stringify(result, null, 2));
