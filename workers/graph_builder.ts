/**
 * Builds ONNX graphs of one subnet of the supernet from a weight store (STORE.md layout):
 *
 * - `buildSplitModels` → the **head** (normalised image → tensor after stem + layers 0..s−1, run
 *   on the device) and the **tail** (that tensor → logits, run on the server). s = 0: no head —
 *   the device sends the uint8 image itself and the tail is the whole net (it takes the
 *   normalised image, normalisation being a per-pixel table lookup on the server). s = L
 *   (device-only): the head is the whole net and outputs the logits; there is no tail (only the
 *   prediction is sent).
 * - `buildEvaluationModel` → one image → logits graph with the payload round trip of the chosen
 *   precision inserted at the split as graph ops. One session per query instead of two, no
 *   copies of the split tensor through JS (measured in experiments/bench/eval.ts; see
 *   workers/README.md).
 * - `buildCalibrationModel` → the subnet with BatchNorm in batch-statistics mode and every BN's
 *   batch mean/variance as extra outputs (per-subnet BN recalibration, bn_statistics.ts).
 *
 * With `bottleneck: c` (a learned bottleneck of the store, format 2 or 3) the split tensor goes
 * through the encoder (1×1 conv, or a 2×2 conv with stride 2, + BN), the int8 round trip and the
 * decoder (1×1 conv, or 2×2 transposed conv, + BN) — in the evaluation graph as ops, in split
 * models as the end of the head (payload = the code before quantisation: c channels, or 4c at
 * half the side) and the start of the tail.
 *
 * BatchNorm is folded into the preceding convolution by default (W·γ/√(σ²+ε), β − μ·γ/√(σ²+ε),
 * computed in float64): the statistics are constants at inference time, and folding leaves ORT
 * fewer nodes to fuse, which makes the session cheaper to create.
 */
import { InputError } from '../core/errors.js';
import type { PayloadPrecision } from '../problems/nasc/accuracy_oracle.js';
import { DataType, GraphWriter, type ValueSpec } from './onnx_graph.js';
import { block, checkArchitecture, checkSplit, layerCount, layerSpecs, splitTensorShape, type LayerSpec } from './supernet_space.js';
import { sentChannels, type BottleneckEntry } from './store_bottlenecks.js';
import type { WeightStore } from './weight_store.js';

/** Per-channel mean and variance a BatchNorm normalises with (stored running stats or recalibrated). */
export interface BnStats {
  readonly mean: Float32Array;
  readonly variance: Float32Array;
}

/** BN statistics by BN prefix (e.g. `layers.3.2.bn1`), overriding the store's running stats. */
export type BnStatistics = ReadonlyMap<string, BnStats>;

/** How BatchNorm with fixed statistics appears in the graph: folded into the conv, or as a BatchNormalization node. */
export type BnTreatment = 'fold' | 'node';

export interface BuildOptions {
  readonly bn?: BnTreatment;
  /** Statistics to use instead of the stored running stats (recalibrated per subnet). */
  readonly statistics?: BnStatistics;
  /** Width c of the store's learned bottleneck at the split (0 or absent: none; int8 payload only). */
  readonly bottleneck?: number;
}

export interface SplitModels {
  /** Device part: `image` [N,3,H,W] float32 → `payload` (or `logits` at s = L); null at s = 0. */
  readonly head: Uint8Array | null;
  /** Server part: `payload` (the normalised `image` at s = 0) → `logits`; null at s = L. */
  readonly tail: Uint8Array | null;
}

export const IMAGE = 'image';
export const PAYLOAD = 'payload';
export const LOGITS = 'logits';
const BATCH = 'N';

/** One BN of a calibration graph: its prefix and the names of its mean/variance outputs. */
export interface CalibrationOutput {
  readonly prefix: string;
  readonly channels: number;
  /** Spatial elements per channel and image (H·W) of the BN's input. */
  readonly spatial: number;
  readonly mean: string;
  readonly variance: string;
}

