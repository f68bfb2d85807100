import type {
  CollectionReq,
  CreateIndexReq,
  DescribeIndexRes,
  ListIndexesRes,
  LoadStateRes,
  ResStatus,
} from '../client/types.js';
import type { Collection, IndexDef } from '../collection/collection.js';
import type { Engine } from '../engine/engine.js';
import { elanusError } from '../errors/index.js';
import { checkIndexParams, fieldKindOf, indexTypesFor as registryTypes } from '../indexes/factory.js';
import {
  DataType,
  DataTypeName,
  type FieldSchema,
  isDenseVectorType,
  isVectorType,
  type MetricType,
} from '../schema/types.js';
import { ok, propertyList } from './common.js';

const DENSE_TYPES = [...registryTypes('dense'), 'AUTOINDEX'];
const SPARSE_TYPES = [...registryTypes('sparse'), 'AUTOINDEX'];
const BINARY_TYPES = [...registryTypes('binary'), 'AUTOINDEX'];
/** Milvus builds only HNSW on an Int8Vector field (its AUTOINDEX is HNSW too). */
const INT8_TYPES = ['HNSW', 'AUTOINDEX'];
const SCALAR_TYPES = ['INVERTED', 'STL_SORT', 'TRIE', 'BITMAP', 'AUTOINDEX'];
/** Milvus's vector index types that Elanus does not build: named apart, so a ported app learns why. */
const MILVUS_TYPES_NOT_BUILT = [
  'IVF_RABITQ',
  'HNSW_PQ',
  'HNSW_PRQ',
  'DISKANN',
  'SCANN',
  'GPU_CAGRA',
  'GPU_IVF_FLAT',
  'GPU_IVF_PQ',
  'GPU_BRUTE_FORCE',
];

function fail(param: string, expected: string, got: unknown): never {
  throw elanusError('invalidParamJson', { name: param, expected, got }, { param });
}

/** Validates one index request against the field and returns the definition to build. */
export function resolveIndexDef(c: Collection, req: Record<string, unknown>): IndexDef {
  const fieldName = req.field_name;
  if (typeof fieldName !== 'string') fail('field_name', 'the name of a field to index', fieldName);
  const f = c.field(fieldName);
  if (!f) {
    throw elanusError(
      'paramFieldNotExists',
      { param: 'field_name', field: fieldName, collection: c.name },
      { param: 'field_name' },
    );
  }
  const extra = (req.extra_params ?? {}) as Record<string, unknown>;
  const rawType = (req.index_type ?? extra.index_type ?? 'AUTOINDEX') as unknown;
  const indexType = typeof rawType === 'string' ? rawType.toUpperCase() : rawType;
  let params = (req.params ?? extra.params ?? {}) as Record<string, unknown>;
  if (typeof params === 'string') {
    try {
      params = JSON.parse(params) as Record<string, unknown>;
    } catch {
      fail('params', 'an object or a JSON object string', params);
    }
  }
  const metricRaw = (req.metric_type ?? extra.metric_type) as unknown;
  const metric = typeof metricRaw === 'string' ? metricRaw.toUpperCase() : metricRaw;
  const allowed = indexTypesFor(f);
  if (typeof indexType !== 'string' || !allowed.includes(indexType)) {
    if (typeof indexType === 'string' && MILVUS_TYPES_NOT_BUILT.includes(indexType)) {
      throw elanusError(
        'indexTypeNotBuilt',
        { indexType, allowed: allowed.join(', '), dataType: DataTypeName[f.data_type] },
        { param: 'index_type' },
      );
    }
    fail('index_type', `one of ${allowed.join(', ')} for a ${DataTypeName[f.data_type]} field`, rawType);
  }
  let metric_type: MetricType;
  if (isDenseVectorType(f.data_type)) {
    metric_type = (metric ?? 'COSINE') as MetricType;
    if (!['L2', 'IP', 'COSINE'].includes(metric_type))
      fail('metric_type', `one of L2, IP, COSINE for a ${DataTypeName[f.data_type]} field`, metricRaw);
  } else if (f.data_type === DataType.SparseFloatVector) {
    const def = f.is_function_output ? 'BM25' : 'IP';
    metric_type = (metric ?? def) as MetricType;
    if (metric_type !== def)
      fail(
        'metric_type',
        `${def} for ${f.is_function_output ? 'a BM25 function output' : 'a sparse'} field`,
        metricRaw,
      );
  } else if (f.data_type === DataType.BinaryVector) {
    metric_type = (metric ?? 'HAMMING') as MetricType;
    if (!['HAMMING', 'JACCARD'].includes(metric_type))
      fail('metric_type', 'one of HAMMING, JACCARD for a BinaryVector field', metricRaw);
  } else {
    metric_type = '' as MetricType;
  }
  if (isVectorType(f.data_type)) {
    // Every build parameter is checked here, before any index of the request is built.
    checkIndexParams(fieldKindOf(f.data_type), indexType, metric_type, params, f.dim ?? 0);
  }
  const index_name = typeof req.index_name === 'string' && req.index_name !== '' ? req.index_name : f.name;
  return { field_name: f.name, index_name, index_type: indexType, metric_type, params: { ...params } };
}

function indexTypesFor(f: FieldSchema): string[] {
  if (f.data_type === DataType.Int8Vector) return INT8_TYPES;
  // Float16Vector and BFloat16Vector take every float index (searched over their decoded float32 copy).
  if (isDenseVectorType(f.data_type)) return DENSE_TYPES;
  if (f.data_type === DataType.SparseFloatVector) return SPARSE_TYPES;
  if (f.data_type === DataType.BinaryVector) return BINARY_TYPES;
  if (f.data_type === DataType.JSON) return [];
  return SCALAR_TYPES;
}

