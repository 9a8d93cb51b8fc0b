import type { Rng } from '../../core/rng.js';
import { standardisation, type Regressor } from './regressor.js';

export interface MlpOptions {
  /** Hidden units (default 32). */
  readonly hidden?: number;
  /** Passes over the data (default 150). */
  readonly epochs?: number;
  /** Rows per Adam step (default 32). */
  readonly batchSize?: number;
  /** Adam step size (default 0.005). */
  readonly learningRate?: number;
  /** L2 weight decay (default 1e-4). */
  readonly weightDecay?: number;
}

/**
 * A one-hidden-layer perceptron (tanh) for a standardised scalar target, trained by mini-batch
 * Adam. Initialisation and batch order come from the Rng it is given, so fits are reproducible.
 */
export class Mlp implements Regressor {
  readonly name = 'mlp';
  private readonly hidden: number;
  private readonly epochs: number;
  private readonly batch: number;
  private readonly lr: number;
  private readonly decay: number;
  private w1 = new Float64Array(0);
  private b1 = new Float64Array(0);
  private w2 = new Float64Array(0);
  private b2 = 0;
  private inputs = 0;
  private mean = 0;
  private scale = 1;

  constructor(
    options: MlpOptions,
    private readonly rng: Rng,
  ) {
    this.hidden = options.hidden ?? 32;
    this.epochs = options.epochs ?? 150;
    this.batch = options.batchSize ?? 32;
    this.lr = options.learningRate ?? 0.005;
    this.decay = options.weightDecay ?? 1e-4;
  }

  fit(x: readonly Float64Array[], y: readonly number[]): void {
    const n = x.length;
    if (n !== y.length || n === 0) throw new RangeError(`MLP needs matching, non-empty rows and targets (${n}/${y.length})`);
    const p = (x[0] as Float64Array).length;
    const h = this.hidden;
    const { mean, scale } = standardisation(y);
    this.mean = mean;
    this.scale = scale;
    this.inputs = p;
    const t = y.map((v) => (v - mean) / scale);
    const a1 = Math.sqrt(1 / Math.max(1, p));
    this.w1 = Float64Array.from({ length: h * p }, () => this.rng.normal() * a1);
    this.b1 = new Float64Array(h);
    this.w2 = Float64Array.from({ length: h }, () => this.rng.normal() * Math.sqrt(1 / h));
    this.b2 = 0;
    const params = [this.w1, this.b1, this.w2];
    const m = params.map((q) => new Float64Array(q.length));
    const v = params.map((q) => new Float64Array(q.length));
    const grads = params.map((q) => new Float64Array(q.length));
    let mb2 = 0;
    let vb2 = 0;
    let step = 0;
    const hiddenOut = new Float64Array(h);
    for (let epoch = 0; epoch < this.epochs; epoch++) {
      const order = this.rng.permutation(n);
      for (let start = 0; start < n; start += this.batch) {
        const end = Math.min(n, start + this.batch);
        for (const g of grads) g.fill(0);
        let gb2 = 0;
        for (let k = start; k < end; k++) {
          const i = order[k] as number;
          const xi = x[i] as Float64Array;
          let out = this.b2;
          for (let j = 0; j < h; j++) {
            let z = this.b1[j] as number;
            for (let f = 0; f < p; f++) {
              const xf = xi[f] as number;
              if (xf !== 0) z += (this.w1[j * p + f] as number) * xf;
            }
            const a = Math.tanh(z);
            hiddenOut[j] = a;
            out += (this.w2[j] as number) * a;
          }
          const err = (out - (t[i] as number)) / (end - start);
          gb2 += err;
          for (let j = 0; j < h; j++) {
            const a = hiddenOut[j] as number;
            (grads[2] as Float64Array)[j] = ((grads[2] as Float64Array)[j] as number) + err * a;
            const back = err * (this.w2[j] as number) * (1 - a * a);
            (grads[1] as Float64Array)[j] = ((grads[1] as Float64Array)[j] as number) + back;
            if (back === 0) continue;
            const g1 = grads[0] as Float64Array;
            for (let f = 0; f < p; f++) {
              const xf = xi[f] as number;
              if (xf !== 0) g1[j * p + f] = (g1[j * p + f] as number) + back * xf;
            }
          }
        }
        step += 1;
        const c1 = 1 - 0.9 ** step;
        const c2 = 1 - 0.999 ** step;
        params.forEach((q, pi) => {
          const g = grads[pi] as Float64Array;
          const mq = m[pi] as Float64Array;
          const vq = v[pi] as Float64Array;
          for (let k = 0; k < q.length; k++) {
            const gk = (g[k] as number) + this.decay * (q[k] as number);
            mq[k] = 0.9 * (mq[k] as number) + 0.1 * gk;
            vq[k] = 0.999 * (vq[k] as number) + 0.001 * gk * gk;
            q[k] = (q[k] as number) - (this.lr * ((mq[k] as number) / c1)) / (Math.sqrt((vq[k] as number) / c2) + 1e-8);
          }
        });
        mb2 = 0.9 * mb2 + 0.1 * gb2;
        vb2 = 0.999 * vb2 + 0.001 * gb2 * gb2;
        this.b2 -= (this.lr * (mb2 / c1)) / (Math.sqrt(vb2 / c2) + 1e-8);
      }
    }
  }

  predict(x: Float64Array): number {
    const p = this.inputs;
    let out = this.b2;
    for (let j = 0; j < this.hidden; j++) {
      let z = this.b1[j] as number;
      for (let f = 0; f < p; f++) z += (this.w1[j * p + f] as number) * (x[f] as number);
      out += (this.w2[j] as number) * Math.tanh(z);
    }
    return this.mean + this.scale * out;
  }
}
