/**
 * The slice of the WebGPU API the searcher uses: TypeScript's DOM lib has no WebGPU types, and
 * `@webgpu/types` would be a dependency for a handful of calls.
 */

export interface GpuLimits {
  maxStorageBufferBindingSize: number;
  maxBufferSize: number;
  maxComputeWorkgroupsPerDimension: number;
}
export interface GpuBuffer {
  readonly size: number;
  mapAsync(mode: number): Promise<void>;
  getMappedRange(offset?: number, size?: number): ArrayBuffer;
  unmap(): void;
  destroy(): void;
}
export interface GpuPipeline {
  getBindGroupLayout(i: number): unknown;
}
export interface GpuPass {
  setPipeline(p: GpuPipeline): void;
  setBindGroup(i: number, g: unknown): void;
  dispatchWorkgroups(x: number, y?: number): void;
  end(): void;
}
export interface GpuDevice {
  readonly limits: GpuLimits;
  readonly lost: Promise<{ message: string; reason?: string }>;
  readonly queue: {
    writeBuffer(
      b: GpuBuffer,
      offset: number,
      data: ArrayBufferView,
      dataOffset?: number,
      size?: number,
    ): void;
    submit(c: unknown[]): void;
  };
  createBuffer(d: { size: number; usage: number; label?: string }): GpuBuffer;
  createShaderModule(d: { code: string; label?: string }): unknown;
  createComputePipeline(d: {
    layout: 'auto';
    compute: { module: unknown; entryPoint: string; constants?: Record<string, number> };
  }): GpuPipeline;
  createBindGroup(d: {
    layout: unknown;
    entries: { binding: number; resource: { buffer: GpuBuffer } }[];
  }): unknown;
  createCommandEncoder(): {
    beginComputePass(): GpuPass;
    copyBufferToBuffer(a: GpuBuffer, ao: number, b: GpuBuffer, bo: number, size: number): void;
    finish(): unknown;
  };
  pushErrorScope(filter: 'validation' | 'out-of-memory' | 'internal'): void;
  popErrorScope(): Promise<{ message: string } | null>;
  destroy(): void;
}
export interface GpuAdapter {
  readonly limits: GpuLimits;
  readonly info?: {
    isFallbackAdapter?: boolean;
    vendor?: string;
    architecture?: string;
    description?: string;
  };
  readonly isFallbackAdapter?: boolean;
  requestDevice(d?: { requiredLimits?: Partial<GpuLimits> }): Promise<GpuDevice>;
}
export interface Gpu {
  requestAdapter(o?: { powerPreference?: 'high-performance' | 'low-power' }): Promise<GpuAdapter | null>;
}

// GPUBufferUsage / GPUMapMode bits from the WebGPU spec.
export const MAP_READ = 0x01;
export const COPY_SRC = 0x04;
export const COPY_DST = 0x08;
export const UNIFORM = 0x40;
export const STORAGE = 0x80;

/** Largest storage buffer one binding may hold: the lower of the two device limits. */
export function maxBindingSize(limits: GpuLimits): number {
  return Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize);
}
