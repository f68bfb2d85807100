import {
  type CreateCollectionReq,
  DataType,
  type DescribeCollectionRes,
  type DescribeIndexRes,
  ElanusError,
  type FieldType,
  type FunctionObject,
} from '@elanus/core';

export type DataTypeName = keyof typeof DataType;

/** Vector types, and those that carry a `dim`. */
export const VECTOR_TYPES: ReadonlySet<string> = new Set([
  'FloatVector',
  'Float16Vector',
  'BFloat16Vector',
  'Int8Vector',
  'BinaryVector',
  'SparseFloatVector',
]);
const DIM_TYPES: ReadonlySet<string> = new Set([...VECTOR_TYPES].filter((t) => t !== 'SparseFloatVector'));
/** The index a vector field gets when its source names none (Int8Vector: HNSW, all Milvus builds on it). */
const FLAT_TYPES: Readonly<Record<string, string>> = {
  FloatVector: 'FLAT',
  Float16Vector: 'FLAT',
  BFloat16Vector: 'FLAT',
  Int8Vector: 'HNSW',
  BinaryVector: 'BIN_FLAT',
};

/**
 * One field, read from a `describeCollection` answer of any backend (local engine, Node SDK, REST
 * converted to the SDK shape) and normalised so two sides can be compared and recreated.
 */
export interface FieldInfo {
  name: string;
  type: DataTypeName;
  isPrimary: boolean;
  autoID: boolean;
  dim?: number;
  maxLength?: number;
  elementType?: DataTypeName;
  maxCapacity?: number;
  nullable: boolean;
  defaultValue?: unknown;
  partitionKey: boolean;
  functionOutput: boolean;
  enableAnalyzer: boolean;
  enableMatch: boolean;
  analyzerParams?: Record<string, unknown>;
  description: string;
}

export interface FunctionInfo {
  name: string;
  type: 'BM25';
  inputs: string[];
  outputs: string[];
  params: Record<string, unknown>;
  description: string;
}

export interface SchemaInfo {
  name: string;
  description: string;
  fields: FieldInfo[];
  functions: FunctionInfo[];
  dynamic: boolean;
  pk: FieldInfo;
  /** Partition-key collections manage their partitions themselves: sync treats them as one partition. */
  hasPartitionKey: boolean;
}

export interface IndexInfo {
  field: string;
  name: string;
  type: string;
  metric: string;
  params: Record<string, unknown>;
}

const TYPE_NAMES = Object.keys(DataType) as DataTypeName[];

export function typeName(v: unknown): DataTypeName | undefined {
  if (typeof v === 'number') return TYPE_NAMES.find((k) => DataType[k] === v);
  if (typeof v === 'string') {
    // REST v1 style names carry the size: "FloatVector(4)", "VarChar(64)".
    const base = v.replace(/\(.*\)$/, '');
    return TYPE_NAMES.find((k) => k.toLowerCase() === base.toLowerCase());
  }
  return undefined;
}

function kvToObject(v: unknown): Record<string, unknown> {
  if (Array.isArray(v)) {
    const o: Record<string, unknown> = {};
    for (const kv of v as { key?: string; value?: unknown }[])
      if (kv && typeof kv.key === 'string') o[kv.key] = kv.value;
    return o;
  }
  return v && typeof v === 'object' ? { ...(v as Record<string, unknown>) } : {};
}

function toInt(v: unknown): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

const truthy = (v: unknown): boolean => v === true || v === 'true' || v === 'True';

function parseMaybeJson(v: unknown): Record<string, unknown> | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'string') {
    try {
      const o = JSON.parse(v);
      return o && typeof o === 'object' ? (o as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  }
  return typeof v === 'object' ? (v as Record<string, unknown>) : undefined;
}

/** SDK default values arrive wrapped (`{ long_data: '5' }`); REST and the local engine give the value. */
function unwrapDefault(v: unknown): unknown {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'object' && !Array.isArray(v)) {
    const entries = Object.entries(v as Record<string, unknown>).filter(
      ([, x]) => x !== undefined && x !== null,
    );
    const data = entries.find(([k]) => k.endsWith('_data'));
    if (data) return data[0] === 'long_data' ? Number(data[1]) : data[1];
    if (entries.length === 0) return undefined;
  }
  return v;
}

