import { elanusError } from '../errors/index.js';
import { JsKernels } from './js-kernels.js';
import {
  KERNELS_SHARED_WASM_BASE64,
  KERNELS_WASM_BASE64,
  SIMD_PROBE_BASE64,
} from './kernels-wasm.generated.js';
import type { Kernels } from './types.js';
import { WasmKernels } from './wasm-kernels.js';

export { JsVectorColumn } from './js-column.js';
export { dotAt, JsKernels, JsScanner, l2At } from './js-kernels.js';
export type { DenseMetric, KernelColumn, Kernels, VectorScanner } from './types.js';
export { inverseNorm, METRIC_CODE } from './types.js';
export { WasmVectorColumn } from './wasm-column.js';
export { WasmKernels, WasmScanner } from './wasm-kernels.js';

export type KernelDevice = 'wasm' | 'js' | 'auto';

function decodeBase64(s: string): Uint8Array<ArrayBuffer> {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** The assembled kernels.wat bytes. */
export function kernelsWasmBytes(): Uint8Array<ArrayBuffer> {
  return decodeBase64(KERNELS_WASM_BASE64);
}

let simd: boolean | undefined;

/** Whether this engine runs WebAssembly with SIMD (validates a tiny module that uses v128). */
export function simdSupported(): boolean {
  if (simd === undefined) {
    try {
      simd = typeof WebAssembly === 'object' && WebAssembly.validate(decodeBase64(SIMD_PROBE_BASE64));
    } catch {
      simd = false;
    }
  }
  return simd;
}

let compiled: Promise<WebAssembly.Module> | undefined;
let compiledShared: Promise<WebAssembly.Module> | undefined;

/** The kernels assembled against a shared memory import (the scan pool's), compiled once. */
export function sharedKernelsModule(): Promise<WebAssembly.Module> {
  compiledShared ??= WebAssembly.compile(decodeBase64(KERNELS_SHARED_WASM_BASE64));
  compiledShared.catch(() => {
    compiledShared = undefined;
  });
  return compiledShared;
}

/**
 * Picks the kernels once, for the engine's lifetime: 'wasm' requires SIMD (throws `Unavailable`
 * without it), 'js' is the plain TypeScript fallback, 'auto' (default) takes wasm where it works.
 * With `shared`, WASM columns live in shared memory so the scan pool's workers read them in place.
 */
export async function createKernels(
  device: KernelDevice = 'auto',
  shared?: { module: WebAssembly.Module; slots: number },
): Promise<Kernels> {
  if (device === 'js') return new JsKernels();
  if (device !== 'wasm' && device !== 'auto') {
    throw elanusError('kernelDeviceUnknown', { got: device }, { param: 'device' });
  }
  if (!simdSupported()) {
    if (device === 'auto') return new JsKernels();
    throw elanusError('wasmSimdUnavailable', {});
  }
  try {
    compiled ??= WebAssembly.compile(kernelsWasmBytes());
    // `shared`: every column is made over shared memory, with a scratch slot per scan-pool worker.
    return new WasmKernels(await compiled, shared);
  } catch (e) {
    compiled = undefined;
    if (device === 'auto') return new JsKernels();
    throw elanusError('wasmCompileFailed', { error: e });
  }
}
