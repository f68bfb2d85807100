import type { SearchHit, SearchIteratorReq, SearchReq, SearchResults } from '../client/types.js';
import type { Collection } from '../collection/collection.js';
import { toFloatVector, toSparseVector } from '../collection/convert.js';
import { batchSearchRequest, ivfPoolRequest } from '../engine/batch-routing.js';
import type { Engine } from '../engine/engine.js';
import { ElanusError, elanusError } from '../errors/index.js';
import { compactModule } from '../indexes/lazy-indexes.js';
import type { IndexSearchParams, TopK } from '../indexes/types.js';
import {
  DataType,
  type FieldSchema,
  isCompactVectorType,
  isDenseVectorType,
  isVectorType,
  type SparseVector,
} from '../schema/types.js';
import type { Bitset } from '../util/bitset.js';
import {
  buildRow,
  checkConsistency,
  filterOf,
  filterParamsOf,
  type OutputPlan,
  ok,
  optionalInt,
  planOutput,
} from './common.js';
import { requireLoaded } from './indexes.js';
import type { AggregationPlan } from './search-aggregation.js';

/** search-aggregation.js, a lazy chunk the method table loads when a request has `search_aggregation`. */
export type SearchAggregator = Pick<
  typeof import('./search-aggregation.js'),
  'aggregateHits' | 'planAggregation' | 'SEARCH_AGGREGATION_CANDIDATES'
>;

/** Whether a search request buckets its hits (and so needs the aggregator chunk). */
export function needsAggregator(req: SearchReq): boolean {
  return req?.search_aggregation !== undefined && req.search_aggregation !== null;
}

export const MAX_TOPK = 16384;
const DEFAULT_TOPK = 100; // the Node SDK's default

export type Query = Float32Array | SparseVector | Uint8Array;

/** The vector field a search targets: `anns_field`, or the only vector field. */
export function annsField(c: Collection, name: string | undefined, param = 'anns_field'): FieldSchema {
  if (name !== undefined) {
    const f = c.field(name);
    if (!f || !isVectorType(f.data_type)) {
      throw elanusError('notVectorField', { param, collection: c.name, got: name }, { param });
    }
    return f;
  }
  const vecs = c.fields.filter((f) => isVectorType(f.data_type));
  if (vecs.length !== 1) {
    throw elanusError(
      'annsFieldRequired',
      { param, collection: c.name, fields: vecs.map((f) => f.name).join(', ') },
      { param },
    );
  }
  return vecs[0]!;
}

function isSingle(f: FieldSchema, data: unknown): boolean {
  if (typeof data === 'string') return true;
  if (ArrayBuffer.isView(data) || data instanceof ArrayBuffer) return true;
  if (Array.isArray(data)) {
    if (data.length === 0) return false;
    return typeof data[0] === 'number';
  }
  return f.data_type === DataType.SparseFloatVector && data !== null && typeof data === 'object';
}

/** Parses `data` into one query per vector, validated against the field. */
export function parseQueries(c: Collection, f: FieldSchema, data: unknown, param = 'data'): Query[] {
  if (data === undefined || data === null) {
    throw elanusError('queryVectorsShape', { param, got: data }, { param });
  }
  const list = (isSingle(f, data) ? [data] : data) as unknown[];
  if (!Array.isArray(list) || list.length === 0) {
    throw elanusError('queryVectorsEmpty', { param }, { param });
  }
  return list.map((q, i) => {
    const at = list.length === 1 && isSingle(f, data) ? param : `${param}[${i}]`;
    if (f.is_function_output) {
      if (typeof q !== 'string') {
        throw elanusError('bm25QueryText', { param: at, field: f.name, got: typeof q }, { param: at });
      }
      const fn = c.schema.functions.find((x) => x.output_field_names[0] === f.name)!;
      const enc = c.textEncoders.get(fn.input_field_names[0]!)!;
      return enc.encodeQuery(q);
    }
    if (f.data_type === DataType.SparseFloatVector) return toSparseVector(q, at, 0);
    if (f.data_type === DataType.FloatVector) {
      try {
        return toFloatVector(q, f, 0);
      } catch (e) {
        if (
          e instanceof ElanusError &&
          e.code !== 'DimensionMismatch' &&
          (Array.isArray(q) || ArrayBuffer.isView(q))
        ) {
          // The right length, a bad element: name it (NaN, Infinity, beyond float32, not a number).
          const v = q as ArrayLike<unknown>;
          for (let k = 0; k < v.length; k++) {
            const x = v[k];
            if (typeof x !== 'number' || !Number.isFinite(Math.fround(x))) {
              throw elanusError(
                'queryVectorNotFinite',
                { param: at, got: typeof x === 'number' ? String(x) : typeof x, index: k },
                { param: at },
              );
            }
          }
        }
        if (e instanceof ElanusError) {
          const got =
            Array.isArray(q) || ArrayBuffer.isView(q) ? `dim ${(q as ArrayLike<number>).length}` : typeof q;
          throw elanusError(
            e.code === 'DimensionMismatch' ? 'queryVectorDim' : 'queryVectorInvalid',
            { param: at, dim: f.dim, field: f.name, got },
            { param: at },
          );
        }
        throw e;
      }
    }
    if (isCompactVectorType(f.data_type)) return toCompactQuery(q, f, at);
    return toBinaryQuery(q, f, at);
  });
}

