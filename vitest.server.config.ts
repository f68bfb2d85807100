import { defineConfig } from 'vitest/config';

// Server tier: the suites that a Milvus 2.3 server can answer (no sparse vectors, BM25 functions,
// nullable fields or filter templates there), against a genuine Milvus standalone from .venv-server.
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    include: [
      'tests/milvus/conformance-search.test.ts',
      'tests/milvus/fault.test.ts',
      'tests/milvus/aliases.test.ts',
      'tests/milvus-server/**/*.test.ts',
    ],
    globalSetup: ['tests/support/milvus-standalone-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    fileParallelism: false,
    pool: 'forks',
  },
});
