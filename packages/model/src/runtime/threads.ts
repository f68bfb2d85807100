/**
 * How many threads onnxruntime runs a model with: `env.numThreads` resolved for this runtime. In a
 * browser this is onnxruntime-web's `env.wasm.numThreads` (its pthread pool, which needs
 * SharedArrayBuffer, so a cross-origin isolated page or worker); in Node, onnxruntime-node's
 * `intraOpNumThreads` session option.
 */
import { invalidParam, isPositiveInt } from '../common/checks.js';
import { env, isBrowserLike, type NumThreads, type TransformersEnvLike } from '../env.js';

/**
 * Upper bound for `'auto'`: a MiniLM/BERT-sized model stops getting faster well before this, and every
 * pthread is a Worker with its own stack in the shared WASM memory.
 */
export const MAX_AUTO_THREADS = 8;

export function checkNumThreads(v: unknown): asserts v is NumThreads {
  if (v !== 'auto' && !isPositiveInt(v)) throw invalidParam('numThreads', '"auto" or a positive integer', v);
}

interface ThreadScope {
  crossOriginIsolated?: boolean;
  SharedArrayBuffer?: unknown;
  navigator?: { hardwareConcurrency?: number };
}

/** Whether WASM threads can start here: they share memory through SharedArrayBuffer. */
export function wasmThreadsPossible(scope: ThreadScope = globalThis as ThreadScope): boolean {
  return scope.crossOriginIsolated === true && typeof scope.SharedArrayBuffer === 'function';
}

/**
 * The onnxruntime-web thread count for `setting`: `'auto'` is the core count (capped at
 * MAX_AUTO_THREADS); a number is taken as given. Without cross-origin isolation it is 1 either way:
 * onnxruntime-web would fall back to one thread itself, with console warnings.
 */
export function resolveWasmThreads(
  setting: NumThreads,
  scope: ThreadScope = globalThis as ThreadScope,
): number {
  if (!wasmThreadsPossible(scope)) return 1;
  if (setting !== 'auto') return setting;
  const cores = scope.navigator?.hardwareConcurrency;
  return Math.max(1, Math.min(MAX_AUTO_THREADS, isPositiveInt(cores) ? cores : 1));
}

/**
 * Applies `env.numThreads` before a load. Browser: sets onnxruntime-web's `env.wasm.numThreads`, which
 * it reads once, when its WASM runtime starts (the first model loaded in this page or worker); later
 * changes do not resize the pool. Node: returns the session options to merge (`'auto'` keeps
 * onnxruntime-node's default, which is all physical cores).
 */
export function applyThreads(target: TransformersEnvLike): { intraOpNumThreads?: number } {
  const setting: unknown = env.numThreads;
  checkNumThreads(setting);
  if (!isBrowserLike()) return setting === 'auto' ? {} : { intraOpNumThreads: setting };
  const wasm = target.backends.onnx.wasm;
  if (wasm) wasm.numThreads = resolveWasmThreads(setting);
  return {};
}
