// Dense (cache, dense, env): sentence-transformers models through transformers.js (pymilvus'
// SentenceTransformerEmbeddingFunction and DefaultEmbeddingFunction), where their files come from, their
// IndexedDB cache. Sparse: pymilvus-compatible BM25 (milvus_model.sparse.BM25EmbeddingFunction) and its
// NLTK-style analyzers.
export { type CachedModelInfo, evictModel, listCachedModels } from './cache/index.js';
// API embedding providers (OpenAI, Jina AI, Voyage AI, Cohere) over fetch; rerankers (API and local
// cross-encoders) and reranking of search hits; SPLADE and BGE-M3 on transformers.js.
export {
  type BGEM3Dim,
  BGEM3EmbeddingFunction,
  type BGEM3Embeddings,
  type BGEM3Options,
} from './dense/bge-m3.js';
export * from './dense/index.js';
export { SpladeEmbeddingFunction, type SpladeOptions } from './dense/splade.js';
export { env, type ModelEnv, type WasmPaths } from './env.js';
export * from './providers/index.js';
export * from './rerank/index.js';
export * from './sparse/index.js';