function fieldFrom(raw: Record<string, unknown>): FieldInfo {
  const tp = kvToObject(raw.type_params);
  const type = typeName(raw.data_type) ?? typeName(raw.dataType);
  if (!type) {
    throw new ElanusError(
      'SchemaMismatch',
      `field "${String(raw.name)}" has an unknown data type ${JSON.stringify(raw.data_type)}`,
    );
  }
  const el = typeName(raw.element_type);
  const f: FieldInfo = {
    name: String(raw.name),
    type,
    isPrimary: raw.is_primary_key === true,
    autoID: raw.autoID === true,
    nullable: raw.nullable === true,
    partitionKey: raw.is_partition_key === true,
    functionOutput: raw.is_function_output === true,
    enableAnalyzer: truthy(raw.enable_analyzer) || truthy(tp.enable_analyzer),
    enableMatch: truthy(raw.enable_match) || truthy(tp.enable_match),
    description: typeof raw.description === 'string' ? raw.description : '',
  };
  const dim = toInt(raw.dim ?? tp.dim);
  if (dim !== undefined && DIM_TYPES.has(type)) f.dim = dim;
  const ml = toInt(raw.max_length ?? tp.max_length);
  if (ml !== undefined && (type === 'VarChar' || type === 'Array')) f.maxLength = ml;
  if (type === 'Array') {
    if (el && el !== 'None') f.elementType = el;
    const mc = toInt(raw.max_capacity ?? tp.max_capacity);
    if (mc !== undefined) f.maxCapacity = mc;
  }
  const ap = parseMaybeJson(raw.analyzer_params ?? tp.analyzer_params);
  if (ap) f.analyzerParams = ap;
  const dv = unwrapDefault(raw.default_value);
  if (dv !== undefined) f.defaultValue = dv;
  return f;
}

function functionFrom(raw: FunctionObject | Record<string, unknown>): FunctionInfo {
  const r = raw as Record<string, unknown>;
  const t = r.type;
  if (!(t === 1 || t === 'BM25' || t === 'bm25')) {
    throw new ElanusError(
      'SchemaMismatch',
      `function "${String(r.name)}" has type ${JSON.stringify(t)}; only BM25 is supported`,
    );
  }
  return {
    name: String(r.name),
    type: 'BM25',
    inputs: [...((r.input_field_names as string[]) ?? [])],
    outputs: [...((r.output_field_names as string[]) ?? [])],
    params: kvToObject(r.params),
    description: typeof r.description === 'string' ? r.description : '',
  };
}

export function schemaFromDescribe(d: DescribeCollectionRes): SchemaInfo {
  const s = d.schema as unknown as Record<string, unknown> | null;
  if (!s || !Array.isArray(s.fields)) {
    throw new ElanusError(
      'SchemaMismatch',
      `collection "${d.collection_name}" has no schema in its description`,
    );
  }
  const fields = (s.fields as Record<string, unknown>[])
    .filter((f) => f.is_dynamic !== true && f.name !== '$meta')
    .map(fieldFrom);
  const pk = fields.find((f) => f.isPrimary);
  if (!pk)
    throw new ElanusError('SchemaMismatch', `collection "${d.collection_name}" has no primary key field`);
  // Some servers leave is_function_output unset: the BM25 outputs say it.
  const functions = ((s.functions as Record<string, unknown>[] | undefined) ?? []).map(functionFrom);
  for (const fn of functions)
    for (const o of fn.outputs) {
      const f = fields.find((x) => x.name === o);
      if (f) f.functionOutput = true;
    }
  return {
    name: String(s.name ?? d.collection_name),
    description: typeof s.description === 'string' ? s.description : '',
    fields,
    functions,
    dynamic: s.enable_dynamic_field === true,
    pk,
    hasPartitionKey: fields.some((f) => f.partitionKey),
  };
}