export function buildSplitModels(store: WeightStore, architecture: readonly number[], split: number, options: BuildOptions = {}): SplitModels {
  const space = store.space;
  checkArchitecture(space, architecture);
  checkSplit(space, split);
  const n = layerCount(space);
  const code = bottleneckOf(store, split, options);
  if (split === 0) return { head: null, tail: buildEvaluationModel(store, architecture, 0, 'fp32', options) };
  if (split === n) return { head: buildEvaluationModel(store, architecture, n, 'fp32', options), tail: null };

  const tail = new SubnetEmitter(store, architecture, options);
  let y = PAYLOAD;
  if (code !== undefined) y = tail.decoder(code, y);
  for (let i = split; i < n; i++) y = tail.layer(i, y);
  tail.head(y, LOGITS);
  let head: Uint8Array;
  if (code === undefined) {
    head = buildPrefixModel(store, architecture, split, options);
  } else {
    const e = new SubnetEmitter(store, architecture, options);
    let x = e.stem(IMAGE);
    for (let i = 0; i < split; i++) x = e.layer(i, x);
    e.w.node('Identity', [e.encoder(code, x)], {}, PAYLOAD);
    head = e.w.serialize([imageSpec(store)], [payloadSpec(store, split, code)], 'head');
  }
  return { head, tail: tail.w.serialize([payloadSpec(store, split, code)], [logitsSpec(store)], 'tail') };
}

/** The store's bottleneck the options ask for at this split (undefined for none); refuses a missing one. */
function bottleneckOf(store: WeightStore, split: number, options: BuildOptions): BottleneckEntry | undefined {
  const width = options.bottleneck ?? 0;
  if (width === 0) return undefined;
  const b = store.bottleneck(split, width);
  if (b === undefined) {
    const have = store.manifest.bottlenecks.filter((x) => x.split === split).map((x) => x.width);
    throw new InputError(`${store.files.json}: no learned bottleneck of width ${width} at split ${split} (there: ${have.length === 0 ? 'none' : have.join(', ')})`);
  }
  return b;
}

/**
 * `image` → `payload`, the tensor after the stem and layers 0..s−1 (s = 0: the stem output;
 * s = L: the input of the network's head). The device part of a split for 1 ≤ s < L.
 */
export function buildPrefixModel(store: WeightStore, architecture: readonly number[], split: number, options: BuildOptions = {}): Uint8Array {
  checkArchitecture(store.space, architecture);
  checkSplit(store.space, split);
  const e = new SubnetEmitter(store, architecture, options);
  let x = e.stem(IMAGE);
  for (let i = 0; i < split; i++) x = e.layer(i, x);
  e.w.node('Identity', [x], {}, PAYLOAD);
  return e.w.serialize([imageSpec(store)], [payloadSpec(store, split)], 'head');
}

/** image → logits with the precision's payload round trip applied to the tensor at the split. */
export function buildEvaluationModel(
  store: WeightStore,
  architecture: readonly number[],
  split: number,
  precision: PayloadPrecision,
  options: BuildOptions = {},
): Uint8Array {
  const space = store.space;
  checkArchitecture(space, architecture);
  checkSplit(space, split);
  const n = layerCount(space);
  const code = bottleneckOf(store, split, options);
  if (code !== undefined && precision !== 'int8') throw new InputError(`a learned bottleneck sends int8, not ${precision}`);
  const e = new SubnetEmitter(store, architecture, options);
  let x = e.stem(IMAGE);
  for (let i = 0; i < n; i++) {
    if (i === split && split > 0) {
      x = code === undefined ? payloadRoundTrip(e.w, x, precision) : e.decoder(code, payloadRoundTrip(e.w, e.encoder(code, x), 'int8'));
    }
    x = e.layer(i, x);
  }
  e.head(x, LOGITS);
  return e.w.serialize([imageSpec(store)], [logitsSpec(store)], 'subnet');
}

/**
 * The subnet with every BatchNorm normalising by its batch statistics (as in training mode) and
 * exporting them: what PyTorch's train-mode forward computes, so a recalibration pass needs one
 * session for the whole net instead of one per layer.
 */
