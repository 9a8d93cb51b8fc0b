/**
 * Checks across inputs, done before any work: numbers that are fine alone but not together
 * (image counts against the data actually there, class counts of scenario, weight store and
 * data) and derived values (every latency the scenario can produce is finite). Each failure
 * is a one-line InputError naming the inputs that disagree.
 */
import { InputError } from '../../core/errors.js';
import { PAYLOAD_PRECISIONS, type PayloadPrecision } from '../../problems/nasc/accuracy_oracle.js';
import type { SplitLatencyModel } from '../../problems/nasc/latency_model.js';
import { linkMs } from '../../problems/nasc/link_model.js';
import { payloadBytes } from '../../problems/nasc/payload.js';
import type { Scenario } from '../../problems/nasc/scenario.js';
import { MAX_SPLIT } from '../../problems/nasc/search_space.js';

export interface ImageRequest {
  /** Flag that asked for them, e.g. "--val-images". */
  readonly flag: string;
  readonly requested: number;
  readonly available: number;
  /** What the available images are, e.g. "validation images in the weight store's split". */
  readonly what: string;
}

/** Every request fits the data (no silent clamping: a run records what it really used). */
export function checkImageCounts(requests: readonly ImageRequest[]): void {
  for (const r of requests) {
    if (r.requested > r.available) throw new InputError(`${r.flag} ${r.requested} exceeds the ${r.available} ${r.what}`);
  }
}

export interface ClassCounts {
  readonly scenario: number;
  readonly weights: number;
  /** Classes the data's labels can take (CIFAR-10: 10). */
  readonly data: number;
}

/** Scenario, weight store and data must agree on the number of classes. */
export function checkClassCounts(c: ClassCounts, scenarioName: string): void {
  if (c.scenario !== c.weights || c.weights !== c.data) {
    throw new InputError(`class counts disagree: scenario ${scenarioName} has numClasses ${c.scenario}, the weight store ${c.weights} classes, the data ${c.data}`);
  }
}

/**
 * The largest latency the scenario can produce is finite: an upper bound over every split and
 * payload precision with each layer's costliest candidate. A link so slow that a payload takes
 * longer than a double can hold (a bandwidth of 1e-320 Mbit/s) would otherwise give Infinity,
 * written to JSON as null.
 */
export function checkLatenciesFinite(model: SplitLatencyModel, scenario: Pick<Scenario, 'name' | 'precision'>): void {
  const { device, server } = model.costs;
  const precisions: readonly PayloadPrecision[] = scenario.precision === 'search' ? PAYLOAD_PRECISIONS : [scenario.precision];
  const maxOf = (row: readonly number[]) => Math.max(...row);
  for (let s = 0; s <= MAX_SPLIT; s++) {
    let head = s === 0 ? 0 : device.stem;
    for (let i = 0; i < s; i++) head += maxOf(device.layers[i] as readonly number[]);
    if (s === MAX_SPLIT) head += device.head;
    let tail = s === MAX_SPLIT ? 0 : server.head + (s === 0 ? server.stem : 0);
    for (let i = s; i < MAX_SPLIT; i++) tail += maxOf(server.layers[i] as readonly number[]);
    for (const p of precisions) {
      const bytes = payloadBytes(s, p, model.numClasses);
      const link = linkMs(bytes, model.link);
      const total = head + link + tail;
      if (!Number.isFinite(total)) {
        const why = Number.isFinite(link) ? 'the device/server tables' : `the link (bandwidth ${model.link.bandwidthMbps} Mbit/s, loss ${model.link.lossRate})`;
        throw new InputError(`scenario ${scenario.name}: latency at split ${s} (${p}, ${bytes} bytes) is not a finite number of ms — check ${why}`);
      }
    }
  }
}
