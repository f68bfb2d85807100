import {
  type AliasReq,
  type BoolRes,
  type ClientConfig,
  type CollectionReq,
  type CountReq,
  type CreateCollectionReq,
  type CreateIndexReq,
  type DeleteReq,
  type DescribeAliasReq,
  type DescribeAliasRes,
  type DescribeCollectionRes,
  type DescribeIndexRes,
  type DropAliasReq,
  ElanusError,
  type GetReq,
  type HybridSearchReq,
  type InsertReq,
  type ListAliasesReq,
  type ListAliasesRes,
  type ListIndexesRes,
  type LoadStateRes,
  type MutationResult,
  type PartitionReq,
  type QueryIteratorReq,
  type QueryReq,
  type QueryResults,
  type ResStatus,
  type RowData,
  type SearchHit,
  type SearchIteratorReq,
  type SearchReq,
  type SearchResults,
  type ShowCollectionsRes,
  type ShowPartitionsRes,
  type StatisticsRes,
  type VectorClient,
} from '@elanus/core';
import { refuseUnforwarded, remoteError, unavailable } from '../errors.js';
import { type SchemaInfo, schemaFromDescribe } from '../schema/schema.js';
import { allRowsFilter, compareKeys, keyOf, keysFilter, sortKeys } from '../sync/rows.js';
import { toStringKeys, wireVectors } from '../values.js';
import { createBody, describeFromRest, indexFromRest, okStatus, rowFromRest, rowToRest } from './convert.js';
import { parseJsonLossless, stringifyJson } from './json.js';

export interface RestClientConfig extends ClientConfig {
  /** `http(s)://host:port` (plus an optional path prefix) of a Milvus server's REST API. */
  uri?: string;
  /** Sent as `Authorization: Bearer <token>` (`user:password` or an API key). Never stored or logged. */
  token?: string;
  username?: string;
  password?: string;
  db_name?: string;
  /** Milliseconds before a request is abandoned (default 30 s). */
  timeout?: number;
  /** fetch to use (tests inject recorded responses). */
  fetch?: typeof fetch;
}

type Body = Record<string, unknown>;

const ok = okStatus;

function mutation(
  ids: unknown,
  counts: { insert?: unknown; upsert?: unknown; delete?: unknown },
  intKey: boolean,
  n: number,
): MutationResult {
  const data = (Array.isArray(ids) ? ids : []).map((x) => String(x));
  return {
    status: ok(),
    succ_index: Array.from({ length: n }, (_, i) => i),
    err_index: [],
    IDs: intKey ? { int_id: { data }, id_field: 'int_id' } : { str_id: { data }, id_field: 'str_id' },
    acknowledged: false,
    insert_cnt: String(counts.insert ?? 0),
    delete_cnt: String(counts.delete ?? 0),
    upsert_cnt: String(counts.upsert ?? 0),
    timestamp: String(Date.now()),
  };
}

/**
 * A remote Milvus over its RESTful API v2 (`POST /v2/vectordb/...`), with `fetch`: works in browsers
 * and Node. Only `Authorization` and `Content-Type` are sent (the headers Milvus's CORS allows), so
 * Int64 values are read losslessly from the response text instead of asking for them as strings.
 * Errors arrive as HTTP 200 with a non-zero `code`; they become ElanusError with that code.
 */
export class RestClient implements VectorClient {
  readonly kind = 'rest' as const;
  /** The server without credentials: used in checkpoint keys. */
  readonly identity: string;
  readonly baseUrl: string;
  readonly #headers: Record<string, string>;
  readonly #fetch: typeof fetch;
  readonly #timeout: number;
  readonly #db: string | undefined;
  readonly #schemas = new Map<string, Promise<SchemaInfo>>();

