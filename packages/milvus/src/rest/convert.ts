import {
  type CreateCollectionReq,
  DataType,
  type DescribeCollectionRes,
  type FieldType,
  type IndexDescription,
  type RowData,
} from '@elanus/core';
import { type FieldInfo, type SchemaInfo, typeName } from '../schema/schema.js';
import { wireValue } from '../values.js';

/**
 * Shape conversions between the Node SDK shapes that `VectorClient` speaks and Milvus's RESTful API v2
 * bodies (camelCase, `elementTypeParams`, `{code, data}` envelopes).
 */
const ok = () => ({ error_code: 'Success', reason: '', code: 0 });
export const okStatus = ok;

const nameOf = (t: unknown): string | undefined => typeName(t);

function fieldToRest(f: FieldType, autoIdOut: { v: boolean }): Record<string, unknown> {
  const tp = (f.type_params ?? {}) as Record<string, unknown>;
  const params: Record<string, unknown> = {};
  const dim = f.dim ?? tp.dim;
  if (dim !== undefined) params.dim = Number(dim);
  const ml = f.max_length ?? tp.max_length;
  if (ml !== undefined) params.max_length = Number(ml);
  const mc = f.max_capacity ?? tp.max_capacity;
  if (mc !== undefined) params.max_capacity = Number(mc);
  if (f.enable_analyzer || tp.enable_analyzer === true || tp.enable_analyzer === 'true')
    params.enable_analyzer = true;
  if (f.enable_match || tp.enable_match === true || tp.enable_match === 'true') params.enable_match = true;
  const ap = f.analyzer_params ?? tp.analyzer_params;
  if (ap !== undefined) params.analyzer_params = typeof ap === 'string' ? JSON.parse(ap) : ap;
  if (f.is_primary_key && f.autoID) autoIdOut.v = true;
  const out: Record<string, unknown> = {
    fieldName: f.name,
    dataType: nameOf(f.data_type),
    isPrimary: f.is_primary_key === true,
    elementTypeParams: params,
  };
  if (f.element_type !== undefined && nameOf(f.element_type) !== 'None')
    out.elementDataType = nameOf(f.element_type);
  if (f.is_partition_key) out.isPartitionKey = true;
  if (f.nullable) out.nullable = true;
  if (f.default_value !== undefined && f.default_value !== null) out.defaultValue = f.default_value;
  if (f.description) out.description = f.description;
  return out;
}

function indexToRest(i: Record<string, unknown>): Record<string, unknown> {
  let params = (i.params ?? {}) as Record<string, unknown> | string;
  if (typeof params === 'string') params = JSON.parse(params) as Record<string, unknown>;
  const out: Record<string, unknown> = {
    fieldName: i.field_name,
    indexName: i.index_name ?? i.field_name,
    indexType: i.index_type ?? 'AUTOINDEX',
  };
  if (i.metric_type) out.metricType = i.metric_type;
  if (params && Object.keys(params).length) out.params = params;
  return out;
}

/** `createCollection` (SDK shape, quick or schema form) → POST /v2/vectordb/collections/create body. */
export function createBody(req: CreateCollectionReq, dbName: string | undefined): Record<string, unknown> {
  const body: Record<string, unknown> = { collectionName: req.collection_name };
  if (dbName) body.dbName = dbName;
  if (req.description) body.description = req.description;
  let fields = req.fields;
  let functions = req.functions;
  let dynamic = req.enable_dynamic_field;
  if (req.schema && !Array.isArray(req.schema)) {
    fields = req.schema.fields;
    functions = req.schema.functions ?? functions;
    dynamic = req.schema.enable_dynamic_field ?? dynamic;
  } else if (Array.isArray(req.schema)) fields = req.schema;
  const idx =
    req.index_params === undefined
      ? []
      : Array.isArray(req.index_params)
        ? req.index_params
        : [req.index_params];
  if (!fields) {
    body.dimension = req.dimension;
    if (req.metric_type) body.metricType = req.metric_type;
    if (req.id_type !== undefined) body.idType = nameOf(req.id_type);
    if (req.auto_id !== undefined) body.autoID = req.auto_id;
    if (req.primary_field_name) body.primaryFieldName = req.primary_field_name;
    if (req.vector_field_name) body.vectorFieldName = req.vector_field_name;
    if (req.max_length !== undefined) body.params = { max_length: req.max_length };
    if (idx.length) {
      body.indexParams = idx.map((i) =>
        indexToRest({
          field_name: req.vector_field_name ?? 'vector',
          metric_type: req.metric_type,
          ...(i as object),
        }),
      );
    }
    return body;
  }
  const auto = { v: false };
  const restFields = fields.map((f) => fieldToRest(f, auto));
  const schema: Record<string, unknown> = {
    autoID: auto.v,
    enableDynamicField: dynamic === true,
    fields: restFields,
  };
  if (functions?.length) {
    schema.functions = functions.map((fn) => ({
      name: fn.name,
      ...(fn.description ? { description: fn.description } : {}),
      type: fn.type === 1 || fn.type === 'BM25' ? 'BM25' : fn.type,
      inputFieldNames: fn.input_field_names,
      outputFieldNames: fn.output_field_names,
      params: fn.params ?? {},
    }));
  }
  body.schema = schema;
  if (idx.length) body.indexParams = idx.map((i) => indexToRest(i as Record<string, unknown>));
  const params: Record<string, unknown> = {};
  if (req.consistency_level) params.consistencyLevel = req.consistency_level;
  if (req.num_partitions !== undefined) params.partitionsNum = req.num_partitions;
  if (Object.keys(params).length) body.params = params;
  return body;
}

