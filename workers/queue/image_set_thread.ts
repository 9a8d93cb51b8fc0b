/**
 * Builds an image set (image_set.ts) on a worker thread, so reading CIFAR-10 and computing the
 * validation split (about a second) never blocks the thread that renews BullMQ's job locks.
 * This file is both the thread's entry (its default export) and the function that starts it;
 * Piscina loads it the way the evaluation pool loads its worker (tsx from source, .js built).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { InputError } from '../../core/errors.js';
import type { StoreManifest } from '../weight_store.js';
import type { ImageSetSpec } from './accuracy_job.js';
import { buildImageSet, type BuiltImageSet } from './image_set.js';

interface Request {
  readonly spec: ImageSetSpec;
  readonly dataDir: string;
  readonly split: StoreManifest['split'];
}

type Reply = { readonly ok: BuiltImageSet } | { readonly error: string; readonly input: boolean };

export async function buildImageSetOffThread(spec: ImageSetSpec, dataDir: string, split: StoreManifest['split']): Promise<BuiltImageSet> {
  const filename = fileURLToPath(import.meta.url);
  const pool = new Piscina<Request, Reply>({ filename, minThreads: 1, maxThreads: 1, ...(path.extname(filename) === '.ts' ? { execArgv: ['--import', 'tsx'] } : {}) });
  try {
    const reply = await pool.run({ spec, dataDir, split });
    if ('ok' in reply) return reply.ok;
    throw reply.input ? new InputError(reply.error) : new Error(reply.error);
  } finally {
    await pool.destroy();
  }
}

/** Thread side: errors travel as data, so an InputError stays a refusal on the other side. */
export default function build(request: Request): Reply {
  try {
    return { ok: buildImageSet(request.spec, request.dataDir, request.split) };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e), input: e instanceof InputError };
  }
}
