// The rest of @zilliz/milvus2-sdk-node's MilvusClient surface, for code written against the SDK
// (LangChain's and LlamaIndex's Milvus stores call `flushSync`, `loadCollectionSync`, `getVersion`...).
// Each method here is built from the core `VectorClient` methods, so every backend (in-thread, worker,
// IndexedDB) answers it the same way; a remote backend that has the method itself answers it instead.
// SDK methods that have no local meaning (users and roles, resource groups, replication, bulk import)
// reject with `NotImplemented` naming the method, never with `TypeError: … is not a function`.

import { ElanusError } from '../errors/index.js';
import type { CollectionReq, DescribeCollectionRes, ResStatus, StatusRes, VectorClient } from './types.js';

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

/** The names of `SdkExtras`, installed on the facade (their bodies load on first call). */
export const SDK_EXTRA_METHODS: readonly (keyof SdkExtras)[] = [
  'flushSync',
  'flushAll',
  'flushAllSync',
  'getFlushState',
  'getFlushAllState',
  'compact',
  'getCompactionState',
  'getVersion',
  'checkHealth',
  'use',
  'listDatabases',
  'describeDatabase',
  'loadCollectionAsync',
  'loadPartitions',
  'loadPartitionsSync',
  'releasePartitions',
  'getLoadingProgress',
  'getPartitionStatistics',
  'getIndexState',
  'getIndexBuildProgress',
  'batchDescribeCollections',
  'getPkField',
  'getPkFieldName',
  'getPkFieldType',
  'runAnalyzer',
];

/**
 * Public SDK 3.0 methods with no local meaning. Each rejects with `NotImplemented` naming itself, so code
 * that reaches one learns which call and why instead of `TypeError: … is not a function`.
 */
export const SDK_METHODS_NOT_IMPLEMENTED = [
  // databases other than `default`
  'createDatabase',
  'dropDatabase',
  'alterDatabase',
  'dropDatabaseProperties',
  // schema and property changes after creation
  'alterCollectionProperties',
  'dropCollectionProperties',
  'alterCollectionFieldProperties',
  'alterCollectionSchema',
  'addCollectionField',
  'addCollectionFields',
  'dropCollectionField',
  'addCollectionFunction',
  'alterCollectionFunction',
  'dropCollectionFunction',
  'addFunctionField',
  'dropFunctionField',
  'alterIndexProperties',
  'dropIndexProperties',
  'getIndexStatistics',
  'truncateCollection',
  // users, roles, privileges
  'createUser',
  'updateUser',
  'deleteUser',
  'describeUser',
  'listUsers',
  'createRole',
  'dropRole',
  'alterRole',
  'hasRole',
  'describeRole',
  'listRoles',
  'dropAllRoles',
  'addUserToRole',
  'removeUserFromRole',
  'grantPrivilege',
  'grantPrivilegeV2',
  'revokePrivilege',
  'revokePrivilegeV2',
  'selectGrant',
  'listGrants',
  'createPrivilegeGroup',
  'dropPrivilegeGroup',
  'listPrivilegeGroups',
  'addPrivilegesToGroup',
  'removePrivilegesFromGroup',
  'backupRBAC',
  'restoreRBAC',
  // cluster: resource groups, replicas, segments, balancing, replication, metrics
  'createResourceGroup',
  'describeResourceGroup',
  'dropResourceGroup',
  'dropAllResourceGroups',
  'listResourceGroups',
  'updateResourceGroups',
  'transferNode',
  'transferReplica',
  'getReplicas',
  'loadBalance',
  'refreshLoad',
  'getQuerySegmentInfo',
  'getPersistentSegmentInfo',
  'getCompactionStateWithPlans',
  'getMetric',
  'getReplicateConfiguration',
  'updateReplicateConfiguration',
  // bulk import, external collections, snapshots, file resources
  'bulkInsert',
  'getImportState',
  'listImportTasks',
  'refreshExternalCollection',
  'getRefreshExternalCollectionProgress',
  'listRefreshExternalCollectionJobs',
  'createSnapshot',
  'describeSnapshot',
  'dropSnapshot',
  'listSnapshots',
  'restoreSnapshot',
  'getRestoreSnapshotState',
  'listRestoreSnapshotJobs',
  'pinSnapshotData',
  'unpinSnapshotData',
  'addFileResource',
  'removeFileResource',
  'listFileResources',
] as const;

export type SdkMethodNotImplemented = (typeof SDK_METHODS_NOT_IMPLEMENTED)[number];

export function notImplemented(method: string): ElanusError {
  return new ElanusError(
    'NotImplemented',
    `${method}() is a Milvus SDK method that Elanus's local engine does not implement (it has one database, no users, aliases or cluster); a remote Milvus URI answers it`,
    { param: method },
  );
}

/** Installs the SDK extras and the NotImplemented stubs on a facade prototype. */
export function installSdkExtras(proto: object, backendOf: (self: unknown) => Promise<VectorClient>): void {
  const define = (name: string, value: (this: unknown, req: unknown) => Promise<unknown>) =>
    Object.defineProperty(proto, name, { value, writable: true, configurable: true });
  for (const name of SDK_EXTRA_METHODS) {
    define(name, async function (this: unknown, req: unknown) {
      const b = await backendOf(this);
      // A remote backend that speaks the method itself (the Milvus SDK) answers it.
      const own = (b as unknown as Record<string, unknown>)[name];
      if (typeof own === 'function') return (own as (r: unknown) => Promise<unknown>).call(b, req);
      const { IMPLEMENTED } = await import('./sdk-extras-impl.js');
      return IMPLEMENTED[name](b, req as never);
    });
  }
  for (const name of SDK_METHODS_NOT_IMPLEMENTED) {
    define(name, async function (this: unknown, req: unknown) {
      const b = await backendOf(this);
      const own = (b as unknown as Record<string, unknown>)[name];
      if (typeof own === 'function') return (own as (r: unknown) => Promise<unknown>).call(b, req);
      throw notImplemented(name);
    });
  }
}
