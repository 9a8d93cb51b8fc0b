import { standardisation, type Regressor } from './regressor.js';

export interface BoostedTreesOptions {
  /** Number of trees (default 200). */
  readonly trees?: number;
  /** Depth of each tree; 1 gives boosted stumps, which stay additive in the features (default 3). */
  readonly depth?: number;
  /** Shrinkage η (default 0.1). */
  readonly learningRate?: number;
  /** Fewest rows in a leaf (default 3). */
  readonly minLeaf?: number;
  /** Candidate thresholds per feature: every distinct value up to this many, else quantiles (default 32). */
  readonly maxBins?: number;
}

/** A tree node: a split (x[feature] ≤ threshold goes left) or a leaf (feature −1). */
interface Node {
  feature: number;
  threshold: number;
  left: number;
  right: number;
  value: number;
}

/**
 * Gradient-boosted regression trees for squared loss (Friedman 2001): each tree fits the current
 * residuals with greedy variance-reduction splits over binned thresholds, and adds η times its
 * leaf means. Deterministic (no subsampling), so it needs no random stream.
 */
export class BoostedTrees implements Regressor {
  readonly name: string;
  private readonly trees: number;
  private readonly depth: number;
  private readonly eta: number;
  private readonly minLeaf: number;
  private readonly maxBins: number;
  private forest: Node[][] = [];
  private base = 0;
  private scale = 1;

  constructor(options: BoostedTreesOptions = {}) {
    this.trees = options.trees ?? 200;
    this.depth = options.depth ?? 3;
    this.eta = options.learningRate ?? 0.1;
    this.minLeaf = options.minLeaf ?? 3;
    this.maxBins = options.maxBins ?? 32;
    if (!(this.depth >= 1 && this.trees >= 1 && this.eta > 0 && this.minLeaf >= 1)) throw new RangeError('boosted trees: depth, trees, minLeaf ≥ 1 and learningRate > 0');
    this.name = this.depth === 1 ? 'boosted-stumps' : `boosted-trees-d${this.depth}`;
  }

  fit(x: readonly Float64Array[], y: readonly number[]): void {
    const n = x.length;
    if (n !== y.length || n === 0) throw new RangeError(`boosted trees need matching, non-empty rows and targets (${n}/${y.length})`);
    const p = (x[0] as Float64Array).length;
    const { mean, scale } = standardisation(y);
    this.base = mean;
    this.scale = scale;
    // Thresholds per feature and each row's bin (the number of thresholds below its value).
    const thresholds: number[][] = [];
    const bins: Uint16Array[] = [];
    for (let f = 0; f < p; f++) {
      const values = [...new Set(x.map((r) => r[f] as number))].sort((a, b) => a - b);
      let cuts: number[];
      if (values.length <= this.maxBins) cuts = values.slice(0, -1).map((v, i) => (v + (values[i + 1] as number)) / 2);
      else {
        const sorted = x.map((r) => r[f] as number).sort((a, b) => a - b);
        cuts = [...new Set(Array.from({ length: this.maxBins - 1 }, (_, q) => sorted[Math.floor(((q + 1) * n) / this.maxBins)] as number))];
        cuts = cuts.filter((c) => c < (values[values.length - 1] as number));
      }
      thresholds.push(cuts);
      bins.push(Uint16Array.from(x, (r) => countBelow(cuts, r[f] as number)));
    }
    const residual = Float64Array.from(y, (v) => (v - mean) / scale);
    this.forest = [];
    const all = Array.from({ length: n }, (_, i) => i);
    for (let t = 0; t < this.trees; t++) {
      const nodes: Node[] = [];
      this.grow(nodes, all, 0, residual, thresholds, bins);
      for (let i = 0; i < n; i++) residual[i] = (residual[i] as number) - this.eta * evalTree(nodes, x[i] as Float64Array);
      this.forest.push(nodes);
    }
  }

  predict(x: Float64Array): number {
    let s = 0;
    for (const nodes of this.forest) s += evalTree(nodes, x);
    return this.base + this.scale * this.eta * s;
  }

  /** Appends the subtree for `rows` and returns its index. */
  private grow(nodes: Node[], rows: readonly number[], level: number, r: Float64Array, thresholds: readonly number[][], bins: readonly Uint16Array[]): number {
    const id = nodes.length;
    let sum = 0;
    for (const i of rows) sum += r[i] as number;
    const node: Node = { feature: -1, threshold: 0, left: -1, right: -1, value: sum / rows.length };
    nodes.push(node);
    if (level >= this.depth || rows.length < 2 * this.minLeaf) return id;
    const n = rows.length;
    const base = (sum * sum) / n;
    let bestGain = 1e-12;
    let bestF = -1;
    let bestCut = -1;
    for (let f = 0; f < thresholds.length; f++) {
      const cuts = (thresholds[f] as number[]).length;
      if (cuts === 0) continue;
      const s = new Float64Array(cuts + 1);
      const c = new Uint32Array(cuts + 1);
      const b = bins[f] as Uint16Array;
      for (const i of rows) {
        const k = b[i] as number;
        s[k] = (s[k] as number) + (r[i] as number);
        c[k] = (c[k] as number) + 1;
      }
      let ls = 0;
      let lc = 0;
      for (let k = 0; k < cuts; k++) {
        ls += s[k] as number;
        lc += c[k] as number;
        const rc = n - lc;
        if (lc < this.minLeaf || rc < this.minLeaf) continue;
        const rs = sum - ls;
        const gain = (ls * ls) / lc + (rs * rs) / rc - base;
        if (gain > bestGain) {
          bestGain = gain;
          bestF = f;
          bestCut = k;
        }
      }
    }
    if (bestF < 0) return id;
    const b = bins[bestF] as Uint16Array;
    const left = rows.filter((i) => (b[i] as number) <= bestCut);
    const right = rows.filter((i) => (b[i] as number) > bestCut);
    node.feature = bestF;
    node.threshold = (thresholds[bestF] as number[])[bestCut] as number;
    node.left = this.grow(nodes, left, level + 1, r, thresholds, bins);
    node.right = this.grow(nodes, right, level + 1, r, thresholds, bins);
    return id;
  }
}

function evalTree(nodes: readonly Node[], x: Float64Array): number {
  let k = 0;
  for (;;) {
    const node = nodes[k] as Node;
    if (node.feature < 0) return node.value;
    k = (x[node.feature] as number) <= node.threshold ? node.left : node.right;
  }
}

/** Number of cuts strictly below v (cuts ascending): the bin of v. */
function countBelow(cuts: readonly number[], v: number): number {
  let lo = 0;
  let hi = cuts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((cuts[mid] as number) < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