function paramsList(v: unknown): { key: string; value: string }[] {
  if (Array.isArray(v))
    return v.map((kv) => ({
      key: String(kv.key),
      value: typeof kv.value === 'string' ? kv.value : JSON.stringify(kv.value),
    }));
  if (v && typeof v === 'object') {
    return Object.entries(v as Record<string, unknown>).map(([key, value]) => ({
      key,
      value: typeof value === 'string' ? value : JSON.stringify(value),
    }));
  }
  return [];
}

/** REST describe answer → the SDK's DescribeCollectionRes shape. */
export function describeFromRest(d: Record<string, unknown>, collection: string): DescribeCollectionRes {
  const fields = ((d.fields as Record<string, unknown>[]) ?? []).map((f, i) => {
    const type = nameOf(f.type) ?? 'None';
    const tp = paramsList(f.params);
    const kv = Object.fromEntries(tp.map((p) => [p.key, p.value]));
    const el = f.elementType !== undefined ? nameOf(f.elementType) : undefined;
    const out: Record<string, unknown> = {
      fieldID: String(f.id ?? 100 + i),
      name: f.name,
      description: f.description ?? '',
      data_type: type,
      dataType: DataType[type as keyof typeof DataType] ?? 0,
      is_primary_key: f.primaryKey === true,
      autoID: f.autoId === true || f.autoID === true,
      element_type: el ?? 'None',
      type_params: tp,
      nullable: f.nullable === true,
      default_value: f.defaultValue ?? null,
      is_partition_key: f.partitionKey === true,
      is_function_output: f.isFunctionOutput === true,
      is_dynamic: false,
    };
    if (kv.dim !== undefined) out.dim = kv.dim;
    if (kv.max_length !== undefined) out.max_length = kv.max_length;
    if (kv.max_capacity !== undefined) out.max_capacity = kv.max_capacity;
    return out;
  });
  const functions = ((d.functions as Record<string, unknown>[]) ?? []).map((fn) => ({
    name: String(fn.name),
    description: String(fn.description ?? ''),
    type: fn.type === 1 || fn.type === 'BM25' || fn.type === 'FunctionType.BM25' ? 'BM25' : fn.type,
    input_field_names: (fn.inputFieldNames as string[]) ?? [],
    output_field_names: (fn.outputFieldNames as string[]) ?? [],
    params: Object.fromEntries(paramsList(fn.params).map((p) => [p.key, p.value])),
  }));
  const name = String(d.collectionName ?? collection);
  return {
    status: ok(),
    collection_name: name,
    collectionID: String(d.collectionID ?? d.collectionId ?? '0'),
    schema: {
      name,
      description: String(d.description ?? ''),
      enable_dynamic_field: d.enableDynamicField === true,
      autoID: d.autoId === true || d.autoID === true,
      fields: fields as never,
      functions: functions as never,
    },
    consistency_level: String(d.consistencyLevel ?? 'Bounded'),
    num_partitions: String(d.partitionsNum ?? 1),
    created_timestamp: '0',
    created_utc_timestamp: '0',
    shards_num: Number(d.shardsNum ?? 1),
    aliases: (d.aliases as string[]) ?? [],
    properties: paramsList(d.properties),
  };
}

