/**
 * Where @elanus/model's dense embedding functions load model files from, and how they cache them.
 * Mutate the exported `env` object before the first `encode*`/`load` call; it is applied to
 * transformers.js each time a model is loaded, so later changes affect models loaded later.
 */

/** Paths of the onnxruntime-web `.wasm`/`.mjs` files: a URL prefix, or one URL per file. */
export type WasmPaths = string | { wasm?: string; mjs?: string };

/** Threads for inference: `'auto'` (the default), or an exact count. */
export type NumThreads = 'auto' | number;

export interface ModelEnv {
  /** Download from `remoteHost` when a file is not found locally. Default `true` (the Hugging Face Hub). */
  allowRemoteModels: boolean;
  /**
   * Look under `localModelPath` first. Default `true` in Node, `false` in browsers (as transformers.js):
   * a page whose server answers unknown paths with index.html would otherwise feed HTML to the JSON parser.
   */
  allowLocalModels: boolean;
  /**
   * Folder (Node) or URL prefix (browser) holding `<model_name>/config.json`, `<model_name>/onnx/...`.
   * Default `'/models/'`, where the demo serves the files prepared by scripts/prepare-models.py.
   */
  localModelPath: string;
  /** Host that serves `<model>/resolve/<revision>/<file>`. Default `'https://huggingface.co/'`. */
  remoteHost: string;
  /**
   * Where onnxruntime-web finds its WebAssembly files. `undefined` leaves transformers.js' default,
   * which is a CDN: set it for offline pages (for instance to URLs from Vite's `?url` imports).
   */
  wasmPaths: WasmPaths | undefined;
  /**
   * Threads onnxruntime runs models with. Browser: `'auto'` is `navigator.hardwareConcurrency` (at most
   * 8) when the page or worker is cross-origin isolated (COOP `same-origin` + COEP `require-corp`, and
   * the `.mjs`/`.wasm` files served with COEP too: onnxruntime-web starts its threads as Workers from
   * the `.mjs`), else 1; a number is used as given, but is 1 without isolation too. onnxruntime-web
   * reads it once, when the first model of the page or worker loads. Node: a number sets
   * onnxruntime-node's `intraOpNumThreads`; `'auto'` keeps its default (all physical cores).
   */
  numThreads: NumThreads;
  /**
   * Cache downloaded model files in IndexedDB. Default `true` where IndexedDB exists (browsers and
   * workers; Node has none, and transformers.js caches hub downloads on disk there). See `listCachedModels()` and `evictModel()`.
   */
  useIndexedDBCache: boolean;
}

/** True in a browser page or worker (not Node, whose `process` is what transformers.js checks too). */
export function isBrowserLike(): boolean {
  const proc = (globalThis as { process?: { release?: { name?: string } } }).process;
  return proc?.release?.name !== 'node' && (typeof window !== 'undefined' || typeof self !== 'undefined');
}

const hasIndexedDB = (): boolean => typeof indexedDB !== 'undefined';

export const env: ModelEnv = {
  allowRemoteModels: true,
  allowLocalModels: !isBrowserLike(),
  localModelPath: '/models/',
  remoteHost: 'https://huggingface.co/',
  wasmPaths: undefined,
  numThreads: 'auto',
  useIndexedDBCache: hasIndexedDB(),
};

/** The subset of transformers.js' `env` we set; typed structurally so this module never imports it. */
export interface TransformersEnvLike {
  allowRemoteModels: boolean;
  allowLocalModels: boolean;
  localModelPath: string;
  remoteHost: string;
  useBrowserCache: boolean;
  useFSCache: boolean;
  useCustomCache: boolean;
  customCache: unknown;
  backends: { onnx: { wasm?: { wasmPaths?: unknown; numThreads?: number } } };
}

/** transformers.js' own cache settings, kept to restore them when the IndexedDB cache is turned off. */
let ownCaches: { useBrowserCache: boolean; useFSCache: boolean } | undefined;

/**
 * Copies `env` onto transformers.js' environment. `customCache` is the IndexedDB cache when it is
 * wanted and available, or `undefined`.
 */
export function applyEnv(target: TransformersEnvLike, customCache: unknown): void {
  ownCaches ??= { useBrowserCache: target.useBrowserCache, useFSCache: target.useFSCache };
  target.allowRemoteModels = env.allowRemoteModels;
  target.allowLocalModels = env.allowLocalModels;
  target.localModelPath = env.localModelPath.endsWith('/') ? env.localModelPath : `${env.localModelPath}/`;
  target.remoteHost = env.remoteHost.endsWith('/') ? env.remoteHost : `${env.remoteHost}/`;
  if (customCache !== undefined) {
    target.useCustomCache = true;
    target.customCache = customCache;
    // One persistent copy is enough: a Cache API or file-system copy would double the storage used.
    // (transformers.js also mishandles a custom-cache hit while its Node file cache is on.)
    target.useBrowserCache = false;
    target.useFSCache = false;
  } else {
    target.useCustomCache = false;
    target.customCache = null;
    target.useBrowserCache = ownCaches.useBrowserCache;
    target.useFSCache = ownCaches.useFSCache;
  }
  const wasm = target.backends.onnx.wasm;
  if (env.wasmPaths !== undefined && wasm) wasm.wasmPaths = env.wasmPaths;
}

/** Whether the IndexedDB model cache should be installed for the next load: asked for, and IndexedDB exists. */
export function wantsIndexedDBCache(): boolean {
  return env.useIndexedDBCache && hasIndexedDB();
}
