import { lexicographicOrder } from './core/sorting/lexicographic.js';
import { divideAndConquerRanks } from './core/sorting/divide_and_conquer_sort.js';
import { Rng } from './core/rng.js';
const rng = Rng.fromSeed(1);
for (const m of [3, 4]) {
  const pts = Array.from({length: 10000}, () => Array.from({length: m}, () => rng.random()));
  const lo = lexicographicOrder(pts, m);
  const cfgs = [[24, 400], [16, 256], [32, 1024], [64, 2048], [64, 4096], [128, 8192]];
  const best = cfgs.map(() => Infinity);
  for (let rep = 0; rep < 8; rep++) cfgs.forEach(([a, b], c) => { const t0 = performance.now(); divideAndConquerRanks(lo.values, lo.count, m, {a: a!, b: b!}); best[c] = Math.min(best[c]!, performance.now() - t0); });
  cfgs.forEach((cfg, c) => console.log(m, cfg.join('/'), best[c]!.toFixed(1)));
}