/**
 * A Float16Vector / BFloat16Vector / Int8Vector query, in the insert forms: converted to the field's codes
 * first (as the SDK does before sending it), then decoded for the float32 kernels, so scores are those of
 * the stored precision.
 */
function toCompactQuery(q: unknown, f: FieldSchema, at: string): Float32Array {
  const m = compactModule();
  const codes = m.toCompactVector(q, f, 0, (kind, expected, got) => {
    if (kind === 'dim') {
      throw elanusError(
        'queryVectorDim',
        { param: at, dim: f.dim, field: f.name, got: `dim ${got}` },
        { param: at },
      );
    }
    throw elanusError('compactQueryValue', { param: at, field: f.name, expected, got }, { param: at });
  });
  return m.decodeCompact(f.data_type, codes);
}

/** A BinaryVector query: dim/8 bytes as a Uint8Array, an ArrayBuffer or a list of byte values (the SDK's form). */
function toBinaryQuery(input: unknown, f: FieldSchema, at: string): Uint8Array {
  let q = input;
  const bytes = f.dim! / 8;
  let v: Uint8Array | undefined;
  if (q instanceof Uint8Array) v = q;
  else if (q instanceof ArrayBuffer) v = new Uint8Array(q);
  else if (Array.isArray(q) || (ArrayBuffer.isView(q) && !(q instanceof DataView))) {
    // Other typed arrays (the worker boundary may hand one over) are read as byte values and checked.
    const list = Array.from(q as ArrayLike<number>);
    q = list;
    for (let i = 0; i < list.length; i++) {
      const b = list[i];
      if (!Number.isInteger(b) || (b as number) < 0 || (b as number) > 255) {
        throw elanusError(
          'binaryQueryByte',
          { param: at, bytes, dim: f.dim, field: f.name, got: b, index: i },
          { param: at },
        );
      }
    }
    v = Uint8Array.from(q as number[]);
  }
  if (!v || v.length !== bytes) {
    const got = v ? `${v.length} bytes` : typeof q;
    throw elanusError(
      v ? 'binaryQueryDim' : 'binaryQueryInvalid',
      { param: at, bytes, dim: f.dim, field: f.name, got },
      { param: at },
    );
  }
  return v;
}

/** Search by primary keys (the SDK's `ids`): the stored vectors of those rows are the queries, in order. */
function queriesByIds(c: Collection, f: FieldSchema, ids: unknown, withData: boolean): Query[] {
  if (withData) throw elanusError('searchIdsAndData', {}, { param: 'ids' });
  if (!Array.isArray(ids) || ids.length === 0) {
    throw elanusError(
      'searchIdsEmpty',
      { got: Array.isArray(ids) ? 'an empty list' : typeof ids },
      { param: 'ids' },
    );
  }
  if (f.is_function_output) {
    throw elanusError('searchIdsBm25', { field: f.name }, { param: 'ids' });
  }
  return ids.map((v, i) => {
    const at = `ids[${i}]`;
    const row = c.rowOf(c.toPk(v, at));
    if (row === undefined) {
      throw elanusError('searchIdNotFound', { param: at, collection: c.name, got: v }, { param: at });
    }
    // The scan copy of a compact field decodes the stored codes exactly.
    if (isDenseVectorType(f.data_type)) return c.denseColumn(f.name)!.get(row);
    if (f.data_type === DataType.SparseFloatVector) return c.sparseColumn(f.name)!.get(row) as SparseVector;
    return c.binaryValue(f.name, row);
  });
}

