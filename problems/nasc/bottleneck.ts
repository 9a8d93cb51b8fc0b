/**
 * The learned bottleneck at the split (the "extended" space): the device encodes the C-channel
 * H×W split tensor — a 2×2 conv with stride 2 + BN, to 4c channels at H/2 × W/2 — sends them as
 * per-image int8 (c·H·W bytes + 8 of scale and zero point), and the server decodes them back to
 * C channels at H×W (2×2 transposed conv with stride 2 + BN). Measured from the PCA start alone,
 * this patch form loses 4–15× fewer points at C/8 and C/16 than 1×1 convs with the same payload
 * (experiments/supernet/README.md, "Bottleneck form").
 *
 * Widths are C/2, C/4, C/8, C/16 (rounded down, at least 1), encoded as a width level
 * 0 (none) … 4 (C/16). Only (split, width) pairs with trained weights exist; the set of them
 * comes with the weights (weight store format 2), and a level whose pair is not trained decodes
 * to "none", so every genome decodes to something evaluable.
 */
import { InputError } from '../../core/errors.js';
import { FBNET_LAYERS, MAX_SPLIT, type LayerShape, type Shape } from './fbnet_space.js';

/** C/d for the width levels 1..4 (level 0 = no bottleneck). */
export const BOTTLENECK_DIVISORS: readonly number[] = [2, 4, 8, 16];
export const BOTTLENECK_LEVELS = BOTTLENECK_DIVISORS.length + 1;
export const BOTTLENECK_LEVEL_NAMES: readonly string[] = ['none', ...BOTTLENECK_DIVISORS.map((d) => `C/${d}`)];
/** Scale and zero point (two fp32) sent with the int8 code. */
export const BOTTLENECK_QUANT_BYTES = 8;
/** Side of the patch the extended space's encoder reads (weight store format 3: `"patch": 2`). */
export const BOTTLENECK_PATCH = 2;

/** c = floor(C / d), at least 1 (C = 24: 12, 6, 3, 1). */
export function bottleneckWidth(channels: number, divisor: number): number {
  return Math.max(1, Math.floor(channels / divisor));
}

/** Shape [C, H, W] of the tensor a bottleneck at split s compresses (1 ≤ s ≤ 21). */
export function bottleneckInputShape(split: number, shapes: readonly LayerShape[] = FBNET_LAYERS): Shape {
  if (!Number.isInteger(split) || split < 1 || split >= MAX_SPLIT) throw new InputError(`a bottleneck needs a split in 1..${MAX_SPLIT - 1}, got ${split}`);
  return (shapes[split - 1] as LayerShape).output;
}

/** Width c of level 1..4 at split s (level 0: 0). */
export function widthOfLevel(split: number, level: number, shapes: readonly LayerShape[] = FBNET_LAYERS): number {
  if (level === 0) return 0;
  const d = BOTTLENECK_DIVISORS[level - 1];
  if (d === undefined || !Number.isInteger(level)) throw new InputError(`bottleneck level ${level} is not in 0..${BOTTLENECK_LEVELS - 1}`);
  return bottleneckWidth(bottleneckInputShape(split, shapes)[0], d);
}

/** Level 1..4 of width c at split s (0 for c = 0); an InputError if c is none of them. */
export function levelOfWidth(split: number, width: number, shapes: readonly LayerShape[] = FBNET_LAYERS): number {
  if (width === 0) return 0;
  for (let level = 1; level < BOTTLENECK_LEVELS; level++) if (widthOfLevel(split, level, shapes) === width) return level;
  const c = bottleneckInputShape(split, shapes)[0];
  const allowed = BOTTLENECK_DIVISORS.map((d) => bottleneckWidth(c, d)).join(', ');
  throw new InputError(`bottleneck width ${width} at split ${split} (C = ${c}) is not one of ${allowed}`);
}

/** Bytes sent with a bottleneck of width c at split s: c·H·W int8 + scale and zero point. */
export function bottleneckPayloadBytes(split: number, width: number, shapes: readonly LayerShape[] = FBNET_LAYERS): number {
  const [, h, w] = bottleneckInputShape(split, shapes);
  return width * h * w + BOTTLENECK_QUANT_BYTES;
}

/**
 * The trained (split, width) pairs: for each split, its widths. Immutable; built from the
 * weight store's `bottlenecks` list (or by hand in tests).
 */
export class BottleneckSet {
  private readonly bySplit: ReadonlyMap<number, ReadonlySet<number>>;
  /** The patch all of them have (pairs given without one: BOTTLENECK_PATCH); undefined if they differ. */
  readonly patch: number | undefined;

  constructor(pairs: Iterable<{ readonly split: number; readonly width: number; readonly patch?: number }>) {
    const m = new Map<number, Set<number>>();
    const patches = new Set<number>();
    for (const { split, width, patch } of pairs) {
      levelOfWidth(split, width); // validates split and width
      const set = m.get(split) ?? new Set<number>();
      set.add(width);
      m.set(split, set);
      patches.add(patch ?? BOTTLENECK_PATCH);
    }
    this.bySplit = m;
    this.patch = patches.size <= 1 ? ([...patches][0] ?? BOTTLENECK_PATCH) : undefined;
  }

  static readonly EMPTY = new BottleneckSet([]);

  has(split: number, width: number): boolean {
    return this.bySplit.get(split)?.has(width) ?? false;
  }

  get size(): number {
    let n = 0;
    for (const s of this.bySplit.values()) n += s.size;
    return n;
  }

  /** Splits with at least one trained width, ascending. */
  get splits(): number[] {
    return [...this.bySplit.keys()].sort((a, b) => a - b);
  }

  /** Trained widths at split s, descending (C/2 first). */
  widths(split: number): number[] {
    return [...(this.bySplit.get(split) ?? [])].sort((a, b) => b - a);
  }

  /** Width for a level gene at split s: the level's width if trained there, else 0 (none). */
  decodeLevel(split: number, level: number): number {
    if (level === 0 || split < 1 || split >= MAX_SPLIT) return 0;
    const w = widthOfLevel(split, level);
    return this.has(split, w) ? w : 0;
  }

  pairs(): { split: number; width: number }[] {
    return this.splits.flatMap((split) => this.widths(split).map((width) => ({ split, width })));
  }
}
