/**
 * @elanus/core — Milvus Lite for the browser.
 *
 * The in-page engine behind a Milvus-shaped API: `new MilvusClient({ uri: 'memory://' })`.
 * @packageDocumentation
 */

export {
  BulkWriter,
  type BulkWriterOptions,
  type FlushEvent as BulkWriterFlushEvent,
} from './client/bulk-writer.js';
export { type HttpBaseResponse, HttpClient, type HttpClientConfig } from './client/http-client.js';
export { LocalClient } from './client/local-client.js';
export { METHOD_NAMES, METHODS, type MethodName, type MethodSpec } from './client/method-table.js';
export { type ClientConfig, MilvusClient, registerTransport } from './client/milvus-client.js';
export {
  ELANUS_VERSION,
  type FlushResult,
  type RunAnalyzerReq,
  type RunAnalyzerRes,
  SDK_METHODS_NOT_IMPLEMENTED,
  type SdkExtras,
} from './client/sdk-extras.js';
export type * from './client/types.js';
export { ConsistencyLevelEnum, FieldPartialUpdateOpType } from './client/types.js';
export type { BatchSearcher, BatchSearchStats } from './engine/batch-search.js';
export { type Capabilities, capabilities, resolveDevice } from './engine/capabilities.js';
export { type ComputeDevice, createEngine, type EngineConfig } from './engine/create.js';
export { Engine, type WriteOp } from './engine/engine.js';
export { ElanusError, ErrorCode, isElanusError, type SerializedElanusError } from './errors/index.js';
export { compileFilter, parseFilter } from './filter/index.js';
export { normalizeScore, RRFRanker, WeightedRanker } from './methods/hybrid-search.js';
export type { CreateCollectionReq } from './schema/normalize.js';
export {
  type CollectionSchema,
  ConsistencyLevel,
  DataType,
  type FieldSchema,
  type FieldType,
  type FunctionObject,
  FunctionType,
  IndexType,
  MetricType,
  type SparseVector,
} from './schema/types.js';
export { Bitset } from './util/bitset.js';
