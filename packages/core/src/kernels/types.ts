import type { DenseVectorColumn } from '../indexes/types.js';

/** Metrics the dense kernels compute. */
export type DenseMetric = 'IP' | 'COSINE' | 'L2';

/** Metric codes shared with kernels.wat. */
export const METRIC_CODE: Readonly<Record<DenseMetric, number>> = { IP: 0, COSINE: 1, L2: 2 };

/**
 * A dense column the kernels can scan in place. Besides the vectors it keeps each row's inverse
 * L2 norm, so COSINE = dot · invNorm(row) · invNorm(query) without normalising stored vectors
 * (Milvus returns the vectors as inserted).
 */
export interface KernelColumn extends DenseVectorColumn {
  /** Inverse norm of a row (0 for a zero vector). */
  invNorm(row: number): number;
  /** Appends `count` rows stored row-major in `rows`. */
  pushMany(rows: Float32Array, count: number): void;
  /** Capacity for `rows` rows without reallocating. */
  reserve(rows: number): void;
  /** Bytes held (vectors, norms, scratch). */
  memoryBytes(): number;
}

/**
 * Scores rows of one column against a current query, as Milvus reports them:
 * IP dot product, COSINE similarity, L2 squared distance.
 */
export interface VectorScanner {
  readonly metric: DenseMetric;
  readonly dim: number;
  /** Largest `count` accepted by `scoreBuffered`. */
  readonly batch: number;
  /** Uses an external vector as the query (copied). */
  setQuery(q: ArrayLike<number>): void;
  /** Uses a stored row as the query (no copy). */
  setQueryRow(row: number): void;
  /** Score of one row against the query. */
  score(row: number): number;
  /** Score between two stored rows, independent of the current query. */
  pair(a: number, b: number): number;
  /** Scores of rows [from, to) into out[outOffset..]. */
  scoreRange(from: number, to: number, out: Float32Array, outOffset?: number): void;
  /** Scores of rows[0..count) into out[outOffset..]. */
  scoreRows(rows: ArrayLike<number>, count: number, out: Float32Array, outOffset?: number): void;
  /**
   * Zero-copy batch for hot loops: write row ids to `idBuffer()`, call `scoreBuffered(n)`, read
   * `scoreBuffer()`. Both buffers are views that a column reallocation invalidates: fetch them again
   * after the column grows.
   */
  idBuffer(): Int32Array;
  scoreBuffer(): Float32Array;
  scoreBuffered(count: number): void;
}

/** Distance kernels over plain arrays and over kernel columns. */
export interface Kernels {
  readonly kind: 'wasm' | 'js';
  dot(a: ArrayLike<number>, b: ArrayLike<number>): number;
  l2sq(a: ArrayLike<number>, b: ArrayLike<number>): number;
  /** A new empty column whose arena these kernels scan without copies. */
  createColumn(dim: number): KernelColumn;
  /** A scanner over a column. Columns from other kernels are scanned through `data()` (slower). */
  scanner(column: DenseVectorColumn, metric: DenseMetric): VectorScanner;
  /** One query against rows [from, to): scores into out[0..to-from). */
  scanRange(
    column: DenseVectorColumn,
    metric: DenseMetric,
    query: ArrayLike<number>,
    from: number,
    to: number,
    out: Float32Array,
  ): void;
  /** One query against the listed rows: scores into out[0..count). */
  scanRows(
    column: DenseVectorColumn,
    metric: DenseMetric,
    query: ArrayLike<number>,
    rows: ArrayLike<number>,
    count: number,
    out: Float32Array,
  ): void;
}

/** Implements the one-shot scans of `Kernels` over cached scanners (one per column and metric). */
export abstract class ScanHelpers {
  private readonly cache = new WeakMap<DenseVectorColumn, Map<DenseMetric, VectorScanner>>();

  abstract scanner(column: DenseVectorColumn, metric: DenseMetric): VectorScanner;

  private cached(column: DenseVectorColumn, metric: DenseMetric): VectorScanner {
    let m = this.cache.get(column);
    if (m === undefined) {
      m = new Map();
      this.cache.set(column, m);
    }
    let s = m.get(metric);
    if (s === undefined) {
      s = this.scanner(column, metric);
      m.set(metric, s);
    }
    return s;
  }

  scanRange(
    column: DenseVectorColumn,
    metric: DenseMetric,
    query: ArrayLike<number>,
    from: number,
    to: number,
    out: Float32Array,
  ): void {
    const s = this.cached(column, metric);
    s.setQuery(query);
    s.scoreRange(from, to, out);
  }

  scanRows(
    column: DenseVectorColumn,
    metric: DenseMetric,
    query: ArrayLike<number>,
    rows: ArrayLike<number>,
    count: number,
    out: Float32Array,
  ): void {
    const s = this.cached(column, metric);
    s.setQuery(query);
    s.scoreRows(rows, count, out);
  }
}

/** Inverse L2 norm of v[off..off+dim), 0 for the zero vector; computed in double precision. */
export function inverseNorm(v: ArrayLike<number>, off: number, dim: number): number {
  let s = 0;
  for (let i = 0; i < dim; i++) {
    const x = v[off + i]!;
    s += x * x;
  }
  return s > 0 ? 1 / Math.sqrt(s) : 0;
}
