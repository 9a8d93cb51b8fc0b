/**
 * The supernet's space as a weight-store manifest describes it (STORE.md): widths, strides and
 * candidate blocks. The manifest is the truth — a narrow test store uses the same code with
 * smaller channels — so everything the graph builder needs (per-layer Cin/Cout/stride, which
 * tensors a candidate owns and their shapes) is derived here from it.
 */
import { InputError } from '../core/errors.js';

export interface StageSpec {
  readonly layers: number;
  readonly channels: number;
  readonly stride: number;
}

/** A conv candidate (kernel, expansion, groups) or the skip candidate (no kernel). */
export interface CandidateSpec {
  readonly name: string;
  readonly kernel?: number;
  readonly expansion?: number;
  readonly groups?: number;
}

export interface SupernetSpace {
  readonly input: readonly [number, number, number];
  readonly numClasses: number;
  readonly stemChannels: number;
  readonly stages: readonly StageSpec[];
  readonly headChannels: number;
  readonly candidates: readonly CandidateSpec[];
  readonly bnEps: number;
}

export interface LayerSpec {
  readonly index: number;
  readonly cin: number;
  readonly cout: number;
  readonly stride: number;
  /** Spatial size of the layer's input (square). */
  readonly inputSize: number;
}

/** What a chosen candidate of a layer computes. */
export type Block =
  | { readonly kind: 'identity' }
  | { readonly kind: 'skipConv'; readonly prefix: string; readonly cin: number; readonly cout: number; readonly stride: number }
  | {
      readonly kind: 'conv';
      readonly prefix: string;
      readonly cin: number;
      readonly cout: number;
      readonly stride: number;
      readonly kernel: number;
      readonly groups: number;
      /** Expanded channels m = Cin·e. */
      readonly mid: number;
      readonly residual: boolean;
    };

/** Validates the manifest's `space` object (shape of every field) → a typed space. */
export function parseSpace(raw: unknown, where: string): SupernetSpace {
  const o = record(raw, `${where}: space`);
  const input = intArray(o.input, `${where}: space.input`);
  if (input.length !== 3 || input[0] !== 3 || input[1] !== input[2]) {
    throw new InputError(`${where}: space.input must be [3, H, H], got [${input.join(', ')}]`);
  }
  const stagesRaw = o.stages;
  if (!Array.isArray(stagesRaw) || stagesRaw.length === 0) throw new InputError(`${where}: space.stages must be a non-empty list`);
  const stages = stagesRaw.map((s, i) => {
    const r = record(s, `${where}: space.stages[${i}]`);
    return {
      layers: positiveInt(r.layers, `${where}: space.stages[${i}].layers`),
      channels: positiveInt(r.channels, `${where}: space.stages[${i}].channels`),
      stride: positiveInt(r.stride, `${where}: space.stages[${i}].stride`),
    };
  });
  const candRaw = o.candidates;
  if (!Array.isArray(candRaw) || candRaw.length === 0) throw new InputError(`${where}: space.candidates must be a non-empty list`);
  const candidates = candRaw.map((c, i): CandidateSpec => {
    const r = record(c, `${where}: space.candidates[${i}]`);
    if (typeof r.name !== 'string') throw new InputError(`${where}: space.candidates[${i}].name must be a string`);
    if (r.kernel === undefined) return { name: r.name };
    const kernel = positiveInt(r.kernel, `${where}: space.candidates[${i}].kernel`);
    if (kernel % 2 !== 1) throw new InputError(`${where}: space.candidates[${i}].kernel must be odd, got ${kernel}`);
    return {
      name: r.name,
      kernel,
      expansion: positiveInt(r.expansion, `${where}: space.candidates[${i}].expansion`),
      groups: r.groups === undefined ? 1 : positiveInt(r.groups, `${where}: space.candidates[${i}].groups`),
    };
  });
  const bnEps = o.bnEps === undefined ? 1e-5 : o.bnEps;
  if (typeof bnEps !== 'number' || !(bnEps > 0)) throw new InputError(`${where}: space.bnEps must be a positive number`);
  const space: SupernetSpace = {
    input: [3, input[1] as number, input[2] as number],
    numClasses: positiveInt(o.numClasses, `${where}: space.numClasses`),
    stemChannels: positiveInt(o.stemChannels, `${where}: space.stemChannels`),
    stages,
    headChannels: positiveInt(o.headChannels, `${where}: space.headChannels`),
    candidates,
    bnEps,
  };
  // Every grouped candidate must divide the channels it is used with.
  for (const layer of layerSpecs(space)) {
    for (const c of candidates) {
      if (c.kernel === undefined) continue;
      const g = c.groups ?? 1;
      const m = layer.cin * (c.expansion ?? 1);
      if (layer.cin % g !== 0 || m % g !== 0 || layer.cout % g !== 0) {
        throw new InputError(`${where}: candidate ${c.name} (groups ${g}) does not divide layer ${layer.index} channels ${layer.cin}→${layer.cout}`);
      }
    }
  }
  return space;
}