export function buildCalibrationModel(
  store: WeightStore,
  architecture: readonly number[],
  bottleneck?: { readonly split: number; readonly width: number },
  /** Stop after the bottleneck's branch (its statistics are then the only ones needed). */
  prefixOnly = false,
): { model: Uint8Array; outputs: CalibrationOutput[] } {
  checkArchitecture(store.space, architecture);
  // A bottleneck's BNs are measured on a side branch fed the clean split tensor (encoder, int8,
  // decoder, each BN by its batch statistics); the subnet's own BNs see the unsplit network, as
  // without a bottleneck (experiments/supernet/bottleneck_eval.py recalibrates the same way).
  const code = bottleneck === undefined ? undefined : bottleneckOf(store, bottleneck.split, { bottleneck: bottleneck.width });
  const e = new SubnetEmitter(store, architecture, {}, true);
  let x = e.stem(IMAGE);
  const stop = prefixOnly && code !== undefined ? code.split : layerCount(store.space);
  for (let i = 0; i <= stop; i++) {
    if (code !== undefined && i === code.split) e.decoder(code, payloadRoundTrip(e.w, e.encoder(code, x), 'int8'));
    if (i < stop) x = e.layer(i, x);
  }
  if (stop === layerCount(store.space)) e.headBn(x);
  const outputs = e.calibration;
  const specs: ValueSpec[] = outputs.flatMap((o) => [
    { name: o.mean, elemType: DataType.FLOAT, shape: [1, o.channels, 1, 1] },
    { name: o.variance, elemType: DataType.FLOAT, shape: [1, o.channels, 1, 1] },
  ]);
  return { model: e.w.serialize([imageSpec(store)], specs, 'calibration'), outputs };
}

/**
 * The payload round trip as graph ops. fp16: Cast → float16 → float32 (round to nearest even).
 * int8: affine per image (a device quantises the tensor it sends, which is one image's): range
 * [min(x,0), max(x,0)] so zero is exact, scale = range/255 (at least 1e-30), zero point =
 * round(−min/scale), q = clip(round(x/scale) + zp, 0, 255), back to (q − zp)·scale. Rounding is
 * half-to-even (ONNX Round); payload_precision.ts does the same in TS.
 */
function payloadRoundTrip(w: GraphWriter, x: string, precision: PayloadPrecision): string {
  if (precision === 'fp32') return x;
  if (precision === 'fp16') {
    const h = w.node('Cast', [x], { to: DataType.FLOAT16 });
    return w.node('Cast', [h], { to: DataType.FLOAT });
  }
  const zero = w.floatConstant([0]);
  const axes = { axes: [1, 2, 3], keepdims: 1 };
  const lo = w.node('Min', [w.node('ReduceMin', [x], axes), zero]);
  const hi = w.node('Max', [w.node('ReduceMax', [x], axes), zero]);
  const scale = w.node('Max', [w.node('Div', [w.node('Sub', [hi, lo]), w.floatConstant([255])]), w.floatConstant([1e-30])]);
  const zp = w.node('Round', [w.node('Div', [w.node('Neg', [lo]), scale])]);
  const q = w.node('Clip', [w.node('Add', [w.node('Round', [w.node('Div', [x, scale])]), zp]), zero, w.floatConstant([255])]);
  return w.node('Mul', [w.node('Sub', [q, zp]), scale]);
}

function imageSpec(store: WeightStore): ValueSpec {
  const [c, h, wd] = store.space.input;
  return { name: IMAGE, elemType: DataType.FLOAT, shape: [BATCH, c, h, wd] };
}

/** The tensor sent at the split: the layer output, or a bottleneck's code (P²c channels at H/P × W/P). */
function payloadSpec(store: WeightStore, split: number, code?: BottleneckEntry): ValueSpec {
  const [c, h, w] = splitTensorShape(store.space, split);
  return { name: PAYLOAD, elemType: DataType.FLOAT, shape: code === undefined ? [BATCH, c, h, w] : [BATCH, sentChannels(code), h / code.patch, w / code.patch] };
}

function logitsSpec(store: WeightStore): ValueSpec {
  return { name: LOGITS, elemType: DataType.FLOAT, shape: [BATCH, store.space.numClasses] };
}

