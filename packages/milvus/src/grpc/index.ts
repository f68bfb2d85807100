/**
 * @elanus/milvus/node — the gRPC transport (Node only, through `@zilliz/milvus2-sdk-node`, an optional
 * peer dependency) and a file checkpoint store, plus everything `@elanus/milvus` exports.
 * @packageDocumentation
 */
import { type ClientConfig, registerTransport } from '@elanus/core';
import { GrpcClient, type GrpcClientConfig } from './client.js';

/**
 * Routes `grpc://host:port` (and `grpcs://`) URIs of core's `MilvusClient` to the gRPC transport. With
 * `{ http: true }` it also takes `http(s)://` URIs, which Milvus serves gRPC on as well.
 */
export function registerGrpcTransport(options: { http?: boolean } = {}): void {
  const factory = async (config: ClientConfig) => new GrpcClient(config as GrpcClientConfig);
  registerTransport('grpc', factory);
  registerTransport('grpcs', factory);
  if (options.http) {
    registerTransport('http', factory);
    registerTransport('https', factory);
  }
}

export * from '../index.js';
export * from '../rest/index.js';
export { FileCheckpointStore } from '../sync/checkpoint-file.js';
export { createGrpcClient, GrpcClient, type GrpcClientConfig, parseGrpcUri } from './client.js';