export function searchParamsOf(req: {
  params?: Record<string, unknown>;
  search_params?: Record<string, unknown>;
}): IndexSearchParams {
  const sp = req.search_params;
  let params = req.params ?? (sp?.params as Record<string, unknown> | string | undefined) ?? {};
  if (typeof params === 'string') {
    try {
      params = JSON.parse(params) as Record<string, unknown>;
    } catch {
      throw elanusError('paramsNotObject', { param: 'params', got: params }, { param: 'params' });
    }
  }
  const out: IndexSearchParams = { ...(params as Record<string, unknown>) };
  for (const k of ['radius', 'range_filter'] as const) {
    const v = out[k];
    if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v))) {
      throw elanusError('searchParamNotNumber', { key: k, got: v }, { param: `params.${k}` });
    }
  }
  return out;
}

/** Runs one query and returns up to `k` (row, score) pairs, within the range parameters if any. */
export function runQuery(
  c: Collection,
  f: FieldSchema,
  q: Query,
  k: number,
  allow: Bitset,
  params: IndexSearchParams,
): TopK {
  // Range bounds (radius, range_filter) are applied inside each index's scan (indexes/params.ts rangeParams).
  return c.searchField(f.name, q, k, allow, params);
}

function toHits(c: Collection, top: TopK, from: number, plan: OutputPlan): SearchHit[] {
  const hits: SearchHit[] = [];
  for (let i = from; i < top.rows.length; i++) {
    const hit = { score: top.scores[i]!, id: '' } as SearchHit;
    buildRow(c, top.rows[i]!, plan, hit);
    // Hits always carry `id` (the primary key) besides the key under its own field name.
    hit.id = hit[c.pkField.name] as string;
    hits.push(hit);
  }
  return hits;
}

function groupKey(v: unknown): string {
  return typeof v === 'bigint' ? `n${v}` : `${typeof v}:${String(v)}`;
}

/** group_by_field: widens k until `limit` groups of up to `group_size` hits are found or rows run out. */
function groupedSearch(
  c: Collection,
  f: FieldSchema,
  q: Query,
  limit: number,
  offset: number,
  groupField: FieldSchema,
  groupSize: number,
  allow: Bitset,
  params: IndexSearchParams,
): TopK {
  const gi = c.fieldIndex(groupField.name);
  const available = allow.count();
  let k = Math.min(available, (limit + offset) * groupSize * 4);
  for (;;) {
    const top = runQuery(c, f, q, Math.max(1, k), allow, params);
    const groups = new Map<string, number[]>();
    const order: string[] = [];
    for (let i = 0; i < top.rows.length; i++) {
      const key = groupKey(c.value(top.rows[i]!, gi));
      let g = groups.get(key);
      if (!g) {
        if (groups.size >= limit + offset) continue;
        g = [];
        groups.set(key, g);
        order.push(key);
      }
      if (g.length < groupSize) g.push(i);
    }
    const enough = groups.size >= limit + offset && [...groups.values()].every((g) => g.length >= groupSize);
    if (enough || k >= available || top.rows.length < k) {
      const picked = order.slice(offset).flatMap((key) => groups.get(key)!);
      return {
        rows: Int32Array.from(picked, (i) => top.rows[i]!),
        scores: Float32Array.from(picked, (i) => top.scores[i]!),
      };
    }
    k = Math.min(available, k * 4);
  }
}

