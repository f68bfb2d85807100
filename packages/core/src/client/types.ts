import type { CreateCollectionReq } from '../schema/normalize.js';
import type { FieldType, FunctionObject, MetricType } from '../schema/types.js';

/** Milvus `status` object (as the Node SDK returns it). */
export interface ResStatus {
  error_code: 'Success' | string;
  reason: string;
  code: number;
}

export type RowData = Record<string, unknown>;
export type Id = string | number;

export interface StatusRes {
  status: ResStatus;
}

export interface CollectionReq {
  collection_name: string;
  db_name?: string;
}

/**
 * The SDK's `ConsistencyLevelEnum` (the proto's numbers). Reads accept it or its name; the local engine
 * always reads its own writes, so every level behaves as Strong.
 */
export const ConsistencyLevelEnum = {
  Strong: 0,
  Session: 1,
  Bounded: 2,
  Eventually: 3,
  Customized: 4,
} as const;
export type ConsistencyLevelEnum = (typeof ConsistencyLevelEnum)[keyof typeof ConsistencyLevelEnum];

/** The `consistency_level` a read request may carry. */
export interface ReadConsistency {
  consistency_level?: ConsistencyLevelEnum | keyof typeof ConsistencyLevelEnum;
}

export interface PartitionReq extends CollectionReq {
  partition_name: string;
}

export interface DescribeCollectionRes extends StatusRes {
  collection_name: string;
  collectionID: string;
  schema: {
    name: string;
    description: string;
    enable_dynamic_field: boolean;
    autoID: boolean;
    fields: (FieldType & { fieldID: string; data_type: string; dataType: number; element_type?: string })[];
    functions: FunctionObject[];
  };
  consistency_level: string;
  num_partitions: string;
  created_timestamp: string;
  created_utc_timestamp: string;
  shards_num: number;
  aliases: string[];
  properties: { key: string; value: string }[];
}

export interface ShowCollectionsRes extends StatusRes {
  data: { name: string; id: string; timestamp: string; loadedPercentage: string }[];
  collection_names: string[];
}

export interface BoolRes extends StatusRes {
  value: boolean;
}

export interface StatisticsRes extends StatusRes {
  stats: { key: string; value: string }[];
  data: Record<string, string>;
}

export interface ShowPartitionsRes extends StatusRes {
  partition_names: string[];
  partitionIDs: string[];
  created_timestamps: string[];
  created_utc_timestamps: string[];
  data: { name: string; id: string; timestamp: string; loadedPercentage: string }[];
}

/** Progress of a long operation, reported through `onProgress`. */
export interface Progress {
  /** The method running: `insert`, `upsert`, `createIndex`. */
  operation: string;
  /** Units done (rows for inserts, indexes for createIndex) and in total. */
  done: number;
  total: number;
}

/**
 * Options of long operations. The worker client splits big inserts into chunks, reports progress after
 * each and stops between chunks when `signal` aborts (see `WorkerClient` for what an aborted call leaves).
 * The in-thread client runs each call in one step: it rejects an already aborted signal and reports once.
 */
export interface OperationOptions {
  onProgress?: (progress: Progress) => void;
  signal?: AbortSignal;
}

export interface CreateIndexReq extends CollectionReq, OperationOptions {
  field_name?: string;
  index_name?: string;
  index_type?: string;
  metric_type?: MetricType | string;
  params?: Record<string, unknown>;
  extra_params?: Record<string, unknown>;
}

export interface IndexDescription {
  index_name: string;
  field_name: string;
  index_type: string;
  metric_type: string;
  params: { key: string; value: string }[];
  indexed_rows: string;
  total_rows: string;
  pending_index_rows: string;
  state: string;
}

export interface DescribeIndexRes extends StatusRes {
  index_descriptions: IndexDescription[];
}

export interface ListIndexesRes extends StatusRes {
  indexes: string[];
}

export interface LoadStateRes extends StatusRes {
  state: 'LoadStateNotExist' | 'LoadStateNotLoad' | 'LoadStateLoading' | 'LoadStateLoaded';
}

/** The SDK's `FieldPartialUpdateOpType`: what a partial upsert does with a field (same numbers). */
export const FieldPartialUpdateOpType = Object.freeze({
  REPLACE: 0,
  ARRAY_APPEND: 1,
  ARRAY_REMOVE: 2,
} as const);
export type FieldPartialUpdateOpType =
  (typeof FieldPartialUpdateOpType)[keyof typeof FieldPartialUpdateOpType];

export interface FieldPartialUpdateOp {
  field_name: string;
  op: FieldPartialUpdateOpType | keyof typeof FieldPartialUpdateOpType;
}

