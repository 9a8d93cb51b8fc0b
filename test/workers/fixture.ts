/**
 * Test helper: the PyTorch reference fixture `test/fixtures/supernet-tiny/` (written by
 * experiments/supernet/make_fixture.py): a narrow float32 store, 8 uint8 images, and eval-mode
 * logits plus split tensors for 26 genomes.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURE_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'supernet-tiny');
export const FIXTURE_STORE = path.join(FIXTURE_DIR, 'tiny.json');

export interface FixtureSplit {
  readonly s: number;
  readonly image: number;
  readonly shape: readonly number[];
  readonly values: Float32Array;
}

/** Logits through one of the store's learned bottlenecks (and its int8 codes, N,P²c,H/P,W/P). */
export interface FixtureBottleneck {
  readonly s: number;
  readonly width: number;
  readonly patch: number;
  readonly prefix: string;
  readonly logits: readonly (readonly number[])[];
  readonly code: Uint8Array;
  readonly scale: readonly number[];
  readonly zeroPoint: readonly number[];
}

export interface FixtureGenome {
  readonly name: string;
  readonly arch: readonly number[];
  readonly logits: readonly (readonly number[])[];
  readonly splits: readonly FixtureSplit[];
  readonly bottleneck?: FixtureBottleneck;
}

export interface Fixture {
  readonly pixels: Uint8Array;
  readonly count: number;
  readonly genomes: readonly FixtureGenome[];
}

export function fixtureExists(): boolean {
  return existsSync(path.join(FIXTURE_DIR, 'expected.json')) && existsSync(FIXTURE_STORE);
}

interface RawGenome {
  name: string;
  arch: number[];
  logits: number[][];
  splits: { s: number; image: number; shape: number[]; float32Base64: string }[];
  bottleneck?: { s: number; width: number; patch?: number; prefix: string; logits: number[][]; codeBase64: string; scale: number[]; zeroPoint: number[] };
}

export function loadFixture(): Fixture {
  const expected = JSON.parse(readFileSync(path.join(FIXTURE_DIR, 'expected.json'), 'utf8')) as {
    images: { file: string; count: number };
    genomes: RawGenome[];
  };
  const pixels = new Uint8Array(readFileSync(path.join(FIXTURE_DIR, expected.images.file)));
  return {
    pixels,
    count: expected.images.count,
    genomes: expected.genomes.map((g) => ({
      name: g.name,
      arch: g.arch,
      logits: g.logits,
      splits: g.splits.map((s) => {
        const b = Buffer.from(s.float32Base64, 'base64');
        const values = new Float32Array(b.length / 4);
        new Uint8Array(values.buffer).set(b);
        return { s: s.s, image: s.image, shape: s.shape, values };
      }),
      ...(g.bottleneck === undefined
        ? {}
        : {
            bottleneck: {
              s: g.bottleneck.s,
              width: g.bottleneck.width,
              patch: g.bottleneck.patch ?? 1,
              prefix: g.bottleneck.prefix,
              logits: g.bottleneck.logits,
              code: new Uint8Array(Buffer.from(g.bottleneck.codeBase64, 'base64')),
              scale: g.bottleneck.scale,
              zeroPoint: g.bottleneck.zeroPoint,
            },
          }),
    })),
  };
}
