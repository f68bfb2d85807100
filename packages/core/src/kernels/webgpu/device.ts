import type { Gpu, GpuDevice } from './gpu-api.js';

/** What the searcher reports about the device it got (tests and benchmarks tell hardware from SwiftShader). */
export interface WebGpuInfo {
  isFallbackAdapter: boolean;
  vendor: string;
  architecture: string;
  description: string;
  maxStorageBufferBindingSize: number;
  maxBufferSize: number;
}

/**
 * Requests an adapter and a device with the adapter's full buffer limits (the defaults cap storage
 * buffers at 128 MiB). Resolves null when there is no WebGPU or no adapter.
 */
export async function requestGpuDevice(): Promise<{ device: GpuDevice; info: WebGpuInfo } | null> {
  const gpu = (globalThis.navigator as { gpu?: Gpu } | undefined)?.gpu;
  if (!gpu) return null;
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) return null;
  const device = await adapter.requestDevice({
    requiredLimits: {
      maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
      maxBufferSize: adapter.limits.maxBufferSize,
    },
  });
  return {
    device,
    info: {
      isFallbackAdapter: Boolean(adapter.info?.isFallbackAdapter ?? adapter.isFallbackAdapter),
      vendor: adapter.info?.vendor ?? '',
      architecture: adapter.info?.architecture ?? '',
      description: adapter.info?.description ?? '',
      maxStorageBufferBindingSize: device.limits.maxStorageBufferBindingSize,
      maxBufferSize: device.limits.maxBufferSize,
    },
  };
}
