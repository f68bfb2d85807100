/**
 * `@elanus/core/webgpu`: batched exact (FLAT) search on the GPU.
 *
 * Loaded lazily, only for engines created with `device: 'webgpu'` (or `auto` on a hardware adapter).
 * Two compute passes per batch of queries: `score_main` computes the distances of every query to every
 * row (COSINE, IP or L2, disallowed rows pushed to the end), `select_main` sorts each tile of 1024 rows
 * per query in workgroup memory and keeps its best `kk`. Only those candidates are read back; the CPU
 * merges them, rescoring the best few with the engine's own kernels so that scores and ties match the
 * WASM/JS path exactly. Column vectors stay on the GPU across searches until the collection changes.
 *
 * Files: `device.ts` acquires the adapter and device, `shaders.ts` holds the WGSL, `pipelines.ts`
 * compiles it, `resident-columns.ts` and `scratch-buffers.ts` manage GPU memory, `selection.ts` plans
 * the selection pass, `merge.ts` merges its candidates on the CPU, and `searcher.ts` runs the passes.
 * @packageDocumentation
 */
import type { Kernels } from '../types.js';
import { requestGpuDevice } from './device.js';
import { WebGpuSearcher, type WebGpuSearcherOptions } from './searcher.js';

export { requestGpuDevice, type WebGpuInfo } from './device.js';
export { WebGpuSearcher, type WebGpuSearcherOptions } from './searcher.js';
export { candidatesFor, type SelectionPlan, selectionPlan } from './selection.js';
export { SELECT_SEQ_WGSL, SELECT_SORT_WGSL, scoreShader } from './shaders.js';

/**
 * A WebGPU batch searcher over columns of `kernels` (which also rescore the final candidates), or null
 * when this realm has no WebGPU adapter.
 */
export async function createWebGpuSearcher(
  kernels: Kernels,
  options: WebGpuSearcherOptions = {},
): Promise<WebGpuSearcher | null> {
  try {
    const got = await requestGpuDevice();
    if (!got) return null;
    return new WebGpuSearcher(got.device, got.info, kernels, options);
  } catch {
    return null;
  }
}
