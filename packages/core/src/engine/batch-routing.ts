import type { Collection } from '../collection/collection.js';
import type { IndexSearchParams } from '../indexes/types.js';
import type { DenseMetric } from '../kernels/types.js';
import { DataType, type FieldSchema } from '../schema/types.js';
import type { Bitset } from '../util/bitset.js';
import type { BatchSearcher, BatchSearchRequest } from './batch-search.js';

/** The parts of a planned search that decide whether the batch searcher (WebGPU) may answer it. */
export interface BatchRouteInput {
  collection: Collection;
  field: FieldSchema;
  /** The parsed query vectors (Float32Arrays for a FloatVector field). */
  queries: readonly unknown[];
  params: IndexSearchParams;
  /** group_by_field searches re-query with a growing k: the kernels answer them. */
  grouped: boolean;
  /** Hits wanted per query (limit + offset). */
  k: number;
  allow: Bitset;
}

/**
 * The request to hand `searcher`, or null when the kernels answer instead: the searcher ranks exact FLAT
 * top-k of dense float vectors only (no grouping, no range search), and a GPU call has a fixed cost, so
 * batches under its `minBatch` queries or `minWork` multiply-adds stay on the CPU. `version` is the
 * collection's compaction epoch: the caller re-runs the search on the kernels if it moved meanwhile.
 */
export function batchSearchRequest(searcher: BatchSearcher, s: BatchRouteInput): BatchSearchRequest | null {
  if (s.grouped || s.queries.length < searcher.minBatch || s.field.data_type !== DataType.FloatVector)
    return null;
  if (s.params.radius !== undefined || s.params.range_filter !== undefined) return null;
  const entry = s.collection.indexes.get(s.field.name);
  const column = s.collection.denseColumn(s.field.name);
  if (entry?.index.indexType !== 'FLAT' || !column) return null;
  if (s.queries.length * column.length * column.dim < searcher.minWork) return null;
  return {
    column,
    version: s.collection.epoch,
    metric: entry.def.metric_type as DenseMetric,
    queries: s.queries as Float32Array[],
    k: s.k,
    allow: s.allow,
  };
}

/** The IVF_FLAT index method the scan pool needs (duck-typed: IVF is a lazy chunk). */
interface CandidateIndex {
  candidates(
    query: Float32Array,
    k: number,
    allow: Bitset | null,
    params: IndexSearchParams,
  ): Int32Array | null;
}

/**
 * An IVF_FLAT search as a pool request: each query's probed-list rows, scored exactly on the pool's
 * workers, give the hits the index's own scan gives. Null when the index would not scan lists of stored
 * vectors (coded, untrained, range search, selective filter) or the work is too small to split.
 */
export function ivfPoolRequest(pool: BatchSearcher, s: BatchRouteInput): BatchSearchRequest | null {
  if (pool.device !== 'threads' || s.grouped || s.field.data_type !== DataType.FloatVector) return null;
  const entry = s.collection.indexes.get(s.field.name);
  const column = s.collection.denseColumn(s.field.name);
  if (entry?.index.indexType !== 'IVF_FLAT' || !column) return null;
  const index = entry.index as unknown as Partial<CandidateIndex>;
  if (typeof index.candidates !== 'function') return null;
  const rows: Int32Array[] = [];
  let work = 0;
  for (const q of s.queries) {
    const r = index.candidates(q as Float32Array, s.k, s.allow, s.params);
    if (r === null) return null;
    rows.push(r);
    work += r.length * column.dim;
  }
  if (work < pool.minWork) return null;
  return {
    column,
    version: s.collection.epoch,
    metric: entry.def.metric_type as DenseMetric,
    queries: s.queries as Float32Array[],
    k: s.k,
    allow: s.allow,
    rows,
  };
}
