/**
 * Which split positions deserve a trained bottleneck? Latency figures from the project's latency
 * model (HW-NAS-Bench tables, encoder/decoder estimated by problems/nasc/bottleneck_latency.ts):
 *
 * 1. the encoder/decoder cost fit per device, with its error;
 * 2. for random nets and each bandwidth, per width level (C/2 … C/16): which split s ≥ sMin is
 *    latency-optimal with that bottleneck (device-only allowed), by tensor-shape group, and how
 *    often the optimum within its group is the group's first / last position;
 * 3. the latency regret of offering bottlenecks at a subset P of positions only (the search can
 *    then reach s ∈ P, or device-only): median / p90 / max of T_P / T_all − 1, per level and for
 *    the best level;
 * 4. the median latency reduction against device-only: fp32, int8 and with the bottlenecks.
 *
 *   npx tsx experiments/supernet/bottleneck_positions.ts [--nets 2000] [--seed 0] [--device raspi4]
 *       [--server edgegpu] [--s-min 1] [--data-dir DIR] [--out results.json]
 */
import { parseArgs } from 'node:util';
import { quantile } from 'd3-array';
import { InputError } from '../../core/errors.js';
import { Rng } from '../../core/rng.js';
import { dataFile } from '../../problems/data_dir.js';
import { BOTTLENECK_LEVEL_NAMES, BOTTLENECK_LEVELS, bottleneckInputShape, widthOfLevel } from '../../problems/nasc/bottleneck.js';
import { fitConvCost, type ConvCostFit } from '../../problems/nasc/bottleneck_latency.js';
import { SplitLatencyModel } from '../../problems/nasc/latency_model.js';
import { loadLatencyTable } from '../../problems/nasc/latency_table.js';
import { DEFAULT_LINK } from '../../problems/nasc/link_model.js';
import { CANDIDATES, MAX_SPLIT, NUM_LAYERS } from '../../problems/nasc/search_space.js';
import { namedDataDir } from '../data/data_dir.js';
import { writeFileAtomic } from '../io/atomic_write.js';

const BANDWIDTHS = [1, 5, 10, 50];
const SUBSETS: Record<string, number[]> = {
  'first of each shape group (1,2,6,10,14,18)': [1, 2, 6, 10, 14, 18],
  'chosen: 1,6,10,14,18,21': [1, 6, 10, 14, 18, 21],
  '1,2,6,10,14,18,21': [1, 2, 6, 10, 14, 18, 21],
  '1,6,10,18': [1, 6, 10, 18],
  'last of each group (BOTTLENECK.md: 5,9,13,17)': [5, 9, 13, 17],
};

/** Shape groups of split positions (equal tensor shape), e.g. "2-5: 24x32x32". */
function shapeGroups(sMin: number): { label: string; splits: number[] }[] {
  const groups: { label: string; splits: number[] }[] = [];
  for (let s = Math.max(1, sMin); s < MAX_SPLIT; s++) {
    const [c, h, w] = bottleneckInputShape(s);
    const label = `${c}x${h}x${w}`;
    const last = groups.at(-1);
    if (last !== undefined && last.label.endsWith(label)) last.splits.push(s);
    else groups.push({ label, splits: [s] });
  }
  return groups.map((g) => ({ label: `${g.splits[0]}-${g.splits.at(-1)}: ${g.label}`, splits: g.splits }));
}

function stats(xs: readonly number[]): { median: number; p90: number; max: number } {
  const s = [...xs].sort((a, b) => a - b);
  return { median: quantile(s, 0.5) ?? Number.NaN, p90: quantile(s, 0.9) ?? Number.NaN, max: s.at(-1) ?? Number.NaN };
}

const pct = (x: number): string => `${(100 * x).toFixed(1)} %`;