export interface InsertReq extends CollectionReq, OperationOptions {
  data?: RowData[];
  fields_data?: RowData[];
  partition_name?: string;
  /** upsert only: update the fields each row gives and keep the others (rows with new keys are inserted). */
  partial_update?: boolean;
  /** upsert only: per-field operations (ARRAY_APPEND / ARRAY_REMOVE on ARRAY fields); implies partial_update. */
  field_ops?: FieldPartialUpdateOp[];
}

export interface MutationResult extends StatusRes {
  succ_index: number[];
  err_index: number[];
  IDs:
    | { int_id: { data: string[] }; id_field: 'int_id' }
    | { str_id: { data: string[] }; id_field: 'str_id' };
  acknowledged: boolean;
  insert_cnt: string;
  delete_cnt: string;
  upsert_cnt: string;
  timestamp: string;
}

export interface DeleteReq extends CollectionReq {
  ids?: Id[] | bigint[];
  filter?: string;
  expr?: string;
  filter_params?: Record<string, unknown>;
  exprValues?: Record<string, unknown>;
  partition_name?: string;
}

/** The SDK's `order_by_fields`: `'price:desc,id'`, `['price:desc']` or `[{ field: 'price', order: 'desc' }]`. */
export type OrderByFields = string | (string | { field: string; order?: 'asc' | 'desc' })[];

export interface QueryReq extends CollectionReq, ReadConsistency {
  filter?: string;
  expr?: string;
  filter_params?: Record<string, unknown>;
  exprValues?: Record<string, unknown>;
  /** Field names, dynamic keys, and aggregates: `count(*)`, `count(f)`, `sum(f)`, `avg(f)`, `min(f)`, `max(f)`. */
  output_fields?: string[];
  limit?: number;
  offset?: number;
  partition_names?: string[];
  /** Groups the aggregates in `output_fields` by these Bool, integer or VarChar fields (one row per group). */
  group_by_fields?: string[];
  /** Sorts rows (or groups) by these fields or aggregates; ties keep primary-key order. */
  order_by_fields?: OrderByFields;
  /** The SDK's other name for `order_by_fields`. */
  order_by?: OrderByFields;
}

export interface GetReq extends CollectionReq, ReadConsistency {
  ids: Id[] | bigint[];
  output_fields?: string[];
  partition_names?: string[];
}

export interface QueryResults extends StatusRes {
  data: RowData[];
}

/** A result row as the SDK types it: fields are `any`, so `res.data[0].text.length` compiles as it does there. */
// biome-ignore lint/suspicious/noExplicitAny: parity with the SDK's QueryResults rows
export type ResultRow = Record<string, any>;

/** What `MilvusClient.query` / `get` resolve to (the SDK's `QueryResults`). */
export interface QueryRowsResults extends StatusRes {
  data: ResultRow[];
}

/**
 * A query vector: dense numbers, a sparse map, BinaryVector bytes (a byte list or Uint8Array), the bytes or
 * stored form of a Float16Vector / BFloat16Vector (Uint8Array of 2·dim bytes, Uint16Array of bits) or an
 * Int8Vector (Int8Array), or BM25 text.
 */
export type VectorInput =
  | number[]
  | Float32Array
  | Uint8Array
  | Uint16Array
  | Int8Array
  | Record<string, number>
  | { indices: number[]; values: number[] }
  | string;

export interface SearchReq extends CollectionReq, ReadConsistency {
  /** One query vector, or several. Text for BM25 function fields. */
  data?: VectorInput | VectorInput[];
  /** Node SDK alias of `data`. */
  vector?: VectorInput;
  vectors?: VectorInput[];
  /** Search by primary keys instead of `data`: the stored vectors of these rows are the queries, in order. */
  ids?: (number | string | bigint)[];
  anns_field?: string;
  limit?: number;
  topk?: number;
  offset?: number;
  filter?: string;
  expr?: string;
  filter_params?: Record<string, unknown>;
  exprValues?: Record<string, unknown>;
  output_fields?: string[];
  metric_type?: string;
  params?: Record<string, unknown>;
  search_params?: Record<string, unknown>;
  group_by_field?: string;
  group_size?: number;
  strict_group_size?: boolean;
  partition_names?: string[];
  /** Bucket aggregation of the hits (the SDK's `SearchAggregation`); `limit` is ignored when it is set. */
  search_aggregation?: SearchAggregation;
}

