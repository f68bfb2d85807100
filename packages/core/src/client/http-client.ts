// `HttpClient`: the SDK's REST v2-shaped client (`new HttpClient({ endpoint | baseURL, token, database })`).
// Its methods take and return REST v2 bodies (`{ collectionName, ... }` → `{ code, data }`). With a
// `memory://` or `idb://` endpoint they run on the local engine (a MilvusClient); with `http(s)://`
// they POST to the server's `/v2/vectordb/...` as the SDK does. Errors come back as the server sends
// them: `{ code: <Milvus code>, message }`, not thrown.

import { ElanusError } from '../errors/index.js';
import { MilvusClient, redactConfig } from './milvus-client.js';
import type { ClientConfig } from './open-backend.js';

export interface HttpClientConfig {
  /** `memory://`, `idb://<name>`, or a server's `http(s)://host:port` (`/v2` is appended). */
  endpoint?: string;
  /** The full REST base (`http://host:19530/v2`); wins over `endpoint`. */
  baseURL?: string;
  version?: string;
  token?: string;
  username?: string;
  password?: string;
  database?: string;
  timeout?: number;
  acceptInt64?: boolean;
  fetch?: (
    input: string,
    init?: Record<string, unknown>,
  ) => Promise<{ json(): Promise<unknown>; ok: boolean; status: number; statusText: string }>;
  /** Passed to the local MilvusClient (`worker`, `device`...). */
  [key: string]: unknown;
}

export interface HttpBaseResponse<T = Record<string, never>> {
  code: number;
  data: T;
  message?: string;
  [key: string]: unknown;
}

type Body = Record<string, unknown>;
type Res = HttpBaseResponse<unknown>;

const LOCAL_SCHEME = /^(memory|idb):\/\//i;

/** The SDK's HttpClient methods and the REST v2 path each posts to. */
const METHODS = {
  createCollection: 'collections/create',
  describeCollection: 'collections/describe',
  dropCollection: 'collections/drop',
  listCollections: 'collections/list',
  hasCollection: 'collections/has',
  renameCollection: 'collections/rename',
  getCollectionStatistics: 'collections/get_stats',
  flushCollection: 'collections/flush',
  loadCollection: 'collections/load',
  releaseCollection: 'collections/release',
  getCollectionLoadState: 'collections/get_load_state',
  compactCollection: 'collections/compact',
  getCompactionState: 'collections/get_compaction_state',
  alterCollectionProperties: 'collections/alter_properties',
  dropCollectionProperties: 'collections/drop_properties',
  alterCollectionFieldProperties: 'collections/fields/alter_properties',
  get: 'entities/get',
  insert: 'entities/insert',
  upsert: 'entities/upsert',
  query: 'entities/query',
  search: 'entities/search',
  hybridSearch: 'entities/hybrid_search',
  delete: 'entities/delete',
  createIndex: 'indexes/create',
  dropIndex: 'indexes/drop',
  describeIndex: 'indexes/describe',
  listIndexes: 'indexes/list',
  alterIndexProperties: 'indexes/alter_properties',
  dropIndexProperties: 'indexes/drop_properties',
  listPartitions: 'partitions/list',
  createPartition: 'partitions/create',
  dropPartition: 'partitions/drop',
  loadPartitions: 'partitions/load',
  releasePartitions: 'partitions/release',
  hasPartition: 'partitions/has',
  getPartitionStatistics: 'partitions/get_stats',
  listAliases: 'aliases/list',
  createAlias: 'aliases/create',
  describeAlias: 'aliases/describe',
  dropAlias: 'aliases/drop',
  alterAlias: 'aliases/alter',
} as const;

export type HttpMethodName = keyof typeof METHODS;

/** The SDK's `HttpClient`: REST v2 request and response bodies, over the local engine or a server. */
/** Each client's config, unredacted (see the constructor). */
const CONFIGS = new WeakMap<object, HttpClientConfig>();

export class HttpClient {
  private local: MilvusClient | undefined;

  constructor(config: HttpClientConfig) {
    // Kept off the instance: JSON.stringify / console.log of a client must not show the token.
    CONFIGS.set(this, { ...config });
  }

