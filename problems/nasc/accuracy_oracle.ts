/**
 * How the split-computing problem obtains accuracy: a batch of subnet queries in, top-1
 * accuracies out. The real implementation runs the inherited-weight head and tail graphs on
 * worker threads (workers/); the problem does not know how.
 */
export type PayloadPrecision = 'fp32' | 'fp16' | 'int8';
export const PAYLOAD_PRECISIONS: readonly PayloadPrecision[] = ['fp32', 'fp16', 'int8'];

export interface SubnetQuery {
  /** 22 candidate indices in HW-NAS-Bench order (0 k3_e1 … 7 k5_e6, 8 skip). */
  readonly architecture: readonly number[];
  /** 0 = the input image is sent, k = stem + first k layers on the device, 22 = device-only. */
  readonly split: number;
  /** Precision of the tensor sent at the split (irrelevant for split 0 and 22). */
  readonly precision: PayloadPrecision;
}

export interface AccuracyResult {
  /** Top-1 accuracy in [0, 1]; NaN when failed. */
  readonly accuracy: number;
  /** Images it was measured on. */
  readonly images: number;
  /** Why it could not be measured (e.g. a worker kept crashing). */
  readonly failure?: string;
}

export interface AccuracyOracle {
  readonly name: string;
  accuracy(queries: readonly SubnetQuery[]): Promise<AccuracyResult[]>;
  close?(): Promise<void>;
}

/** A query on the images [start, end) of an oracle's image set. */
export interface RangeQuery extends SubnetQuery {
  readonly start: number;
  readonly end: number;
}

/** Correct top-1 predictions on a range (integers, so counts of adjacent ranges add up exactly). */
export interface RangeCount {
  readonly correct: number;
  readonly images: number;
  readonly failure?: string;
}

/**
 * An oracle that can measure a query on part of its images and more of them later (racing: a
 * first slice for every candidate, the rest only for those that can still matter). The count of
 * [a, c) equals the count of [a, b) plus that of [b, c).
 */
export interface ImageRangeOracle extends AccuracyOracle {
  /** Size of the image set; `accuracy` measures all of it. */
  readonly imageCount: number;
  count(queries: readonly RangeQuery[]): Promise<RangeCount[]>;
}