/** A validated search request, ready to run. */
interface SearchPlan {
  c: Collection;
  f: FieldSchema;
  queries: Query[];
  limit: number;
  offset: number;
  params: IndexSearchParams;
  plan: OutputPlan;
  allow: Bitset;
  group: FieldSchema | undefined;
  groupSize: number;
  agg: { plan: AggregationPlan; run: SearchAggregator } | undefined;
}

export function search(engine: Engine, req: SearchReq, aggregator?: SearchAggregator): SearchResults {
  return finishSearch(planSearch(engine, req, aggregator));
}

/**
 * `search`, handing FLAT searches with several query vectors to the engine's batch searcher (WebGPU)
 * when it has one, and large FLAT scans the GPU does not take to the scan pool (worker threads). Falls
 * back to the kernels when the searcher declines or the collection was compacted while the device ran.
 */
export async function searchAsync(
  engine: Engine,
  req: SearchReq,
  aggregator?: SearchAggregator,
): Promise<SearchResults> {
  const p = planSearch(engine, req, aggregator);
  if (p.agg) return finishSearch(p);
  const route = {
    collection: p.c,
    field: p.f,
    queries: p.queries,
    params: p.params,
    grouped: p.group !== undefined,
    k: p.limit + p.offset,
    allow: p.allow,
  };
  const { batchSearcher: gpu, scanPool: pool } = engine.options;
  let searcher = gpu;
  let batch = gpu && batchSearchRequest(gpu, route);
  if (!batch && pool) {
    searcher = pool;
    batch = batchSearchRequest(pool, route) ?? ivfPoolRequest(pool, route);
  }
  if (!searcher || !batch) return finishSearch(p);
  const tops = await engine.trackOffThread(searcher.search(batch));
  // Row numbers changed under the device (compaction, or the collection was replaced): run it again here.
  if (p.c.epoch !== batch.version || engine.get(p.c.name) !== p.c) return search(engine, req, aggregator);
  return tops ? finishSearch(p, tops) : finishSearch(p);
}

function planSearch(engine: Engine, req: SearchReq, aggregator?: SearchAggregator): SearchPlan {
  const c = engine.get(req?.collection_name);
  requireLoaded(c);
  checkConsistency(req);
  // The SDK's older form puts anns_field, topk and metric_type in `search_params` (LangChain sends it).
  const sp = req.search_params;
  const f = annsField(c, req.anns_field ?? (sp?.anns_field as string | undefined));
  const data = req.data ?? req.vectors ?? req.vector;
  const queries =
    req.ids !== undefined
      ? queriesByIds(c, f, req.ids, data !== undefined)
      : parseQueries(
          c,
          f,
          data,
          req.data !== undefined ? 'data' : req.vectors !== undefined ? 'vectors' : 'vector',
        );
  const limit = optionalInt(
    req.limit ?? req.topk ?? sp?.topk ?? sp?.limit,
    'limit',
    1,
    MAX_TOPK,
    DEFAULT_TOPK,
  );
  const offset = optionalInt(req.offset ?? sp?.offset, 'offset', 0, MAX_TOPK, 0);
  if (limit + offset > MAX_TOPK) {
    throw elanusError('windowTooLarge', { max: MAX_TOPK, got: limit + offset }, { param: 'limit' });
  }
  const index = c.indexes.get(f.name)!;
  const metric = req.metric_type ?? (req.search_params?.metric_type as string | undefined);
  if (metric !== undefined && metric.toUpperCase() !== index.def.metric_type) {
    throw elanusError(
      'metricMismatch',
      { expected: index.def.metric_type, field: f.name, got: metric },
      { param: 'metric_type' },
    );
  }
  const params = searchParamsOf(req);
  const plan = planOutput(c, req.output_fields);
  const allow = c.select(filterOf(req), filterParamsOf(req), req.partition_names);
  let group: FieldSchema | undefined;
  if (req.group_by_field !== undefined) {
    group = c.field(req.group_by_field);
    if (
      !group ||
      isVectorType(group.data_type) ||
      group.data_type === DataType.JSON ||
      group.data_type === DataType.Array ||
      group.data_type === DataType.Float ||
      group.data_type === DataType.Double
    ) {
      throw elanusError(
        'groupByFieldInvalid',
        { collection: c.name, got: req.group_by_field },
        { param: 'group_by_field' },
      );
    }
    if (!plan.fields.includes(c.fieldIndex(group.name)) && group.name !== c.pkField.name)
      plan.fields.push(c.fieldIndex(group.name));
  }
  const groupSize = optionalInt(req.group_size, 'group_size', 1, 1024, 1);
  let agg: SearchPlan['agg'];
  if (needsAggregator(req)) {
    const conflict =
      req.group_by_field !== undefined
        ? 'group_by_field'
        : (req as { group_by_fields?: unknown[] }).group_by_fields?.length
          ? 'group_by_fields'
          : offset > 0
            ? 'offset'
            : undefined;
    if (conflict) {
      throw elanusError('searchAggregationConflict', { other: conflict }, { param: 'search_aggregation' });
    }
    if (!aggregator) throw elanusError('aggregatePlannerNotLoaded', {});
    agg = { plan: aggregator.planAggregation(c, req.search_aggregation!), run: aggregator };
  }
  return { c, f, queries, limit, offset, params, plan, allow, group, groupSize, agg };
}

