// Dense (cache, dense, env): sentence-transformers models through transformers.js (pymilvus'
// SentenceTransformerEmbeddingFunction and DefaultEmbeddingFunction), where their files come from, their
// IndexedDB cache. Sparse: pymilvus-compatible BM25 (milvus_model.sparse.BM25EmbeddingFunction) and its
// NLTK-style analyzers.
export { type CachedModelInfo, evictModel, listCachedModels } from './cache/index.js';
export * from './dense/index.js';
export { env, type ModelEnv, type WasmPaths } from './env.js';
export * from './sparse/index.js';
