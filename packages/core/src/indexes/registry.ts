import { invalidParam } from '../errors/index.js';
import type { DenseMetric, Kernels } from '../kernels/types.js';
import { DataType, type MetricType, type SparseVector } from '../schema/types.js';
import { type BinaryMetric, type BinaryVectorColumn, BinFlatIndex } from './bin-flat.js';
import type { BinIvfOptions } from './bin-ivf.js';
import { FlatIndex } from './flat.js';
import { HnswIndex } from './hnsw.js';
import { type HnswSqOptions, parseHnswSqParams } from './hnsw-sq-params.js';
import type { IvfCode, IvfOptions } from './ivf.js';
import { binIvfModule, hnswSqModule, ivfModule } from './lazy-indexes.js';
import { IVF_DEFAULTS, intParam, numParam } from './params.js';
import type { SparseVectorColumn } from './sparse-column.js';
import { SparseInvertedIndex } from './sparse-inverted.js';
import type { DenseVectorColumn, VectorIndex } from './types.js';

// The index menu: one entry per Milvus index type Elanus builds, with the field kind it indexes, the metrics
// it accepts, its build parameters (checked before anything is built) and its serialized tag. Adding an
// index type is one file implementing VectorIndex plus one entry here.

export type FieldKind = 'dense' | 'sparse' | 'binary';

/** The index family of a vector field's data type (FloatVector, SparseFloatVector, BinaryVector). */
export function fieldKindOf(dataType: DataType): FieldKind {
  if (dataType === DataType.SparseFloatVector) return 'sparse';
  if (dataType === DataType.BinaryVector) return 'binary';
  return 'dense';
}

/** HNSW defaults when AUTOINDEX picks it (and when M / efConstruction are omitted). */
export const HNSW_DEFAULTS = { M: 16, efConstruction: 200 } as const;

const DENSE_METRICS: readonly MetricType[] = ['L2', 'IP', 'COSINE'];
const SPARSE_METRICS: readonly MetricType[] = ['IP', 'BM25'];
const BINARY_METRICS: readonly MetricType[] = ['HAMMING', 'JACCARD'];

interface Entry<K extends FieldKind, C, I, O> {
  kind: K;
  metrics: readonly MetricType[];
  /** Tag of the first serialized part. */
  tag: string;
  /** Validated build options; throws IllegalArgument naming the parameter, its range and the value. */
  parse(params: Record<string, unknown>, dim: number): O;
  build(column: C, kernels: Kernels, metric: MetricType, opts: O, type: string): I;
  restore(parts: ArrayBuffer[], column: C, kernels: Kernels): I;
}

type DenseEntry = Entry<'dense', DenseVectorColumn, VectorIndex, unknown>;
type SparseEntry = Entry<'sparse', SparseVectorColumn, VectorIndex<SparseVector>, unknown>;
type BinaryEntry = Entry<'binary', BinaryVectorColumn, VectorIndex<Uint8Array>, unknown>;
export type IndexEntry = DenseEntry | SparseEntry | BinaryEntry;

const seedParam = (p: Record<string, unknown>) => intParam(p, 'seed', 0, 2 ** 32 - 1, 42);

function ivf(code: IvfCode, tagless = false): DenseEntry {
  return {
    kind: 'dense',
    metrics: DENSE_METRICS,
    tag: tagless ? '' : 'IVF1',
    parse(p, dim) {
      const nlist = intParam(p, 'nlist', 1, 65536, IVF_DEFAULTS.nlist);
      const seed = seedParam(p);
      if (code !== 'PQ') return { nlist, code, seed };
      if (p.m === undefined || p.m === null) invalidParam('m', `an integer dividing dim (${dim})`, p.m);
      const m = intParam(p, 'm', 1, dim, 0);
      if (dim % m !== 0) invalidParam('m', `an integer dividing dim (${dim})`, p.m);
      const nbits = intParam(p, 'nbits', 1, 8, IVF_DEFAULTS.nbits);
      return { nlist, code, seed, m, nbits };
    },
    // Lazily loaded (lazy-indexes.ts): prepared by every async path before it builds or restores.
    build: (col, kernels, metric, opts) =>
      new (ivfModule().IvfIndex)(col, kernels, metric as DenseMetric, opts as IvfOptions),
    restore: (parts, col, kernels) => ivfModule().IvfIndex.deserialize(parts, col, kernels),
  };
}

