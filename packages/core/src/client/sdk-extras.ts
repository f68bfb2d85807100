// The rest of @zilliz/milvus2-sdk-node's MilvusClient surface, for code written against the SDK
// (LangChain's and LlamaIndex's Milvus stores call `flushSync`, `loadCollectionSync`, `getVersion`...).
// Each method here is built from the core `VectorClient` methods, so every backend (in-thread, worker,
// IndexedDB) answers it the same way; a remote backend that has the method itself answers it instead.
// SDK methods that have no local meaning (users and roles, resource groups, replication, bulk import)
// reject with `NotImplemented` naming the method, never with `TypeError: … is not a function`.

import { type ElanusError, elanusError } from '../errors/index.js';
import type { SdkExtras } from './sdk-extras-types.js';
import type { VectorClient } from './types.js';

export type {
  AnalyzerToken,
  FlushResult,
  FlushSyncReq,
  IndexStateReq,
  PartitionsReq,
  RunAnalyzerReq,
  RunAnalyzerRes,
  SdkExtras,
} from './sdk-extras-types.js';
export { ELANUS_VERSION } from './sdk-extras-types.js';

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
  // schema changes after creation (properties are implemented)
  'alterCollectionSchema',
  'addCollectionField',
  'addCollectionFields',
  'dropCollectionField',
  'addCollectionFunction',
  'alterCollectionFunction',
  'dropCollectionFunction',
  'addFunctionField',
  'dropFunctionField',
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
  return elanusError('sdkMethodNotImplemented', { method }, { param: method });
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
