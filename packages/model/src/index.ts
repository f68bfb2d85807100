// The layers are described in ../README.md. Dense (cache, dense, env): sentence-transformers models through
// transformers.js (pymilvus' SentenceTransformerEmbeddingFunction and DefaultEmbeddingFunction), where their
// files come from, their IndexedDB cache. Sparse: pymilvus-compatible BM25
// (milvus_model.sparse.BM25EmbeddingFunction) with its NLTK-style analyzers, and SPLADE. Hybrid: BGE-M3.
export { type CachedModelInfo, evictModel, listCachedModels } from './cache/index.js';
export * from './dense/index.js';
export { env, type ModelEnv, type NumThreads, type WasmPaths } from './env.js';
export * from './hybrid/index.js';
// API embedding providers (OpenAI, Jina AI, Voyage AI, Cohere) over fetch; rerankers (API and local
// cross-encoders) and reranking of search hits.
export * from './providers/index.js';
export * from './rerank/index.js';
export * from './sparse/index.js';