  constructor(config: RestClientConfig) {
    const uri = config.uri ?? config.address;
    if (typeof uri !== 'string' || !/^https?:\/\//i.test(uri)) {
      throw new ElanusError(
        'IllegalArgument',
        `invalid parameter uri: expected http(s)://host:port, got ${JSON.stringify(uri)}`,
        {
          param: 'uri',
        },
      );
    }
    const u = new URL(uri);
    // fetch refuses URLs with credentials: take them out and send them as the token instead.
    const userinfo = u.username
      ? `${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`
      : undefined;
    u.username = '';
    u.password = '';
    this.baseUrl = u.toString().replace(/\/+$/, '');
    this.#db = config.db_name;
    this.identity = `rest:${this.baseUrl}/${config.db_name ?? 'default'}`;
    const token =
      config.token ?? (config.username ? `${config.username}:${config.password ?? ''}` : userinfo);
    this.#headers = {
      'Content-Type': 'application/json',
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
    };
    const f = config.fetch ?? globalThis.fetch;
    if (typeof f !== 'function')
      throw new ElanusError('Unavailable', 'fetch is not available in this environment');
    this.#fetch = f.bind(globalThis);
    this.#timeout = config.timeout ?? 30_000;
  }

  /** Keeps the token out of console output and JSON dumps of the client. */
  toJSON(): Record<string, unknown> {
    return { kind: this.kind, uri: this.baseUrl, db_name: this.#db };
  }

  /** POSTs one v2 request; returns `data` of a successful answer. */
  async request<T = unknown>(path: string, body: Body): Promise<T> {
    return (await this.send(path, body)).data as T;
  }

  /** POSTs one v2 request; returns the whole successful envelope (search answers carry `topks` too). */
  private async send(path: string, body: Body): Promise<Body> {
    const url = `${this.baseUrl}/v2/vectordb/${path}`;
    const payload = this.#db && body.dbName === undefined ? { dbName: this.#db, ...body } : body;
    const ctl = new AbortController();
    const timer = setTimeout(() => ctl.abort(), this.#timeout);
    let res: Response;
    let text: string;
    try {
      res = await this.#fetch(url, {
        method: 'POST',
        headers: this.#headers,
        body: stringifyJson(payload),
        signal: ctl.signal,
      });
      text = await res.text();
    } catch (e) {
      if (ctl.signal.aborted)
        throw unavailable(`${path}: no answer from ${this.baseUrl} within ${this.#timeout} ms`, e);
      throw unavailable(
        `${path}: cannot reach ${this.baseUrl} (${e instanceof Error ? e.message : String(e)})`,
        e,
      );
    } finally {
      clearTimeout(timer);
    }
    let parsed: { code?: unknown; message?: unknown; data?: unknown } | undefined;
    try {
      parsed = text ? (parseJsonLossless(text) as typeof parsed) : undefined;
    } catch {
      parsed = undefined;
    }
    if (parsed && typeof parsed === 'object' && parsed.code !== undefined) {
      const code = Number(parsed.code);
      if (code !== 0 && code !== 200) throw remoteError(code, `${path}: ${String(parsed.message ?? '')}`);
      return parsed as Body;
    }
    if (res.status === 401 || res.status === 403) throw remoteError(1800, `${path}: HTTP ${res.status}`);
    if (res.status === 404) {
      throw new ElanusError(
        'RemoteError',
        `${path}: HTTP 404 from ${this.baseUrl} (is it a Milvus server with the REST v2 API?)`,
        {
          remote: true,
          http_status: 404,
        },
      );
    }
    if (res.status >= 500) throw unavailable(`${path}: HTTP ${res.status} from ${this.baseUrl}`);
    throw new ElanusError(
      'RemoteError',
      `${path}: unexpected answer (HTTP ${res.status}) from ${this.baseUrl}`,
      {
        remote: true,
        http_status: res.status,
      },
    );
  }

  private schema(collection: string): Promise<SchemaInfo> {
    let s = this.#schemas.get(collection);
    if (!s) {
      s = this.describeCollection({ collection_name: collection }).then(schemaFromDescribe);
      s.catch(() => this.#schemas.delete(collection));
      this.#schemas.set(collection, s);
    }
    return s;
  }

  // ---- collections ---------------------------------------------------------------------------

  async createCollection(req: CreateCollectionReq): Promise<ResStatus> {
    this.#schemas.delete(req.collection_name);
    await this.request('collections/create', createBody(req, undefined));
    return ok();
  }

  async describeCollection(req: CollectionReq): Promise<DescribeCollectionRes> {
    const d = await this.request<Body>('collections/describe', { collectionName: req.collection_name });
    return describeFromRest(d ?? {}, req.collection_name);
  }

  async hasCollection(req: CollectionReq): Promise<BoolRes> {
    const d = await this.request<{ has?: boolean }>('collections/has', {
      collectionName: req.collection_name,
    });
    return { status: ok(), value: d?.has === true };
  }

  async listCollections(): Promise<ShowCollectionsRes> {
    const names = (await this.request<string[]>('collections/list', {})) ?? [];
    return {
      status: ok(),
      collection_names: names,
      data: names.map((name) => ({ name, id: '', timestamp: '', loadedPercentage: '' })),
    };
  }

  showCollections(): Promise<ShowCollectionsRes> {
    return this.listCollections();
  }

  async dropCollection(req: CollectionReq): Promise<ResStatus> {
    this.#schemas.delete(req.collection_name);
    await this.request('collections/drop', { collectionName: req.collection_name });
    return ok();
  }

  async renameCollection(req: CollectionReq & { new_collection_name: string }): Promise<ResStatus> {
    this.#schemas.delete(req.collection_name);
    this.#schemas.delete(req.new_collection_name);
    await this.request('collections/rename', {
      collectionName: req.collection_name,
      newCollectionName: req.new_collection_name,
    });
    return ok();
  }

  async getCollectionStatistics(req: CollectionReq): Promise<StatisticsRes> {
    const d = await this.request<{ rowCount?: unknown }>('collections/get_stats', {
      collectionName: req.collection_name,
    });
    const n = String(d?.rowCount ?? 0);
    return { status: ok(), stats: [{ key: 'row_count', value: n }], data: { row_count: n } };
  }

  // ---- partitions ----------------------------------------------------------------------------

  async createPartition(req: PartitionReq): Promise<ResStatus> {
    await this.request('partitions/create', {
      collectionName: req.collection_name,
      partitionName: req.partition_name,
    });
    return ok();
  }

  async dropPartition(req: PartitionReq): Promise<ResStatus> {
    // Milvus drops only released partitions.
    await this.request('partitions/release', {
      collectionName: req.collection_name,
      partitionNames: [req.partition_name],
    }).catch(() => {});
    await this.request('partitions/drop', {
      collectionName: req.collection_name,
      partitionName: req.partition_name,
    });
    return ok();
  }

  async hasPartition(req: PartitionReq): Promise<BoolRes> {
    const d = await this.request<{ has?: boolean }>('partitions/has', {
      collectionName: req.collection_name,
      partitionName: req.partition_name,
    });
    return { status: ok(), value: d?.has === true };
  }

  async listPartitions(req: CollectionReq): Promise<ShowPartitionsRes> {
    const names =
      (await this.request<string[]>('partitions/list', { collectionName: req.collection_name })) ?? [];
    return {
      status: ok(),
      partition_names: names,
      partitionIDs: names.map(() => ''),
      created_timestamps: names.map(() => ''),
      created_utc_timestamps: names.map(() => ''),
      data: names.map((name) => ({ name, id: '', timestamp: '', loadedPercentage: '' })),
    };
  }

  showPartitions(req: CollectionReq): Promise<ShowPartitionsRes> {
    return this.listPartitions(req);
  }

  // ---- indexes and loading -------------------------------------------------------------------

  async createIndex(req: CreateIndexReq | CreateIndexReq[]): Promise<ResStatus> {
    const list = Array.isArray(req) ? req : [req];
    if (list.length === 0) return ok();
    const indexParams = list.map((i) => {
      let params = i.params ?? (i.extra_params?.params as Record<string, unknown> | string | undefined) ?? {};
      if (typeof params === 'string') params = JSON.parse(params) as Record<string, unknown>;
      const out: Body = {
        fieldName: i.field_name,
        indexName: i.index_name ?? i.field_name,
        indexType: i.index_type ?? i.extra_params?.index_type ?? 'AUTOINDEX',
      };
      const metric = i.metric_type ?? i.extra_params?.metric_type;
      if (metric) out.metricType = metric;
      if (Object.keys(params).length) out.params = params;
      return out;
    });
    await this.request('indexes/create', { collectionName: list[0]!.collection_name, indexParams });
    return ok();
  }

  async listIndexes(req: CollectionReq): Promise<ListIndexesRes> {
    const names =
      (await this.request<string[]>('indexes/list', { collectionName: req.collection_name })) ?? [];
    return { status: ok(), indexes: names };
  }

  async describeIndex(
    req: CollectionReq & { field_name?: string; index_name?: string },
  ): Promise<DescribeIndexRes> {
    const names = req.index_name ? [req.index_name] : (await this.listIndexes(req)).indexes;
    const all = [];
    for (const indexName of names) {
      const d = await this.request<Body[] | Body>('indexes/describe', {
        collectionName: req.collection_name,
        indexName,
      });
      for (const i of Array.isArray(d) ? d : d ? [d] : []) all.push(indexFromRest(i));
    }
    const index_descriptions = req.field_name ? all.filter((i) => i.field_name === req.field_name) : all;
    if (index_descriptions.length === 0) {
      throw new ElanusError('IndexNotExist', `index not found[collection=${req.collection_name}]`, {
        remote: true,
      });
    }
    return { status: ok(), index_descriptions };
  }

  async dropIndex(req: CollectionReq & { field_name?: string; index_name?: string }): Promise<ResStatus> {
    const indexName = req.index_name ?? (await this.describeIndex(req)).index_descriptions[0]!.index_name;
    await this.request('indexes/drop', { collectionName: req.collection_name, indexName });
    return ok();
  }

  async loadCollection(req: CollectionReq): Promise<ResStatus> {
    await this.request('collections/load', { collectionName: req.collection_name });
    return ok();
  }

  async loadCollectionSync(req: CollectionReq): Promise<ResStatus> {
    await this.loadCollection(req);
    // REST load returns before loading finishes: wait until the state says loaded.
    for (let i = 0; i < 600; i++) {
      if ((await this.getLoadState(req)).state === 'LoadStateLoaded') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    return ok();
  }

  async releaseCollection(req: CollectionReq): Promise<ResStatus> {
    await this.request('collections/release', { collectionName: req.collection_name });
    return ok();
  }

  async getLoadState(req: CollectionReq): Promise<LoadStateRes> {
    const d = await this.request<{ loadState?: string }>('collections/get_load_state', {
      collectionName: req.collection_name,
    });
    return { status: ok(), state: (d?.loadState ?? 'LoadStateNotExist') as LoadStateRes['state'] };
  }

  // ---- data ----------------------------------------------------------------------------------

  private async write(kind: 'insert' | 'upsert', req: InsertReq): Promise<MutationResult> {
    // Rows missing fields would reach the server as whole rows: refuse instead of replacing them.
    refuseUnforwarded(req, ['partial_update', 'field_ops']);
    const rows = req.data ?? req.fields_data ?? [];
    const schema = await this.schema(req.collection_name);
    const body: Body = { collectionName: req.collection_name, data: rows.map((r) => rowToRest(r, schema)) };
    if (req.partition_name) body.partitionName = req.partition_name;
    const d = (await this.request<Body>(`entities/${kind}`, body)) ?? {};
    const intKey = schema.pk.type === 'Int64';
    return kind === 'insert'
      ? mutation(d.insertIds, { insert: d.insertCount ?? rows.length }, intKey, rows.length)
      : mutation(d.upsertIds, { upsert: d.upsertCount ?? rows.length }, intKey, rows.length);
  }

  insert(req: InsertReq): Promise<MutationResult> {
    return this.write('insert', req);
  }

  upsert(req: InsertReq): Promise<MutationResult> {
    return this.write('upsert', req);
  }

  async delete(req: DeleteReq): Promise<MutationResult> {
    const schema = await this.schema(req.collection_name);
    const filter =
      req.ids !== undefined
        ? keysFilter(schema, toStringKeys(req.ids as unknown[]))
        : (req.filter ?? req.expr);
    if (!filter) {
      throw new ElanusError(
        'IllegalArgument',
        'invalid parameter filter: expected ids or a non-empty filter expression, got neither',
        {
          param: 'filter',
        },
      );
    }
    const body: Body = { collectionName: req.collection_name, filter };
    if (req.partition_name) body.partitionName = req.partition_name;
    if (req.filter_params ?? req.exprValues) body.exprParams = req.filter_params ?? req.exprValues;
    const d = (await this.request<Body>('entities/delete', body)) ?? {};
    const n = req.ids ? req.ids.length : 0;
    return mutation([], { delete: d.deleteCount ?? n }, schema.pk.type === 'Int64', 0);
  }

  deleteEntities(req: DeleteReq): Promise<MutationResult> {
    return this.delete(req);
  }

  async query(req: QueryReq): Promise<QueryResults> {
    // The REST API's query has no grouping or ordering; aggregates other than count(*) alone are refused too.
    refuseUnforwarded(req, ['group_by_fields', 'order_by_fields', 'order_by']);
    const aggregates = req.output_fields?.filter((f) => /^\s*(count|sum|avg|min|max)\s*\(/i.test(f)) ?? [];
    if (aggregates.length && !(req.output_fields?.length === 1 && /^count\(\*\)$/i.test(aggregates[0]!))) {
      throw new ElanusError(
        'NotImplemented',
        `invalid parameter output_fields: aggregates other than count(*) alone (${aggregates.join(', ')}) are not forwarded over REST; use the gRPC transport`,
        { param: 'output_fields' },
      );
    }
    const schema = await this.schema(req.collection_name);
    const body: Body = { collectionName: req.collection_name, filter: req.filter ?? req.expr ?? '' };
    const output = req.output_fields;
    if (output) body.outputFields = output.map((f) => (f === '$meta' ? '*' : f));
    if (req.limit !== undefined) body.limit = req.limit;
    if (req.offset !== undefined) body.offset = req.offset;
    if (req.partition_names?.length) body.partitionNames = req.partition_names;
    if (req.filter_params ?? req.exprValues) body.exprParams = req.filter_params ?? req.exprValues;
    consistencyTo(body, req.consistency_level);
    const rows = (await this.request<Body[]>('entities/query', body)) ?? [];
    if (output?.length === 1 && output[0]!.toLowerCase() === 'count(*)') {
      return { status: ok(), data: rows.map((r) => ({ 'count(*)': String(r['count(*)'] ?? 0) })) };
    }
    return { status: ok(), data: rows.map((r) => rowFromRest(r, schema, output)) };
  }

  async get(req: GetReq): Promise<QueryResults> {
    const schema = await this.schema(req.collection_name);
    const ids = toStringKeys(req.ids as unknown[]);
    if (ids.length === 0) return { status: ok(), data: [] };
    return this.query({
      collection_name: req.collection_name,
      filter: keysFilter(schema, ids),
      ...(req.output_fields ? { output_fields: req.output_fields } : {}),
      ...(req.partition_names ? { partition_names: req.partition_names } : {}),
      ...(req.consistency_level !== undefined ? { consistency_level: req.consistency_level } : {}),
    });
  }

  async count(req: CountReq): Promise<{ status: ResStatus; data: number }> {
    const res = await this.query({
      collection_name: req.collection_name,
      filter: req.filter ?? req.expr ?? '',
      output_fields: ['count(*)'],
      ...(req.partition_names ? { partition_names: req.partition_names } : {}),
      ...(req.consistency_level !== undefined ? { consistency_level: req.consistency_level } : {}),
    });
    return { status: ok(), data: Number(res.data[0]?.['count(*)'] ?? 0) };
  }

  private hits(rows: Body[], schema: SchemaInfo, output: string[] | undefined): SearchHit[] {
    const pk = schema.pk.name;
    return rows.map((r) => {
      const row = rowFromRest(r, schema, output ?? []);
      const id = r[pk] ?? r.id;
      const hit = { ...row, id: String(id), score: Number(r.distance ?? r.score ?? 0) } as SearchHit;
      if (pk !== 'id' && !output?.includes(pk) && !output?.includes('*')) delete hit[pk];
      return hit;
    });
  }

  /** Several query vectors come back as one flat list; `topks` (newer servers) or the limit splits it. */
  private split(hits: SearchHit[], nq: number, limit: number, topks: unknown): SearchHit[] | SearchHit[][] {
    if (nq <= 1) return hits;
    const sizes =
      Array.isArray(topks) && topks.length === nq
        ? topks.map(Number)
        : Array.from({ length: nq }, () => limit);
    const out: SearchHit[][] = [];
    let at = 0;
    for (const n of sizes) {
      out.push(hits.slice(at, at + n));
      at += n;
    }
    return out;
  }

  async search(req: SearchReq): Promise<SearchResults> {
    refuseUnforwarded(req as SearchReq & { search_aggregation?: unknown });
    const schema = await this.schema(req.collection_name);
    const data = wireVectors(req.data ?? req.vectors ?? req.vector);
    const limit = req.limit ?? req.topk ?? 10;
    const body: Body = { collectionName: req.collection_name, data, limit };
    if (req.anns_field) body.annsField = req.anns_field;
    if (req.offset) body.offset = req.offset;
    const filter = req.filter ?? req.expr;
    if (filter) body.filter = filter;
    if (req.output_fields) body.outputFields = req.output_fields;
    if (req.partition_names?.length) body.partitionNames = req.partition_names;
    if (req.group_by_field) body.groupingField = req.group_by_field;
    if (req.group_size !== undefined) body.groupSize = req.group_size;
    if (req.strict_group_size !== undefined) body.strictGroupSize = req.strict_group_size;
    if (req.filter_params ?? req.exprValues) body.exprParams = req.filter_params ?? req.exprValues;
    consistencyTo(body, req.consistency_level);
    const sp = (req.search_params ?? req.params ?? {}) as Record<string, unknown>;
    const inner = (sp.params ?? sp) as Record<string, unknown>;
    const searchParams: Body = {};
    const metric = req.metric_type ?? sp.metric_type;
    if (metric) searchParams.metricType = metric;
    const params = Object.fromEntries(
      Object.entries(inner).filter(([k]) => k !== 'metric_type' && k !== 'params'),
    );
    if (Object.keys(params).length) searchParams.params = params;
    if (Object.keys(searchParams).length) body.searchParams = searchParams;
    const res = await this.send('entities/search', body);
    const hits = this.hits((res.data as Body[]) ?? [], schema, req.output_fields);
    return { status: ok(), results: this.split(hits, data.length, limit, res.topks), recalls: [] };
  }

  async hybridSearch(req: HybridSearchReq): Promise<SearchResults> {
    const schema = await this.schema(req.collection_name);
    const limit = req.limit ?? 10;
    const search = req.data.map((s) => {
      const one: Body = { data: wireVectors(s.data), annsField: s.anns_field, limit: s.limit ?? limit };
      const filter = s.filter ?? s.expr;
      if (filter) one.filter = filter;
      const p = (s.params ?? {}) as Record<string, unknown>;
      const inner = (p.params ?? p) as Record<string, unknown>;
      if (p.metric_type) one.metricType = p.metric_type;
      const params = Object.fromEntries(
        Object.entries(inner).filter(([k]) => k !== 'metric_type' && k !== 'params'),
      );
      if (Object.keys(params).length) one.params = params;
      return one;
    });
    const body: Body = { collectionName: req.collection_name, search, limit };
    if (req.rerank) body.rerank = { strategy: req.rerank.strategy, params: req.rerank.params };
    if (req.output_fields) body.outputFields = req.output_fields;
    if (req.partition_names?.length) body.partitionNames = req.partition_names;
    consistencyTo(body, req.consistency_level);
    const rows = (await this.request<Body[]>('entities/hybrid_search', body)) ?? [];
    return { status: ok(), results: this.hits(rows, schema, req.output_fields), recalls: [] };
  }

  /**
   * Key-ordered pages without relying on the server to order `limit` pages (REST v2 has no iterator
   * flag): the matching keys are listed, sorted here, and read back in chunks.
   */
  async queryIterator(req: QueryIteratorReq): Promise<AsyncIterable<RowData[]>> {
    const schema = await this.schema(req.collection_name);
    const pk = schema.pk.name;
    const intKey = schema.pk.type === 'Int64';
    const user = req.filter ?? req.expr ?? '';
    const listed = await this.query({
      collection_name: req.collection_name,
      filter: user.trim() ? user : allRowsFilter(schema),
      output_fields: [pk],
      ...(req.partition_names ? { partition_names: req.partition_names } : {}),
    });
    let keys = sortKeys(
      listed.data.map((r) => keyOf(r[pk], intKey)),
      intKey,
    );
    if (req.limit !== undefined) keys = keys.slice(0, req.limit);
    const batch = Math.min(req.batchSize || 1000, 16384);
    return {
      [Symbol.asyncIterator]: async function* (this: RestClient) {
        for (let i = 0; i < keys.length; i += batch) {
          const res = await this.get({
            collection_name: req.collection_name,
            ids: keys.slice(i, i + batch),
            ...(req.output_fields ? { output_fields: req.output_fields } : {}),
          });
          yield res.data.sort((a, b) => compareKeys(keyOf(a[pk], intKey), keyOf(b[pk], intKey), intKey));
        }
      }.bind(this),
    };
  }

  async searchIterator(req: SearchIteratorReq): Promise<AsyncIterable<SearchHit[]>> {
    const res = await this.search({ ...req, limit: Math.min(req.limit ?? 16384, 16384) });
    const hits = res.results as SearchHit[];
    const size = Math.max(1, req.batchSize || 100);
    return {
      async *[Symbol.asyncIterator]() {
        for (let i = 0; i < hits.length; i += size) yield hits.slice(i, i + size);
      },
    };
  }

  async flush(): Promise<ResStatus> {
    return ok();
  }

  // ---- aliases (REST v2 /aliases/*); a changed alias names another collection: cached schemas go ----

  async createAlias(req: AliasReq): Promise<ResStatus> {
    this.#schemas.clear();
    await this.request('aliases/create', { collectionName: req.collection_name, aliasName: req.alias });
    return ok();
  }

  async alterAlias(req: AliasReq): Promise<ResStatus> {
    this.#schemas.clear();
    await this.request('aliases/alter', { collectionName: req.collection_name, aliasName: req.alias });
    return ok();
  }

  async dropAlias(req: DropAliasReq): Promise<ResStatus> {
    this.#schemas.clear();
    await this.request('aliases/drop', { aliasName: req.alias });
    return ok();
  }

  async describeAlias(req: DescribeAliasReq): Promise<DescribeAliasRes> {
    const d = await this.request<{ aliasName?: string; collectionName?: string; dbName?: string }>(
      'aliases/describe',
      { aliasName: req.alias },
    );
    return {
      status: ok(),
      db_name: d?.dbName ?? 'default',
      alias: d?.aliasName ?? req.alias,
      collection: d?.collectionName ?? '',
    };
  }

  async listAliases(req?: ListAliasesReq): Promise<ListAliasesRes> {
    const body: Body = req?.collection_name ? { collectionName: req.collection_name } : {};
    const d = await this.request<unknown>('aliases/list', body);
    return {
      status: ok(),
      db_name: 'default',
      aliases: Array.isArray(d) ? d.map(String) : [],
      collection_name: req?.collection_name ?? '',
    };
  }

  // REST v2 property endpoints; key-value pairs become the object these take.
  async alterCollectionProperties(req: Parameters<VectorClient['alterCollectionProperties']>[0]) {
    await this.request('collections/alter_properties', {
      collectionName: req.collection_name,
      properties: propertyObject(req.properties),
    });
    return ok();
  }

  async dropCollectionProperties(req: Parameters<VectorClient['dropCollectionProperties']>[0]) {
    await this.request('collections/drop_properties', {
      collectionName: req.collection_name,
      propertyKeys: req.properties ?? req.delete_keys ?? [],
    });
    return ok();
  }

  async alterCollectionFieldProperties(req: Parameters<VectorClient['alterCollectionFieldProperties']>[0]) {
    this.#schemas.clear();
    await this.request('collections/fields/alter_properties', {
      collectionName: req.collection_name,
      fieldName: req.field_name,
      fieldParams: propertyObject(req.properties),
    });
    return ok();
  }

  async alterIndexProperties(req: Parameters<VectorClient['alterIndexProperties']>[0]) {
    await this.request('indexes/alter_properties', {
      collectionName: req.collection_name,
      indexName: req.index_name,
      properties: propertyObject(req.params),
    });
    return ok();
  }

  async dropIndexProperties(req: Parameters<VectorClient['dropIndexProperties']>[0]) {
    await this.request('indexes/drop_properties', {
      collectionName: req.collection_name,
      indexName: req.index_name,
      propertyKeys: req.properties,
    });
    return ok();
  }

  async closeConnection(): Promise<void> {}
}

export async function createRestClient(config: RestClientConfig | string): Promise<RestClient> {
  return new RestClient(typeof config === 'string' ? { uri: config } : config);
}

const CONSISTENCY_NAMES = ['Strong', 'Session', 'Bounded', 'Eventually', 'Customized'] as const;

/** REST v2 takes the level by name (`consistencyLevel`); the SDK's enum numbers are mapped to it. */
function consistencyTo(body: Body, level: unknown): void {
  if (level === undefined || level === null) return;
  const name = typeof level === 'number' ? CONSISTENCY_NAMES[level] : level;
  if (typeof name !== 'string' || !(CONSISTENCY_NAMES as readonly string[]).includes(name)) {
    throw new ElanusError(
      'IllegalArgument',
      `invalid parameter consistency_level: expected one of ${CONSISTENCY_NAMES.join(', ')} or 0-4 (ConsistencyLevelEnum), got ${typeof level === 'string' ? JSON.stringify(level) : String(level)}`,
      { param: 'consistency_level' },
    );
  }
  body.consistencyLevel = name;
}

function propertyObject(p: unknown): Record<string, unknown> {
  if (!Array.isArray(p)) return (p ?? {}) as Record<string, unknown>;
  return Object.fromEntries((p as { key: string; value: unknown }[]).map((kv) => [kv.key, kv.value]));
}
