import { cholesky, choleskySolve } from './cholesky.js';
import type { Regressor } from './regressor.js';

export interface RidgeOptions {
  /** L2 penalty λ on the weights (not on the intercept); default 1. */
  readonly lambda?: number;
}

/**
 * Ridge regression with an unpenalised intercept, solved in closed form by Cholesky: centre X
 * and y, then w = (XᵀX + λI)⁻¹ Xᵀy (primal, p×p) or, when there are fewer rows than features,
 * w = Xᵀ(XXᵀ + λI)⁻¹ y (dual, n×n) — the same solution, on the smaller system.
 */
export class RidgeRegression implements Regressor {
  readonly name = 'ridge';
  readonly lambda: number;
  private weights = new Float64Array(0);
  private intercept = 0;

  constructor(options: RidgeOptions = {}) {
    this.lambda = options.lambda ?? 1;
    if (!(this.lambda > 0)) throw new RangeError(`ridge λ must be positive, got ${this.lambda}`);
  }

  fit(x: readonly Float64Array[], y: readonly number[]): void {
    const n = x.length;
    if (n !== y.length) throw new RangeError(`${n} rows but ${y.length} targets`);
    if (n === 0) throw new RangeError('ridge needs at least one row');
    const p = (x[0] as Float64Array).length;
    const meanX = new Float64Array(p);
    for (const row of x) for (let j = 0; j < p; j++) meanX[j] = (meanX[j] as number) + (row[j] as number) / n;
    const meanY = y.reduce((a, b) => a + b, 0) / n;
    const xc = x.map((row) => row.map((v, j) => v - (meanX[j] as number)));
    const yc = y.map((v) => v - meanY);
    const w = new Float64Array(p);
    if (p <= n) {
      const a = new Float64Array(p * p);
      const b = new Float64Array(p);
      for (let r = 0; r < n; r++) {
        const row = xc[r] as Float64Array;
        const t = yc[r] as number;
        for (let i = 0; i < p; i++) {
          const xi = row[i] as number;
          if (xi === 0) continue;
          b[i] = (b[i] as number) + xi * t;
          for (let j = 0; j <= i; j++) a[i * p + j] = (a[i * p + j] as number) + xi * (row[j] as number);
        }
      }
      for (let i = 0; i < p; i++) {
        a[i * p + i] = (a[i * p + i] as number) + this.lambda;
        for (let j = 0; j < i; j++) a[j * p + i] = a[i * p + j] as number;
      }
      w.set(choleskySolve(cholesky(a, p), p, b));
    } else {
      const k = new Float64Array(n * n);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j <= i; j++) {
          const v = dot(xc[i] as Float64Array, xc[j] as Float64Array);
          k[i * n + j] = v;
          k[j * n + i] = v;
        }
        k[i * n + i] = (k[i * n + i] as number) + this.lambda;
      }
      const alpha = choleskySolve(cholesky(k, n), n, yc);
      for (let r = 0; r < n; r++) {
        const row = xc[r] as Float64Array;
        const ar = alpha[r] as number;
        for (let j = 0; j < p; j++) w[j] = (w[j] as number) + ar * (row[j] as number);
      }
    }
    this.weights = w;
    this.intercept = meanY - dot(w, meanX);
  }

  predict(x: Float64Array): number {
    return this.intercept + dot(this.weights, x);
  }
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}
