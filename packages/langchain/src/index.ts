/**
 * `@elanus/langchain`: a LangChain.js `VectorStore` over an Elanus `MilvusClient`, so a LangChain app
 * keeps its vectors in the page (memory://, idb://, a worker) or in a remote Milvus by changing the URI.
 */
export { type MetadataFilter, toMilvusFilter } from './filter.js';
export {
  type ElanusFullTextOptions,
  ElanusHybridRetriever,
  type ElanusHybridRetrieverInput,
  type ElanusHybridSearchOptions,
  ElanusVectorStore,
  type ElanusVectorStoreArgs,
} from './vector-store.js';
