/**
 * `@elanus/milvus/rest`: the REST v2 transport as a class, for code that talks to a remote Milvus
 * directly. `MilvusClient` of `@elanus/milvus` loads it by itself on its first remote connection, so an
 * app that imports only that never carries it until it connects.
 * @packageDocumentation
 */
export { createRestClient, RestClient, type RestClientConfig } from './client.js';
