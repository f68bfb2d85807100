/** The device and dtype choice every local model makes the same way (sentence embedders, SPLADE, BGE-M3, rerankers). */
import { ElanusError } from '@elanus/core';
import { checkOneOf } from '../common/checks.js';
import { isBrowserLike } from '../env.js';
import type { EmbeddingDevice, EmbeddingDType, ResolvedDevice } from './types.js';

const DEVICES: readonly EmbeddingDevice[] = ['webgpu', 'wasm', 'cpu', 'auto'];
const DTYPES: readonly EmbeddingDType[] = ['fp32', 'fp16', 'q8'];

export function checkDevice(device: unknown): void {
  checkOneOf('device', device, DEVICES);
}

export function checkDtype(dtype: unknown): void {
  if (dtype !== undefined) checkOneOf('dtype', dtype, DTYPES);
}

/** q8 on WASM as transformers.js does: a quarter of the fp32 download, and the integer kernels are fast there. */
export function chooseDtype(device: ResolvedDevice, requested: EmbeddingDType | undefined): EmbeddingDType {
  return requested ?? (device === 'wasm' ? 'q8' : 'fp32');
}

interface GpuAdapterLike {
  isFallbackAdapter?: boolean;
  info?: { isFallbackAdapter?: boolean };
}

interface GpuLike {
  requestAdapter(): Promise<GpuAdapterLike | null>;
}

const gpuOf = (): GpuLike | undefined => (globalThis.navigator as { gpu?: GpuLike } | undefined)?.gpu;

/** Maps the public device choice onto a transformers.js device valid in this runtime. */
export async function resolveDevice(device: EmbeddingDevice): Promise<ResolvedDevice> {
  if (!isBrowserLike()) {
    if (device === 'webgpu') {
      throw new ElanusError('Unavailable', 'device "webgpu" needs a browser; in Node use "cpu" or "auto"', {
        param: 'device',
      });
    }
    // onnxruntime-node has no WASM backend: its CPU backend is the Node equivalent.
    return 'cpu';
  }
  if (device === 'cpu' || device === 'wasm') return 'wasm';
  const gpu = gpuOf();
  if (device === 'webgpu') {
    if (!gpu) {
      throw new ElanusError('Unavailable', 'device "webgpu" requested but navigator.gpu is not available', {
        param: 'device',
      });
    }
    return 'webgpu';
  }
  // auto: a software (fallback) adapter such as SwiftShader is slower than WASM, so it does not count.
  if (gpu) {
    try {
      const adapter = await gpu.requestAdapter();
      if (adapter && !(adapter.info?.isFallbackAdapter ?? adapter.isFallbackAdapter)) return 'webgpu';
    } catch {
      // No usable adapter: WASM below.
    }
  }
  return 'wasm';
}
