import { type ComputeDevice, createEngine } from '../engine/create.js';
import { ElanusError } from '../errors/index.js';
import { LocalClient } from './local-client.js';
import { CLIENT_METHODS, type VectorClient } from './types.js';

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
  [key: string]: unknown;
}

type Factory = (config: ClientConfig) => Promise<VectorClient>;
const transports = new Map<string, Factory>();

/** Registers a backend for a URI scheme (e.g. `http`, `https` by `@elanus/milvus`, `idb` by `@elanus/core/idb`). */
export function registerTransport(scheme: string, factory: Factory): void {
  transports.set(scheme.toLowerCase(), factory);
}

function schemeOf(uri: string): string {
  const m = /^([a-z][a-z0-9+.-]*):\/\//i.exec(uri);
  if (!m) {
    throw new ElanusError(
      'IllegalArgument',
      `invalid parameter uri: expected memory://, idb://<name> or http(s)://host:port, got ${JSON.stringify(uri)}`,
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
  const uri = config.uri ?? config.address ?? 'memory://';
  const scheme = schemeOf(uri);
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
    });
    return new LocalClient(engine);
  }
  if (scheme === 'idb') {
    const { openIdbClient } = await import('../storage/open-idb.js');
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
    `invalid parameter uri: expected memory://, idb://<name> or http(s)://host:port, got ${JSON.stringify(uri)}`,
    {
      param: 'uri',
    },
  );
}

/**
 * The one public facade: `new MilvusClient({ uri })`. The URI picks the backend, so application code
 * moves between the in-page engine and a real Milvus by changing it.
 */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the Milvus methods are installed on the prototype below.
export class MilvusClient {
  readonly config: ClientConfig;
  private backend: Promise<VectorClient> | undefined;

  constructor(config: ClientConfig | string = {}) {
    this.config = typeof config === 'string' ? { uri: config } : { ...config };
    // Fail fast on a malformed URI; the backend itself opens lazily on first use.
    schemeOf(this.config.uri ?? this.config.address ?? 'memory://');
  }

  /** Resolves once the backend is open (engine created, database loaded, or connection made). */
  connectPromise(): Promise<VectorClient> {
    this.backend ??= openBackend(this.config);
    return this.backend;
  }

  /** The backend (LocalClient, WorkerClient or a remote client). */
  client(): Promise<VectorClient> {
    return this.connectPromise();
  }

  /**
   * Starts a new engine worker (`worker` set) after the old one died or to reset it; other backends
   * ignore it. A `memory://` worker starts empty; an `idb://` one reopens the database.
   */
  async restart(): Promise<void> {
    const b = (await this.connectPromise()) as VectorClient & { restart?: () => Promise<void> };
    await b.restart?.();
  }

  /**
   * `idb://` only: usage and quota of this origin's storage (`navigator.storage.estimate()`).
   * Other backends throw `NotImplemented`.
   */
  async storageEstimate(): Promise<{ usage: number; quota: number; persisted: boolean }> {
    return this.extra('storageEstimate');
  }

  /** `idb://` only: asks the browser to keep this origin's data under storage pressure (`navigator.storage.persist()`). */
  async requestPersistence(): Promise<boolean> {
    return this.extra('requestPersistence');
  }

  private async extra<T>(method: string): Promise<T> {
    const b = (await this.connectPromise()) as unknown as Record<string, (() => Promise<T>) | undefined>;
    const fn = b[method];
    if (typeof fn !== 'function') {
      throw new ElanusError('NotImplemented', `${method}() is available on idb:// clients only`);
    }
    return fn.call(b);
  }

  async closeConnection(): Promise<void> {
    if (!this.backend) return;
    const b = await this.backend;
    this.backend = undefined;
    await b.closeConnection();
  }
}

// The facade forwards each Milvus method to the backend; declaration merging gives it the full typed API.
export interface MilvusClient extends Omit<VectorClient, 'closeConnection'> {}
for (const m of CLIENT_METHODS) {
  Object.defineProperty(MilvusClient.prototype, m, {
    value: async function (this: MilvusClient, req: unknown) {
      const b = (await this.connectPromise()) as unknown as Record<string, (r: unknown) => Promise<unknown>>;
      return b[m]!(req);
    },
    writable: true,
    configurable: true,
  });
}
