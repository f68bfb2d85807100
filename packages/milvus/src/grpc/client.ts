import {
  type AliasReq,
  type ClientConfig,
  type DescribeAliasReq,
  type DescribeAliasRes,
  type DropAliasReq,
  ElanusError,
  type ListAliasesReq,
  type ListAliasesRes,
  type QueryIteratorReq,
  type ResStatus,
  type RowData,
  type SearchHit,
  type SearchIteratorReq,
  type SearchReq,
  type SearchResults,
  type VectorClient,
} from '@elanus/core';
import { MilvusClient as SdkClient } from '@zilliz/milvus2-sdk-node';
import { checkStatus, refuseUnforwarded, remoteError, type StatusLike, unavailable } from '../errors.js';
import { type SchemaInfo, schemaFromDescribe } from '../schema/schema.js';
import { compareKeys, keyOf, keysFilter, stringLiteral } from '../sync/rows.js';
import { toStringKeys, wireRow, wireVectors } from '../values.js';

/** A thrown non-Error as text: its JSON where it has one (never "[object Object]"). */
function describeThrown(e: unknown): string {
  if (e === null || typeof e !== 'object') return String(e);
  try {
    return JSON.stringify(e) ?? String(e);
  } catch {
    return String(e);
  }
}

export interface GrpcClientConfig extends ClientConfig {
  /** `grpc://host:port`, `http://host:port` (plain), `https://host:port` / `grpcs://` (TLS); the port is required. */
  uri?: string;
  token?: string;
  username?: string;
  password?: string;
  db_name?: string;
  /** Per-call deadline in ms (default 30 s). */
  timeout?: number;
  /** SDK log level (default `error`: the SDK logs every request at `info`). */
  logLevel?: string;
  /** Extra options handed to the SDK's MilvusClient (maxRetries, retryDelay, channelOptions, tls...). */
  sdk?: Record<string, unknown>;
}

type Sdk = Record<string, (req?: unknown) => Promise<unknown>> & { closeConnection(): Promise<unknown> };

/** Parses the URI; the Node SDK dials port 443 when none is given, so a missing port is an error here. */
export function parseGrpcUri(uri: string): { address: string; ssl: boolean; host: string; port: string } {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(uri) ? uri : `grpc://${uri}`;
  let u: URL;
  try {
    u = new URL(withScheme);
  } catch {
    throw new ElanusError(
      'IllegalArgument',
      `invalid parameter uri: expected grpc://host:port, got ${JSON.stringify(uri)}`,
      { param: 'uri' },
    );
  }
  const scheme = u.protocol.replace(/:$/, '').toLowerCase();
  if (!['grpc', 'grpcs', 'http', 'https'].includes(scheme)) {
    throw new ElanusError(
      'IllegalArgument',
      `invalid parameter uri: expected a grpc://, http:// or https:// address, got ${scheme}://`,
      {
        param: 'uri',
      },
    );
  }
  // URL drops a default port (https://h:443 → ''); an explicitly written one still counts.
  const written = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/]*@)?(?:\[[^\]]+\]|[^:/?#]+):(\d+)/i.exec(withScheme)?.[1];
  const port = u.port || written;
  if (!port) {
    throw new ElanusError(
      'IllegalArgument',
      `invalid parameter uri: expected an explicit port (e.g. ${scheme}://${u.hostname}:19530); the Node SDK would dial 443 without one`,
      { param: 'uri' },
    );
  }
  return {
    address: `${u.hostname}:${port}`,
    ssl: scheme === 'https' || scheme === 'grpcs',
    host: u.hostname,
    port,
  };
}

/** gRPC codes worth naming: connection-level ones become `Unavailable` and reset the channel. */
const GRPC_UNAVAILABLE = new Set([1, 4, 14]);

/**
 * A remote Milvus over gRPC, through `@zilliz/milvus2-sdk-node` (Node only). Every answer is checked:
 * a non-success status becomes an ElanusError carrying the server's code and message.
 */
export class GrpcClient implements VectorClient {
  readonly identity: string;
  readonly kind = 'grpc' as const;
  private sdkClient: Sdk | undefined;
  // #private: neither JSON.stringify nor util.inspect shows it (it holds the token).
  readonly #sdkOptions: Record<string, unknown>;
  private readonly schemas = new Map<string, Promise<SchemaInfo>>();
  readonly address: string;
  private readonly timeout: number;