function fitLine(name: string, f: ConvCostFit): string {
  return `| ${name} | ${f.points} | ${(f.intercept).toFixed(4)} | ${(f.perMac * 1e6).toFixed(4)} | ${f.rms.toFixed(4)} | ${f.looRms.toFixed(4)} | ${f.looMaxAbs.toFixed(4)} | ${f.mean.toFixed(4)} |`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      nets: { type: 'string', default: '2000' },
      seed: { type: 'string', default: '0' },
      device: { type: 'string', default: 'raspi4' },
      server: { type: 'string', default: 'edgegpu' },
      's-min': { type: 'string', default: '1' },
      'data-dir': { type: 'string' },
      out: { type: 'string' },
    },
  });
  const nets = Number(values.nets);
  const sMin = Number(values['s-min']);
  if (!Number.isInteger(nets) || nets < 1) throw new InputError(`--nets must be a positive integer, got ${values.nets}`);
  if (!Number.isInteger(sMin) || sMin < 1 || sMin >= MAX_SPLIT) throw new InputError(`--s-min must be in 1..${MAX_SPLIT - 1}`);
  const table = loadLatencyTable(dataFile(namedDataDir(values['data-dir'])?.dir, 'fbnetLut'));
  const device = values.device as string;
  const server = values.server as string;
  const out: Record<string, unknown> = { device, server, nets, seed: Number(values.seed), sMin };
  const lines: string[] = [];

  // 1. the encoder/decoder fits
  lines.push('Encoder/decoder cost fit: cost = a + b·MACs over the table\'s 1×1 conv (shape-changing skip) entries');
  lines.push('| device metric | points | a (ms) | b (ms per MMAC) | RMS (ms) | leave-one-out RMS (ms) | LOO max |err| (ms) | mean of points (ms) |');
  lines.push('|---|---|---|---|---|---|---|---|');
  const fits: Record<string, ConvCostFit> = {};
  for (const d of table.devices) {
    try {
      fits[d] = fitConvCost(table, d);
      lines.push(fitLine(`${d}_latency`, fits[d] as ConvCostFit));
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
    }
  }
  out.fits = fits;
  const encMacs: string[] = [];
  for (const s of [1, 6, 10, 14, 18, 21]) {
    const [c, h, w] = bottleneckInputShape(s);
    encMacs.push(`s=${s} (${c}x${h}x${w}): ` + [1, 2, 3, 4].map((l) => `${BOTTLENECK_LEVEL_NAMES[l]} ${(h * w * c * widthOfLevel(s, l) / 1e6).toFixed(3)}`).join(', '));
  }
  lines.push('', `Encoder MMACs: ${encMacs.join('; ')}`);

  const rng = Rng.fromSeed(Number(values.seed));
  const archs = Array.from({ length: nets }, () => Array.from({ length: NUM_LAYERS }, () => rng.index(CANDIDATES.length)));
  const base = SplitLatencyModel.fromTable(table, { device, server, link: { ...DEFAULT_LINK, bandwidthMbps: 10 }, numClasses: 10 });
  const groups = shapeGroups(sMin);
  const perBandwidth: Record<string, unknown> = {};
  for (const bw of BANDWIDTHS) {
    const model = base.withLink({ ...DEFAULT_LINK, bandwidthMbps: bw });
    // t[n][s][level]: total latency, level 0 = int8 without bottleneck
    const T: number[][][] = archs.map((a) =>
      Array.from({ length: MAX_SPLIT }, (_, s) =>
        s < sMin ? [] : Array.from({ length: BOTTLENECK_LEVELS }, (_, l) => model.breakdown(a, s, 'int8', l === 0 ? 0 : widthOfLevel(s, l)).totalMs),
      ),
    );
    const deviceOnly = archs.map((a) => model.breakdown(a, MAX_SPLIT, 'fp32').totalMs);
    const fp32 = archs.map((a) => model.bestSplit(a, 'fp32', sMin).latency.totalMs);
    const best = (n: number, splits: readonly number[], levels: readonly number[]): { t: number; s: number } => {
      let r = { t: deviceOnly[n] as number, s: MAX_SPLIT };
      for (const s of splits) for (const l of levels) if (((T[n] as number[][])[s] as number[])[l] as number < r.t) r = { t: ((T[n] as number[][])[s] as number[])[l] as number, s };
      return r;
    };
    const all = Array.from({ length: MAX_SPLIT - sMin }, (_, k) => k + sMin);
    const rec: Record<string, unknown> = {};
    lines.push('', `## ${bw} Mbit/s (${device} → ${server}, ${nets} random nets, s ≥ ${sMin})`);
    const red = (ts: readonly number[]): number => stats(ts.map((t, n) => 1 - t / (deviceOnly[n] as number))).median;
    lines.push(
      `Median latency reduction vs device-only: fp32 ${pct(red(fp32))}, int8 ${pct(red(archs.map((_, n) => best(n, all, [0]).t)))}, ` +
        [1, 2, 3, 4].map((l) => `int8 + bottlenecks up to ${BOTTLENECK_LEVEL_NAMES[l]} ${pct(red(archs.map((_, n) => best(n, all, Array.from({ length: l + 1 }, (_, k) => k)).t)))}`).join(', '),
    );
    lines.push('', '| width | splits pay | optimal s by shape group (share of nets) | optimum within its group: first / last / other |', '|---|---|---|---|');
    const byLevel: Record<string, unknown> = {};
    for (let l = 1; l < BOTTLENECK_LEVELS; l++) {
      const opt = archs.map((_, n) => best(n, all, [l]));
      const pays = opt.filter((o) => o.s !== MAX_SPLIT).length / nets;
      const byGroup = groups.map((g) => ({ group: g.label, share: opt.filter((o) => g.splits.includes(o.s)).length / nets }));
      // within the group of the optimum: is the best position of that group its first one?
      let first = 0;
      let last = 0;
      let splitting = 0;
      archs.forEach((_, n) => {
        const o = opt[n] as { s: number };
        const g = groups.find((x) => x.splits.includes(o.s));
        if (g === undefined) return;
        splitting++;
        const tFirst = ((T[n] as number[][])[g.splits[0] as number] as number[])[l] as number;
        const tLast = ((T[n] as number[][])[g.splits.at(-1) as number] as number[])[l] as number;
        const tBest = ((T[n] as number[][])[o.s] as number[])[l] as number;
        if (tFirst <= tBest + 1e-12) first++;
        else if (tLast <= tBest + 1e-12) last++;
      });
      byLevel[BOTTLENECK_LEVEL_NAMES[l] as string] = { pays, byGroup, firstInGroup: first / Math.max(1, splitting), lastInGroup: last / Math.max(1, splitting) };
      lines.push(
        `| ${BOTTLENECK_LEVEL_NAMES[l]} | ${pct(pays)} | ${byGroup.filter((g) => g.share > 0).map((g) => `${g.group} ${pct(g.share)}`).join('; ')} | ${pct(first / Math.max(1, splitting))} / ${pct(last / Math.max(1, splitting))} / ${pct((splitting - first - last) / Math.max(1, splitting))} |`,
      );
    }
    rec.byLevel = byLevel;
    lines.push('', '| positions P | regret at C/2 | C/4 | C/8 | C/16 | best level (median / p90 / max) |', '|---|---|---|---|---|---|');
    const regrets: Record<string, unknown> = {};
    for (const [name, P] of Object.entries(SUBSETS)) {
      const Pv = P.filter((s) => s >= sMin);
      const perLevel = [1, 2, 3, 4].map((l) => stats(archs.map((_, n) => best(n, Pv, [l]).t / best(n, all, [l]).t - 1)));
      const anyLevel = stats(archs.map((_, n) => best(n, Pv, [1, 2, 3, 4]).t / best(n, all, [1, 2, 3, 4]).t - 1));
      regrets[name] = { perLevel, anyLevel };
      const f = (x: { median: number; p90: number; max: number }): string => `${pct(x.median)} / ${pct(x.p90)} / ${pct(x.max)}`;
      lines.push(`| ${name} | ${perLevel.map(f).join(' | ')} | ${f(anyLevel)} |`);
    }
    rec.regrets = regrets;
    perBandwidth[String(bw)] = rec;
  }
  out.bandwidths = perBandwidth;
  process.stdout.write(`${lines.join('\n')}\n`);
  if (values.out !== undefined) writeFileAtomic(values.out, `${JSON.stringify(out, null, 1)}\n`);
}

main().catch((e: unknown) => {
  if (e instanceof InputError) {
    process.stderr.write(`nasc: ${e.message}\n`);
    process.exit(2);
  }
  throw e;
});
