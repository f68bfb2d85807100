import { defineConfig } from 'vitest/config';

// Consumer tier: the packed packages installed into fresh apps, built by several bundlers, run in Chromium.
export default defineConfig({
  test: {
    include: ['tests/consumer/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 600_000,
    pool: 'forks',
  },
});
