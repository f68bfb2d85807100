// The one place the demo reaches @elanus/model's dense side. The package's public entry does not export
// `DefaultEmbeddingFunction` and `env` yet (only the sparse BM25 side), so this reads them from its
// sources; switch to `from '@elanus/model'` once the entry exports them.

export type { EmbeddingProgress } from '../../../../packages/model/src/dense/index.js';
export { DefaultEmbeddingFunction } from '../../../../packages/model/src/dense/index.js';
export { env as modelEnv } from '../../../../packages/model/src/env.js';

/**
 * A reranker from @elanus/model (a cross-encoder `RerankFunction(query, documents, { top_k })` in the
 * design). None exists yet: the page shows rerank as not available.
 */
export const rerankerAvailable = false;
