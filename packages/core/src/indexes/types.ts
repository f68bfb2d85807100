import type { MetricType, SparseVector } from '../schema/types.js';
import type { Bitset } from '../util/bitset.js';

/** Search-time parameters (Milvus `params`). */
export interface IndexSearchParams {
  ef?: number;
  drop_ratio_search?: number;
  radius?: number;
  range_filter?: number;
  [key: string]: unknown;
}

/**
 * Hits of one query, best first: internal row ids and Milvus-style scores
 * (COSINE/IP/BM25: larger is better; L2: squared distance, smaller is better).
 */
export interface TopK {
  rows: Int32Array;
  scores: Float32Array;
}

/**
 * The dense vectors of one FLOAT_VECTOR field, one row per internal row id.
 * Rows are appended in the collection's row order; `data()` may be reallocated by `push`.
 */
export interface DenseVectorColumn {
  readonly dim: number;
  readonly length: number;
  push(v: ArrayLike<number>): void;
  /** A copy of one row. */
  get(row: number): Float32Array;
  /** The backing arena, row-major (row r at r*dim). Invalidated by `push`. */
  data(): Float32Array;
  /** Drops rows not in `keep` and renumbers the rest in order (compaction). */
  compact(keep: Int32Array): void;
}

/** One index over one vector field. FLAT is the reference; every approximate index is tested against it. */
export interface VectorIndex<Q = Float32Array> {
  readonly indexType: string;
  readonly metric: MetricType;
  /** Index rows [from, to) that were appended to the column. */
  addRange(from: number, to: number): void;
  /** Mark rows as deleted (tombstones); they are skipped as results. */
  remove(rows: ArrayLike<number>): void;
  /** k best rows for the query among rows allowed by `allow` (null = all live rows). Never short when enough rows match. */
  search(query: Q, k: number, allow: Bitset | null, params: IndexSearchParams): TopK;
  /** Renumbers rows after the column was compacted: `keep[newRow] = oldRow`. */
  compact(keep: Int32Array): void;
  /** Compact binary form, reloaded without rebuilding. */
  serialize(): ArrayBuffer[];
  /** Bytes held by the index beyond the vectors themselves. */
  memoryBytes(): number;
}

export type SparseIndex = VectorIndex<SparseVector>;