interface ConvSpec {
  /** Side of the conv's output (for the calibration bookkeeping). */
  readonly size: number;
  readonly weight: string;
  readonly bn: string;
  readonly stride: number;
  readonly kernel: number;
  readonly groups: number;
  readonly relu: boolean;
  /** Padding on every side (default kernel/2: "same" for odd kernels). */
  readonly pad?: number;
  /** A transposed conv (ConvTranspose; weight [in, out, k, k]). */
  readonly transposed?: boolean;
}

/** Emits the parts of one subnet (stem, layers, head) into a GraphWriter. */
class SubnetEmitter {
  readonly w = new GraphWriter();
  readonly calibration: CalibrationOutput[] = [];
  private readonly specs: LayerSpec[];

  constructor(
    private readonly store: WeightStore,
    private readonly architecture: readonly number[],
    private readonly options: BuildOptions,
    private readonly batchStatistics = false,
  ) {
    this.specs = layerSpecs(store.space);
  }

  stem(x: string): string {
    return this.convBn(x, { size: this.store.space.input[1], weight: 'stem.conv.weight', bn: 'stem.bn', stride: 1, kernel: 3, groups: 1, relu: true });
  }

  layer(i: number, x: string): string {
    const spec = this.specs[i] as LayerSpec;
    const b = block(this.store.space, spec, this.architecture[i] as number);
    if (b.kind === 'identity') return x;
    const inSize = spec.inputSize;
    const outSize = Math.floor((inSize - 1) / spec.stride) + 1;
    if (b.kind === 'skipConv') {
      return this.convBn(x, { size: outSize, weight: `${b.prefix}.conv.weight`, bn: `${b.prefix}.bn`, stride: b.stride, kernel: 1, groups: 1, relu: true });
    }
    let y = this.convBn(x, { size: inSize, weight: `${b.prefix}.pw1.weight`, bn: `${b.prefix}.bn1`, stride: 1, kernel: 1, groups: b.groups, relu: true });
    if (b.groups > 1) {
      // Channel shuffle: [N, g, m/g, HW] → swap the two channel axes → [N, m, H, W].
      const r = this.w.node('Reshape', [y, this.w.int64Constant([0, b.groups, b.mid / b.groups, inSize * inSize])]);
      const t = this.w.node('Transpose', [r], { perm: [0, 2, 1, 3] });
      y = this.w.node('Reshape', [t, this.w.int64Constant([0, b.mid, inSize, inSize])]);
    }
    y = this.convBn(y, { size: outSize, weight: `${b.prefix}.dw.weight`, bn: `${b.prefix}.bn2`, stride: b.stride, kernel: b.kernel, groups: b.mid, relu: true });
    y = this.convBn(y, { size: outSize, weight: `${b.prefix}.pw2.weight`, bn: `${b.prefix}.bn3`, stride: 1, kernel: 1, groups: b.groups, relu: false });
    return b.residual ? this.w.node('Add', [y, x]) : y;
  }

  /** Bottleneck encoder: P×P conv with stride P, C→P²c, + BN, no ReLU (P = 1: a 1×1 conv C→c). */
  encoder(b: BottleneckEntry, x: string): string {
    const size = splitTensorShape(this.store.space, b.split)[1] / b.patch;
    return this.convBn(x, { size, weight: `${b.prefix}.enc.weight`, bn: `${b.prefix}.enc_bn`, stride: b.patch, kernel: b.patch, pad: 0, groups: 1, relu: false });
  }

  /** Bottleneck decoder: P×P transposed conv with stride P, P²c→C (P = 1: a 1×1 conv c→C), + BN, no ReLU (it rebuilds a signed residual sum). */
  decoder(b: BottleneckEntry, x: string): string {
    const size = splitTensorShape(this.store.space, b.split)[1];
    return this.convBn(x, { size, weight: `${b.prefix}.dec.weight`, bn: `${b.prefix}.dec_bn`, stride: b.patch, kernel: b.patch, pad: 0, groups: 1, relu: false, transposed: b.patch > 1 });
  }

