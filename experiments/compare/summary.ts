import { quantileSorted } from 'd3-array';

/** Median and inter-quartile range of one indicator over seeds (d3's R-7 quantiles, as numpy's default). */
export interface Summary {
  readonly median: number;
  readonly q1: number;
  readonly q3: number;
  readonly mean: number;
  readonly n: number;
}

export function summarize(values: readonly number[]): Summary {
  const finite = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (finite.length === 0) return { median: Number.NaN, q1: Number.NaN, q3: Number.NaN, mean: Number.NaN, n: 0 };
  return {
    median: quantileSorted(finite, 0.5) as number,
    q1: quantileSorted(finite, 0.25) as number,
    q3: quantileSorted(finite, 0.75) as number,
    mean: finite.reduce((a, b) => a + b, 0) / finite.length,
    n: finite.length,
  };
}
