import type { IndexDef, IndexFactory, TextEncoderFn } from '../collection/collection.js';
import type { SparseColumn } from '../collection/columns.js';
import { createIndex } from '../index/index.js';
import type { DenseVectorColumn } from '../index/types.js';
import { createKernels, type Kernels } from '../kernels/index.js';
import { createTextEncoder } from '../functions/bm25-function.js';
import { DataType, type FieldSchema } from '../schema/types.js';
import { Engine } from './engine.js';

export type ComputeDevice = 'auto' | 'webgpu' | 'wasm' | 'js';

export interface EngineConfig {
  /** Distance kernels; chosen once per engine. */
  device?: ComputeDevice;
}

/** AUTOINDEX resolves to these concrete index types. */
const AUTO: Record<string, { type: string; params: Record<string, unknown> }> = {
  dense: { type: 'HNSW', params: { M: 16, efConstruction: 200 } },
  sparse: { type: 'SPARSE_INVERTED_INDEX', params: {} },
};

export function indexFactory(kernels: Kernels): IndexFactory {
  return {
    denseColumn: (dim) => kernels.createColumn(dim),
    create(def: IndexDef, field: FieldSchema, column: DenseVectorColumn | SparseColumn) {
      const kind = field.data_type === DataType.SparseFloatVector ? 'sparse' : 'dense';
      const auto = def.index_type === 'AUTOINDEX' ? AUTO[kind]! : undefined;
      const type = auto?.type ?? def.index_type;
      const params = auto ? { ...auto.params, ...def.params } : def.params;
      return createIndex(kind, type, def.metric_type, params, column as never, kernels) as never;
    },
  };
}

export async function createEngine(config: EngineConfig = {}): Promise<Engine> {
  const device = config.device ?? 'auto';
  // WebGPU accelerates batched FLAT scans only; the per-row kernels stay on WASM SIMD.
  const kernels = await createKernels(device === 'webgpu' ? 'auto' : device);
  return new Engine({
    indexFactory: indexFactory(kernels),
    textEncoderFor: (field: FieldSchema): TextEncoderFn | undefined => createTextEncoder(field),
  });
}
