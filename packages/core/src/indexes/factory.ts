import { elanusError, invalidParam } from '../errors/index.js';
import type { Kernels } from '../kernels/types.js';
import type { MetricType, SparseVector } from '../schema/types.js';
import type { BinaryVectorColumn } from './bin-flat.js';
import { entryForTag, type FieldKind, INDEX_TYPES, type IndexEntry, indexTypesFor } from './registry.js';
import { readTag } from './serial.js';
import type { SparseVectorColumn } from './sparse-column.js';
import type { DenseVectorColumn, VectorIndex } from './types.js';

export { type BinaryMetric, type BinaryVectorColumn, BinFlatIndex, binaryDistance } from './bin-flat.js';
export { exactSearch, FlatIndex } from './flat.js';
export { HnswIndex, type HnswOptions, type HnswSearchStats } from './hnsw.js';
export type { IvfCode, IvfOptions } from './ivf.js';
export { ivfModule, mentionsLazyIndex, prepareLazyIndexes } from './lazy-indexes.js';
export { IVF_DEFAULTS } from './params.js';
export { type FieldKind, fieldKindOf, HNSW_DEFAULTS, INDEX_TYPES, indexTypesFor } from './registry.js';
export { ArraySparseColumn, type SparseVectorColumn } from './sparse-column.js';
export {
  type SparseIndexOptions,
  SparseInvertedIndex,
  type SparseMetric,
  type SparseSearchStats,
} from './sparse-inverted.js';
export type { DenseVectorColumn, IndexSearchParams, SparseIndex, TopK, VectorIndex } from './types.js';

function checkMetric(metric: string, allowed: readonly string[], indexType: string): void {
  if (!allowed.includes(metric)) {
    invalidParam('metric_type', `one of ${allowed.join(', ')} for ${indexType}`, metric);
  }
}

/** AUTOINDEX per field kind: HNSW for dense vectors, the WAND inverted index for sparse ones. */
const AUTO: Record<FieldKind, string> = {
  dense: 'HNSW',
  sparse: 'SPARSE_INVERTED_INDEX',
  binary: 'BIN_FLAT',
};

function entryFor(fieldKind: FieldKind, indexType: string): { type: string; entry: IndexEntry } {
  if (!Object.hasOwn(AUTO, fieldKind)) invalidParam('fieldKind', '"dense", "sparse" or "binary"', fieldKind);
  const upper = typeof indexType === 'string' ? indexType.toUpperCase() : indexType;
  const type = upper === 'AUTOINDEX' ? AUTO[fieldKind] : upper;
  const entry = INDEX_TYPES.get(type);
  if (!entry || entry.kind !== fieldKind) {
    const field = {
      dense: 'a FLOAT_VECTOR field',
      sparse: 'a SPARSE_FLOAT_VECTOR field',
      binary: 'a BINARY_VECTOR field',
    }[fieldKind];
    invalidParam(
      'index_type',
      `one of ${[...indexTypesFor(fieldKind), 'AUTOINDEX'].join(', ')} for ${field}`,
      indexType,
    );
  }
  return { type, entry };
}

/**
 * Checks an index definition without building anything: the type exists for the field kind, the metric
 * is one it accepts and every build parameter is in range. Throws IllegalArgument naming the parameter,
 * the expected range and the value.
 */
export function checkIndexParams(
  fieldKind: FieldKind,
  indexType: string,
  metric: MetricType,
  params: Record<string, unknown>,
  dim: number,
): void {
  const { type, entry } = entryFor(fieldKind, indexType);
  checkMetric(metric, entry.metrics, type);
  entry.parse(params ?? {}, dim);
}

/**
 * Creates an empty index over a column (call `addRange` to index its rows). Parameters are validated
 * first (see `checkIndexParams`). Dense: FLAT; HNSW (M in [2, 2048], efConstruction in [1, 2^31-1]);
 * IVF_FLAT, IVF_SQ8 (nlist in [1, 65536], default 128); IVF_PQ (also m dividing dim, nbits in [1, 8],
 * default 8); AUTOINDEX = HNSW with M 16, efConstruction 200; each takes an optional `seed`.
 * Sparse: SPARSE_INVERTED_INDEX, SPARSE_WAND, AUTOINDEX (all the same WAND implementation), metric IP
 * or BM25, drop_ratio_build in [0, 1), bm25_k1 in [1.2, 2], bm25_b in [0, 1].
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
  fieldKind: 'binary',
  indexType: string,
  metric: MetricType,
  params: Record<string, unknown>,
  column: BinaryVectorColumn,
  kernels?: Kernels,
  dim?: number,
): VectorIndex<Uint8Array>;
export function createIndex(
  fieldKind: FieldKind,
  indexType: string,
  metric: MetricType,
  params: Record<string, unknown>,
  column: DenseVectorColumn | SparseVectorColumn | BinaryVectorColumn,
  kernels?: Kernels,
  binaryDim?: number,
): VectorIndex | VectorIndex<SparseVector> | VectorIndex<Uint8Array> {
  const { type, entry } = entryFor(fieldKind, indexType);
  checkMetric(metric, entry.metrics, type);
  const dim = fieldKind === 'dense' ? (column as DenseVectorColumn).dim : (binaryDim ?? 0);
  const opts = entry.parse(params ?? {}, dim);
  if (entry.kind === 'dense') {
    if (!kernels) throw elanusError('denseIndexNeedsKernels', {});
    return entry.build(column as DenseVectorColumn, kernels, metric, opts, type);
  }
  if (entry.kind === 'binary')
    return entry.build(column as BinaryVectorColumn, kernels as Kernels, metric, opts, type);
  return entry.build(column as SparseVectorColumn, kernels as Kernels, metric, opts, type);
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
  column: DenseVectorColumn | SparseVectorColumn | BinaryVectorColumn,
  kernels?: Kernels,
): VectorIndex | VectorIndex<SparseVector> | VectorIndex<Uint8Array> {
  const entry = entryForTag(readTag(parts[0]));
  if (!entry) {
    throw elanusError('unknownIndexFormat', { tag: readTag(parts[0]) });
  }
  if (entry.kind === 'sparse') return entry.restore(parts, column as SparseVectorColumn, kernels as Kernels);
  if (entry.kind === 'binary') return entry.restore(parts, column as BinaryVectorColumn, kernels as Kernels);
  if (!kernels) throw elanusError('denseIndexNeedsKernels', {});
  return entry.restore(parts, column as DenseVectorColumn, kernels);
}
