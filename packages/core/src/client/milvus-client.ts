import { elanusError } from '../errors/index.js';
import { METHOD_NAMES } from './method-table.js';
import { type ClientConfig, openBackend, resolveUri, schemeOf } from './open-backend.js';
import { installSdkExtras, type SdkExtras, type SdkMethodNotImplemented } from './sdk-extras.js';
import type {
  AlterCollectionPropertiesReq,
  AlterIndexPropertiesReq,
  GetReq,
  HybridSearchReq,
  QueryReq,
  QueryRowsResults,
  ResStatus,
  SearchReq,
  SearchResults,
  VectorClient,
} from './types.js';

export { type ClientConfig, registerTransport } from './open-backend.js';

const secrets = new WeakMap<object, ClientConfig>();

function configOf(client: object): ClientConfig {
  return secrets.get(client) ?? {};
}

const SECRET_KEYS = new Set(['token', 'password', 'apiKey', 'api_key']);

/** A copy of a client configuration that is safe to log. */
export function redactConfig(config: ClientConfig): ClientConfig {
  const out: ClientConfig = {};
  for (const [k, v] of Object.entries(config)) {
    if (SECRET_KEYS.has(k) && v !== undefined && v !== '') out[k] = '***';
    else if ((k === 'uri' || k === 'address') && typeof v === 'string')
      out[k] = v.replace(/\/\/([^/@:]*):[^/@]*@/, '//$1:***@');
    else out[k] = v;
  }
  return out;
}

/**
 * The one public facade: `new MilvusClient({ uri })`. The URI picks the backend, so application code
 * moves between the in-page engine and a real Milvus by changing it.
 */
export class MilvusClient {
  private backend: Promise<VectorClient> | undefined;

  constructor(config: ClientConfig | string = {}) {
    const c = typeof config === 'string' ? { uri: config } : { ...config };
    // Kept off the instance: JSON.stringify(client) or console.log(client) must not show a token.
    secrets.set(this, c);
    // Fail fast on a malformed URI; the backend itself opens lazily on first use.
    schemeOf(resolveUri(c));
  }

  /** The configuration, with `token`, `password` and a password in the URI shown as `***`. */
  get config(): Readonly<ClientConfig> {
    return redactConfig(configOf(this));
  }

  /**
   * Resolves once the backend is open (engine created, database loaded, or connection made), as the
   * SDK's `await client.connectPromise`. Reading it starts the open; calls do so on their own too.
   */
  get connectPromise(): Promise<VectorClient> {
    return this.client();
  }

  /** The backend (LocalClient, WorkerClient or a remote client), opened on first use. */
  client(): Promise<VectorClient> {
    this.backend ??= openBackend(configOf(this));
    return this.backend;
  }

  /**
   * Starts a new engine worker (`worker` set) after the old one died or to reset it; other backends
   * ignore it. A `memory://` worker starts empty; an `idb://` one reopens the database.
   */
  async restart(): Promise<void> {
    const b = (await this.client()) as VectorClient & { restart?: () => Promise<void> };
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
    const b = (await this.client()) as unknown as Record<string, (() => Promise<T>) | undefined>;
    const fn = b[method];
    if (typeof fn === 'function') return fn.call(b);
    const c = configOf(this);
    if (['idb', 'opfs'].includes(schemeOf(c.uri ?? c.address ?? 'memory://'))) {
      // idb:// or opfs:// in a worker: the quota is the origin's, so this realm answers (persist() is page-only anyway).
      const quota = await import('../storage/quota.js');
      return (
        method === 'storageEstimate' ? quota.storageEstimate() : quota.requestPersistence()
      ) as Promise<T>;
    }
    throw elanusError('idbOnlyMethod', { method });
  }

  /** The SDK's deprecated name of `alterCollectionProperties`. */
  alterCollection(req: AlterCollectionPropertiesReq): Promise<ResStatus> {
    return this.alterCollectionProperties(req);
  }

  /** The SDK's deprecated name of `alterIndexProperties`. */
  alterIndex(req: AlterIndexPropertiesReq): Promise<ResStatus> {
    return this.alterIndexProperties(req);
  }

  async closeConnection(): Promise<void> {
    if (!this.backend) return;
    const b = await this.backend;
    this.backend = undefined;
    await b.closeConnection();
  }
}

// The facade forwards each Milvus method to the backend; declaration merging gives it the full typed API.
// Reads are typed as the SDK types them: results shaped by the request, row fields `any`.
export interface MilvusClient
  extends Omit<VectorClient, 'closeConnection' | 'search' | 'hybridSearch' | 'query' | 'get'>,
    SdkExtras,
    Record<SdkMethodNotImplemented, (req?: unknown) => Promise<never>> {
  search<T extends SearchReq>(req: T): Promise<SearchResults<T>>;
  hybridSearch<T extends HybridSearchReq>(req: T): Promise<SearchResults<T>>;
  query(req: QueryReq): Promise<QueryRowsResults>;
  get(req: GetReq): Promise<QueryRowsResults>;
}
for (const m of METHOD_NAMES) {
  Object.defineProperty(MilvusClient.prototype, m, {
    value: async function (this: MilvusClient, req: unknown) {
      const b = (await this.client()) as unknown as Record<string, (r: unknown) => Promise<unknown>>;
      return b[m]!(req);
    },
    writable: true,
    configurable: true,
  });
}
installSdkExtras(MilvusClient.prototype, (self) => (self as MilvusClient).client());
