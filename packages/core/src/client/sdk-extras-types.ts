// The SDK extras' request and result types, apart from sdk-extras.ts so that its lazily loaded bodies
// (sdk-extras-impl.ts) import them without an import circle.

import type { CollectionReq, DescribeCollectionRes, ResStatus, StatusRes } from './types.js';

/** The version `getVersion()` reports (the Milvus release whose API this engine follows, and ours). */
export const ELANUS_VERSION = '0.1.0';

type KeyValue = { key: string; value: string };

export interface FlushSyncReq {
  collection_names: string[];
  db_name?: string;
}
export interface FlushResult extends StatusRes {
  db_name: string;
  coll_segIDs: Record<string, { data: string[] }>;
  flush_coll_segIDs: Record<string, { data: string[] }>;
  coll_seal_times: Record<string, string>;
  coll_flush_ts: Record<string, string>;
}
export interface PartitionsReq extends CollectionReq {
  partition_names: string[];
}
export interface IndexStateReq extends CollectionReq {
  field_name?: string;
  index_name?: string;
}
export interface RunAnalyzerReq {
  text: string | string[];
  analyzer_params?: Record<string, unknown> | string;
  collection_name?: string;
  field_name?: string;
  with_detail?: boolean;
  with_hash?: boolean;
}
export interface AnalyzerToken {
  token: string;
  position?: number;
}
export interface RunAnalyzerRes extends StatusRes {
  results: { tokens: AnalyzerToken[] }[];
}

/** The SDK methods Elanus answers locally, with the SDK's result shapes. */
export interface SdkExtras {
  flushSync(req: FlushSyncReq): Promise<FlushResult>;
  flushAll(req?: { db_name?: string }): Promise<StatusRes & { flush_all_ts: string }>;
  flushAllSync(req?: { db_name?: string }): Promise<StatusRes & { flush_all_ts: string }>;
  getFlushState(req: { segmentIDs: unknown[] }): Promise<StatusRes & { flushed: boolean }>;
  getFlushAllState(req?: unknown): Promise<StatusRes & { flushed: boolean }>;
  compact(req: CollectionReq): Promise<StatusRes & { compactionID: string }>;
  getCompactionState(req: { compactionID: string | number }): Promise<StatusRes & { state: string }>;
  getVersion(): Promise<StatusRes & { version: string }>;
  checkHealth(): Promise<{ isHealthy: boolean; reasons: string[]; quota_states: string[] }>;
  use(req?: { db_name?: string }): Promise<ResStatus>;
  listDatabases(req?: unknown): Promise<StatusRes & { db_names: string[]; db_ids: string[] }>;
  describeDatabase(req: {
    db_name: string;
  }): Promise<
    StatusRes & { db_name: string; dbID: string; created_timestamp: string; properties: KeyValue[] }
  >;
  loadCollectionAsync(req: CollectionReq): Promise<ResStatus>;
  loadPartitions(req: PartitionsReq): Promise<ResStatus>;
  loadPartitionsSync(req: PartitionsReq): Promise<ResStatus>;
  releasePartitions(req: PartitionsReq): Promise<ResStatus>;
  getLoadingProgress(req: CollectionReq): Promise<StatusRes & { progress: string; refresh_progress: string }>;
  getPartitionStatistics(
    req: CollectionReq & { partition_name: string },
  ): Promise<StatusRes & { stats: KeyValue[]; data: Record<string, string> }>;
  getIndexState(req: IndexStateReq): Promise<StatusRes & { state: string; fail_reason: string }>;
  getIndexBuildProgress(
    req: IndexStateReq,
  ): Promise<StatusRes & { indexed_rows: string; total_rows: string; pending_index_rows: string }>;
  batchDescribeCollections(req: {
    collection_names: string[];
  }): Promise<StatusRes & { responses: DescribeCollectionRes[] }>;
  getPkField(req: CollectionReq): Promise<DescribeCollectionRes['schema']['fields'][number]>;
  getPkFieldName(req: CollectionReq): Promise<string>;
  getPkFieldType(req: CollectionReq): Promise<string>;
  runAnalyzer(req: RunAnalyzerReq): Promise<RunAnalyzerRes>;
}