/** Runs the queries (or takes the batch searcher's hits, `tops`) and builds the hits. */
function finishSearch(p: SearchPlan, tops?: TopK[]): SearchResults {
  const { c, f, queries, limit, offset, params, plan, allow, group, groupSize, agg } = p;
  if (agg) {
    // Candidates: the nearest rows passing the filter, up to the budget (all of them when fewer).
    const k = Math.max(1, Math.min(allow.count(), agg.run.SEARCH_AGGREGATION_CANDIDATES));
    const lists = queries.map((q) =>
      agg.run.aggregateHits(c, agg.plan, runQuery(c, f, q, k, allow, params), plan),
    );
    return {
      status: ok(),
      results: [],
      recalls: [],
      agg_buckets: queries.length === 1 ? lists[0]! : lists,
    };
  }
  const results = queries.map((q, i) => {
    if (group)
      return toHits(c, groupedSearch(c, f, q, limit, offset, group, groupSize, allow, params), 0, plan);
    return toHits(c, tops?.[i] ?? runQuery(c, f, q, limit + offset, allow, params), offset, plan);
  });
  // As the Node SDK: one query vector gives a flat list of hits, several give one list per query.
  return { status: ok(), results: queries.length === 1 ? results[0]! : results, recalls: [] };
}

/** Pages through search results best-first: each batch widens the search and skips hits already returned. */
export function searchIterator(engine: Engine, req: SearchIteratorReq): AsyncIterable<SearchHit[]> {
  const c = engine.get(req?.collection_name);
  requireLoaded(c);
  checkConsistency(req);
  const batch = optionalInt(req.batchSize, 'batchSize', 1, MAX_TOPK, 100);
  const total =
    req.limit === undefined ? Number.POSITIVE_INFINITY : optionalInt(req.limit, 'limit', 1, 2 ** 31 - 1, 0);
  const f = annsField(c, req.anns_field);
  const queries = parseQueries(c, f, req.data ?? req.vector);
  if (queries.length !== 1) {
    throw elanusError('searchIteratorOneQuery', { got: queries.length }, { param: 'data' });
  }
  const q = queries[0]!;
  const params = searchParamsOf(req);
  const plan = planOutput(c, req.output_fields);
  const filter = filterOf(req);
  const fparams = filterParamsOf(req);
  return {
    async *[Symbol.asyncIterator]() {
      const seen = new Set<string>();
      let sent = 0;
      let k = batch;
      while (sent < total) {
        const allow = c.select(filter, fparams, req.partition_names);
        const top = runQuery(c, f, q, Math.min(k, allow.count() || 1), allow, params);
        const page: SearchHit[] = [];
        for (const hit of toHits(c, top, 0, plan)) {
          if (seen.has(hit.id)) continue;
          seen.add(hit.id);
          page.push(hit);
          if (page.length >= Math.min(batch, total - sent)) break;
        }
        if (page.length === 0) return;
        sent += page.length;
        yield page;
        if (top.rows.length < k) {
          if (page.length < batch) return;
        }
        k += batch;
        if (k > MAX_TOPK) k = MAX_TOPK;
      }
    },
  };
}
