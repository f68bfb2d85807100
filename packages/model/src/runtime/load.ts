/**
 * Opening a transformers.js model the same way for every local model: the device and dtype choice, the
 * `env` settings (local paths, remote host, WASM files), the IndexedDB model cache, download/load
 * progress, quiet onnxruntime sessions, and one error for a failed load.
 */
import { ElanusError } from '@elanus/core';
// The cache module is small; idb-keyval itself is imported only when the cache is first used.
import { indexedDBModelCache, trackModel } from '../cache/idb-model-cache.js';
import { applyEnv, env, type TransformersEnvLike, wantsIndexedDBCache } from '../env.js';
import { chooseDtype, resolveDevice } from './device.js';
import { applyThreads, checkNumThreads } from './threads.js';
import type {
  EmbeddingDevice,
  EmbeddingDType,
  EmbeddingProgress,
  ResolvedDevice,
  TransformersLike,
} from './types.js';

export interface LoadRequest {
  model: string;
  device: EmbeddingDevice;
  /** `undefined`: chosen by device (`chooseDtype`). */
  dtype: EmbeddingDType | undefined;
  /** What the model is for, in messages: "embedding model", "SPLADE model"... */
  role: string;
  emit: (e: EmbeddingProgress) => void;
}

/** transformers.js' progress records (utils/core.js ProgressInfo). */
interface TransformersProgress {
  status: string;
  file?: string;
  loaded?: number;
  total?: number;
}

/** What `open` gets to load its files with. */
export interface OpenContext {
  tf: TransformersLike;
  device: ResolvedDevice;
  dtype: EmbeddingDType;
  /** Options for a tokenizer's `from_pretrained`. */
  tokenizerOptions: { progress_callback: (p: TransformersProgress) => void };
  /** Options for a model's `from_pretrained` or a pipeline. */
  modelOptions: Record<string, unknown>;
}

/**
 * Resolves the device, configures transformers.js, then runs `open` to fetch the files, with progress
 * reported through `req.emit`. Emits the `start` event; the caller emits `ready` once what it derives
 * from the model is set up.
 */
export async function openModel<T>(
  req: LoadRequest,
  open: (ctx: OpenContext) => Promise<T>,
): Promise<{ value: T; tf: TransformersLike; device: ResolvedDevice; dtype: EmbeddingDType }> {
  const { model, emit } = req;
  // A bad setting is the caller's error, not a failed load: checked before anything is fetched.
  checkNumThreads(env.numThreads);
  const device = await resolveDevice(req.device);
  const dtype = chooseDtype(device, req.dtype);
  emit({ stage: 'load', model, status: 'start', device, dtype });

  const tf = await importTransformers();
  const cache = wantsIndexedDBCache() ? indexedDBModelCache() : undefined;
  const untrack = cache ? trackModel(model) : () => {};
  applyEnv(tf.env as TransformersEnvLike, cache);
  const threadOptions = applyThreads(tf.env as TransformersEnvLike);

  const progress_callback = (p: TransformersProgress): void => {
    if (p.status === 'initiate' && p.file !== undefined) {
      emit({ stage: 'load', model, status: 'file', file: p.file, device, dtype });
    } else if (p.status === 'progress' && p.file !== undefined) {
      const loaded = p.loaded ?? 0;
      const total = p.total ?? 0;
      emit({
        stage: 'download',
        model,
        file: p.file,
        loaded,
        total,
        progress: total > 0 ? Math.min(1, loaded / total) : 0,
      });
    }
  };

  try {
    const value = await open({
      tf,
      device,
      dtype,
      tokenizerOptions: { progress_callback },
      modelOptions: {
        device,
        dtype,
        progress_callback,
        // Errors only: onnxruntime warns on every WebGPU session that shape ops stay on the CPU (by design).
        session_options: { logSeverityLevel: 3, ...threadOptions },
      },
    });
    return { value, tf, device, dtype };
  } catch (e) {
    throw new ElanusError(
      'Unavailable',
      `could not load ${req.role} ${JSON.stringify(model)} (device ${device}, dtype ${dtype}): ${
        e instanceof Error ? e.message : String(e)
      }`,
      { model, device, dtype },
    );
  } finally {
    untrack();
  }
}

/**
 * transformers.js through package.json `imports`: browser bundlers get the prebuilt browser build shipped
 * in dist/vendor (onnxruntime-web only); Node gets the real package, an optional peer dependency, so a
 * browser app's install carries neither onnxruntime-node nor sharp.
 */
async function importTransformers(): Promise<TransformersLike> {
  try {
    return (await import('#transformers')) as unknown as TransformersLike;
  } catch (e) {
    const code = (e as { code?: unknown } | null)?.code;
    if (
      code === 'ERR_MODULE_NOT_FOUND' &&
      String((e as Error).message).includes('@huggingface/transformers')
    ) {
      throw new ElanusError(
        'Unavailable',
        'local models in Node need the optional peer dependency @huggingface/transformers: npm install @huggingface/transformers@3.8.0 (it brings onnxruntime-node; set ONNXRUNTIME_NODE_INSTALL_CUDA=skip to install offline)',
        { dependency: '@huggingface/transformers' },
      );
    }
    throw e;
  }
}
