/**
 * Multiply-accumulates and weight counts of FBNet ops, from the layer shapes (BN and ReLU
 * ignored). Used by the proxy oracle and for reports; latency always comes from the tables.
 */
import { CANDIDATES, FBNET_LAYERS, HEAD_CHANNELS, INPUT_SHAPE, STEM_CHANNELS, STEM_KERNEL, isIdentity, type Candidate, type LayerShape } from './search_space.js';

export interface OpCost {
  readonly macs: number;
  readonly params: number;
}

export function candidateCost(layer: LayerShape, c: Candidate): OpCost {
  const [cin, hin, win] = layer.input;
  const [cout, hout, wout] = layer.output;
  if (c.kind === 'skip') {
    if (isIdentity(c, layer)) return { macs: 0, params: 0 };
    return { macs: hout * wout * cin * cout, params: cin * cout };
  }
  const m = cin * c.expansion;
  const pw1 = (cin * m) / c.groups;
  const dw = m * c.kernel * c.kernel;
  const pw2 = (m * cout) / c.groups;
  return { macs: hin * win * pw1 + hout * wout * (dw + pw2), params: pw1 + dw + pw2 };
}

export function architectureCost(arch: readonly number[], numClasses: number, shapes: readonly LayerShape[] = FBNET_LAYERS): OpCost {
  const [cin, h, w] = INPUT_SHAPE;
  const stem = cin * STEM_CHANNELS * STEM_KERNEL * STEM_KERNEL;
  let macs = h * w * stem;
  let params = stem;
  shapes.forEach((layer, i) => {
    const c = CANDIDATES[arch[i] as number] as Candidate;
    const cost = candidateCost(layer, c);
    macs += cost.macs;
    params += cost.params;
  });
  const last = shapes[shapes.length - 1] as LayerShape;
  const headConv = last.output[0] * HEAD_CHANNELS;
  macs += last.output[1] * last.output[2] * headConv + HEAD_CHANNELS * numClasses;
  params += headConv + HEAD_CHANNELS * numClasses + numClasses;
  return { macs, params };
}
