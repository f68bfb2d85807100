import { ElanusError } from '../errors/index.js';
import { type ClientConfig, openBackend, schemeOf } from './open-backend.js';
import { installSdkExtras, type SdkExtras, type SdkMethodNotImplemented } from './sdk-extras.js';
import { CLIENT_METHODS, type VectorClient } from './types.js';

export { type ClientConfig, registerTransport } from './open-backend.js';

/**
 * The one public facade: `new MilvusClient({ uri })`. The URI picks the backend, so application code
 * moves between the in-page engine and a real Milvus by changing it.
 */
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
export interface MilvusClient
  extends Omit<VectorClient, 'closeConnection'>,
    SdkExtras,
    Record<SdkMethodNotImplemented, (req?: unknown) => Promise<never>> {}
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
installSdkExtras(MilvusClient.prototype, (self) => (self as MilvusClient).connectPromise());