  /** 1×1 conv + BN (no ReLU yet): the part of the head the calibration graph needs. */
  headBn(x: string): string {
    const last = this.specs.at(-1) as LayerSpec;
    const size = Math.floor((last.inputSize - 1) / last.stride) + 1;
    return this.convBn(x, { size, weight: 'head.conv.weight', bn: 'head.bn', stride: 1, kernel: 1, groups: 1, relu: false });
  }

  head(x: string, output: string): string {
    const y = this.w.node('Relu', [this.headBn(x)]);
    const pooled = this.w.node('Flatten', [this.w.node('GlobalAveragePool', [y])], { axis: 1 });
    const fc = this.w.float('classifier.weight', this.store.tensor('classifier.weight'), this.store.shape('classifier.weight'));
    const bias = this.w.float('classifier.bias', this.store.tensor('classifier.bias'), this.store.shape('classifier.bias'));
    return this.w.node('Gemm', [pooled, fc, bias], { transB: 1 }, output);
  }

  private convBn(x: string, c: ConvSpec): string {
    const shape = this.store.shape(c.weight);
    const attrs = { kernel_shape: [c.kernel, c.kernel], pads: Array(4).fill(c.pad ?? c.kernel >> 1) as number[], strides: [c.stride, c.stride], group: c.groups };
    const op = c.transposed === true ? 'ConvTranspose' : 'Conv';
    const outAxis = c.transposed === true ? 1 : 0;
    const gamma = this.store.tensor(`${c.bn}.weight`);
    const beta = this.store.tensor(`${c.bn}.bias`);
    let y: string;
    if (this.batchStatistics) {
      // The conv subtracts the stored running mean K (as its bias, free): statistics are then
      // taken of x − K, whose mean is small, so E[(x−K)²] − E[x−K]² does not cancel.
      const shift = this.store.tensor(`${c.bn}.running_mean`);
      const conv = this.w.node(op, [x, this.w.float(c.weight, this.store.tensor(c.weight), shape), this.w.float(`${c.bn}.shift`, shift.map((v) => -v), [shift.length])], attrs);
      y = this.batchNorm(conv, c.bn, gamma, beta, shift, c.size * c.size);
    } else {
      const stats = this.statistics(c.bn);
      if ((this.options.bn ?? 'fold') === 'fold') {
        const [w, b] = foldBn(this.store.tensor(c.weight), shape, gamma, beta, stats, this.store.space.bnEps, outAxis);
        y = this.w.node(op, [x, this.w.float(c.weight, w, shape), this.w.float(`${c.bn}.folded_bias`, b, [b.length])], attrs);
      } else {
        const conv = this.w.node(op, [x, this.w.float(c.weight, this.store.tensor(c.weight), shape)], attrs);
        const ch = [gamma.length];
        y = this.w.node(
          'BatchNormalization',
          [conv, this.w.float(`${c.bn}.weight`, gamma, ch), this.w.float(`${c.bn}.bias`, beta, ch), this.w.float(`${c.bn}.mean`, stats.mean, ch), this.w.float(`${c.bn}.var`, stats.variance, ch)],
          { epsilon: { float: this.store.space.bnEps } },
        );
      }
    }
    return c.relu ? this.w.node('Relu', [y]) : y;
  }

  private statistics(bn: string): BnStats {
    const s = this.options.statistics?.get(bn);
    if (s !== undefined) return s;
    return { mean: this.store.tensor(`${bn}.running_mean`), variance: this.store.tensor(`${bn}.running_var`) };
  }

