import type { IndexDef, IndexFactory } from '../collection/collection.js';
import type { SparseColumn } from '../collection/columns.js';
import { textEncoderFor } from '../functions/text-support.js';
import { createIndex, deserializeIndex, fieldKindOf } from '../indexes/factory.js';
import type { DenseVectorColumn } from '../indexes/types.js';
import { createKernels, type Kernels } from '../kernels/index.js';
import type { FieldSchema } from '../schema/types.js';
import type { BatchSearcher } from './batch-search.js';
import { type ComputeDevice, capabilities, resolveDevice } from './capabilities.js';
import { Engine } from './engine.js';

export type { ComputeDevice };

export interface EngineConfig {
  /** Distance kernels; chosen once per engine (see `capabilities()` and `resolveDevice`). */
  device?: ComputeDevice;
  /** Fewest query vectors per search for which the GPU is used (default 2). */
  gpuMinBatch?: number;
  /** Largest JSON value (and dynamic field of a row) in UTF-8 bytes; the server's default is 65536. */
  maxJsonBytes?: number;
}

/**
 * Under `auto`, the least query vectors x rows x dim handed to the GPU: on an H200 one 20k x 384 search
 * took about 0.8 ms on the GPU against 1.7 ms on one WASM core (7.7M multiply-adds); smaller stays on WASM.
 */
const AUTO_GPU_MIN_WORK = 1 << 22;

/** AUTOINDEX resolves to these concrete index types. */
const AUTO: Record<string, { type: string; params: Record<string, unknown> }> = {
  dense: { type: 'HNSW', params: { M: 16, efConstruction: 200 } },
  sparse: { type: 'SPARSE_INVERTED_INDEX', params: {} },
  binary: { type: 'BIN_FLAT', params: {} },
};

export function indexFactory(kernels: Kernels): IndexFactory {
  return {
    denseColumn: (dim) => kernels.createColumn(dim),
    create(def: IndexDef, field: FieldSchema, column: DenseVectorColumn | SparseColumn) {
      const kind = fieldKindOf(field.data_type);
      const auto = def.index_type === 'AUTOINDEX' ? AUTO[kind]! : undefined;
      const type = auto?.type ?? def.index_type;
      const params = auto ? { ...auto.params, ...def.params } : def.params;
      return createIndex(
        kind as 'binary',
        type,
        def.metric_type,
        params,
        column as never,
        kernels,
        field.dim,
      ) as never;
    },
    restore(
      _def: IndexDef,
      _field: FieldSchema,
      column: DenseVectorColumn | SparseColumn,
      parts: ArrayBuffer[],
    ) {
      return deserializeIndex(parts, column as never, kernels) as never;
    },
  };
}

export async function createEngine(config: EngineConfig = {}): Promise<Engine> {
  const caps = await capabilities();
  // Throws IllegalArgument (listing the supported devices) for a choice this realm cannot honour.
  const device = resolveDevice(config.device ?? 'auto', caps);
  // WebGPU accelerates batched FLAT scans only; the per-row kernels stay on WASM SIMD (or JS).
  const kernels = await createKernels(device === 'webgpu' ? 'auto' : device);
  let batchSearcher: BatchSearcher | undefined;
  if (device === 'webgpu') {
    // Lazily loaded: engines that never use the GPU never load the WebGPU module.
    const { createWebGpuSearcher } = await import('../kernels/webgpu/index.js');
    // Explicit `webgpu`: every FLAT batch goes to the GPU. `auto` (a hardware adapter): only batches big
    // enough to repay a GPU call's fixed cost.
    const explicit = config.device === 'webgpu';
    batchSearcher =
      (await createWebGpuSearcher(kernels, {
        minBatch: config.gpuMinBatch ?? 2,
        minWork: explicit ? 0 : AUTO_GPU_MIN_WORK,
      })) ?? undefined;
    // No device after all (adapter gone between detection and now): the kernels answer everything.
  }
  return new Engine({
    indexFactory: indexFactory(kernels),
    textEncoderFor: (field: FieldSchema) => textEncoderFor(field),
    device: batchSearcher ? 'webgpu' : kernels.kind,
    ...(batchSearcher ? { batchSearcher } : {}),
    ...(config.maxJsonBytes !== undefined ? { limits: { maxJsonBytes: config.maxJsonBytes } } : {}),
  });
}
