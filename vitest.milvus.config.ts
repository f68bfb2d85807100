import { defineConfig } from 'vitest/config';

// Milvus integration tier: tests against a real Milvus API (milvus-lite from .venv), one server per run.
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    include: ['tests/milvus/**/*.test.ts'],
    globalSetup: ['tests/support/milvus-global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Test files share one server; run them one at a time so collections and timings do not collide.
    fileParallelism: false,
    pool: 'forks',
  },
});