/** One REST index description → the SDK shape (index_type/metric_type also inside `params`). */
export function indexFromRest(i: Record<string, unknown>): IndexDescription {
  const type = String(i.indexType ?? i.index_type ?? 'AUTOINDEX');
  const metric = String(i.metricType ?? i.metric_type ?? '');
  const extra =
    i.params && typeof i.params === 'object' && !Array.isArray(i.params)
      ? (i.params as Record<string, unknown>)
      : undefined;
  return {
    index_name: String(i.indexName ?? i.fieldName),
    field_name: String(i.fieldName),
    index_type: type,
    metric_type: metric,
    params: [
      { key: 'index_type', value: type },
      ...(metric ? [{ key: 'metric_type', value: metric }] : []),
      ...(extra ? [{ key: 'params', value: JSON.stringify(extra) }] : []),
    ],
    indexed_rows: String(i.indexedRows ?? 0),
    total_rows: String(i.totalRows ?? 0),
    pending_index_rows: String(i.pendingRows ?? 0),
    state: String(i.indexState ?? 'Finished'),
  };
}

function base64ToBytes(s: string): number[] {
  const bin = atob(s);
  const out = new Array<number>(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** Arrays may come as plain arrays or as the proto ScalarField object (`{Data: {LongData: {data}}}`). */
function arrayValues(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  let cur: unknown = v;
  for (let depth = 0; depth < 4 && cur && typeof cur === 'object'; depth++) {
    const o = cur as Record<string, unknown>;
    const data = o.data ?? o.Data;
    if (Array.isArray(data)) return data;
    cur = data ?? Object.values(o)[0];
  }
  return [];
}

function fromRestValue(f: FieldInfo, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  switch (f.type) {
    case 'Int64':
      return String(v);
    case 'JSON':
      if (typeof v === 'string') {
        try {
          return JSON.parse(v);
        } catch {
          return v;
        }
      }
      return v;
    case 'Array': {
      const a = arrayValues(v);
      return f.elementType === 'Int64' ? a.map((x) => String(x)) : a;
    }
    case 'BinaryVector':
      return typeof v === 'string' ? base64ToBytes(v) : v;
    default:
      return v;
  }
}

/**
 * A REST row → SDK shape: Int64 as strings, JSON parsed, dynamic keys gathered in `$meta` when all
 * fields were asked for (`*`), as the SDK returns them.
 */
export function rowFromRest(
  row: Record<string, unknown>,
  schema: SchemaInfo,
  output: string[] | undefined,
): RowData {
  const out: RowData = {};
  const all = !output || output.includes('*') || output.includes('$meta');
  let meta: Record<string, unknown> | undefined;
  for (const [k, v] of Object.entries(row)) {
    if (k === 'distance') continue;
    const f = schema.fields.find((x) => x.name === k);
    if (f) out[k] = fromRestValue(f, v);
    else if (k === '$meta' && v && typeof v === 'object') {
      meta = { ...(meta ?? {}), ...(v as Record<string, unknown>) };
    } else if (schema.dynamic && all && !output?.includes(k)) {
      meta ??= {};
      meta[k] = v;
    } else out[k] = v;
  }
  if (schema.dynamic && all) out.$meta = meta ?? {};
  return out;
}

/** Rows for insert/upsert: Int64 values (and Int64 array elements) as bigint so they serialize exactly. */
export function rowToRest(row: RowData, schema: SchemaInfo | undefined): RowData {
  const out: RowData = {};
  for (const [k, v] of Object.entries(row)) {
    if (k === '$meta' && v && typeof v === 'object' && !Array.isArray(v)) {
      for (const [mk, mv] of Object.entries(v as Record<string, unknown>))
        if (!(mk in row)) out[mk] = wireValue(mv);
      continue;
    }
    const f = schema?.fields.find((x) => x.name === k);
    if (f?.type === 'Int64' && (typeof v === 'string' || typeof v === 'number')) out[k] = toBig(v);
    else if (f?.type === 'Array' && f.elementType === 'Int64' && Array.isArray(v)) out[k] = v.map(toBig);
    else out[k] = wireValue(v);
  }
  return out;
}

function toBig(v: unknown): unknown {
  try {
    return typeof v === 'string' || typeof v === 'number' ? BigInt(v) : v;
  } catch {
    return v;
  }
}
