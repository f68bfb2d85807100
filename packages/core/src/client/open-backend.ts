// Opening a backend from a URI: the transports registry and the scheme switch. Apart from the facade,
// so the engine worker (which opens what the page would have opened) does not carry the facade.

import { type ComputeDevice, createEngine } from '../engine/create.js';
import { ElanusError } from '../errors/index.js';
import { LocalClient } from './local-client.js';
import type { VectorClient } from './types.js';

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
  /** Largest JSON value (and dynamic field of a row) in UTF-8 bytes (default 65536, the server's limit). */
  maxJsonBytes?: number;
  [key: string]: unknown;
}

type Factory = (config: ClientConfig) => Promise<VectorClient>;
const transports = new Map<string, Factory>();

/** Registers a backend for a URI scheme (e.g. `http`, `https` by `@elanus/milvus`, `idb` by `@elanus/core/idb`). */
export function registerTransport(scheme: string, factory: Factory): void {
  transports.set(scheme.toLowerCase(), factory);
}

/** `host:port` or `[v6]:port` with no scheme: the SDK's address form for a remote Milvus. */
const HOST_PORT = /^(?:\[[0-9a-f:.]+\]|[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?):\d{1,5}$/i;

/**
 * The URI a config names: `uri`, else `address`, else `memory://`. The SDK's bare `host:port`
 * (`localhost:19530`) becomes `http://host:port`, which a registered remote transport serves.
 */
export function resolveUri(config: Pick<ClientConfig, 'uri' | 'address'>): string {
  const raw = config.uri ?? config.address ?? 'memory://';
  return typeof raw === 'string' && HOST_PORT.test(raw) ? `http://${raw}` : raw;
}

export function schemeOf(uri: string): string {
  const m = /^([a-z][a-z0-9+.-]*):\/\//i.exec(uri);
  if (!m) {
    throw new ElanusError(
      'IllegalArgument',
      `invalid parameter uri: expected memory://, idb://<name>, http(s)://host:port or host:port, got ${JSON.stringify(uri)}`,
      {
        param: 'uri',
      },
    );
  }
  return m[1]!.toLowerCase();
}

/**
 * Opens the backend `config` names. The engine worker calls this same function (with `worker` unset),
 * so a worker opens exactly what the page would have opened in-thread.
 */
export async function openBackend(config: ClientConfig): Promise<VectorClient> {
  const uri = resolveUri(config);
  const scheme = schemeOf(uri);
  // Transports read `uri` first, so the resolved form reaches them whichever field was set.
  if (uri !== config.uri) config = { ...config, uri };
  if (config.worker && (scheme === 'memory' || scheme === 'idb')) {
    const { createWorkerClient } = await import('../worker/client.js');
    return createWorkerClient(config);
  }
  const registered = transports.get(scheme);
  if (registered) return registered(config);
  if (scheme === 'memory') {
    const engine = await createEngine({
      device: config.device ?? 'auto',
      ...(config.gpuMinBatch !== undefined ? { gpuMinBatch: config.gpuMinBatch } : {}),
      ...(config.maxJsonBytes !== undefined ? { maxJsonBytes: config.maxJsonBytes } : {}),
    });
    return new LocalClient(engine);
  }
  if (scheme === 'idb') {
    const { openIdbClient } = await import('../storage/idb-client.js');
    return openIdbClient(config);
  }
  if (scheme === 'http' || scheme === 'https' || scheme === 'grpc') {
    throw new ElanusError(
      'IllegalArgument',
      `invalid parameter uri: ${uri} is a remote Milvus; import { MilvusClient } from '@elanus/milvus' (or call its registerRemoteTransport()) to reach it`,
      { param: 'uri' },
    );
  }
  throw new ElanusError(
    'IllegalArgument',
    `invalid parameter uri: expected memory://, idb://<name>, http(s)://host:port or host:port, got ${JSON.stringify(uri)}`,
    {
      param: 'uri',
    },
  );
}
