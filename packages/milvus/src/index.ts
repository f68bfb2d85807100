/**
 * @elanus/milvus — a real Milvus behind Elanus's Milvus-shaped API: the REST v2 transport (browsers and
 * Node), schema mapping between local and remote collections, and resumable sync.
 *
 * `registerRemoteTransport()` makes `new MilvusClient({ uri: 'http://host:19530' })` from `@elanus/core`
 * reach a remote Milvus; this package's own `MilvusClient` does that by itself. The gRPC transport (Node
 * only) is in `@elanus/milvus/node`.
 * @packageDocumentation
 */
import { type ClientConfig, MilvusClient as CoreMilvusClient, registerTransport } from '@elanus/core';
import { RestClient, type RestClientConfig } from './rest/client.js';

/** Routes `http://` and `https://` URIs of core's `MilvusClient` to the REST v2 transport. */
export function registerRemoteTransport(): void {
  const factory = async (config: ClientConfig) => new RestClient(config as RestClientConfig);
  registerTransport('http', factory);
  registerTransport('https', factory);
}

/** Core's facade with the remote transport registered on first construction. */
export class MilvusClient extends CoreMilvusClient {
  constructor(config: ClientConfig | string = {}) {
    registerRemoteTransport();
    super(config);
  }
}

export { RestClient, createRestClient, type RestClientConfig } from './rest/client.js';
export { parseJsonLossless, stringifyJson } from './rest/json.js';
export { remoteError } from './errors.js';
export {
  compareSchemas,
  schemaFromDescribe,
  indexesFromDescribe,
  toCreateRequest,
  type FieldInfo,
  type FunctionInfo,
  type IndexInfo,
  type SchemaDifference,
  type SchemaInfo,
} from './schema/schema.js';
export { checkCompatible, createLocalFrom, createRemoteFrom, describeSchema, type CreateFromResult } from './schema/create.js';
export {
  sync,
  remoteIdentity,
  type ConflictRule,
  type SideSummary,
  type SyncConflict,
  type SyncDirection,
  type SyncOptions,
  type SyncProgress,
  type SyncResult,
} from './sync/sync.js';
export { type CheckpointStore, MemoryCheckpointStore, defaultCheckpointStore } from './sync/checkpoint.js';
export { MemoryOpLog, StorageOpLog, recordOps, recorderOf, type OpLog, type OpLogEntry, type OpLogStorage } from './sync/oplog.js';
export { Checksum, canonicalJson, rowHasher } from './sync/hash.js';