export function indexesFromDescribe(d: DescribeIndexRes | undefined): IndexInfo[] {
  return (d?.index_descriptions ?? []).map((x) => {
    const raw = x as unknown as Record<string, unknown>;
    const kv = kvToObject(raw.params);
    const params = parseMaybeJson(kv.params) ?? {};
    // Real Milvus also lists build params (M, efConstruction...) as top-level keys.
    for (const [k, v] of Object.entries(kv)) {
      if (k === 'index_type' || k === 'metric_type' || k === 'params' || k === 'mmap.enabled') continue;
      params[k] = typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v;
    }
    return {
      field: String(raw.field_name),
      name: String(raw.index_name ?? raw.field_name),
      type: String(raw.index_type ?? kv.index_type ?? 'AUTOINDEX').toUpperCase(),
      metric: String(raw.metric_type ?? kv.metric_type ?? '').toUpperCase(),
      params,
    };
  });
}

export interface SchemaDifference {
  /** Field or function name; `''` for collection-level properties. */
  field: string;
  property: string;
  local: unknown;
  remote: unknown;
}

const FIELD_PROPS = [
  'type',
  'isPrimary',
  'dim',
  'maxLength',
  'elementType',
  'maxCapacity',
  'nullable',
  'partitionKey',
  'functionOutput',
  'enableAnalyzer',
  'defaultValue',
] as const satisfies readonly (keyof FieldInfo)[];

const canon = (v: unknown): string =>
  v === undefined ? 'undefined' : JSON.stringify(v, Object.keys(v ?? {}).sort());

/**
 * Field-by-field comparison of what sync needs to agree on. Descriptions, indexes and autoID are not
 * compared: sync always writes explicit keys, and indexes may legitimately differ between the sides.
 */
export function compareSchemas(local: SchemaInfo, remote: SchemaInfo): SchemaDifference[] {
  const out: SchemaDifference[] = [];
  if (local.dynamic !== remote.dynamic) {
    out.push({ field: '', property: 'enable_dynamic_field', local: local.dynamic, remote: remote.dynamic });
  }
  const names = [...new Set([...local.fields.map((f) => f.name), ...remote.fields.map((f) => f.name)])];
  for (const name of names) {
    const l = local.fields.find((f) => f.name === name);
    const r = remote.fields.find((f) => f.name === name);
    if (!l || !r) {
      out.push({
        field: name,
        property: 'presence',
        local: l ? 'present' : 'missing',
        remote: r ? 'present' : 'missing',
      });
      continue;
    }
    for (const p of FIELD_PROPS) {
      const a = l[p];
      const b = r[p];
      // Some servers (milvus-lite 3.2) do not report an Array's element max_length: unknown is not different.
      if (p === 'maxLength' && l.type === 'Array' && (a === undefined || b === undefined)) continue;
      if (canon(a) !== canon(b)) out.push({ field: name, property: p, local: a, remote: b });
    }
  }
  const fnNames = [
    ...new Set([...local.functions.map((f) => f.name), ...remote.functions.map((f) => f.name)]),
  ];
  for (const name of fnNames) {
    const l = local.functions.find((f) => f.name === name);
    const r = remote.functions.find((f) => f.name === name);
    if (!l || !r) {
      out.push({
        field: name,
        property: 'function',
        local: l ? 'present' : 'missing',
        remote: r ? 'present' : 'missing',
      });
    } else if (canon([l.type, l.inputs, l.outputs]) !== canon([r.type, r.inputs, r.outputs])) {
      out.push({
        field: name,
        property: 'function',
        local: [l.type, l.inputs, l.outputs],
        remote: [r.type, r.inputs, r.outputs],
      });
    }
  }
  return out;
}

export function mismatchError(collection: string, differences: SchemaDifference[]): ElanusError {
  const lines = differences.map(
    (d) =>
      `${d.field || '(collection)'}.${d.property}: local ${JSON.stringify(d.local)}, remote ${JSON.stringify(d.remote)}`,
  );
  return new ElanusError(
    'SchemaMismatch',
    `the local and remote schemas of collection "${collection}" differ (${differences.length}): ${lines.join('; ')}`,
    { collection, differences },
  );
}

/** Index types each side can build; others are mapped (documented in README of the issue). */
const LOCAL_DENSE = new Set(['FLAT', 'HNSW', 'AUTOINDEX']);
/** Float vector types: the local engine searches the half-float ones over a decoded float32 copy. */
const FLOAT_TYPES = new Set<string>(['FloatVector', 'Float16Vector', 'BFloat16Vector']);
const LOCAL_SPARSE = new Set(['SPARSE_INVERTED_INDEX', 'SPARSE_WAND', 'AUTOINDEX']);

