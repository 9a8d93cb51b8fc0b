/**
 * onnxruntime-node sessions configured for one-thread-per-worker evaluation (DESIGN.md): one
 * intra-op and one inter-op thread, sequential execution (parallelism comes from the worker
 * pool, not from ORT) and full graph optimisation. The CPU memory arena is on: without it every
 * run mallocs its planned activation block afresh, and blocks that large are mmap'ed and
 * unmapped each time, so every page faults in again on every batch (85 M minor faults and 19 %
 * of `npm start`'s CPU in the kernel). With it a session maps its block once; sessions live for
 * one query and are released promptly, so the arena holds memory only while it is used, and
 * small evaluation batches keep it small (workers/README.md "memory traffic").
 * `withSession` releases the session even when the run throws.
 */
import * as ort from 'onnxruntime-node';

export type Session = ort.InferenceSession;

export const SESSION_OPTIONS: ort.InferenceSession.SessionOptions = {
  executionProviders: ['cpu'],
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  executionMode: 'sequential',
  enableCpuMemArena: true,
  graphOptimizationLevel: 'all',
};

export function createSession(model: Uint8Array): Promise<Session> {
  return ort.InferenceSession.create(model, SESSION_OPTIONS);
}

export async function withSession<T>(model: Uint8Array, use: (s: Session) => Promise<T>): Promise<T> {
  const session = await createSession(model);
  try {
    return await use(session);
  } finally {
    await session.release();
  }
}

/** A float32 NCHW tensor over `data` (no copy). */
export function floatTensor(data: Float32Array, dims: readonly number[]): ort.Tensor {
  return new ort.Tensor('float32', data, dims);
}

/** Runs the session on one input and returns the named output's float data. */
export async function runFloat(session: Session, input: string, data: Float32Array, dims: readonly number[], output: string): Promise<{ data: Float32Array; dims: readonly number[] }> {
  const result = await session.run({ [input]: floatTensor(data, dims) }, [output]);
  const t = result[output];
  if (t === undefined || t.type !== 'float32') throw new Error(`session gave no float32 output ${output}`);
  return { data: t.data as Float32Array, dims: t.dims };
}

/**
 * `data[from, to)` as an input tensor's data. onnxruntime-node refuses views of a
 * SharedArrayBuffer ("Invalid argument"), so those are copied into a scratch buffer (≈ 0.1 ms
 * for 100 images, against ≈ 0.3–1 s of inference).
 */
let scratch = new Float32Array(0);
export function batchView(data: Float32Array, from: number, to: number): Float32Array {
  if (!(data.buffer instanceof SharedArrayBuffer)) return data.subarray(from, to);
  if (scratch.length < to - from) scratch = new Float32Array(to - from);
  const view = scratch.subarray(0, to - from);
  view.set(data.subarray(from, to));
  return view;
}
