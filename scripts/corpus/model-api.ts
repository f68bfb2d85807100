// The one place the corpus script reaches @elanus/model. Its public entry does not export the dense
// embedding functions and `env` yet (only the sparse BM25 side), so this reads them from the package's
// sources; switch to `from '@elanus/model'` once the entry exports them.
export { DefaultEmbeddingFunction } from '../../packages/model/src/dense/index.js';
export { env as modelEnv } from '../../packages/model/src/env.js';
