/**
 * An ordered set of integers in 0..size-1: a 32-ary tree of bit words (a "fast set", a flat
 * van Emde Boas relative). insert/erase/next/prev cost O(log_32 size) word operations in the
 * worst case, so it serves as the balanced search structure of the 3-D hypervolume sweep once
 * the keys are mapped to their ranks (the keys are all known before the sweep starts).
 */
export class OrderedIndexSet {
  /** levels[0] holds one bit per element; levels[l+1] one bit per non-empty word of levels[l]. */
  private readonly levels: Uint32Array[] = [];

  constructor(size: number) {
    let n = Math.max(1, size);
    do {
      n = Math.ceil(n / 32);
      this.levels.push(new Uint32Array(n));
    } while (n > 1);
  }

  has(i: number): boolean {
    return (((this.levels[0] as Uint32Array)[i >>> 5] as number) & (1 << (i & 31))) !== 0;
  }

  insert(i: number): void {
    for (const words of this.levels) {
      words[i >>> 5] = (words[i >>> 5] as number) | (1 << (i & 31));
      i >>>= 5;
    }
  }

  erase(i: number): void {
    for (const words of this.levels) {
      const w = (words[i >>> 5] as number) & ~(1 << (i & 31));
      words[i >>> 5] = w;
      if (w !== 0) return; // the word is still non-empty: parents keep their bit
      i >>>= 5;
    }
  }

  /** Smallest element >= i, or -1. */
  next(i: number): number {
    if (i < 0) i = 0;
    const levels = this.levels;
    for (let l = 0; l < levels.length; l++) {
      const words = levels[l] as Uint32Array;
      const wi = i >>> 5;
      if (wi >= words.length) return -1;
      const w = ((words[wi] as number) & (-1 << (i & 31))) >>> 0;
      if (w !== 0) {
        let x = (wi << 5) + lowestBit(w);
        for (let d = l - 1; d >= 0; d--) x = (x << 5) + lowestBit((levels[d] as Uint32Array)[x] as number);
        return x;
      }
      i = wi + 1;
    }
    return -1;
  }

  /** Largest element <= i, or -1. */
  prev(i: number): number {
    const levels = this.levels;
    for (let l = 0; l < levels.length; l++) {
      if (i < 0) return -1;
      const words = levels[l] as Uint32Array;
      const wi = i >>> 5;
      const w = wi >= words.length ? (words[words.length - 1] as number) : ((words[wi] as number) & (0xffffffff >>> (31 - (i & 31)))) >>> 0;
      const base = wi >= words.length ? words.length - 1 : wi;
      if (w !== 0) {
        let x = (base << 5) + highestBit(w);
        for (let d = l - 1; d >= 0; d--) x = (x << 5) + highestBit((levels[d] as Uint32Array)[x] as number);
        return x;
      }
      i = base - 1;
    }
    return -1;
  }
}

function lowestBit(w: number): number {
  return 31 - Math.clz32(w & -w);
}

function highestBit(w: number): number {
  return 31 - Math.clz32(w);
}
