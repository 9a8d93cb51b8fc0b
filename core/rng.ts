/**
 * The one source of randomness: a seeded xoshiro128** generator passed explicitly to every
 * component that needs it. Its whole state is four 32-bit words, so a checkpoint can store it
 * and a resumed run continues the exact same stream.
 */
export type RngState = readonly [number, number, number, number];

function splitmix32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x9e3779b9) >>> 0;
    let z = a;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export class Rng {
  // The four state words live in a typed array: as object fields, values ≥ 2^30 would be boxed
  // heap numbers and every draw would allocate (measured: 10× slower).
  private readonly s = new Uint32Array(4);

  private constructor(state: RngState) {
    this.s.set(state);
    if ((state[0] | state[1] | state[2] | state[3]) === 0) throw new Error('Rng state must not be all zero');
  }

  /** A generator from an integer seed (any safe integer; negative and large seeds are fine). */
  static fromSeed(seed: number): Rng {
    if (!Number.isSafeInteger(seed)) throw new Error(`seed must be a safe integer, got ${seed}`);
    // Fold the high bits in so that seeds differing only above 2^32 still differ.
    const next = splitmix32((seed >>> 0) ^ Math.imul(Math.floor(seed / 4294967296) | 0, 0x27d4eb2d));
    return new Rng([next(), next(), next(), next()]);
  }

  static fromState(state: RngState): Rng {
    if (state.length !== 4 || state.some((w) => !Number.isInteger(w) || w < 0 || w > 0xffffffff)) {
      throw new Error('Rng state must be four unsigned 32-bit integers');
    }
    return new Rng(state);
  }

  state(): RngState {
    const s = this.s;
    return [s[0] as number, s[1] as number, s[2] as number, s[3] as number];
  }

  /** Uniform unsigned 32-bit integer (xoshiro128**). */
  nextUint32(): number {
    const s = this.s;
    const s0 = s[0] as number;
    const s1 = s[1] as number;
    const s2 = s[2] as number;
    const s3 = s[3] as number;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    const n2 = s2 ^ s0;
    const n3 = s3 ^ s1;
    s[1] = s1 ^ n2;
    s[0] = s0 ^ n3;
    s[2] = n2 ^ t;
    s[3] = rotl(n3, 11);
    return result;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  random(): number {
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform in [low, high). */
  uniform(low: number, high: number): number {
    return low + (high - low) * this.random();
  }

  /** Uniform integer in [low, high] inclusive, without modulo bias. */
  integer(low: number, high: number): number {
    const span = high - low + 1;
    if (!(span >= 1) || !Number.isSafeInteger(span)) throw new Error(`bad integer range [${low}, ${high}]`);
    if (span <= 0x100000000) {
      const limit = 0x100000000 - (0x100000000 % span);
      let x = this.nextUint32();
      while (x >= limit) x = this.nextUint32();
      return low + (x % span);
    }
    return low + Math.floor(this.random() * span);
  }

  /** Uniform index in [0, n). */
  index(n: number): number {
    return this.integer(0, n - 1);
  }

  /** True with probability p, from a single 32-bit draw (coin flips are hot in variation operators). */
  bernoulli(p: number): boolean {
    return this.nextUint32() < p * 4294967296;
  }

  /** Standard normal (Box–Muller; no cached spare, so the state stays four words). */
  normal(): number {
    let u = this.random();
    while (u === 0) u = this.random();
    const v = this.random();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  choice<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('choice from an empty list');
    return items[this.index(items.length)] as T;
  }

  /** Fisher–Yates shuffle in place. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.index(i + 1);
      const tmp = items[i] as T;
      items[i] = items[j] as T;
      items[j] = tmp;
    }
    return items;
  }

  /** A random permutation of 0..n-1. */
  permutation(n: number): number[] {
    return this.shuffle(Array.from({ length: n }, (_, i) => i));
  }

  /** An independent child stream, derived deterministically (e.g. one per seed or worker). */
  spawn(): Rng {
    const next = splitmix32(this.nextUint32() ^ 0x5bd1e995);
    return new Rng([next(), next(), next(), next() | 1]);
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
