import { ElanusError, invalidParam } from '../errors/index.js';
import type { DenseMetric, Kernels } from '../kernels/types.js';
import type { MetricType, SparseVector } from '../schema/types.js';
import { FlatIndex } from './flat.js';
import { HnswIndex } from './hnsw.js';
import { intParam, numParam } from './params.js';
import { readTag } from './serial.js';
import type { SparseVectorColumn } from './sparse-column.js';
import { SparseInvertedIndex } from './sparse-inverted.js';
import type { DenseVectorColumn, VectorIndex } from './types.js';

export { exactSearch, FlatIndex } from './flat.js';
export { HnswIndex, type HnswOptions, type HnswSearchStats } from './hnsw.js';
export { ArraySparseColumn, type SparseVectorColumn } from './sparse-column.js';
export {
  type SparseIndexOptions,
  SparseInvertedIndex,
  type SparseMetric,
  type SparseSearchStats,
} from './sparse-inverted.js';
export type { DenseVectorColumn, IndexSearchParams, SparseIndex, TopK, VectorIndex } from './types.js';

export type FieldKind = 'dense' | 'sparse';

/** HNSW defaults when AUTOINDEX picks it (and when M / efConstruction are omitted). */
export const HNSW_DEFAULTS = { M: 16, efConstruction: 200 } as const;

const DENSE_METRICS: readonly string[] = ['L2', 'IP', 'COSINE'];
const SPARSE_METRICS: readonly string[] = ['IP', 'BM25'];

function checkMetric(metric: string, allowed: readonly string[], indexType: string): void {
  if (!allowed.includes(metric)) {
    invalidParam('metric_type', `one of ${allowed.join(', ')} for ${indexType}`, metric);
  }
}

/**
 * Creates an empty index over a column (call `addRange` to index its rows). Parameters are validated:
 * a bad one throws ElanusError `IllegalArgument` naming it, the expected range and the value.
 * Dense: FLAT, HNSW (M in [2, 2048], efConstruction in [1, 2^31-1], optional seed), AUTOINDEX (= HNSW
 * with M 16, efConstruction 200). Sparse: SPARSE_INVERTED_INDEX, SPARSE_WAND, AUTOINDEX (all the same
 * WAND implementation), metric IP or BM25, drop_ratio_build in [0, 1), bm25_k1 in [1.2, 2], bm25_b in [0, 1].
 */
export function createIndex(
  fieldKind: 'dense',
  indexType: string,
  metric: MetricType,
  params: Record<string, unknown>,
  column: DenseVectorColumn,
  kernels: Kernels,
): VectorIndex;
export function createIndex(
  fieldKind: 'sparse',
  indexType: string,
  metric: MetricType,
  params: Record<string, unknown>,
  column: SparseVectorColumn,
  kernels?: Kernels,
): VectorIndex<SparseVector>;
export function createIndex(
  fieldKind: FieldKind,
  indexType: string,
  metric: MetricType,
  params: Record<string, unknown>,
  column: DenseVectorColumn | SparseVectorColumn,
  kernels?: Kernels,
): VectorIndex | VectorIndex<SparseVector> {
  const type = typeof indexType === 'string' ? indexType.toUpperCase() : indexType;
  const p = params ?? {};
  if (fieldKind === 'dense') {
    if (!kernels) throw new ElanusError('IllegalArgument', 'a dense index needs kernels');
    const col = column as DenseVectorColumn;
    if (type === 'FLAT') {
      checkMetric(metric, DENSE_METRICS, type);
      return new FlatIndex(col, kernels, metric as DenseMetric);
    }
    if (type === 'HNSW' || type === 'AUTOINDEX') {
      checkMetric(metric, DENSE_METRICS, type);
      const M = intParam(p, 'M', 2, 2048, HNSW_DEFAULTS.M);
      const efConstruction = intParam(p, 'efConstruction', 1, 2 ** 31 - 1, HNSW_DEFAULTS.efConstruction);
      const seed = intParam(p, 'seed', 0, 2 ** 32 - 1, 42);
      return new HnswIndex(col, kernels, metric as DenseMetric, { M, efConstruction, seed });
    }
    return invalidParam('index_type', 'one of FLAT, HNSW, AUTOINDEX for a FLOAT_VECTOR field', indexType);
  }
  if (fieldKind === 'sparse') {
    if (type === 'SPARSE_INVERTED_INDEX' || type === 'SPARSE_WAND' || type === 'AUTOINDEX') {
      checkMetric(metric, SPARSE_METRICS, type);
      const dropRatioBuild = numParam(p, 'drop_ratio_build', 0, 1, 0, true);
      const k1 = numParam(p, 'bm25_k1', 1.2, 2, 1.2);
      const b = numParam(p, 'bm25_b', 0, 1, 0.75);
      const name = type === 'SPARSE_WAND' ? 'SPARSE_WAND' : 'SPARSE_INVERTED_INDEX';
      return new SparseInvertedIndex(
        column as SparseVectorColumn,
        metric as 'IP' | 'BM25',
        { dropRatioBuild, k1, b },
        name,
      );
    }
    return invalidParam(
      'index_type',
      'one of SPARSE_INVERTED_INDEX, SPARSE_WAND, AUTOINDEX for a SPARSE_FLOAT_VECTOR field',
      indexType,
    );
  }
  return invalidParam('fieldKind', '"dense" or "sparse"', fieldKind);
}

/** Reloads an index from `serialize()` output; the kind is read from the first part. */
export function deserializeIndex(
  parts: ArrayBuffer[],
  column: DenseVectorColumn,
  kernels: Kernels,
): VectorIndex;
export function deserializeIndex(
  parts: ArrayBuffer[],
  column: SparseVectorColumn,
  kernels?: Kernels,
): VectorIndex<SparseVector>;
export function deserializeIndex(
  parts: ArrayBuffer[],
  column: DenseVectorColumn | SparseVectorColumn,
  kernels?: Kernels,
): VectorIndex | VectorIndex<SparseVector> {
  const tag = readTag(parts[0]);
  if (tag === 'SPIV') return SparseInvertedIndex.deserialize(parts, column as SparseVectorColumn);
  if (!kernels) throw new ElanusError('IllegalArgument', 'a dense index needs kernels');
  if (tag === 'FLAT') return FlatIndex.deserialize(parts, column as DenseVectorColumn, kernels);
  if (tag === 'HNSW') return HnswIndex.deserialize(parts, column as DenseVectorColumn, kernels);
  throw new ElanusError('UnexpectedError', `cannot deserialize index: unknown format ${JSON.stringify(tag)}`);
}
