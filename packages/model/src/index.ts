// Sparse: pymilvus-compatible BM25 (milvus_model.sparse.BM25EmbeddingFunction) and its NLTK-style analyzers.
export * from './sparse/index.js';
