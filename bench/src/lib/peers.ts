/**
 * Peer libraries, loaded only where they can run: the native ones (hnswlib-node, usearch, onnxruntime-node)
 * in Node only; hnswlib-wasm everywhere. Each loader returns the module or a reason it is unavailable.
 */
import type { Runtime } from './types.js';

export type Loaded<T> = { ok: true; mod: T } | { ok: false; reason: string };

// biome-ignore lint/suspicious/noExplicitAny: untyped peer modules.
type Any = any;

async function nodeRequire(name: string): Promise<Any> {
  const { createRequire } = await import(/* @vite-ignore */ 'node:module');
  return createRequire(import.meta.url)(name);
}

export async function loadNative(name: 'hnswlib-node' | 'usearch', runtime: Runtime): Promise<Loaded<Any>> {
  if (runtime !== 'node') return { ok: false, reason: `${name} is a native Node addon (not in browsers)` };
  try {
    return { ok: true, mod: await nodeRequire(name) };
  } catch (e) {
    return { ok: false, reason: `${name} failed to load: ${(e as Error).message.split('\n')[0]}` };
  }
}

let hnswWasm: Promise<Any> | undefined;

/** hnswlib-wasm 0.8 (emscripten, no SIMD); in Node it needs `window` to exist and prints an IDBFS notice. */
export async function loadHnswlibWasm(): Promise<Loaded<Any>> {
  try {
    if (typeof (globalThis as Any).window === 'undefined' && typeof document === 'undefined') {
      (globalThis as Any).window = globalThis;
    }
    hnswWasm ??= import('hnswlib-wasm/dist/hnswlib.js').then((m: Any) => m.loadHnswlib());
    return { ok: true, mod: await hnswWasm };
  } catch (e) {
    hnswWasm = undefined;
    return { ok: false, reason: `hnswlib-wasm failed to load: ${(e as Error).message.split('\n')[0]}` };
  }
}