/** Builds the indexes; every definition is validated before any is built. */
export function applyIndexParams(c: Collection, reqs: Record<string, unknown>[]): void {
  const defs = reqs.map((r) => resolveIndexDef(c, r));
  for (const d of defs) {
    if (c.indexes.has(d.field_name)) {
      const have = c.indexes.get(d.field_name)!.def;
      if (
        have.index_type === d.index_type &&
        have.metric_type === d.metric_type &&
        JSON.stringify(have.params) === JSON.stringify(d.params)
      ) {
        continue; // Milvus treats an identical createIndex as a no-op.
      }
      throw elanusError(
        'indexExists',
        { field: d.field_name, index: have.index_name },
        { param: 'field_name' },
      );
    }
  }
  for (const d of defs) {
    if (c.indexes.has(d.field_name)) continue;
    const f = c.field(d.field_name)!;
    if (isVectorType(f.data_type)) c.buildIndex(d);
    else c.scalarIndexes.set(d.field_name, d);
  }
}

export function createIndex(engine: Engine, req: CreateIndexReq | CreateIndexReq[]): ResStatus {
  const list = Array.isArray(req) ? req : [req];
  if (list.length === 0) fail('req', 'at least one index request', list);
  const c = engine.get(list[0]!.collection_name);
  applyIndexParams(c, list as unknown as Record<string, unknown>[]);
  for (const r of list) {
    const def = c.indexes.get(r.field_name!)?.def ?? c.scalarIndexes.get(r.field_name!);
    if (def) engine.record({ kind: 'createIndex', collection: c.name, def });
  }
  return ok();
}

function allDefs(c: Collection): IndexDef[] {
  return [...[...c.indexes.values()].map((e) => e.def), ...c.scalarIndexes.values()];
}

export function describeIndex(
  engine: Engine,
  req: CollectionReq & { field_name?: string; index_name?: string },
): DescribeIndexRes {
  const c = engine.get(req?.collection_name);
  let defs = allDefs(c);
  if (req.field_name) defs = defs.filter((d) => d.field_name === req.field_name);
  if (req.index_name) defs = defs.filter((d) => d.index_name === req.index_name);
  if (defs.length === 0) {
    throw elanusError('indexNotFound', { collection: c.name }, { param: 'index_name' });
  }
  const total = String(c.liveCount);
  return {
    status: ok(),
    index_descriptions: defs.map((d) => ({
      index_name: d.index_name,
      field_name: d.field_name,
      index_type: d.index_type,
      metric_type: d.metric_type,
      params: [
        { key: 'index_type', value: d.index_type },
        ...(d.metric_type ? [{ key: 'metric_type', value: d.metric_type }] : []),
        { key: 'params', value: JSON.stringify(d.params) },
        ...propertyList(d.properties),
      ],
      indexed_rows: total,
      total_rows: total,
      pending_index_rows: '0',
      state: 'Finished',
    })),
  };
}

export function listIndexes(engine: Engine, req: CollectionReq): ListIndexesRes {
  const c = engine.get(req?.collection_name);
  return { status: ok(), indexes: allDefs(c).map((d) => d.index_name) };
}

export function dropIndex(
  engine: Engine,
  req: CollectionReq & { field_name?: string; index_name?: string },
): ResStatus {
  const c = engine.get(req?.collection_name);
  const def = allDefs(c).find(
    (d) =>
      (req.index_name !== undefined && d.index_name === req.index_name) ||
      (req.field_name !== undefined && d.field_name === req.field_name),
  );
  if (!def) throw elanusError('indexNotFound', { collection: c.name }, { param: 'index_name' });
  if (c.loaded && c.indexes.has(def.field_name)) {
    throw elanusError('dropIndexLoaded', { collection: c.name }, { param: 'collection_name' });
  }
  c.dropIndex(def.field_name);
  c.scalarIndexes.delete(def.field_name);
  engine.record({ kind: 'dropIndex', collection: c.name, field: def.field_name });
  return ok();
}

export function loadCollection(c: Collection): void {
  const missing = c.fields
    .filter((f) => isVectorType(f.data_type) && !c.indexes.has(f.name))
    .map((f) => f.name);
  if (missing.length) {
    throw elanusError(
      'noVectorIndex',
      { fields: missing.join(', '), collection: c.name },
      { param: 'collection_name' },
    );
  }
  c.loaded = true;
}

export function load(engine: Engine, req: CollectionReq): ResStatus {
  const c = engine.get(req?.collection_name);
  if (!c.loaded) {
    loadCollection(c);
    engine.record({ kind: 'load', collection: c.name });
  }
  return ok();
}

export function release(engine: Engine, req: CollectionReq): ResStatus {
  const c = engine.get(req?.collection_name);
  if (c.loaded) {
    c.loaded = false;
    engine.record({ kind: 'release', collection: c.name });
  }
  return ok();
}

export function getLoadState(engine: Engine, req: CollectionReq): LoadStateRes {
  if (!engine.has(req?.collection_name)) return { status: ok(), state: 'LoadStateNotExist' };
  return {
    status: ok(),
    state: engine.get(req.collection_name).loaded ? 'LoadStateLoaded' : 'LoadStateNotLoad',
  };
}

export function requireLoaded(c: Collection): void {
  if (!c.loaded) {
    throw elanusError('collectionNotLoaded', { collection: c.name }, { param: 'collection_name' });
  }
}
