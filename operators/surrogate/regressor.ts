/** A single-target regression model fitted on dense feature rows. */
export interface Regressor {
  readonly name: string;
  fit(x: readonly Float64Array[], y: readonly number[]): void;
  predict(x: Float64Array): number;
}

/** Mean and standard deviation (population), with 1 for a constant target so scaling is safe. */
export function standardisation(y: readonly number[]): { mean: number; scale: number } {
  const n = y.length;
  const mean = n === 0 ? 0 : y.reduce((a, b) => a + b, 0) / n;
  const variance = n === 0 ? 0 : y.reduce((a, b) => a + (b - mean) ** 2, 0) / n;
  return { mean, scale: variance > 0 ? Math.sqrt(variance) : 1 };
}
