import type { ComputeDevice } from '../engine/capabilities.js';

/** What `new MilvusClient(config)` takes; every backend reads its part. */
export interface ClientConfig {
  /**
   * Where the data lives: `memory://` (default), `idb://<name>` (IndexedDB), or `http(s)://host:port`
   * (a remote Milvus, through a transport registered by `@elanus/milvus`).
   */
  uri?: string;
  /** Alias of `uri` (the Node SDK's `address`). */
  address?: string;
  token?: string;
  db_name?: string;
  /**
   * Run the engine in a dedicated module Worker (`memory://` and `idb://`): `true` starts the bundled
   * engine worker; a Worker (or a function returning one) must run `exposeEngine()` from `@elanus/core/worker`.
   */
  worker?: boolean | Worker | (() => Worker);
  /** After the worker died, start a new one on the next call (default true); else only `restart()` does. */
  restartWorker?: boolean;
  /** Compute device for the distance kernels: `auto` (default), `webgpu`, `wasm` or `js`. */
  device?: ComputeDevice;
  /** Fewest query vectors per search for which the GPU is used (default 2). */
  gpuMinBatch?: number;
  /**
   * Threads for FLAT scans (`memory://`, `idb://`): `auto` (default) = every core, 1 = the engine's thread
   * only. Several need a cross-origin isolated page (SharedArrayBuffer); else the engine uses one, and
   * `threads()`-style info (the worker's `info.threads`) says why.
   */
  threads?: 'auto' | number;
  /** Largest JSON value (and dynamic field of a row) in UTF-8 bytes (default 65536, the server's limit). */
  maxJsonBytes?: number;
  [key: string]: unknown;
}