  constructor(config: GrpcClientConfig) {
    const uri = config.uri ?? config.address;
    if (typeof uri !== 'string' || uri === '') {
      throw new ElanusError('IllegalArgument', 'invalid parameter uri: expected grpc://host:port', {
        param: 'uri',
      });
    }
    const p = parseGrpcUri(uri);
    this.address = p.address;
    this.timeout = config.timeout ?? 30_000;
    const token =
      config.token ?? (config.username ? `${config.username}:${config.password ?? ''}` : undefined);
    this.identity = `grpc://${p.host}:${p.port}/${config.db_name ?? 'default'}`;
    // Credentials stay in this closure-held object; nothing here is logged or persisted.
    this.#sdkOptions = {
      address: p.address,
      ssl: p.ssl,
      ...(token ? { token } : {}),
      ...(config.db_name ? { database: config.db_name } : {}),
      timeout: this.timeout,
      logLevel: config.logLevel ?? 'error',
      telemetry: { enabled: false },
      ...config.sdk,
    };
  }

  /** Keeps credentials out of JSON dumps of the client. */
  toJSON(): Record<string, unknown> {
    return { kind: this.kind, address: this.address, identity: this.identity };
  }

  private sdk(): Sdk {
    if (!this.sdkClient) {
      const c = new SdkClient(this.#sdkOptions as never) as unknown as Sdk & {
        connectPromise?: Promise<unknown>;
      };
      // The SDK connects in its constructor; a refused connection surfaces on the first call instead.
      c.connectPromise?.catch(() => {});
      this.sdkClient = c;
    }
    return this.sdkClient;
  }

  /** Runs one SDK call, mapping thrown transport errors and non-success statuses to ElanusError. */
  private async call<T>(
    method: string,
    req: unknown,
    status?: (res: T) => StatusLike | undefined,
  ): Promise<T> {
    let res: T;
    try {
      res = (await this.sdk()[method]!(req)) as T;
    } catch (e) {
      throw this.mapThrown(e, method);
    }
    const st = status ? status(res) : ((res as { status?: StatusLike }).status ?? (res as StatusLike));
    checkStatus(st, method);
    return res;
  }

  private mapThrown(e: unknown, method: string): ElanusError {
    if (e instanceof ElanusError) return e;
    // Some SDK calls throw the server's status object itself (createCollection on a 2.3 server does).
    if (
      !(e instanceof Error) &&
      e !== null &&
      typeof e === 'object' &&
      ('reason' in e || 'error_code' in e)
    ) {
      try {
        checkStatus(e as StatusLike, method);
      } catch (mapped) {
        if (mapped instanceof ElanusError) return mapped;
      }
    }
    const code = (e as { code?: unknown }).code;
    const msg = e instanceof Error ? e.message : describeThrown(e);
    if (typeof code === 'number' && GRPC_UNAVAILABLE.has(code)) {
      // Drop the channel: grpc-js backs off after failures, a fresh client reconnects at once.
      const old = this.sdkClient;
      this.sdkClient = undefined;
      old?.closeConnection().catch(() => {});
      return unavailable(
        `${method}: cannot reach Milvus at ${this.address} (${code === 4 ? 'deadline exceeded' : msg})`,
        e,
      );
    }
    if (code === 16) return remoteError(1800, msg);
    if (/ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|No connection established|deadline/i.test(msg)) {
      const old = this.sdkClient;
      this.sdkClient = undefined;
      old?.closeConnection().catch(() => {});
      return unavailable(`${method}: cannot reach Milvus at ${this.address} (${msg})`, e);
    }
    return new ElanusError('RemoteError', `${method}: ${msg}`, { remote: true });
  }

  private schema(collection: string): Promise<SchemaInfo> {
    let s = this.schemas.get(collection);
    if (!s) {
      s = this.describeCollection({ collection_name: collection }).then(schemaFromDescribe);
      s.catch(() => this.schemas.delete(collection));
      this.schemas.set(collection, s);
    }
    return s;
  }

  private forget(collection: string): void {
    this.schemas.delete(collection);
    this.metrics.delete(collection);
  }

  private forgetAll(): void {
    this.schemas.clear();
    this.metrics.clear();
  }

  private readonly metrics = new Map<string, Promise<Map<string, string>>>();

  /** milvus-lite wants the metric on every search; real Milvus takes it from the index. Send the index's. */
  private async metricFor(
    collection: string,
    field: string | undefined,
    given: unknown,
  ): Promise<string | undefined> {
    if (typeof given === 'string' && given !== '') return given;
    let m = this.metrics.get(collection);
    if (!m) {
      m = this.describeIndex({ collection_name: collection }).then(
        (d) => new Map(d.index_descriptions.map((i) => [i.field_name, i.metric_type])),
        () => new Map<string, string>(),
      );
      this.metrics.set(collection, m);
    }
    const byField = await m;
    if (field) return byField.get(field) || undefined;
    const vectors = (await this.schema(collection)).fields.filter((f) => f.type.endsWith('Vector'));
    return vectors.length === 1 ? byField.get(vectors[0]!.name) || undefined : undefined;
  }

  // ---- collections ---------------------------------------------------------------------------

  async createCollection(req: Parameters<VectorClient['createCollection']>[0]) {
    this.forget(req.collection_name);
    return this.call('createCollection', req, (r) => r as StatusLike) as ReturnType<
      VectorClient['createCollection']
    >;
  }
  async describeCollection(req: Parameters<VectorClient['describeCollection']>[0]) {
    return this.call('describeCollection', req) as ReturnType<VectorClient['describeCollection']>;
  }
  async hasCollection(req: Parameters<VectorClient['hasCollection']>[0]) {
    return this.call('hasCollection', req) as ReturnType<VectorClient['hasCollection']>;
  }
  async listCollections(req?: { db_name?: string }) {
    return this.call('showCollections', req ?? {}) as ReturnType<VectorClient['listCollections']>;
  }
  async showCollections(req?: { db_name?: string }) {
    return this.listCollections(req);
  }
  async dropCollection(req: Parameters<VectorClient['dropCollection']>[0]) {
    this.forget(req.collection_name);
    return this.call('dropCollection', req, (r) => r as StatusLike) as ReturnType<
      VectorClient['dropCollection']
    >;
  }
  async renameCollection(req: Parameters<VectorClient['renameCollection']>[0]) {
    this.forget(req.collection_name);
    this.forget(req.new_collection_name);
    return this.call('renameCollection', req, (r) => r as StatusLike) as ReturnType<
      VectorClient['renameCollection']
    >;
  }
  async getCollectionStatistics(req: Parameters<VectorClient['getCollectionStatistics']>[0]) {
    return this.call('getCollectionStatistics', req) as ReturnType<VectorClient['getCollectionStatistics']>;
  }

  // ---- partitions ----------------------------------------------------------------------------

  async createPartition(req: Parameters<VectorClient['createPartition']>[0]) {
    return this.call('createPartition', req, (r) => r as StatusLike) as ReturnType<
      VectorClient['createPartition']
    >;
  }
  async dropPartition(req: Parameters<VectorClient['dropPartition']>[0]) {
    // Milvus drops only released partitions.
    await this.sdk()
      .releasePartitions?.({ collection_name: req.collection_name, partition_names: [req.partition_name] })
      .catch(() => {});
    return this.call('dropPartition', req, (r) => r as StatusLike) as ReturnType<
      VectorClient['dropPartition']
    >;
  }
  async hasPartition(req: Parameters<VectorClient['hasPartition']>[0]) {
    return this.call('hasPartition', req) as ReturnType<VectorClient['hasPartition']>;
  }
  async listPartitions(req: Parameters<VectorClient['listPartitions']>[0]) {
    return this.call('listPartitions', req) as ReturnType<VectorClient['listPartitions']>;
  }
  async showPartitions(req: Parameters<VectorClient['showPartitions']>[0]) {
    return this.listPartitions(req);
  }

  // ---- indexes and loading -------------------------------------------------------------------

  async createIndex(req: Parameters<VectorClient['createIndex']>[0]) {
    const list = Array.isArray(req) ? req : [req];
    for (const r of list) this.metrics.delete(r.collection_name);
    for (const r of list) await this.call('createIndex', r, (x) => x as StatusLike);
    return { error_code: 'Success', reason: '', code: 0 };
  }
  async describeIndex(req: Parameters<VectorClient['describeIndex']>[0]) {
    const res = await this.call<Awaited<ReturnType<VectorClient['describeIndex']>>>('describeIndex', req);
    // The SDK keeps index_type / metric_type inside params only; expose them as fields too.
    for (const d of res.index_descriptions) {
      const kv = Object.fromEntries((d.params ?? []).map((p) => [p.key, p.value]));
      d.index_type ??= String(kv.index_type ?? '');
      d.metric_type ??= String(kv.metric_type ?? '');
    }
    return res;
  }
  async listIndexes(req: Parameters<VectorClient['listIndexes']>[0]) {
    return this.call('listIndexes', req) as ReturnType<VectorClient['listIndexes']>;
  }
  async dropIndex(req: Parameters<VectorClient['dropIndex']>[0]) {
    return this.call('dropIndex', req, (r) => r as StatusLike) as ReturnType<VectorClient['dropIndex']>;
  }
  async loadCollection(req: Parameters<VectorClient['loadCollection']>[0]) {
    return this.call('loadCollectionSync', req, (r) => r as StatusLike) as ReturnType<
      VectorClient['loadCollection']
    >;
  }
  async loadCollectionSync(req: Parameters<VectorClient['loadCollectionSync']>[0]) {
    return this.loadCollection(req);
  }
  async releaseCollection(req: Parameters<VectorClient['releaseCollection']>[0]) {
    return this.call('releaseCollection', req, (r) => r as StatusLike) as ReturnType<
      VectorClient['releaseCollection']
    >;
  }
  async getLoadState(req: Parameters<VectorClient['getLoadState']>[0]) {
    return this.call('getLoadState', req) as ReturnType<VectorClient['getLoadState']>;
  }

  // ---- data ----------------------------------------------------------------------------------

  async insert(req: Parameters<VectorClient['insert']>[0]) {
    const data = (req.data ?? req.fields_data ?? []).map(wireRow);
    return this.call('insert', { ...req, data, fields_data: undefined }) as ReturnType<
      VectorClient['insert']
    >;
  }
  async upsert(req: Parameters<VectorClient['upsert']>[0]) {
    const data = (req.data ?? req.fields_data ?? []).map(wireRow);
    return this.call('upsert', { ...req, data, fields_data: undefined }) as ReturnType<
      VectorClient['upsert']
    >;
  }
  async delete(req: Parameters<VectorClient['delete']>[0]) {
    let filter = req.filter ?? req.expr;
    if (req.ids !== undefined) {
      // The SDK joins VarChar ids without escaping them; build the expression here.
      const schema = await this.schema(req.collection_name);
      filter = keysFilter(schema, toStringKeys(req.ids as unknown[]));
    }
    const { ids: _ids, ...rest } = req;
    return this.call('delete', { ...rest, filter, expr: undefined }) as ReturnType<VectorClient['delete']>;
  }
  async deleteEntities(req: Parameters<VectorClient['deleteEntities']>[0]) {
    return this.delete(req);
  }
  async get(req: Parameters<VectorClient['get']>[0]) {
    const schema = await this.schema(req.collection_name);
    const ids = toStringKeys(req.ids as unknown[]);
    if (ids.length === 0) return { status: { error_code: 'Success', reason: '', code: 0 }, data: [] };
    return this.query({
      collection_name: req.collection_name,
      filter: keysFilter(schema, ids),
      ...(req.output_fields ? { output_fields: req.output_fields } : {}),
      ...(req.partition_names ? { partition_names: req.partition_names } : {}),
    });
  }
  async query(req: Parameters<VectorClient['query']>[0]) {
    return this.call('query', req) as ReturnType<VectorClient['query']>;
  }
  async count(req: Parameters<VectorClient['count']>[0]) {
    const res = await this.query({
      collection_name: req.collection_name,
      filter: req.filter ?? req.expr ?? '',
      output_fields: ['count(*)'],
      ...(req.partition_names ? { partition_names: req.partition_names } : {}),
      ...(req.consistency_level !== undefined ? { consistency_level: req.consistency_level } : {}),
    });
    return { status: res.status, data: Number(res.data[0]?.['count(*)'] ?? 0) };
  }

  /** milvus-lite leaves the primary key out of hits unless asked for it: ask, and put it in `id`. */
  private async withPk(
    collection: string,
    output?: string[],
  ): Promise<{ pk: string; fields: string[] | undefined; drop: boolean }> {
    const schema = await this.schema(collection);
    const pk = schema.pk.name;
    if (!output || output.includes('*') || output.includes(pk))
      return { pk, fields: output ?? [pk], drop: !output };
    return { pk, fields: [...output, pk], drop: pk !== 'id' };
  }

  private fixHits(hits: SearchHit[], pk: string, drop: boolean): SearchHit[] {
    return hits.map((h) => {
      const out = { ...h, id: String(h.id ?? h[pk]) } as SearchHit;
      if (drop && pk !== 'id') delete out[pk];
      return out;
    });
  }

  async search(req: SearchReq): Promise<SearchResults> {
    refuseUnforwarded(req as SearchReq & { search_aggregation?: unknown });
    const { pk, fields, drop } = await this.withPk(req.collection_name, req.output_fields);
    const vectors = wireVectors(req.data ?? req.vectors ?? req.vector);
    // The SDK answers one query vector with a flat list and several with one list each.
    const params = (req.params ?? req.search_params ?? {}) as Record<string, unknown>;
    const metric = await this.metricFor(
      req.collection_name,
      req.anns_field,
      req.metric_type ?? params.metric_type,
    );
    const res = await this.call<SearchResults>('search', {
      ...req,
      ...(metric ? { metric_type: metric } : {}),
      data: vectors,
      vector: undefined,
      vectors: undefined,
      output_fields: fields,
    });
    const r = res.results as SearchHit[] | SearchHit[][];
    res.results = Array.isArray(r[0])
      ? (r as SearchHit[][]).map((x) => this.fixHits(x, pk, drop))
      : this.fixHits(r as SearchHit[], pk, drop);
    return res;
  }
  async hybridSearch(req: Parameters<VectorClient['hybridSearch']>[0]) {
    const { pk, fields, drop } = await this.withPk(req.collection_name, req.output_fields);
    const data = [];
    for (const s of req.data) {
      const v = wireVectors(s.data);
      const p = (s.params ?? {}) as Record<string, unknown>;
      const metric = await this.metricFor(req.collection_name, s.anns_field, p.metric_type);
      data.push({
        ...s,
        data: v.length === 1 ? v[0] : v,
        ...(metric ? { params: { ...p, metric_type: metric } } : {}),
      });
    }
    const res = await this.call<SearchResults>('hybridSearch', { ...req, data, output_fields: fields });
    const r = res.results as SearchHit[] | SearchHit[][];
    res.results = Array.isArray(r[0])
      ? (r as SearchHit[][]).map((x) => this.fixHits(x, pk, drop))
      : this.fixHits(r as SearchHit[], pk, drop);
    return res;
  }

  /**
   * Pages in primary-key order with `pk > last` and a limit, asking the server for key-ordered pages
   * (the `iterator` query parameter pymilvus's QueryIterator sends; milvus-lite returns storage order
   * without it), and sorting each page as a safeguard.
   */
  async queryIterator(req: QueryIteratorReq): Promise<AsyncIterable<RowData[]>> {
    const schema = await this.schema(req.collection_name);
    const pk = schema.pk.name;
    const intKey = schema.pk.type === 'Int64';
    const user = req.filter ?? req.expr ?? '';
    const total = req.limit ?? Number.POSITIVE_INFINITY;
    const batch = Math.min(req.batchSize || 1000, 16384);
    const output =
      req.output_fields && !req.output_fields.includes('*') && !req.output_fields.includes(pk)
        ? [...req.output_fields, pk]
        : req.output_fields;
    return {
      [Symbol.asyncIterator]: async function* (this: GrpcClient) {
        let last: string | undefined;
        let sent = 0;
        while (sent < total) {
          const cursor = last === undefined ? '' : `${pk} > ${intKey ? last : stringLiteral(last)}`;
          const filter = [user.trim() ? `(${user})` : '', cursor].filter(Boolean).join(' and ');
          const limit = Math.min(batch, total - sent);
          const res = await this.query({
            collection_name: req.collection_name,
            filter,
            limit,
            ...(output ? { output_fields: output } : {}),
            ...(req.partition_names ? { partition_names: req.partition_names } : {}),
            params: { iterator: true, reduce_stop_for_best: true },
          } as never);
          const page = res.data
            .slice()
            .sort((a, b) => compareKeys(keyOf(a[pk], intKey), keyOf(b[pk], intKey), intKey));
          if (page.length === 0) return;
          last = keyOf(page[page.length - 1]![pk], intKey);
          sent += page.length;
          yield page;
          if (page.length < limit) return;
        }
      }.bind(this),
    };
  }

  /** One search up to the requested total (at most 16384 hits), handed out in batches. */
  async searchIterator(req: SearchIteratorReq): Promise<AsyncIterable<SearchHit[]>> {
    const limit = Math.min(req.limit ?? 16384, 16384);
    const res = await this.search({ ...req, limit });
    const hits = res.results as SearchHit[];
    const size = Math.max(1, req.batchSize || 100);
    return {
      async *[Symbol.asyncIterator]() {
        for (let i = 0; i < hits.length; i += size) yield hits.slice(i, i + size);
      },
    };
  }

  async flush(req?: { collection_names?: string[] }) {
    return this.call('flush', req ?? {}) as unknown as ReturnType<VectorClient['flush']>;
  }

  // ---- aliases: a changed alias names another collection, so cached schemas are dropped ------------

  async createAlias(req: AliasReq): Promise<ResStatus> {
    this.forgetAll();
    return this.call('createAlias', req, (r) => r as StatusLike) as Promise<ResStatus>;
  }
  async alterAlias(req: AliasReq): Promise<ResStatus> {
    this.forgetAll();
    return this.call('alterAlias', req, (r) => r as StatusLike) as Promise<ResStatus>;
  }
  async dropAlias(req: DropAliasReq): Promise<ResStatus> {
    this.forgetAll();
    return this.call('dropAlias', req, (r) => r as StatusLike) as Promise<ResStatus>;
  }
  async describeAlias(req: DescribeAliasReq): Promise<DescribeAliasRes> {
    // The SDK insists on a collection_name the server ignores: the alias stands in when none is given.
    const res = await this.call<DescribeAliasRes>('describeAlias', {
      ...req,
      collection_name: req.collection_name || req.alias,
    });
    return {
      status: res.status,
      db_name: res.db_name ?? 'default',
      alias: res.alias,
      collection: res.collection,
    };
  }
  async listAliases(req?: ListAliasesReq): Promise<ListAliasesRes> {
    if (!req?.collection_name) {
      // The SDK needs a collection: all aliases are those of every collection.
      const names = (await this.listCollections(req?.db_name ? { db_name: req.db_name } : undefined))
        .collection_names;
      const all: string[] = [];
      for (const n of names) all.push(...(await this.listAliases({ ...req, collection_name: n })).aliases);
      return {
        status: { error_code: 'Success', reason: '', code: 0 },
        db_name: req?.db_name ?? 'default',
        aliases: all,
        collection_name: '',
      };
    }
    const res = await this.call<ListAliasesRes>('listAliases', req);
    return {
      status: res.status,
      db_name: res.db_name ?? 'default',
      aliases: [...(res.aliases ?? [])],
      collection_name: res.collection_name ?? req?.collection_name ?? '',
    };
  }

  async alterCollectionProperties(req: Parameters<VectorClient['alterCollectionProperties']>[0]) {
    return this.call('alterCollectionProperties', req, (r) => r as StatusLike) as Promise<ResStatus>;
  }
  async dropCollectionProperties(req: Parameters<VectorClient['dropCollectionProperties']>[0]) {
    // The SDK names the keys `properties` (it sends them as delete_keys).
    const properties = req.properties ?? req.delete_keys;
    return this.call(
      'dropCollectionProperties',
      { ...req, properties },
      (r) => r as StatusLike,
    ) as Promise<ResStatus>;
  }
  async alterCollectionFieldProperties(req: Parameters<VectorClient['alterCollectionFieldProperties']>[0]) {
    this.forget(req.collection_name);
    return this.call('alterCollectionFieldProperties', req, (r) => r as StatusLike) as Promise<ResStatus>;
  }
  async alterIndexProperties(req: Parameters<VectorClient['alterIndexProperties']>[0]) {
    return this.call('alterIndexProperties', req, (r) => r as StatusLike) as Promise<ResStatus>;
  }
  async dropIndexProperties(req: Parameters<VectorClient['dropIndexProperties']>[0]) {
    return this.call('dropIndexProperties', req, (r) => r as StatusLike) as Promise<ResStatus>;
  }

  async closeConnection(): Promise<void> {
    const c = this.sdkClient;
    this.sdkClient = undefined;
    await c?.closeConnection();
  }
}

export async function createGrpcClient(config: GrpcClientConfig | string): Promise<GrpcClient> {
  return new GrpcClient(typeof config === 'string' ? { uri: config } : config);
}
