/**
 * `nasc profile`: times every op of the FBNet space (stem, each layer's 9 candidate blocks, the
 * head's conv, pool and classifier) with onnxruntime-node on this machine, at batch 1 on one
 * thread as HW-NAS-Bench measures, and writes a latency table keyed by the official op keys —
 * usable as `--device NAME` / `--server NAME` with `--profile FILE`. A user can profile a real
 * board that runs Node. A store with learned bottlenecks (format 3) adds their encoder (2×2 conv
 * with stride 2 + BN + int8 quantisation) and decoder (2×2 transposed conv + BN) under
 * HW-NAS-Bench-style ConvNorm / ConvTransposeNorm keys, which then replace the latency model's
 * fitted estimate (problems/nasc/bottleneck_latency.ts).
 */
import os from 'node:os';
import { median } from 'd3-array';
import * as ort from 'onnxruntime-node';
import { InputError } from '../../core/errors.js';
import { Rng } from '../../core/rng.js';
import { candidateKey, headKeys, stemKey } from '../../problems/nasc/op_keys.js';
import { decoderKey, encoderKey } from '../../problems/nasc/bottleneck_latency.js';
import { CANDIDATES, FBNET_LAYERS, HEAD_CHANNELS, STAGE_CHANNELS, STAGE_LAYERS, STAGE_STRIDES, STEM_CHANNELS } from '../../problems/nasc/search_space.js';
import { buildPartModel, type NetworkPart } from '../../workers/graph_builder.js';
import { createSession } from '../../workers/onnx_session.js';
import type { WeightStore } from '../../workers/weight_store.js';

export interface ProfileOptions {
  readonly name: string;
  readonly runs: number;
  readonly warmup: number;
  /** Called after each op is timed (progress). */
  readonly onOp?: (done: number, total: number, key: string, ms: number) => void;
}

export interface Profile {
  readonly [metric: string]: Record<string, number> | ProfileMeta;
  readonly meta: ProfileMeta;
}

export interface ProfileMeta {
  readonly tool: 'nasc profile';
  readonly host: string;
  readonly cpu: string;
  readonly runs: number;
  readonly warmup: number;
  readonly statistic: 'median ms per image, batch 1, 1 thread';
  readonly ops: number;
}

/** The store must have the FBNet-CIFAR shapes, or its timings would not match the table's keys. */
export function checkFbnetShapes(store: WeightStore): void {
  const s = store.space;
  const same =
    s.stemChannels === STEM_CHANNELS &&
    s.headChannels === HEAD_CHANNELS &&
    s.stages.length === STAGE_LAYERS.length &&
    s.stages.every((st, i) => st.layers === STAGE_LAYERS[i] && st.channels === STAGE_CHANNELS[i] && st.stride === STAGE_STRIDES[i]) &&
    s.input[1] === 32;
  if (!same) throw new InputError('the weight store does not have the FBNet-CIFAR shapes (stem 16, channels 16…352, 32×32 input): its timings would not match the table keys');
}

/**
 * Every distinct op of the space, keyed by its official HW-NAS-Bench key, plus the encoder and
 * decoder of each given bottleneck.
 */
export function profiledOps(numClasses: number, bottlenecks: readonly { readonly split: number; readonly width: number }[] = []): Map<string, NetworkPart> {
  const ops = new Map<string, NetworkPart>();
  ops.set(stemKey(), { kind: 'stem' });
  FBNET_LAYERS.forEach((layer, index) => {
    CANDIDATES.forEach((c, candidate) => {
      const key = candidateKey(layer, c);
      if (!ops.has(key)) ops.set(key, { kind: 'layer', index, candidate });
    });
  });
  const last = FBNET_LAYERS[FBNET_LAYERS.length - 1];
  if (last === undefined) throw new Error('empty space');
  const head = headKeys(last.output, numClasses);
  ops.set(head.conv, { kind: 'head-conv' });
  ops.set(head.pool, { kind: 'pool' });
  ops.set(head.fc, { kind: 'classifier' });
  for (const { split, width } of bottlenecks) {
    const enc = encoderKey(split, width);
    const dec = decoderKey(split, width);
    if (!ops.has(enc)) ops.set(enc, { kind: 'bottleneck-encoder', split, width });
    if (!ops.has(dec)) ops.set(dec, { kind: 'bottleneck-decoder', split, width });
  }
  return ops;
}

export async function profile(store: WeightStore, options: ProfileOptions): Promise<Profile> {
  checkFbnetShapes(store);
  const ops = profiledOps(store.space.numClasses, store.manifest.bottlenecks);
  const rng = Rng.fromSeed(1);
  const table: Record<string, number> = {};
  let done = 0;
  for (const [key, part] of ops) {
    const { model, inputShape } = buildPartModel(store, part);
    const session = await createSession(model);
    try {
      const size = inputShape.reduce((a, b) => a * b, 1);
      const data = Float32Array.from({ length: size }, () => rng.normal());
      const feeds = { [session.inputNames[0] as string]: new ort.Tensor('float32', data, [...inputShape]) };
      for (let i = 0; i < options.warmup; i++) await session.run(feeds);
      const times: number[] = [];
      for (let i = 0; i < options.runs; i++) {
        const t = process.hrtime.bigint();
        await session.run(feeds);
        times.push(Number(process.hrtime.bigint() - t) / 1e6);
      }
      table[key] = median(times) ?? NaN;
    } finally {
      await session.release();
    }
    done += 1;
    options.onOp?.(done, ops.size, key, table[key] as number);
  }
  return {
    [`${options.name}_latency`]: table,
    meta: {
      tool: 'nasc profile',
      host: os.hostname(),
      cpu: os.cpus()[0]?.model ?? 'unknown',
      runs: options.runs,
      warmup: options.warmup,
      statistic: 'median ms per image, batch 1, 1 thread',
      ops: ops.size,
    },
  };
}