export type AggregationDirection = 'asc' | 'desc';
export type AggregationMetricOp = 'avg' | 'sum' | 'count' | 'min' | 'max';
export interface SearchAggregationMetric {
  op: AggregationMetricOp;
  field_name: string;
}
export interface SearchAggregationOrder {
  key: string;
  direction: AggregationDirection;
}
export interface SearchAggregationSort {
  field_name: string;
  direction: AggregationDirection;
}
export interface SearchAggregationTopHits {
  size: number;
  sort?: SearchAggregationSort[];
}
/** Bucket aggregation configuration for a search request (the SDK's `SearchAggregation`). */
export interface SearchAggregation {
  fields: string[];
  size: number;
  metrics?: Record<string, SearchAggregationMetric>;
  order?: SearchAggregationOrder[];
  top_hits?: SearchAggregationTopHits;
  sub_aggregation?: SearchAggregation;
}
export type AggregationValue = string | number | boolean | Uint8Array;
export interface AggregationBucketKey {
  field_id: string | number;
  field_name: string;
  value?: AggregationValue;
}
export interface AggregationHit {
  [field_name: string]: unknown;
  score: number;
}
/** One bucket of a search aggregation, as the SDK returns it in `agg_buckets`. */
export interface AggregationBucket {
  key: AggregationBucketKey[];
  count: string | number;
  metrics: Record<string, AggregationValue | undefined>;
  hits: AggregationHit[];
  sub_groups: AggregationBucket[];
}

export interface SearchHit {
  id: string;
  score: number;
  [field: string]: unknown;
}

/** A hit as the SDK types it (`SearchResultData`): output fields are `any`, so `hit.text.length` compiles. */
export interface SearchResultData {
  id: string;
  score: number;
  // biome-ignore lint/suspicious/noExplicitAny: parity with the SDK's SearchResultData
  [field: string]: any;
}

type HitsFor<D> = [D] extends [VectorInput]
  ? SearchResultData[]
  : [D] extends [readonly [unknown]]
    ? SearchResultData[]
    : [D] extends [readonly [unknown, unknown, ...unknown[]]]
      ? SearchResultData[][]
      : SearchResultData[] | SearchResultData[][];

/**
 * The shape of `results` for a request type, as the SDK's `DetermineResultsType`: one query vector (or a
 * one-element tuple) gives one list of hits; a tuple of several gives one list per query. An array whose
 * length the compiler cannot see stays the union, because one vector in it answers with a single list.
 */
export type DetermineResultsType<T> = T extends { data: readonly { anns_field: string; data: infer D }[] }
  ? HitsFor<D>
  : T extends { data: infer D }
    ? HitsFor<D>
    : T extends { vectors: infer D }
      ? HitsFor<D>
      : T extends { vector: infer D }
        ? HitsFor<D>
        : SearchResultData[] | SearchResultData[][];

/**
 * Search results. The backends (engine, worker, remote transports) return `SearchResults` with hits whose
 * fields are `unknown`; `MilvusClient.search<T>()` returns `SearchResults<T>`, typed from the request.
 */
export interface SearchResults<T = never> extends StatusRes {
  /** Hits for one query vector, or one list per query vector when several were given. */
  results: [T] extends [never] ? SearchHit[] | SearchHit[][] : DetermineResultsType<T>;
  recalls: number[];
  /** With `search_aggregation`: the buckets, one list per query vector when several were given. */
  agg_buckets?: AggregationBucket[] | AggregationBucket[][];
}

export interface RerankerObj {
  strategy: 'rrf' | 'weighted';
  params: { k?: number; weights?: number[]; norm_score?: boolean };
}

export interface HybridSearchSingleReq {
  data: VectorInput | VectorInput[];
  anns_field: string;
  params?: Record<string, unknown>;
  limit?: number;
  filter?: string;
  expr?: string;
}

export interface HybridSearchReq extends CollectionReq, ReadConsistency {
  data: HybridSearchSingleReq[];
  rerank?: RerankerObj;
  limit?: number;
  offset?: number;
  filter?: string;
  filter_params?: Record<string, unknown>;
  output_fields?: string[];
  partition_names?: string[];
}

export interface CountReq extends CollectionReq, ReadConsistency {
  filter?: string;
  expr?: string;
  partition_names?: string[];
}

export interface QueryIteratorReq extends Omit<QueryReq, 'offset'> {
  batchSize: number;
}

export interface SearchIteratorReq extends Omit<SearchReq, 'offset' | 'search_aggregation'> {
  batchSize: number;
}

export interface AliasReq extends CollectionReq {
  alias: string;
}
export interface DropAliasReq {
  alias: string;
  db_name?: string;
}
/** The SDK sends `collection_name` too (its check requires it); the alias alone decides. */
export interface DescribeAliasReq extends DropAliasReq {
  collection_name?: string;
}
export interface ListAliasesReq {
  collection_name?: string;
  db_name?: string;
}
export interface DescribeAliasRes extends StatusRes {
  db_name: string;
  alias: string;
  collection: string;
}
export interface ListAliasesRes extends StatusRes {
  db_name: string;
  aliases: string[];
  collection_name: string;
}