/** Maps an index definition to one the target builds. Local targets know FLAT/HNSW/sparse only. */
export function mapIndexFor(target: 'local' | 'remote', idx: IndexInfo, field: FieldInfo): IndexInfo {
  if (target === 'remote') return idx;
  // Milvus builds only HNSW on an Int8Vector field, and so does the local engine.
  if (field.type === 'Int8Vector' && idx.type !== 'HNSW') return { ...idx, type: 'AUTOINDEX', params: {} };
  if (FLOAT_TYPES.has(field.type) && !LOCAL_DENSE.has(idx.type)) {
    // IVF_*, DISKANN, SCANN...: the local engine's approximate index is HNSW.
    return { ...idx, type: 'AUTOINDEX', params: {} };
  }
  if (field.type === 'SparseFloatVector' && !LOCAL_SPARSE.has(idx.type)) {
    return { ...idx, type: 'SPARSE_INVERTED_INDEX', params: {} };
  }
  return idx;
}

export interface CreateOptions {
  /** Keep the source's autoID flag (default false: sync carries explicit keys). */
  keepAutoID?: boolean;
  indexes?: IndexInfo[];
  target: 'local' | 'remote';
}

/** A `createCollection` request (Node SDK shape; every transport and the engine accept it). */
export function toCreateRequest(
  info: SchemaInfo,
  collection: string,
  opts: CreateOptions,
): CreateCollectionReq {
  const fields: FieldType[] = info.fields.map((f) => {
    const out: FieldType = {
      name: f.name,
      data_type: DataType[f.type],
      description: f.description,
      is_primary_key: f.isPrimary,
    };
    if (f.isPrimary) out.autoID = opts.keepAutoID === true && f.autoID;
    if (f.dim !== undefined) out.dim = f.dim;
    if (f.maxLength !== undefined) out.max_length = f.maxLength;
    else if (f.elementType === 'VarChar') out.max_length = 65535; // the source did not say: Milvus's maximum
    if (f.elementType !== undefined) out.element_type = DataType[f.elementType];
    if (f.maxCapacity !== undefined) out.max_capacity = f.maxCapacity;
    if (f.nullable) out.nullable = true;
    if (f.defaultValue !== undefined) out.default_value = f.defaultValue;
    if (f.partitionKey) out.is_partition_key = true;
    if (f.enableAnalyzer) out.enable_analyzer = true;
    if (f.enableMatch) out.enable_match = true;
    if (f.analyzerParams) out.analyzer_params = f.analyzerParams;
    return out;
  });
  const functions: FunctionObject[] = info.functions.map((fn) => ({
    name: fn.name,
    description: fn.description,
    type: 1 as FunctionObject['type'],
    input_field_names: [...fn.inputs],
    output_field_names: [...fn.outputs],
    params: { ...fn.params },
  }));
  const req: CreateCollectionReq = {
    collection_name: collection,
    description: info.description,
    fields,
    enable_dynamic_field: info.dynamic,
  };
  if (functions.length) req.functions = functions;
  const idx = (opts.indexes ?? []).flatMap((i) => {
    const f = info.fields.find((x) => x.name === i.field);
    if (!f) return [];
    const m = mapIndexFor(opts.target, i, f);
    return [
      {
        field_name: m.field,
        index_name: m.name,
        index_type: m.type,
        ...(m.metric ? { metric_type: m.metric } : {}),
        params: m.params,
      },
    ];
  });
  // Every vector field needs an index before the collection can load (milvus-lite insists on index_type).
  for (const f of info.fields) {
    if (!VECTOR_TYPES.has(f.type)) continue;
    if (idx.some((i) => i.field_name === f.name)) continue;
    const type = FLAT_TYPES[f.type] ?? 'SPARSE_INVERTED_INDEX';
    const metric =
      FLAT_TYPES[f.type] && f.type !== 'BinaryVector'
        ? 'COSINE'
        : f.type === 'BinaryVector'
          ? 'HAMMING'
          : f.functionOutput
            ? 'BM25'
            : 'IP';
    idx.push({ field_name: f.name, index_name: f.name, index_type: type, metric_type: metric, params: {} });
  }
  if (idx.length) req.index_params = idx;
  return req;
}
