import type { IndexDef, IndexFactory } from '../collection/collection.js';
import type { SparseColumn } from '../collection/columns.js';
import { elanusError } from '../errors/index.js';
import { textEncoderFor } from '../functions/text-support.js';
import { createIndex, deserializeIndex, fieldKindOf } from '../indexes/factory.js';
import type { DenseVectorColumn } from '../indexes/types.js';
import { createKernels, type Kernels, sharedKernelsModule } from '../kernels/index.js';
import type { ScanPool } from '../kernels/pool/scan-pool.js';
import type { FieldSchema } from '../schema/types.js';
import type { BatchSearcher } from './batch-search.js';
import { type Capabilities, type ComputeDevice, capabilities, resolveDevice } from './capabilities.js';
import { Engine } from './engine.js';

export type { ComputeDevice };

export interface EngineConfig {
  /** Distance kernels; chosen once per engine (see `capabilities()` and `resolveDevice`). */
  device?: ComputeDevice;
  /** Fewest query vectors per search for which the GPU is used (default 2). */
  gpuMinBatch?: number;
  /**
   * Threads for FLAT scans: `auto` (default) = every core (`hardwareConcurrency`), 1 = the engine's own
   * thread. More than one needs shared memory (a cross-origin isolated page) and WASM SIMD kernels.
   */
  threads?: 'auto' | number;
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

/** Most scan threads an engine takes. */
export const MAX_THREADS = 64;

/** The thread count `threads` asks for on this realm (not yet checked against shared memory). */
export function requestedThreads(threads: unknown, caps: Capabilities): number {
  if (threads === undefined || threads === null || threads === 'auto')
    return Math.max(1, caps.hardwareConcurrency);
  if (typeof threads !== 'number' || !Number.isInteger(threads) || threads < 1 || threads > MAX_THREADS) {
    throw elanusError('threadsInvalid', { max: MAX_THREADS, got: threads }, { param: 'threads' });
  }
  return threads;
}

// One pool per realm and size: several engines (clients) of a page share its workers.
const pools = new Map<number, Promise<ScanPool | string>>();

/** The realm's scan pool of `size` workers, or why there is none. */
function scanPool(size: number): Promise<ScanPool | string> {
  let p = pools.get(size);
  if (!p) {
    p = (async () => {
      // Lazily loaded: a page that cannot share memory never loads the pool.
      const { poolSpawner, ScanPool } = await import('../kernels/pool/scan-pool.js');
      const spawn = await poolSpawner();
      if (!spawn) return 'this realm cannot start workers';
      try {
        return new ScanPool({ size, module: await sharedKernelsModule(), spawn });
      } catch (e) {
        return `the shared-memory kernels did not compile (${String(e)})`;
      }
    })();
    pools.set(size, p);
  }
  return p;
}

export async function createEngine(config: EngineConfig = {}): Promise<Engine> {
  const caps = await capabilities();
  // Throws IllegalArgument (listing the supported devices) for a choice this realm cannot honour.
  const device = resolveDevice(config.device ?? 'auto', caps);
  const wanted = requestedThreads(config.threads, caps);
  let pool: ScanPool | undefined;
  let reason: string;
  if (wanted === 1) reason = config.threads === 1 ? 'threads: 1' : 'one core';
  else if (device === 'js') reason = 'the scan pool runs the WASM kernels; device is "js"';
  else if (!caps.threads)
    reason = caps.crossOriginIsolated
      ? 'shared WebAssembly memory is unavailable'
      : 'the page is not cross-origin isolated (COOP/COEP headers), so SharedArrayBuffer is unavailable';
  else {
    const got = await scanPool(wanted);
    if (typeof got === 'string') reason = got;
    else {
      pool = got;
      reason = `${wanted} scan workers over shared memory`;
    }
  }
  // WebGPU accelerates batched FLAT scans only; the per-row kernels stay on WASM SIMD (or JS).
  let kernels = await createKernels(
    device === 'webgpu' ? 'auto' : device,
    pool ? { module: await sharedKernelsModule(), slots: pool.size } : undefined,
  );
  if (pool && kernels.kind !== 'wasm') {
    // `auto` without SIMD took the JS kernels: no shared columns, no pool.
    pool = undefined;
    reason = 'the scan pool runs the WASM kernels, and WebAssembly SIMD is unavailable';
    kernels = await createKernels('js');
  }
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
    ...(pool ? { scanPool: pool } : {}),
    threads: { count: pool ? pool.size : 1, reason },
    ...(config.maxJsonBytes !== undefined ? { limits: { maxJsonBytes: config.maxJsonBytes } } : {}),
  });
}
