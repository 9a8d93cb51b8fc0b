/**
 * The payload round trip in TypeScript: what the device does to the split tensor before sending
 * it and the server after receiving it. The evaluation graph does the same with ONNX ops
 * (graph_builder.ts, faster: no second session, no copy through JS); this is the reference the
 * tests hold the graph to, and what a real two-process deployment would run between head and
 * tail. Arithmetic is float32 step by step, rounding half to even, like ONNX Cast/Round.
 */
import type { PayloadPrecision } from '../problems/nasc/accuracy_oracle.js';
import { roundTripHalf } from './float16.js';

/** Bits per element sent for a precision (the uint8 image at split 0 is always 8). */
export const PAYLOAD_BITS: Record<PayloadPrecision, number> = { fp32: 32, fp16: 16, int8: 8 };

/** Applies the round trip in place to a batch `data` of `batch` equally sized tensors. */
export function applyPayloadPrecision(data: Float32Array, batch: number, precision: PayloadPrecision): Float32Array {
  if (precision === 'fp32') return data;
  if (precision === 'fp16') {
    for (let i = 0; i < data.length; i++) data[i] = roundTripHalf(data[i] as number);
    return data;
  }
  const per = data.length / batch;
  for (let n = 0; n < batch; n++) quantizeDequantizeInt8(data.subarray(n * per, (n + 1) * per));
  return data;
}

/** Affine 8-bit per tensor: range [min(x,0), max(x,0)], 256 levels, zero exactly representable. */
export function quantizeDequantizeInt8(x: Float32Array): Float32Array {
  const f = Math.fround;
  let lo = 0;
  let hi = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i] as number;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const scale = Math.max(f(f(hi - lo) / 255), f(1e-30));
  const zp = roundHalfEven(f(-lo / scale));
  for (let i = 0; i < x.length; i++) {
    const q = Math.min(255, Math.max(0, f(roundHalfEven(f((x[i] as number) / scale)) + zp)));
    x[i] = f(f(q - zp) * scale);
  }
  return x;
}

export function roundHalfEven(v: number): number {
  const r = Math.round(v);
  // Math.round rounds .5 up; on an exact tie pick the even neighbour.
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
