/**
 * IEEE-754 binary16 ⇄ binary32, bit-exact: the store keeps fp16 tensors, and the fp16 payload
 * round trip must match what a device sending half floats produces (round to nearest, ties to
 * even — the same as onnxruntime's Cast and PyTorch's .half()).
 */

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The float32 value of a binary16 bit pattern. */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24; // zero or subnormal
  if (exp === 0x1f) return frac === 0 ? sign * Infinity : NaN;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** Lookup table of all 65,536 halves: conversion of a large store is then one load per element. */
let table: Float32Array | undefined;
function halfTable(): Float32Array {
  if (table === undefined) {
    table = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) table[h] = halfToFloat(h);
  }
  return table;
}

/** Little-endian fp16 bytes → float32 values. */
export function halfBytesToFloat32(bytes: Uint8Array, out = new Float32Array(bytes.length >> 1)): Float32Array {
  const t = halfTable();
  for (let i = 0, j = 0; i < out.length; i++, j += 2) {
    out[i] = t[(bytes[j] as number) | ((bytes[j + 1] as number) << 8)] as number;
  }
  return out;
}

/** The binary16 bit pattern nearest to a float32 value (ties to even; overflow → ±Inf). */
export function floatToHalf(x: number): number {
  f32[0] = x;
  const bits = u32[0] as number;
  const sign = (bits >>> 16) & 0x8000;
  const exp = (bits >>> 23) & 0xff;
  let mant = bits & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant !== 0 ? 0x200 : 0); // Inf / NaN
  let e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00; // overflow
  if (e <= 0) {
    // Subnormal half (or zero): shift the implicit-1 mantissa right and round to even.
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    const rest = mant & ((1 << shift) - 1);
    let m = mant >>> shift;
    if (rest > half || (rest === half && (m & 1) === 1)) m++;
    return sign | m; // m may carry into the exponent: that is the correct smallest normal
  }
  const rest = mant & 0x1fff;
  let m = mant >>> 13;
  if (rest > 0x1000 || (rest === 0x1000 && (m & 1) === 1)) {
    m++;
    if (m === 0x400) {
      m = 0;
      e++;
      if (e >= 0x1f) return sign | 0x7c00;
    }
  }
  return sign | (e << 10) | m;
}

/** x → nearest half → back to float32 (the fp16 payload round trip). */
export function roundTripHalf(x: number): number {
  return halfTable()[floatToHalf(x)] as number;
}