  /** The config as given, token and password masked (`***`), as MilvusClient's `config`. */
  get config(): HttpClientConfig {
    return redactConfig(this.cfg as ClientConfig) as HttpClientConfig;
  }

  private get cfg(): HttpClientConfig {
    return CONFIGS.get(this)!;
  }

  /** `<endpoint>/v2` (or `baseURL`), as the SDK builds it; the local scheme itself for memory:// and idb://. */
  get baseURL(): string {
    if (this.cfg.baseURL) return this.cfg.baseURL;
    const e = this.cfg.endpoint ?? 'memory://';
    if (LOCAL_SCHEME.test(e)) return e;
    // The README's `localhost:19530` form: a bare host:port is reached over http.
    const url = /^[a-z][a-z0-9+.-]*:\/\//i.test(e) ? e : `http://${e}`;
    return `${url.replace(/\/+$/, '')}/${this.cfg.version ?? 'v2'}`;
  }

  get database(): string {
    return this.cfg.database ?? 'default';
  }

  get authorization(): string {
    const { token, username, password } = this.cfg;
    return `Bearer ${token || (username && password ? `${username}:${password}` : '')}`;
  }

  /** POSTs a REST v2 body to `path` (`/vectordb/collections/create`...). */
  async POST<T = Res>(path: string, data: Body = {}, options?: { timeout?: number }): Promise<T> {
    const body = { ...data, dbName: data.dbName ?? this.database };
    const base = this.baseURL;
    if (LOCAL_SCHEME.test(base)) return (await this.runLocal(path.replace(/^\/vectordb\//, ''), body)) as T;
    const f = this.cfg.fetch ?? (globalThis.fetch as unknown as NonNullable<HttpClientConfig['fetch']>);
    const ctl = new AbortController();
    const timer = setTimeout(() => ctl.abort(), options?.timeout ?? this.cfg.timeout ?? 60_000);
    try {
      const r = await f(`${base}${path}`, {
        method: 'post',
        headers: {
          Authorization: this.authorization,
          Accept: 'application/json',
          'Content-Type': 'application/json',
          'Accept-Type-Allow-Int64': String(this.cfg.acceptInt64 ?? false),
        },
        body: JSON.stringify(body),
        signal: ctl.signal,
      });
      return (await r.json()) as T;
    } finally {
      clearTimeout(timer);
    }
  }

  private async runLocal(path: string, body: Body): Promise<Res> {
    const db = body.dbName;
    if (db !== undefined && db !== '' && db !== 'default') {
      return { code: 1100, message: `database not found[database=${String(db)}]`, data: {} };
    }
    const { LOCAL } = await import('./http-local.js');
    const fn = LOCAL[path];
    if (!fn) return { code: 1, message: `${path} is not served by the local engine`, data: {} };
    if (!this.local) {
      const { endpoint, baseURL, version, token, username, password, database, timeout, fetch, ...rest } =
        this.cfg;
      this.local = new MilvusClient({ ...(rest as ClientConfig), uri: baseURL ?? endpoint ?? 'memory://' });
    }
    try {
      const data = await fn(this.local, body);
      if (path === 'entities/search' || path === 'entities/hybrid_search') {
        const { data: rows, topks } = data as { data: unknown[]; topks: number[] };
        // The SDK splits a multi-vector search's flat hits into one list per query vector.
        const split = topks.length > 1 ? topks.map((k, i) => rows.slice(i * k, (i + 1) * k)) : rows;
        return { code: 0, data: split, topks };
      }
      return { code: 0, data };
    } catch (e) {
      if (e instanceof ElanusError) return { code: e.status, message: e.message, data: {} };
      throw e;
    }
  }

  /** Closes the local engine (memory:// data is gone, idb:// stays); a server needs nothing. */
  async closeConnection(): Promise<void> {
    await this.local?.closeConnection();
    this.local = undefined;
  }
}

export interface HttpClient
  extends Record<HttpMethodName, (params?: Body, options?: { timeout?: number }) => Promise<Res>> {}
for (const [name, path] of Object.entries(METHODS)) {
  Object.defineProperty(HttpClient.prototype, name, {
    value(this: HttpClient, params?: Body, options?: { timeout?: number }) {
      return this.POST(`/vectordb/${path}`, params ?? {}, options);
    },
    writable: true,
    configurable: true,
  });
}
