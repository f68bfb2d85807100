// TEST INFRASTRUCTURE — NOT A MILVUS. milvus-lite has no REST API, so this small Node http server
// answers the Milvus RESTful API v2 endpoints that @elanus/milvus's REST transport uses, translating each
// into a Node SDK call against milvus-lite. It mimics the parts of a real server the transport must cope
// with: errors as HTTP 200 with a non-zero `code`, Int64 values as JSON numbers (or strings), JSON
// fields as JSON text, dynamic fields flattened into rows, Milvus's CORS answer (only Authorization and
// Content-Type allowed), a Bearer token check, and injectable failures and delays.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { DataType, MilvusClient } from '@zilliz/milvus2-sdk-node';
import { parseJsonLossless, stringifyJson } from '../../packages/milvus/src/rest/json';

export interface GatewayOptions {
  /** milvus-lite's gRPC address (host:port). */
  milvusAddress: string;
  /** When set, requests must carry `Authorization: Bearer <token>`. */
  token?: string;
  /** How Int64 values are written (real servers do either, depending on configuration). Default number. */
  int64As?: 'number' | 'string';
}

export interface RecordedRequest {
  path: string;
  method: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface RestGateway {
  /** `http://127.0.0.1:PORT` */
  url: string;
  requests: RecordedRequest[];
  /** Answers the next matching requests with an error envelope (after letting `after` of them through). */
  failNext(path: string, opts?: { code?: number; message?: string; times?: number; after?: number }): void;
  /** Delays the next matching request by `ms`. */
  delayNext(path: string, ms: number): void;
  close(): Promise<void>;
}

type Body = Record<string, unknown>;
type Status = { error_code?: string | number; code?: number; reason?: string };

class GatewayError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

function check(s: Status | undefined): void {
  if (!s) return;
  if ((s.error_code !== undefined && s.error_code !== 'Success') || (s.code ?? 0) !== 0) {
    const code = s.code && s.code !== 0 ? s.code : s.error_code === 'CollectionNotExists' ? 100 : 1100;
    throw new GatewayError(code, s.reason || String(s.error_code));
  }
}

const typeName = (v: unknown): string => {
  if (typeof v === 'string') return v;
  return Object.entries(DataType).find(([, n]) => n === v)?.[0] ?? 'None';
};

export async function startRestGateway(options: GatewayOptions): Promise<RestGateway> {
  const sdk = new MilvusClient({
    address: options.milvusAddress,
    telemetry: { enabled: false } as never,
    logLevel: process.env.MILVUS_SDK_LOG_LEVEL ?? 'error',
  });
  const int64AsNumber = (options.int64As ?? 'number') === 'number';
  const requests: RecordedRequest[] = [];
  const failures: { path: string; code: number; message: string; times: number; after: number }[] = [];
  const delays: { path: string; ms: number }[] = [];
  const schemas = new Map<string, Body>();

  const describeRaw = async (name: string, db?: string) => {
    const d = (await sdk.describeCollection({
      collection_name: name,
      ...(db ? { db_name: db } : {}),
    })) as unknown as Body;
    check(d.status as Status);
    schemas.set(name, d);
    return d;
  };
  const fieldsOf = async (name: string) => ((await describeRaw(name)).schema as Body).fields as Body[];
  const int64 = (v: unknown) =>
    v === null || v === undefined ? v : int64AsNumber ? BigInt(String(v)) : String(v);

  /** SDK row → REST row: Int64 as numbers/strings, JSON fields as text, dynamic keys at the top level. */
  const restRow = (row: Body, fields: Body[]): Body => {
    const out: Body = {};
    for (const [k, v] of Object.entries(row)) {
      if (k === '$meta' && v && typeof v === 'object') {
        Object.assign(out, v);
        continue;
      }
      const f = fields.find((x) => x.name === k);
      const t = f ? typeName(f.data_type) : undefined;
      if (t === 'Int64') out[k] = int64(v);
      else if (t === 'JSON') out[k] = v === null ? null : JSON.stringify(v);
      else if (t === 'Array' && typeName(f?.element_type) === 'Int64' && Array.isArray(v))
        out[k] = v.map(int64);
      else out[k] = v;
    }
    return out;
  };

  const sdkFields = (schema: Body): Body[] =>
    ((schema.fields as Body[]) ?? []).map((f) => {
      const p = (f.elementTypeParams ?? {}) as Body;
      const out: Body = {
        name: f.fieldName,
        data_type: f.dataType,
        is_primary_key: f.isPrimary === true,
        autoID: f.isPrimary === true && schema.autoID === true,
      };
      if (f.elementDataType) out.element_type = f.elementDataType;
      if (f.isPartitionKey) out.is_partition_key = true;
      if (f.nullable) out.nullable = true;
      if (f.defaultValue !== undefined) out.default_value = f.defaultValue;
      for (const k of [
        'dim',
        'max_length',
        'max_capacity',
        'enable_analyzer',
        'enable_match',
        'analyzer_params',
      ]) {
        if (p[k] !== undefined) out[k] = p[k];
      }
      return out;
    });

  const sdkIndex = (i: Body): Body => ({
    field_name: i.fieldName,
    index_name: i.indexName ?? i.fieldName,
    index_type: i.indexType ?? 'FLAT',
    ...(i.metricType ? { metric_type: i.metricType } : {}),
    ...(i.params ? { params: i.params } : {}),
  });

  const metrics = new Map<string, string>();
  const metricOf = async (name: string, field: string | undefined, fields: Body[]) => {
    const f = field ?? String(fields.find((x) => typeName(x.data_type).endsWith('Vector'))?.name);
    const key = `${name}/${f}`;
    if (!metrics.has(key)) {
      const d = (await sdk
        .describeIndex({ collection_name: name, field_name: f })
        .catch(() => ({ index_descriptions: [] }))) as Body;
      const i = ((d.index_descriptions as Body[]) ?? [])[0];
      const kv = Object.fromEntries(
        ((i?.params as { key: string; value: string }[]) ?? []).map((p) => [p.key, p.value]),
      );
      if (kv.metric_type) metrics.set(key, kv.metric_type);
    }
    return metrics.get(key);
  };

  const kvList = (v: unknown) =>
    Array.isArray(v)
      ? v
      : Object.entries((v ?? {}) as Body).map(([key, value]) => ({ key, value: String(value) }));

  const handlers: Record<string, (b: Body) => Promise<unknown>> = {
    'collections/create': async (b) => {
      const name = String(b.collectionName);
      if (b.schema) {
        const schema = b.schema as Body;
        const res = await sdk.createCollection({
          collection_name: name,
          description: (b.description as string) ?? '',
          fields: sdkFields(schema) as never,
          enable_dynamic_field: schema.enableDynamicField === true,
          functions: ((schema.functions as Body[]) ?? []).map((fn) => ({
            name: fn.name,
            type: 1,
            input_field_names: fn.inputFieldNames,
            output_field_names: fn.outputFieldNames,
            params: fn.params ?? {},
          })) as never,
          ...(b.indexParams ? { index_params: (b.indexParams as Body[]).map(sdkIndex) as never } : {}),
          ...((b.params as Body)?.partitionsNum
            ? { num_partitions: Number((b.params as Body).partitionsNum) }
            : {}),
        });
        check(res);
      } else {
        const metric = (b.metricType as string) ?? 'COSINE';
        const res = await sdk.createCollection({
          collection_name: name,
          dimension: Number(b.dimension),
          metric_type: metric,
          ...(b.idType ? { id_type: b.idType as never } : {}),
          ...(b.autoID !== undefined ? { auto_id: b.autoID === true } : {}),
          ...(b.primaryFieldName ? { primary_field_name: b.primaryFieldName as string } : {}),
          ...(b.vectorFieldName ? { vector_field_name: b.vectorFieldName as string } : {}),
          index_params: { index_type: 'FLAT', metric_type: metric },
        } as never);
        check(res);
      }
      schemas.delete(name);
      return {};
    },
    'collections/describe': async (b) => {
      const name = String(b.collectionName);
      const d = await describeRaw(name);
      const schema = d.schema as Body;
      const idx = (await sdk
        .describeIndex({ collection_name: name })
        .catch(() => ({ index_descriptions: [] }))) as Body;
      const load = (await sdk.getLoadState({ collection_name: name })) as unknown as Body;
      return {
        collectionName: name,
        collectionID: BigInt(String(d.collectionID ?? 0)),
        description: schema.description ?? '',
        autoId: schema.autoID === true,
        enableDynamicField: schema.enable_dynamic_field === true,
        consistencyLevel: d.consistency_level,
        shardsNum: d.shards_num,
        partitionsNum: Number(d.num_partitions ?? 1),
        load: load.state,
        aliases: d.aliases ?? [],
        properties: d.properties ?? [],
        fields: ((schema.fields as Body[]) ?? []).map((f, i) => {
          const out: Body = {
            name: f.name,
            type: typeName(f.data_type),
            primaryKey: f.is_primary_key === true,
            partitionKey: f.is_partition_key === true,
            clusteringKey: false,
            autoId: f.autoID === true,
            description: f.description ?? '',
            nullable: f.nullable === true,
            id: 100 + i,
          };
          if (Array.isArray(f.type_params) && f.type_params.length) out.params = f.type_params;
          if (typeName(f.data_type) === 'Array') out.elementType = typeName(f.element_type);
          if (f.is_function_output) out.isFunctionOutput = true;
          const dv = f.default_value as Body | null;
          if (dv && typeof dv === 'object') {
            const e = Object.entries(dv).find(
              ([k, v]) => k.endsWith('_data') && v !== undefined && v !== null,
            );
            if (e) out.defaultValue = e[0] === 'long_data' ? Number(e[1]) : e[1];
          }
          return out;
        }),
        functions: ((schema.functions as Body[]) ?? []).map((fn, i) => ({
          name: fn.name,
          description: fn.description ?? '',
          type: 'BM25',
          id: 100 + i,
          inputFieldNames: fn.input_field_names,
          outputFieldNames: fn.output_field_names,
          params: kvList(fn.params),
        })),
        indexes: ((idx.index_descriptions as Body[]) ?? []).map((i) => ({
          fieldName: i.field_name,
          indexName: i.index_name,
          metricType:
            ((i.params as { key: string; value: string }[]) ?? []).find((p) => p.key === 'metric_type')
              ?.value ?? '',
        })),
      };
    },
    'collections/has': async (b) => {
      const r = (await sdk.hasCollection({ collection_name: String(b.collectionName) })) as unknown as Body;
      check(r.status as Status);
      return { has: r.value === true };
    },
    'collections/list': async () => {
      const r = (await sdk.showCollections()) as unknown as Body;
      check(r.status as Status);
      return ((r.data as Body[]) ?? []).map((c) => c.name);
    },
    'collections/drop': async (b) => {
      check(await sdk.dropCollection({ collection_name: String(b.collectionName) }));
      return {};
    },
    'collections/rename': async (b) => {
      check(
        await sdk.renameCollection({
          collection_name: String(b.collectionName),
          new_collection_name: String(b.newCollectionName),
        }),
      );
      return {};
    },
    'aliases/create': async (b) => {
      check(await sdk.createAlias({ collection_name: String(b.collectionName), alias: String(b.aliasName) }));
      return {};
    },
    'aliases/alter': async (b) => {
      check(await sdk.alterAlias({ collection_name: String(b.collectionName), alias: String(b.aliasName) }));
      return {};
    },
    'aliases/drop': async (b) => {
      check(await sdk.dropAlias({ alias: String(b.aliasName) }));
      return {};
    },
    'aliases/describe': async (b) => {
      // The SDK requires a collection_name the server ignores.
      const r = (await sdk.describeAlias({
        alias: String(b.aliasName),
        collection_name: String(b.aliasName),
      })) as unknown as Body;
      check(r.status as Status);
      return { aliasName: r.alias, collectionName: r.collection, dbName: r.db_name || 'default' };
    },
    'aliases/list': async (b) => {
      const names = b.collectionName
        ? [String(b.collectionName)]
        : (((await sdk.showCollections()) as unknown as Body).data as Body[]).map((c) => String(c.name));
      const all: string[] = [];
      for (const collection_name of names) {
        const r = (await sdk.listAliases({ collection_name })) as unknown as Body;
        check(r.status as Status);
        all.push(...((r.aliases as string[]) ?? []));
      }
      return all;
    },
    'collections/get_stats': async (b) => {
      const r = (await sdk.getCollectionStatistics({
        collection_name: String(b.collectionName),
      })) as unknown as Body;
      check(r.status as Status);
      return { rowCount: Number((r.data as Body).row_count) };
    },
    'collections/load': async (b) => {
      check(await sdk.loadCollectionSync({ collection_name: String(b.collectionName) }));
      return {};
    },
    'collections/release': async (b) => {
      check(await sdk.releaseCollection({ collection_name: String(b.collectionName) }));
      return {};
    },
    'collections/get_load_state': async (b) => {
      const r = (await sdk.getLoadState({ collection_name: String(b.collectionName) })) as unknown as Body;
      check(r.status as Status);
      return { loadState: r.state, loadProgress: r.state === 'LoadStateLoaded' ? 100 : 0 };
    },
    'partitions/create': async (b) => {
      check(
        await sdk.createPartition({
          collection_name: String(b.collectionName),
          partition_name: String(b.partitionName),
        }),
      );
      return {};
    },
    'partitions/drop': async (b) => {
      check(
        await sdk.dropPartition({
          collection_name: String(b.collectionName),
          partition_name: String(b.partitionName),
        }),
      );
      return {};
    },
    'partitions/release': async () => ({}),
    'partitions/has': async (b) => {
      const r = (await sdk.hasPartition({
        collection_name: String(b.collectionName),
        partition_name: String(b.partitionName),
      })) as unknown as Body;
      check(r.status as Status);
      return { has: r.value === true };
    },
    'partitions/list': async (b) => {
      const r = (await sdk.listPartitions({ collection_name: String(b.collectionName) })) as unknown as Body;
      check(r.status as Status);
      return r.partition_names;
    },
    'indexes/create': async (b) => {
      for (const i of (b.indexParams as Body[]) ?? []) {
        check(await sdk.createIndex({ collection_name: String(b.collectionName), ...sdkIndex(i) } as never));
      }
      return {};
    },
    'indexes/list': async (b) => {
      const r = (await sdk.listIndexes({ collection_name: String(b.collectionName) })) as unknown as Body;
      check(r.status as Status);
      return r.indexes;
    },
    'indexes/describe': async (b) => {
      const r = (await sdk.describeIndex({
        collection_name: String(b.collectionName),
        index_name: String(b.indexName),
      })) as unknown as Body;
      check(r.status as Status);
      return ((r.index_descriptions as Body[]) ?? []).map((i) => {
        const kv = Object.fromEntries(
          ((i.params as { key: string; value: string }[]) ?? []).map((p) => [p.key, p.value]),
        );
        return {
          indexName: i.index_name,
          fieldName: i.field_name,
          indexType: kv.index_type,
          metricType: kv.metric_type ?? '',
          ...(kv.params ? { params: JSON.parse(kv.params) } : {}),
          totalRows: Number(i.total_rows ?? 0),
          indexedRows: Number(i.indexed_rows ?? 0),
          pendingRows: Number(i.pending_index_rows ?? 0),
          indexState: i.state ?? 'Finished',
          failReason: '',
        };
      });
    },
    'indexes/drop': async (b) => {
      check(
        await sdk.dropIndex({
          collection_name: String(b.collectionName),
          index_name: String(b.indexName),
        } as never),
      );
      return {};
    },
    'entities/insert': async (b) => {
      const data = b.data as Body[];
      const r = (await sdk.insert({
        collection_name: String(b.collectionName),
        data: data as never,
        ...(b.partitionName ? { partition_name: String(b.partitionName) } : {}),
      })) as unknown as Body;
      check(r.status as Status);
      const ids = r.IDs as Body;
      const list = ((ids.int_id as Body)?.data ?? (ids.str_id as Body)?.data ?? []) as string[];
      return { insertCount: Number(r.insert_cnt), insertIds: ids.int_id ? list.map(int64) : list };
    },
    'entities/upsert': async (b) => {
      const data = b.data as Body[];
      const r = (await sdk.upsert({
        collection_name: String(b.collectionName),
        data: data as never,
        ...(b.partitionName ? { partition_name: String(b.partitionName) } : {}),
      })) as unknown as Body;
      check(r.status as Status);
      const ids = r.IDs as Body;
      const list = ((ids.int_id as Body)?.data ?? (ids.str_id as Body)?.data ?? []) as string[];
      return { upsertCount: Number(r.upsert_cnt), upsertIds: ids.int_id ? list.map(int64) : list };
    },
    'entities/delete': async (b) => {
      const r = (await sdk.delete({
        collection_name: String(b.collectionName),
        filter: String(b.filter),
        ...(b.partitionName ? { partition_name: String(b.partitionName) } : {}),
      })) as unknown as Body;
      check(r.status as Status);
      return {};
    },
    'entities/query': async (b) => {
      const name = String(b.collectionName);
      const fields = await fieldsOf(name);
      const output = (b.outputFields as string[]) ?? ['*'];
      const r = (await sdk.query({
        collection_name: name,
        filter: String(b.filter ?? ''),
        output_fields: output,
        ...(b.limit !== undefined ? { limit: Number(b.limit) } : {}),
        ...(b.offset !== undefined ? { offset: Number(b.offset) } : {}),
        ...(b.partitionNames ? { partition_names: b.partitionNames as string[] } : {}),
      })) as unknown as Body;
      check(r.status as Status);
      const rows = (r.data as Body[]) ?? [];
      if (output.length === 1 && output[0] === 'count(*)')
        return rows.map((x) => ({ 'count(*)': Number(x['count(*)']) }));
      return rows.map((row) => restRow(row, fields));
    },
    'entities/get': async (b) => {
      const name = String(b.collectionName);
      const fields = await fieldsOf(name);
      const ids = Array.isArray(b.id) ? b.id : [b.id];
      const r = (await sdk.get({
        collection_name: name,
        ids: ids.map(String),
        output_fields: (b.outputFields as string[]) ?? ['*'],
      })) as unknown as Body;
      check(r.status as Status);
      return ((r.data as Body[]) ?? []).map((row) => restRow(row, fields));
    },
    'entities/search': async (b) => {
      const name = String(b.collectionName);
      const fields = await fieldsOf(name);
      const pk = String(fields.find((f) => f.is_primary_key)?.name ?? 'id');
      const sp = (b.searchParams ?? {}) as Body;
      const data = b.data as unknown[];
      const output = (b.outputFields as string[]) ?? [];
      // Milvus takes the metric from the index; milvus-lite wants it spelled out.
      const metric = sp.metricType ?? (await metricOf(name, b.annsField as string | undefined, fields));
      const r = (await sdk.search({
        collection_name: name,
        data: data as never,
        limit: Number(b.limit ?? 10),
        ...(b.annsField ? { anns_field: String(b.annsField) } : {}),
        ...(b.filter ? { filter: String(b.filter) } : {}),
        ...(b.offset ? { offset: Number(b.offset) } : {}),
        output_fields: [...new Set([...output, pk])],
        ...(metric ? { metric_type: String(metric) } : {}),
        ...(sp.params ? { params: sp.params as never } : {}),
        ...(b.partitionNames ? { partition_names: b.partitionNames as string[] } : {}),
      })) as unknown as Body;
      check(r.status as Status);
      const groups = (data.length > 1 ? r.results : [r.results]) as Body[][];
      const flat: Body[] = [];
      for (const g of groups) {
        for (const h of g) {
          const { score, id, ...rest } = h;
          const row = restRow({ ...rest, [pk]: rest[pk] ?? id }, fields);
          flat.push({ ...row, distance: score });
        }
      }
      return { __envelope: true, data: flat, topks: groups.map((g) => g.length) };
    },
    'entities/hybrid_search': async (b) => {
      const name = String(b.collectionName);
      const fields = await fieldsOf(name);
      const pk = String(fields.find((f) => f.is_primary_key)?.name ?? 'id');
      const output = (b.outputFields as string[]) ?? [];
      for (const s of (b.search as Body[]) ?? []) await metricOf(name, s.annsField as string, fields);
      const rr = (b.rerank ?? {}) as Body;
      const r = (await sdk.hybridSearch({
        collection_name: name,
        data: ((b.search as Body[]) ?? []).map((s) => ({
          data: (s.data as unknown[]).length === 1 ? (s.data as unknown[])[0] : s.data,
          anns_field: s.annsField,
          limit: s.limit,
          ...(s.filter ? { expr: s.filter } : {}),
          params: {
            ...((s.params as Body) ?? {}),
            metric_type: s.metricType ?? metrics.get(`${name}/${String(s.annsField)}`),
          },
        })) as never,
        rerank: { strategy: rr.strategy ?? 'rrf', params: rr.params ?? {} } as never,
        limit: Number(b.limit ?? 10),
        output_fields: [...new Set([...output, pk])],
      })) as unknown as Body;
      check(r.status as Status);
      return ((r.results as Body[]) ?? []).map((h) => {
        const { score, id, ...rest } = h;
        return { ...restRow({ ...rest, [pk]: rest[pk] ?? id }, fields), distance: score };
      });
    },
  };

  const cors = (req: IncomingMessage, res: ServerResponse) => {
    res.setHeader('Access-Control-Allow-Origin', req.headers.origin ?? '*');
    res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
    res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type');
    res.setHeader('Vary', 'Origin');
  };

  const send = (res: ServerResponse, body: unknown, status = 200) => {
    const text = stringifyJson(body);
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(text);
  };

  const server: Server = createServer(async (req, res) => {
    cors(req, res);
    if (req.method === 'OPTIONS') {
      const path = (req.url ?? '').replace(/^\/v2\/vectordb\//, '');
      requests.push({ path, method: 'OPTIONS', headers: { ...req.headers }, body: '' });
      const asked = String(req.headers['access-control-request-headers'] ?? '')
        .split(',')
        .map((h) => h.trim().toLowerCase())
        .filter(Boolean);
      // Like Milvus: only these two request headers pass a preflight.
      if (asked.some((h) => h !== 'authorization' && h !== 'content-type'))
        res.removeHeader('Access-Control-Allow-Headers');
      res.writeHead(204);
      res.end();
      return;
    }
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const path = (req.url ?? '').replace(/^\/v2\/vectordb\//, '').replace(/\?.*$/, '');
    requests.push({ path, method: req.method ?? '', headers: { ...req.headers }, body: text });
    const delay = delays.findIndex((d) => d.path === path);
    if (delay >= 0) {
      const [d] = delays.splice(delay, 1);
      await new Promise((r) => setTimeout(r, d!.ms));
    }
    if (options.token && req.headers.authorization !== `Bearer ${options.token}`) {
      send(res, { code: 1800, message: "user hasn't authenticated" });
      return;
    }
    const fail = failures.find((f) => f.path === path);
    if (fail) {
      if (fail.after > 0) fail.after--;
      else {
        fail.times--;
        if (fail.times <= 0) failures.splice(failures.indexOf(fail), 1);
        send(res, { code: fail.code, message: fail.message });
        return;
      }
    }
    const handler = handlers[path];
    if (req.method !== 'POST' || !handler) {
      send(res, { code: 404, message: `no such endpoint: ${req.method} ${req.url}` }, 404);
      return;
    }
    try {
      const body = (text ? parseJsonLossless(text) : {}) as Body;
      const data = await handler(body);
      if (data && typeof data === 'object' && (data as Body).__envelope) {
        const { __envelope, ...rest } = data as Body;
        send(res, { code: 0, ...rest });
      } else send(res, { code: 0, data });
    } catch (e) {
      const code = e instanceof GatewayError ? e.code : 1100;
      send(res, { code, message: e instanceof Error ? e.message : String(e) });
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const addr = server.address();
  if (!addr || typeof addr !== 'object') throw new Error('gateway has no address');
  return {
    url: `http://127.0.0.1:${addr.port}`,
    requests,
    failNext(path, opts = {}) {
      failures.push({
        path,
        code: opts.code ?? 65535,
        message: opts.message ?? 'injected server error',
        times: opts.times ?? 1,
        after: opts.after ?? 0,
      });
    },
    delayNext(path, ms) {
      delays.push({ path, ms });
    },
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await sdk.closeConnection();
    },
  };
}