  /**
   * Training-mode BN of x' = x − K (K: the stored running mean, subtracted by the conv's bias):
   * normalise by this batch's per-channel mean and biased variance, and export both (of x).
   * One pass for the mean (GlobalAveragePool, then over the batch), one for E[x'²]
   * (ReduceSumSquare over H, W), var = E[x'²] − E[x']² — well conditioned because the shift makes
   * E[x'] small next to σ — and the normalisation as one BatchNormalization node fed the batch
   * statistics. Measured per node (ORT profile, 100 images, one thread; workers/README.md): the
   * two-pass form (mean, then the mean of squared deviations, and x·a + b as Mul + Add) spent
   * 2.4× the convolutions' time in these elementwise passes; this form ≈ 1.8×. What remains is
   * mostly ORT's NCHWc reorders around the ops that have no blocked-layout kernel.
   */
  private batchNorm(x: string, prefix: string, gamma: Float32Array, beta: Float32Array, shift: Float32Array, spatial: number): string {
    const w = this.w;
    const c = gamma.length;
    const overBatch = { axes: [0], keepdims: 1 };
    const shifted = w.node('ReduceMean', [w.node('GlobalAveragePool', [x])], overBatch);
    const square = w.node('ReduceMean', [w.node('ReduceSumSquare', [x], { axes: [2, 3], keepdims: 1 })], overBatch);
    const raw = w.node('Sub', [w.node('Div', [square, w.floatConstant([spatial])]), w.node('Mul', [shifted, shifted])]);
    // Rounding can leave a constant channel's variance a hair below zero.
    const variance = w.node('Max', [raw, w.floatConstant([0])], {}, `${prefix}.batch_var`);
    const mean = w.node('Add', [shifted, w.float(`${prefix}.shift_back`, shift, [1, c, 1, 1])], {}, `${prefix}.batch_mean`);
    this.calibration.push({ prefix, channels: c, spatial, mean, variance });
    const flat = w.int64Constant([c]);
    return w.node(
      'BatchNormalization',
      [x, w.float(`${prefix}.weight`, gamma, [c]), w.float(`${prefix}.bias`, beta, [c]), w.node('Reshape', [shifted, flat]), w.node('Reshape', [variance, flat])],
      { epsilon: { float: this.store.space.bnEps } },
    );
  }
}

/**
 * BN folded into the conv: per output channel o, W[o]·γ/√(σ²+ε) and β − μ·γ/√(σ²+ε). The
 * output channels are the weight's axis 0 (Conv) or axis 1 (ConvTranspose: [in, out, k, k]).
 */
export function foldBn(
  weight: Float32Array,
  shape: readonly number[],
  gamma: Float32Array,
  beta: Float32Array,
  stats: BnStats,
  eps: number,
  outAxis: 0 | 1 = 0,
): [Float32Array, Float32Array] {
  const out = shape[outAxis] as number;
  if (gamma.length !== out || stats.mean.length !== out || stats.variance.length !== out) {
    throw new InputError(`BatchNorm of ${out} channels has statistics of ${stats.mean.length}/${stats.variance.length}`);
  }
  const scale = new Float32Array(out);
  const b = new Float32Array(out);
  for (let o = 0; o < out; o++) {
    const s = (gamma[o] as number) / Math.sqrt((stats.variance[o] as number) + eps);
    scale[o] = s;
    b[o] = (beta[o] as number) - (stats.mean[o] as number) * s;
  }
  // Elements of one (outer index, output channel) block are contiguous: `inner` of them.
  const inner = shape.slice(outAxis + 1).reduce((a, d) => a * d, 1);
  const w = new Float32Array(weight.length);
  for (let k = 0; k < weight.length; k++) w[k] = (weight[k] as number) * (scale[Math.floor(k / inner) % out] as number);
  return [w, b];
}

/** One part of the network on its own, for timing it (`nasc profile`). */
export type NetworkPart =
  | { readonly kind: 'stem' }
  | { readonly kind: 'layer'; readonly index: number; readonly candidate: number }
  | { readonly kind: 'head-conv' }
  | { readonly kind: 'pool' }
  | { readonly kind: 'classifier' }
  /** A learned bottleneck's device side (encoder conv + BN, then the int8 quantisation) or server side (decoder conv + BN). */
  | { readonly kind: 'bottleneck-encoder' | 'bottleneck-decoder'; readonly split: number; readonly width: number };

export interface PartModel {
  readonly model: Uint8Array;
  /** Shape of the single input (batch included). */
  readonly inputShape: readonly number[];
}

