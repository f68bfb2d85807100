// WebGPU probe shared by the page and the worker. TypeScript's DOM lib has no WebGPU types and the
// harness needs only this much, so it declares the few members it touches instead of adding @webgpu/types.

interface GpuLimits {
  maxStorageBufferBindingSize: number;
  maxBufferSize: number;
}
interface GpuBuffer {
  mapAsync(mode: number): Promise<void>;
  getMappedRange(): ArrayBuffer;
  unmap(): void;
  destroy(): void;
}
interface GpuDevice {
  limits: GpuLimits;
  queue: {
    writeBuffer(b: GpuBuffer, offset: number, data: ArrayBufferView): void;
    submit(c: unknown[]): void;
  };
  createBuffer(d: { size: number; usage: number }): GpuBuffer;
  createShaderModule(d: { code: string }): unknown;
  createComputePipeline(d: { layout: 'auto'; compute: { module: unknown; entryPoint: string } }): {
    getBindGroupLayout(i: number): unknown;
  };
  createBindGroup(d: {
    layout: unknown;
    entries: { binding: number; resource: { buffer: GpuBuffer } }[];
  }): unknown;
  createCommandEncoder(): {
    beginComputePass(): {
      setPipeline(p: unknown): void;
      setBindGroup(i: number, g: unknown): void;
      dispatchWorkgroups(x: number): void;
      end(): void;
    };
    copyBufferToBuffer(a: GpuBuffer, ao: number, b: GpuBuffer, bo: number, size: number): void;
    finish(): unknown;
  };
  destroy(): void;
}
interface GpuAdapter {
  limits: GpuLimits;
  features: Set<string>;
  info?: { isFallbackAdapter?: boolean; vendor?: string; architecture?: string };
  isFallbackAdapter?: boolean;
  requestDevice(d?: { requiredLimits?: Partial<GpuLimits> }): Promise<GpuDevice>;
}
interface Gpu {
  requestAdapter(): Promise<GpuAdapter | null>;
}

export interface GpuProbe {
  /** `navigator.gpu` exists. */
  api: boolean;
  adapter: boolean;
  isFallbackAdapter: boolean | null;
  features: string[];
  /** The device got the adapter's full buffer limits (needed above 128 MiB). */
  limitsGranted: boolean;
  /** Output of a tiny compute shader (doubles 1..8), or null when it could not run. */
  doubled: number[] | null;
  error: string | null;
}

// GPUBufferUsage / GPUMapMode bit values from the WebGPU spec.
const STORAGE = 0x80;
const COPY_SRC = 0x04;
const COPY_DST = 0x08;
const MAP_READ = 0x01;

export async function probeGpu(): Promise<GpuProbe> {
  const gpu = (globalThis.navigator as { gpu?: Gpu }).gpu;
  const probe: GpuProbe = {
    api: gpu !== undefined,
    adapter: false,
    isFallbackAdapter: null,
    features: [],
    limitsGranted: false,
    doubled: null,
    error: null,
  };
  if (!gpu) return probe;
  try {
    const adapter = await gpu.requestAdapter();
    if (!adapter) return probe;
    probe.adapter = true;
    probe.isFallbackAdapter = adapter.info?.isFallbackAdapter ?? adapter.isFallbackAdapter ?? null;
    probe.features = [...adapter.features].sort();
    const device = await adapter.requestDevice({
      requiredLimits: {
        maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
        maxBufferSize: adapter.limits.maxBufferSize,
      },
    });
    probe.limitsGranted =
      device.limits.maxStorageBufferBindingSize === adapter.limits.maxStorageBufferBindingSize &&
      device.limits.maxBufferSize === adapter.limits.maxBufferSize;
    probe.doubled = await doubleOnGpu(device, [1, 2, 3, 4, 5, 6, 7, 8]);
    device.destroy();
  } catch (e) {
    probe.error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  }
  return probe;
}

async function doubleOnGpu(device: GpuDevice, values: number[]): Promise<number[]> {
  const input = new Float32Array(values);
  const size = input.byteLength;
  const data = device.createBuffer({ size, usage: STORAGE | COPY_SRC | COPY_DST });
  const readback = device.createBuffer({ size, usage: MAP_READ | COPY_DST });
  device.queue.writeBuffer(data, 0, input);
  const module = device.createShaderModule({
    code: `@group(0) @binding(0) var<storage, read_write> v: array<f32>;
@compute @workgroup_size(8) fn main(@builtin(global_invocation_id) id: vec3u) {
  if (id.x < arrayLength(&v)) { v[id.x] = v[id.x] * 2.0; }
}`,
  });
  const pipeline = device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' } });
  const bindGroup = device.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: [{ binding: 0, resource: { buffer: data } }],
  });
  const encoder = device.createCommandEncoder();
  const pass = encoder.beginComputePass();
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, bindGroup);
  pass.dispatchWorkgroups(Math.ceil(values.length / 8));
  pass.end();
  encoder.copyBufferToBuffer(data, 0, readback, 0, size);
  device.queue.submit([encoder.finish()]);
  await readback.mapAsync(MAP_READ);
  const out = Array.from(new Float32Array(readback.getMappedRange().slice(0)));
  readback.unmap();
  data.destroy();
  readback.destroy();
  return out;
}
