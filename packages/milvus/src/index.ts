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
import type { RestClientConfig } from './rest/client.js';

/**
 * Routes `http://` and `https://` URIs (and the SDK's bare `host:port`) of core's `MilvusClient` to the
 * REST v2 transport, a lazy chunk loaded on the first remote connection: an app whose clients are all
 * local (`memory://`, `idb://`, `opfs://`) never loads it. The class itself: `@elanus/milvus/rest`.
 */
export function registerRemoteTransport(): void {
  const factory = async (config: ClientConfig) => {
    const { RestClient } = await import('./rest/client.js');
    return new RestClient(config as RestClientConfig);
  };
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

export { remoteError } from './errors.js';
export type { RestClientConfig } from './rest/client.js';
export { parseJsonLossless, stringifyJson } from './rest/json.js';
export {
  type CreateFromResult,
  checkCompatible,
  createLocalFrom,
  createRemoteFrom,
  describeSchema,
} from './schema/create.js';
export {
  compareSchemas,
  type FieldInfo,
  type FunctionInfo,
  type IndexInfo,
  indexesFromDescribe,
  type SchemaDifference,
  type SchemaInfo,
  schemaFromDescribe,
  toCreateRequest,
} from './schema/schema.js';
export { MemoryCheckpointStore } from './sync/checkpoint-memory.js';
export type { CheckpointStore } from './sync/checkpoint-store.js';
export { defaultCheckpointStore } from './sync/default-checkpoint-store.js';
export { Checksum, canonicalJson, rowHasher } from './sync/hash.js';
export {
  MemoryOpLog,
  type OpLog,
  type OpLogEntry,
  type RecordableClient,
  recorderOf,
  recordOps,
  StorageOpLog,
} from './sync/oplog.js';
export type { OpLogStorage } from './sync/oplog-storage.js';
export {
  type ConflictRule,
  remoteIdentity,
  type SideSummary,
  type SyncConflict,
  type SyncDirection,
  type SyncOptions,
  type SyncProgress,
  type SyncResult,
  sync,
} from './sync/sync.js';
