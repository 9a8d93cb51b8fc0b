/**
 * Test helpers: a narrow random-weight store (workers/synthetic_store.ts) and deterministic
 * pseudo-images, so loader, graph builder and pool tests need no trained supernet.
 */
import { Rng } from '../../core/rng.js';
import { NARROW_SPACE, writeSyntheticStore, type SyntheticStoreOptions } from '../../workers/synthetic_store.js';

export const TINY_SPACE = NARROW_SPACE;

/** Writes a narrow store (`tiny.json` + `.bin` in a temporary folder); returns the .json path. */
export function writeTinyStore(options: SyntheticStoreOptions = {}): string {
  return writeSyntheticStore({ name: 'tiny', ...options });
}

/** Deterministic pseudo-images (uint8 planes) with labels cycling 0..9. */
export function fakeImages(count: number, seed = 7): { pixels: Uint8Array; labels: Uint8Array } {
  const rng = Rng.fromSeed(seed);
  const pixels = new Uint8Array(count * 3072);
  for (let i = 0; i < pixels.length; i++) pixels[i] = rng.integer(0, 255);
  const labels = Uint8Array.from({ length: count }, (_, i) => i % 10);
  return { pixels, labels };
}
