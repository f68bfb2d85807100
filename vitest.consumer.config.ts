import { defineConfig } from 'vitest/config';

// Consumer tier: the packed packages installed into fresh apps, built by several bundlers, run in Chromium.
export default defineConfig({
  test: {
    include: ['tests/consumer/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 600_000,
    pool: 'forks',
    // One app at a time: each file packs, installs, builds with three bundlers and drives Chromium.
    fileParallelism: false,
  },
});
