/**
 * `@elanus/llamaindex`: a LlamaIndex.TS `BaseVectorStore` over an Elanus `MilvusClient`, so a LlamaIndex app
 * keeps its nodes in the page (memory://, idb://, a worker) or in a remote Milvus by changing the URI.
 */
export { toMilvusFilter } from './filter.js';
export { ElanusVectorStore, type ElanusVectorStoreArgs } from './vector-store.js';