/**
 * The Milvus-shaped API. The in-thread engine, the worker proxy and the remote transports all implement it.
 * Method names, snake_case fields and result shapes follow `@zilliz/milvus2-sdk-node`.
 */
/** Property values as the SDK takes them: an object (`{ 'collection.ttl.seconds': 3600 }`) or key-value pairs. */
export type PropertiesInput = Record<string, string | number | boolean> | { key: string; value: string }[];
export interface AlterCollectionPropertiesReq extends CollectionReq {
  properties: PropertiesInput;
}
export interface DropCollectionPropertiesReq extends CollectionReq {
  /** The keys to remove (the SDK's name; it sends them as `delete_keys`). */
  properties?: string[];
  delete_keys?: string[];
}
export interface AlterCollectionFieldPropertiesReq extends CollectionReq {
  field_name: string;
  properties: PropertiesInput;
}
export interface AlterIndexPropertiesReq extends CollectionReq {
  index_name: string;
  params: PropertiesInput;
}
export interface DropIndexPropertiesReq extends CollectionReq {
  index_name: string;
  properties: string[];
}

export interface VectorClient {
  createCollection(req: CreateCollectionReq): Promise<ResStatus>;
  describeCollection(req: CollectionReq): Promise<DescribeCollectionRes>;
  hasCollection(req: CollectionReq): Promise<BoolRes>;
  listCollections(req?: { db_name?: string }): Promise<ShowCollectionsRes>;
  showCollections(req?: { db_name?: string }): Promise<ShowCollectionsRes>;
  dropCollection(req: CollectionReq): Promise<ResStatus>;
  renameCollection(req: CollectionReq & { new_collection_name: string }): Promise<ResStatus>;
  getCollectionStatistics(req: CollectionReq): Promise<StatisticsRes>;
  createPartition(req: PartitionReq): Promise<ResStatus>;
  dropPartition(req: PartitionReq): Promise<ResStatus>;
  hasPartition(req: PartitionReq): Promise<BoolRes>;
  listPartitions(req: CollectionReq): Promise<ShowPartitionsRes>;
  showPartitions(req: CollectionReq): Promise<ShowPartitionsRes>;
  createIndex(req: CreateIndexReq | CreateIndexReq[]): Promise<ResStatus>;
  describeIndex(req: CollectionReq & { field_name?: string; index_name?: string }): Promise<DescribeIndexRes>;
  listIndexes(req: CollectionReq): Promise<ListIndexesRes>;
  dropIndex(req: CollectionReq & { field_name?: string; index_name?: string }): Promise<ResStatus>;
  loadCollection(req: CollectionReq): Promise<ResStatus>;
  loadCollectionSync(req: CollectionReq): Promise<ResStatus>;
  releaseCollection(req: CollectionReq): Promise<ResStatus>;
  getLoadState(req: CollectionReq): Promise<LoadStateRes>;
  insert(req: InsertReq): Promise<MutationResult>;
  upsert(req: InsertReq): Promise<MutationResult>;
  delete(req: DeleteReq): Promise<MutationResult>;
  deleteEntities(req: DeleteReq): Promise<MutationResult>;
  get(req: GetReq): Promise<QueryResults>;
  query(req: QueryReq): Promise<QueryResults>;
  count(req: CountReq): Promise<StatusRes & { data: number }>;
  search(req: SearchReq): Promise<SearchResults>;
  hybridSearch(req: HybridSearchReq): Promise<SearchResults>;
  queryIterator(req: QueryIteratorReq): Promise<AsyncIterable<RowData[]>>;
  searchIterator(req: SearchIteratorReq): Promise<AsyncIterable<SearchHit[]>>;
  flush(req?: { collection_names?: string[] }): Promise<ResStatus>;
  createAlias(req: AliasReq): Promise<ResStatus>;
  alterAlias(req: AliasReq): Promise<ResStatus>;
  dropAlias(req: DropAliasReq): Promise<ResStatus>;
  describeAlias(req: DescribeAliasReq): Promise<DescribeAliasRes>;
  listAliases(req?: ListAliasesReq): Promise<ListAliasesRes>;
  alterCollectionProperties(req: AlterCollectionPropertiesReq): Promise<ResStatus>;
  dropCollectionProperties(req: DropCollectionPropertiesReq): Promise<ResStatus>;
  alterCollectionFieldProperties(req: AlterCollectionFieldPropertiesReq): Promise<ResStatus>;
  alterIndexProperties(req: AlterIndexPropertiesReq): Promise<ResStatus>;
  dropIndexProperties(req: DropIndexPropertiesReq): Promise<ResStatus>;
  closeConnection(): Promise<void>;
}

export type { CreateCollectionReq };