export function layerCount(space: SupernetSpace): number {
  return space.stages.reduce((a, s) => a + s.layers, 0);
}

/** Cin, Cout, stride and input size of every searchable layer. */
export function layerSpecs(space: SupernetSpace): LayerSpec[] {
  const specs: LayerSpec[] = [];
  let cin = space.stemChannels;
  let size = space.input[1];
  for (const st of space.stages) {
    for (let k = 0; k < st.layers; k++) {
      const stride = k === 0 ? st.stride : 1;
      specs.push({ index: specs.length, cin, cout: st.channels, stride, inputSize: size });
      size = Math.floor((size - 1) / stride) + 1;
      cin = st.channels;
    }
  }
  return specs;
}

/** Channels and spatial size of the tensor after `split` layers (0 = the stem output). */
export function splitTensorShape(space: SupernetSpace, split: number): [number, number, number] {
  const specs = layerSpecs(space);
  if (split === 0) return [space.stemChannels, space.input[1], space.input[2]];
  const l = specs[split - 1] as LayerSpec;
  const size = Math.floor((l.inputSize - 1) / l.stride) + 1;
  return [l.cout, size, size];
}

export function block(space: SupernetSpace, layer: LayerSpec, candidate: number): Block {
  const c = space.candidates[candidate];
  if (c === undefined) throw new InputError(`layer ${layer.index}: candidate ${candidate} outside 0..${space.candidates.length - 1}`);
  const prefix = `layers.${layer.index}.${candidate}`;
  const sameShape = layer.cin === layer.cout && layer.stride === 1;
  if (c.kernel === undefined) {
    return sameShape ? { kind: 'identity' } : { kind: 'skipConv', prefix, cin: layer.cin, cout: layer.cout, stride: layer.stride };
  }
  return {
    kind: 'conv',
    prefix,
    cin: layer.cin,
    cout: layer.cout,
    stride: layer.stride,
    kernel: c.kernel,
    groups: c.groups ?? 1,
    mid: layer.cin * (c.expansion ?? 1),
    residual: sameShape,
  };
}

/** Checks an architecture (one candidate index per layer) against the space. */
export function checkArchitecture(space: SupernetSpace, arch: readonly number[]): void {
  const n = layerCount(space);
  if (arch.length !== n) throw new InputError(`architecture needs ${n} candidate indices, got ${arch.length}`);
  arch.forEach((a, i) => {
    if (!Number.isInteger(a) || a < 0 || a >= space.candidates.length) {
      throw new InputError(`architecture layer ${i}: candidate ${a} outside 0..${space.candidates.length - 1}`);
    }
  });
}

export function checkSplit(space: SupernetSpace, split: number): void {
  const n = layerCount(space);
  if (!Number.isInteger(split) || split < 0 || split > n) throw new InputError(`split point must be an integer in 0..${n}, got ${split}`);
}

/** Every tensor a store of this space must hold, with its shape (STORE.md names). */
export function requiredTensors(space: SupernetSpace): Map<string, readonly number[]> {
  const out = new Map<string, readonly number[]>();
  const bn = (prefix: string, c: number): void => {
    for (const p of ['weight', 'bias', 'running_mean', 'running_var']) out.set(`${prefix}.${p}`, [c]);
  };
  out.set('stem.conv.weight', [space.stemChannels, 3, 3, 3]);
  bn('stem.bn', space.stemChannels);
  for (const layer of layerSpecs(space)) {
    space.candidates.forEach((_, j) => {
      const b = block(space, layer, j);
      if (b.kind === 'skipConv') {
        out.set(`${b.prefix}.conv.weight`, [b.cout, b.cin, 1, 1]);
        bn(`${b.prefix}.bn`, b.cout);
      } else if (b.kind === 'conv') {
        out.set(`${b.prefix}.pw1.weight`, [b.mid, b.cin / b.groups, 1, 1]);
        bn(`${b.prefix}.bn1`, b.mid);
        out.set(`${b.prefix}.dw.weight`, [b.mid, 1, b.kernel, b.kernel]);
        bn(`${b.prefix}.bn2`, b.mid);
        out.set(`${b.prefix}.pw2.weight`, [b.cout, b.mid / b.groups, 1, 1]);
        bn(`${b.prefix}.bn3`, b.cout);
      }
    });
  }
  const last = space.stages[space.stages.length - 1] as StageSpec;
  out.set('head.conv.weight', [space.headChannels, last.channels, 1, 1]);
  bn('head.bn', space.headChannels);
  out.set('classifier.weight', [space.numClasses, space.headChannels]);
  out.set('classifier.bias', [space.numClasses]);
  return out;
}

function record(v: unknown, what: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new InputError(`${what} must be an object`);
  return v as Record<string, unknown>;
}

function positiveInt(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) throw new InputError(`${what} must be a positive integer, got ${JSON.stringify(v)}`);
  return v;
}

function intArray(v: unknown, what: string): number[] {
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'number' || !Number.isInteger(x))) {
    throw new InputError(`${what} must be a list of integers`);
  }
  return v as number[];
}