const sparse = (name: string): SparseEntry => ({
  kind: 'sparse',
  metrics: SPARSE_METRICS,
  tag: name === 'SPARSE_INVERTED_INDEX' ? 'SPIV' : '',
  parse: (p) => ({
    dropRatioBuild: numParam(p, 'drop_ratio_build', 0, 1, 0, true),
    k1: numParam(p, 'bm25_k1', 1.2, 2, 1.2),
    b: numParam(p, 'bm25_b', 0, 1, 0.75),
  }),
  build: (col, _k, metric, opts) =>
    new SparseInvertedIndex(
      col,
      metric as 'IP' | 'BM25',
      opts as { dropRatioBuild: number; k1: number; b: number },
      name,
    ),
  restore: (parts, col) => SparseInvertedIndex.deserialize(parts, col),
});

/** Every index type Elanus builds, by Milvus name. AUTOINDEX is resolved by the engine to one of these. */
export const INDEX_TYPES: ReadonlyMap<string, IndexEntry> = new Map<string, IndexEntry>([
  [
    'FLAT',
    {
      kind: 'dense',
      metrics: DENSE_METRICS,
      tag: 'FLAT',
      parse: () => ({}),
      build: (col, kernels, metric) => new FlatIndex(col, kernels, metric as DenseMetric),
      restore: (parts, col, kernels) => FlatIndex.deserialize(parts, col, kernels),
    } satisfies DenseEntry,
  ],
  [
    'HNSW',
    {
      kind: 'dense',
      metrics: DENSE_METRICS,
      tag: 'HNSW',
      parse: (p) => ({
        M: intParam(p, 'M', 2, 2048, HNSW_DEFAULTS.M),
        efConstruction: intParam(p, 'efConstruction', 1, 2 ** 31 - 1, HNSW_DEFAULTS.efConstruction),
        seed: seedParam(p),
      }),
      build: (col, kernels, metric, opts) =>
        new HnswIndex(
          col,
          kernels,
          metric as DenseMetric,
          opts as { M: number; efConstruction: number; seed: number },
        ),
      restore: (parts, col, kernels) => HnswIndex.deserialize(parts, col, kernels),
    } satisfies DenseEntry,
  ],
  [
    'HNSW_SQ',
    {
      kind: 'dense',
      metrics: DENSE_METRICS,
      tag: 'HNSQ',
      parse: (p) => parseHnswSqParams(p, HNSW_DEFAULTS),
      // Lazily loaded (lazy-indexes.ts), like the IVF family.
      build: (col, kernels, metric, opts) =>
        new (hnswSqModule().HnswSqIndex)(col, kernels, metric as DenseMetric, opts as HnswSqOptions),
      restore: (parts, col, kernels) => hnswSqModule().HnswSqIndex.deserialize(parts, col, kernels),
    } satisfies DenseEntry,
  ],
  ['IVF_FLAT', ivf('FLAT')],
  ['IVF_SQ8', ivf('SQ8', true)],
  ['IVF_PQ', ivf('PQ', true)],
  [
    'BIN_FLAT',
    {
      kind: 'binary',
      metrics: BINARY_METRICS,
      tag: 'BINF',
      parse: (_p, dim) => ({ dim }),
      build: (col, _k, metric, opts) =>
        new BinFlatIndex(col, (opts as { dim: number }).dim, metric as BinaryMetric),
      restore: (parts, col) => BinFlatIndex.deserialize(parts, col),
    } satisfies BinaryEntry,
  ],
  [
    'BIN_IVF_FLAT',
    {
      kind: 'binary',
      metrics: BINARY_METRICS,
      tag: 'BIVF',
      parse: (p, dim): BinIvfOptions => ({
        dim,
        nlist: intParam(p, 'nlist', 1, 65536, IVF_DEFAULTS.nlist),
        seed: seedParam(p),
      }),
      // Lazily loaded with the IVF family (lazy-indexes.ts).
      build: (col, _k, metric, opts) =>
        new (binIvfModule().BinIvfIndex)(col, metric as BinaryMetric, opts as BinIvfOptions),
      restore: (parts, col) => binIvfModule().BinIvfIndex.deserialize(parts, col),
    } satisfies BinaryEntry,
  ],
  ['SPARSE_INVERTED_INDEX', sparse('SPARSE_INVERTED_INDEX')],
  // The same WAND implementation under Milvus's other name.
  ['SPARSE_WAND', sparse('SPARSE_WAND')],
]);

/** Index type names for a field kind, in menu order. */
export function indexTypesFor(kind: FieldKind): string[] {
  return [...INDEX_TYPES].filter(([, e]) => e.kind === kind).map(([t]) => t);
}

/** The entry that reads a serialized index with this tag. */
export function entryForTag(tag: string | null): IndexEntry | undefined {
  for (const e of INDEX_TYPES.values()) if (e.tag !== '' && e.tag === tag) return e;
  return undefined;
}
