/**
 * @elanus/core — Milvus Lite for the browser.
 *
 * The in-page engine behind a Milvus-shaped API: `new MilvusClient({ uri: 'memory://' })`.
 * @packageDocumentation
 */
export { MilvusClient, registerTransport, type ClientConfig } from './client/milvus-client.js';
export { LocalClient } from './client/local-client.js';
export type * from './client/types.js';
export { createEngine, type ComputeDevice, type EngineConfig } from './engine/create.js';
export { Engine, type WriteOp } from './engine/engine.js';
export { ElanusError, ErrorCode, isElanusError, type SerializedElanusError } from './errors/index.js';
export { RRFRanker, WeightedRanker, normalizeScore } from './methods/hybrid-search.js';
export {
  ConsistencyLevel,
  DataType,
  FunctionType,
  IndexType,
  MetricType,
  type CollectionSchema,
  type FieldSchema,
  type FieldType,
  type FunctionObject,
  type SparseVector,
} from './schema/types.js';
export type { CreateCollectionReq } from './schema/normalize.js';
export { Bitset } from './util/bitset.js';
export { compileFilter, parseFilter } from './filter/index.js';
