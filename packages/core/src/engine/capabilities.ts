import { elanusError } from '../errors/index.js';
import { simdSupported } from '../kernels/index.js';

/** Where the distance kernels run. `auto` picks the best supported one. */
export type ComputeDevice = 'auto' | 'webgpu' | 'wasm' | 'js';

/** What this JavaScript realm (page or worker) can do, detected once. */
export interface Capabilities {
  /** A WebGPU adapter can be obtained (`navigator.gpu.requestAdapter()` answered one). */
  readonly webgpu: boolean;
  /** The adapter is a software one (e.g. SwiftShader): correct but slower than the WASM kernels. */
  readonly webgpuFallbackAdapter: boolean;
  /** WebAssembly is available. */
  readonly wasm: boolean;
  /** WebAssembly fixed-width SIMD (v128) validates. */
  readonly wasmSimd: boolean;
  /** Shared WebAssembly memory can be created (SharedArrayBuffer + Atomics), so WASM threads could run. */
  readonly threads: boolean;
  /** `crossOriginIsolated` (COOP/COEP), which browsers require for SharedArrayBuffer. */
  readonly crossOriginIsolated: boolean;
  /** `new Worker(url, { type: 'module' })` exists here. */
  readonly workers: boolean;
  readonly indexedDB: boolean;
  /** `navigator.hardwareConcurrency` (Node: `os.availableParallelism()`; 1 when unknown). */
  readonly hardwareConcurrency: number;
  /** The explicit `device` values this realm supports, best first ('auto' is always accepted too). */
  readonly devices: readonly Exclude<ComputeDevice, 'auto'>[];
}

/** The minimal slice of `navigator.gpu` that detection touches. */
interface GpuLike {
  requestAdapter(): Promise<{ info?: { isFallbackAdapter?: boolean }; isFallbackAdapter?: boolean } | null>;
}

// An adapter request can stall (broken drivers, blocklists); detection must not hang engine creation.
const ADAPTER_TIMEOUT_MS = 5000;

async function probeWebGpu(): Promise<{ adapter: boolean; fallback: boolean }> {
  const gpu = (globalThis.navigator as { gpu?: GpuLike } | undefined)?.gpu;
  if (!gpu || typeof gpu.requestAdapter !== 'function') return { adapter: false, fallback: false };
  try {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), ADAPTER_TIMEOUT_MS);
    });
    const adapter = await Promise.race([gpu.requestAdapter(), timeout]);
    clearTimeout(timer);
    if (!adapter) return { adapter: false, fallback: false };
    return { adapter: true, fallback: Boolean(adapter.info?.isFallbackAdapter ?? adapter.isFallbackAdapter) };
  } catch {
    return { adapter: false, fallback: false };
  }
}

function sharedMemory(): boolean {
  if (
    typeof SharedArrayBuffer !== 'function' ||
    typeof Atomics !== 'object' ||
    typeof WebAssembly !== 'object'
  )
    return false;
  try {
    return (
      new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true }).buffer instanceof SharedArrayBuffer
    );
  } catch {
    return false;
  }
}

/** Cores of a Node process (Node 20 has no `navigator.hardwareConcurrency`); undefined elsewhere. */
async function nodeCores(): Promise<number | undefined> {
  if (!(globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node)
    return undefined;
  try {
    // A computed specifier keeps browser bundlers from resolving a Node built-in.
    const spec = 'node:os';
    // Typed here: the library's types do not depend on @types/node.
    const os = (await import(/* @vite-ignore */ spec)) as {
      availableParallelism?: () => number;
      cpus: () => unknown[];
    };
    return typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  } catch {
    return undefined;
  }
}

let detected: Promise<Capabilities> | undefined;

/**
 * The capabilities of this realm, detected on the first call and frozen. WebGPU needs an adapter
 * request, hence the promise. Workers have their own: the engine worker decides its device there.
 */
export function capabilities(): Promise<Capabilities> {
  detected ??= detect();
  return detected;
}

async function detect(): Promise<Capabilities> {
  const gpu = await probeWebGpu();
  const wasm = typeof WebAssembly === 'object' && typeof WebAssembly.validate === 'function';
  const wasmSimd = wasm && simdSupported();
  const g = globalThis as {
    crossOriginIsolated?: boolean;
    indexedDB?: unknown;
    Worker?: unknown;
    navigator?: { hardwareConcurrency?: number };
  };
  const devices: Exclude<ComputeDevice, 'auto'>[] = [];
  if (gpu.adapter) devices.push('webgpu');
  if (wasmSimd) devices.push('wasm');
  devices.push('js');
  return Object.freeze({
    webgpu: gpu.adapter,
    webgpuFallbackAdapter: gpu.fallback,
    wasm,
    wasmSimd,
    threads: sharedMemory(),
    // Node has no such flag and no such restriction.
    crossOriginIsolated: g.crossOriginIsolated ?? typeof SharedArrayBuffer === 'function',
    workers: typeof g.Worker === 'function',
    indexedDB: g.indexedDB !== undefined,
    hardwareConcurrency: g.navigator?.hardwareConcurrency ?? (await nodeCores()) ?? 1,
    devices: Object.freeze(devices),
  });
}

/** Test hook: forget the detected capabilities (the next `capabilities()` detects again). */
export function resetCapabilities(): void {
  detected = undefined;
}

const DEVICES: readonly string[] = ['auto', 'webgpu', 'wasm', 'js'];

/**
 * The device an engine uses for `requested`. `auto` takes a hardware GPU for batched FLAT scans when there
 * is one (a software adapter is slower than WASM SIMD), and WASM SIMD, else plain JS, for everything else.
 * An explicit choice this realm cannot honour throws `IllegalArgument` naming the supported ones.
 */
export function resolveDevice(requested: unknown, caps: Capabilities): Exclude<ComputeDevice, 'auto'> {
  if (requested === undefined || requested === null) requested = 'auto';
  if (typeof requested !== 'string' || !DEVICES.includes(requested)) {
    throw elanusError(
      'deviceUnknown',
      { expected: DEVICES.map((d) => JSON.stringify(d)).join(', '), got: requested },
      { param: 'device', supported: ['auto', ...caps.devices] },
    );
  }
  if (requested === 'auto') {
    if (caps.webgpu && !caps.webgpuFallbackAdapter) return 'webgpu';
    return caps.wasmSimd ? 'wasm' : 'js';
  }
  const device = requested as Exclude<ComputeDevice, 'auto'>;
  if (!caps.devices.includes(device)) {
    const why =
      device === 'webgpu' ? 'no WebGPU adapter is available here' : 'WebAssembly SIMD is not supported here';
    throw elanusError(
      'deviceUnsupported',
      { device, why, supported: ['auto', ...caps.devices].map((d) => JSON.stringify(d)).join(', ') },
      { param: 'device', supported: ['auto', ...caps.devices] },
    );
  }
  return device;
}
