/** Milvus data types, with the server's numeric values (as `@zilliz/milvus2-sdk-node`'s `DataType`). */
export const DataType = {
  None: 0,
  Bool: 1,
  Int8: 2,
  Int16: 3,
  Int32: 4,
  Int64: 5,
  Float: 10,
  Double: 11,
  VarChar: 21,
  Array: 22,
  JSON: 23,
  BinaryVector: 100,
  FloatVector: 101,
  Float16Vector: 102,
  BFloat16Vector: 103,
  SparseFloatVector: 104,
  Int8Vector: 105,
} as const;
export type DataType = (typeof DataType)[keyof typeof DataType];
export type DataTypeName = keyof typeof DataType;

export const DataTypeName: Readonly<Record<number, DataTypeName>> = Object.freeze(
  Object.fromEntries(Object.entries(DataType).map(([k, v]) => [v, k as DataTypeName])),
);

export const MetricType = {
  L2: 'L2',
  IP: 'IP',
  COSINE: 'COSINE',
  BM25: 'BM25',
  HAMMING: 'HAMMING',
  JACCARD: 'JACCARD',
} as const;
export type MetricType = (typeof MetricType)[keyof typeof MetricType];

export const IndexType = {
  FLAT: 'FLAT',
  HNSW: 'HNSW',
  HNSW_SQ: 'HNSW_SQ',
  IVF_FLAT: 'IVF_FLAT',
  IVF_SQ8: 'IVF_SQ8',
  IVF_PQ: 'IVF_PQ',
  AUTOINDEX: 'AUTOINDEX',
  SPARSE_INVERTED_INDEX: 'SPARSE_INVERTED_INDEX',
  SPARSE_WAND: 'SPARSE_WAND',
  BIN_FLAT: 'BIN_FLAT',
  BIN_IVF_FLAT: 'BIN_IVF_FLAT',
  INVERTED: 'INVERTED',
  STL_SORT: 'STL_SORT',
  TRIE: 'TRIE',
} as const;
export type IndexType = (typeof IndexType)[keyof typeof IndexType];

export const FunctionType = { Unknown: 0, BM25: 1 } as const;
export type FunctionType = (typeof FunctionType)[keyof typeof FunctionType];

export const ConsistencyLevel = {
  Strong: 'Strong',
  Session: 'Session',
  Bounded: 'Bounded',
  Eventually: 'Eventually',
} as const;
export type ConsistencyLevel = (typeof ConsistencyLevel)[keyof typeof ConsistencyLevel];

/** Field schema as users write it (Node SDK `FieldType`). */
export interface FieldType {
  name: string;
  data_type: DataType | DataTypeName;
  description?: string;
  is_primary_key?: boolean;
  autoID?: boolean;
  /** For VarChar. Milvus also accepts it inside `type_params`. */
  max_length?: number | string;
  /** For the dense vector types (FloatVector, Float16Vector, BFloat16Vector, Int8Vector) and BinaryVector. */
  dim?: number | string;
  element_type?: DataType | DataTypeName;
  max_capacity?: number | string;
  nullable?: boolean;
  default_value?: unknown;
  is_partition_key?: boolean;
  enable_analyzer?: boolean;
  enable_match?: boolean;
  analyzer_params?: Record<string, unknown>;
  type_params?: Record<string, unknown>;
}

export interface FunctionObject {
  name: string;
  description?: string;
  type: FunctionType | 'BM25';
  input_field_names: string[];
  output_field_names: string[];
  params?: Record<string, unknown>;
}

/** The normalised field schema that the engine uses internally. */
export interface FieldSchema {
  name: string;
  description: string;
  data_type: DataType;
  is_primary_key: boolean;
  autoID: boolean;
  max_length?: number;
  dim?: number;
  element_type?: DataType;
  max_capacity?: number;
  nullable: boolean;
  default_value?: unknown;
  is_partition_key: boolean;
  is_function_output: boolean;
  enable_analyzer: boolean;
  enable_match: boolean;
  analyzer_params?: Record<string, unknown>;
  /** Set by `alterCollectionFieldProperties` (`mmap.enabled`); shown in `type_params`. */
  properties?: Record<string, string>;
}

export interface FunctionSchema {
  name: string;
  description: string;
  type: FunctionType;
  input_field_names: string[];
  output_field_names: string[];
  params: Record<string, unknown>;
}

export interface CollectionSchema {
  name: string;
  description: string;
  fields: FieldSchema[];
  functions: FunctionSchema[];
  enable_dynamic_field: boolean;
  /** Collection properties (`collection.ttl.seconds`, `mmap.enabled`, any other key), as strings. */
  properties?: Record<string, string>;
}

export const isVectorType = (t: DataType): boolean =>
  t === DataType.FloatVector ||
  t === DataType.SparseFloatVector ||
  t === DataType.BinaryVector ||
  isCompactVectorType(t);

/**
 * Float16Vector, BFloat16Vector, Int8Vector: stored in their compact form (2 or 1 bytes a dimension) and
 * searched by the float32 kernels over a decoded copy (collection/compact-vector-column.ts).
 */
export const isCompactVectorType = (t: DataType): boolean =>
  t === DataType.Float16Vector || t === DataType.BFloat16Vector || t === DataType.Int8Vector;

/** Vector types searched with L2 / IP / COSINE: FloatVector and the compact ones. */
export const isDenseVectorType = (t: DataType): boolean =>
  t === DataType.FloatVector || isCompactVectorType(t);

export const isIntegerType = (t: DataType): boolean =>
  t === DataType.Int8 || t === DataType.Int16 || t === DataType.Int32 || t === DataType.Int64;

export const isNumericType = (t: DataType): boolean =>
  isIntegerType(t) || t === DataType.Float || t === DataType.Double;

/** A sparse vector in canonical form: sorted unique indices and their values. */
export interface SparseVector {
  indices: Uint32Array;
  values: Float32Array;
}

/** Sparse vector forms accepted on input. */
export type SparseVectorInput =
  | Record<number | string, number>
  | { indices: ArrayLike<number>; values: ArrayLike<number> }
  | SparseVector
  | Map<number, number>;