/**
 * A model of one part — the stem, one candidate block of one layer, or a piece of the head — with
 * the store's weights and BN folded as in inference, so its latency is what that part costs
 * inside a subnet. The parts match HW-NAS-Bench's per-op table entries.
 */
export function buildPartModel(store: WeightStore, part: NetworkPart, batch = 1): PartModel {
  const space = store.space;
  const specs = layerSpecs(space);
  const n = layerCount(space);
  const last = specs[n - 1] as LayerSpec;
  const lastSize = Math.floor((last.inputSize - 1) / last.stride) + 1;
  const arch = Array<number>(n).fill(part.kind === 'layer' ? part.candidate : 0);
  const e = new SubnetEmitter(store, arch, {});
  const out = (name: string, shape: readonly number[]): ValueSpec => ({ name, elemType: DataType.FLOAT, shape: [batch, ...shape] });
  const input = (shape: readonly number[]): ValueSpec => ({ name: 'x', elemType: DataType.FLOAT, shape: [batch, ...shape] });
  switch (part.kind) {
    case 'stem': {
      const shape = [space.input[0], space.input[1], space.input[2]];
      e.w.node('Identity', [e.stem('x')], {}, 'y');
      return { model: e.w.serialize([input(shape)], [out('y', [space.stemChannels, space.input[1], space.input[2]])], 'stem'), inputShape: [batch, ...shape] };
    }
    case 'layer': {
      const spec = specs[part.index];
      if (spec === undefined) throw new InputError(`layer ${part.index} is outside 0..${n - 1}`);
      const shape = [spec.cin, spec.inputSize, spec.inputSize];
      const size = Math.floor((spec.inputSize - 1) / spec.stride) + 1;
      e.w.node('Identity', [e.layer(part.index, 'x')], {}, 'y');
      return { model: e.w.serialize([input(shape)], [out('y', [spec.cout, size, size])], `layer${part.index}`), inputShape: [batch, ...shape] };
    }
    case 'head-conv': {
      const shape = [last.cout, lastSize, lastSize];
      e.w.node('Relu', [e.headBn('x')], {}, 'y');
      return { model: e.w.serialize([input(shape)], [out('y', [space.headChannels, lastSize, lastSize])], 'head-conv'), inputShape: [batch, ...shape] };
    }
    case 'pool': {
      const shape = [space.headChannels, lastSize, lastSize];
      e.w.node('Flatten', [e.w.node('GlobalAveragePool', ['x'])], { axis: 1 }, 'y');
      return { model: e.w.serialize([input(shape)], [out('y', [space.headChannels])], 'pool'), inputShape: [batch, ...shape] };
    }
    case 'bottleneck-encoder':
    case 'bottleneck-decoder': {
      const code = bottleneckOf(store, part.split, { bottleneck: part.width });
      if (code === undefined) throw new InputError('a bottleneck part needs a width > 0');
      const [c, h, w] = splitTensorShape(space, part.split);
      const sent = [sentChannels(code), h / code.patch, w / code.patch];
      if (part.kind === 'bottleneck-encoder') {
        e.w.node('Identity', [payloadRoundTrip(e.w, e.encoder(code, 'x'), 'int8')], {}, 'y');
        return { model: e.w.serialize([input([c, h, w])], [out('y', sent)], 'encoder'), inputShape: [batch, c, h, w] };
      }
      e.w.node('Identity', [e.decoder(code, 'x')], {}, 'y');
      return { model: e.w.serialize([input(sent)], [out('y', [c, h, w])], 'decoder'), inputShape: [batch, ...sent] };
    }
    case 'classifier': {
      const fc = e.w.float('classifier.weight', store.tensor('classifier.weight'), store.shape('classifier.weight'));
      const bias = e.w.float('classifier.bias', store.tensor('classifier.bias'), store.shape('classifier.bias'));
      e.w.node('Gemm', ['x', fc, bias], { transB: 1 }, 'y');
      return { model: e.w.serialize([input([space.headChannels])], [out('y', [space.numClasses])], 'classifier'), inputShape: [batch, space.headChannels] };
    }
  }
}
